"""The Python SDK's worker serving the seed's `your_activity` (SEED.md), for the end-to-end
benchmark: `python worker.py --address HOST:PORT --task-queue QUEUE`.

It prints `ready` once it polls and stops on SIGTERM, ending with os._exit so that the SDK's
finalization (which can crash after all work is done) never runs.
"""

import argparse
import asyncio
import os
import signal
from dataclasses import dataclass

from temporalio import activity
from temporalio.client import Client
from temporalio.worker import Worker


@dataclass
class YourParams:
    greeting: str
    name: str


@activity.defn(name="your_activity")
async def your_activity(input: YourParams) -> str:
    return f"{input.greeting}, {input.name}!"


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--address", required=True)
    parser.add_argument("--task-queue", required=True)
    args = parser.parse_args()
    client = await Client.connect(args.address)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with Worker(client, task_queue=args.task_queue, activities=[your_activity]):
        print("ready", flush=True)
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
    os._exit(0)
