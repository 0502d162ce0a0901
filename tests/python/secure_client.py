"""The Python SDK as a client of a Rust worker through a TLS-terminating proxy.

Run by tests/e2e/security as
    python secure_client.py ADDRESS TASK_QUEUE SERVER_CA_PATH [API_KEY]
it executes the seed's `your_activity` as a standalone activity over TLS (trusting only the CA
at SERVER_CA_PATH, sending API_KEY when given) and prints one JSON object with the result.
"""

import json
import sys
import uuid
from datetime import timedelta

from temporalio.client import Client
from temporalio.service import TLSConfig

from clean_exit import run_and_exit


async def main() -> None:
    address, task_queue, ca_path = sys.argv[1:4]
    api_key = sys.argv[4] if len(sys.argv) > 4 else None
    with open(ca_path, "rb") as ca:
        tls = TLSConfig(server_root_ca_cert=ca.read())
    client = await Client.connect(address, tls=tls, api_key=api_key)
    result = await client.execute_activity(
        "your_activity",
        args=[{"greeting": "Hello", "name": "Python over TLS"}],
        id=f"secure-{uuid.uuid4()}",
        task_queue=task_queue,
        start_to_close_timeout=timedelta(seconds=10),
    )
    print(json.dumps({"result": result}))


if __name__ == "__main__":
    run_and_exit(main)
