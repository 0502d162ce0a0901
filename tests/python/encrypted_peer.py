"""The Python SDK with the encryption codec of Temporal's Python sample, as a peer of a Rust
worker and client that encrypt with activity-runtime's EncryptionCodec.

Run by tests/e2e/security/encryption.rs as
    python encrypted_peer.py ADDRESS KEY_ID KEY_HEX call RUST_QUEUE SECRET WORKFLOW_ID
        A Python workflow (id WORKFLOW_ID) calls the Rust activities with SECRET: one that
        returns it, one that fails quoting it, and one that takes a number. It
        prints one JSON object with what Python read of each.
    python encrypted_peer.py ADDRESS KEY_ID KEY_HEX serve PY_QUEUE
        Serves `python_keep_secret` on PY_QUEUE, refusing any payload that arrives unencrypted;
        prints `ready` once it polls, and runs until killed.
Both use encoded failure attributes (`encode_common_attributes`), as the Rust worker does.
"""

import asyncio
import dataclasses
import json
import sys
from datetime import timedelta
from typing import Any, Dict

import temporalio.converter
from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.common import RetryPolicy
from temporalio.converter import DefaultFailureConverterWithEncodedAttributes
from temporalio.exceptions import ActivityError, ApplicationError
from temporalio.worker import Worker

from clean_exit import run_and_exit
from encryption_codec import EncryptionCodec
from own_worker import execute_workflow


def read_failure(error: BaseException) -> Dict[str, Any]:
    cause = error.cause if isinstance(error, ActivityError) else error
    assert isinstance(cause, ApplicationError), f"not an ApplicationError: {error!r}"
    return {"type": cause.type, "message": cause.message, "non_retryable": cause.non_retryable}


@workflow.defn
class CallRustWithSecret:
    @workflow.run
    async def run(self, rust_queue: str, secret: str) -> Dict[str, Any]:
        options = {
            "task_queue": rust_queue,
            "start_to_close_timeout": timedelta(seconds=10),
            "retry_policy": RetryPolicy(maximum_attempts=1),
        }
        out: Dict[str, Any] = {}
        out["kept"] = await workflow.execute_activity("keep_secret", args=[secret], **options)
        # `charge` takes an amount: the secret in its place fails to decode, quoted.
        for name, args in [("refuse_secret", [secret]), ("charge", [secret])]:
            try:
                await workflow.execute_activity(name, args=args, **options)
                out[name] = None
            except ActivityError as error:
                out[name] = read_failure(error)
        return out


@activity.defn
async def python_keep_secret(text: str) -> str:
    return f"python kept: {text}"


async def main() -> None:
    address, key_id, key_hex, mode = sys.argv[1:5]
    strict = mode == "serve"
    converter = dataclasses.replace(
        temporalio.converter.default(),
        payload_codec=EncryptionCodec(key_id, bytes.fromhex(key_hex), strict=strict),
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )
    client = await Client.connect(address, data_converter=converter)
    if mode == "call":
        rust_queue, secret, workflow_id = sys.argv[5:8]
        out = await execute_workflow(
            client, CallRustWithSecret, [rust_queue, secret], "encrypted", id=workflow_id
        )
        print(json.dumps(out, sort_keys=True))
        return
    (queue,) = sys.argv[5:6]
    async with Worker(client, task_queue=queue, activities=[python_keep_secret]):
        print("ready", flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    run_and_exit(main)
