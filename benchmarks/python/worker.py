"""The Python SDK's worker serving the seed's `your_activity` (SEED.md), and the sleepers of
the scale benchmark, for the end-to-end benchmarks:
`python worker.py --address HOST:PORT --task-queue QUEUE [--slots N]`.

Blocking activities run on a thread pool executor with a thread per slot, as the SDK's
documentation asks for synchronous activities.

It prints `ready` once it polls and stops on SIGTERM, ending with os._exit so that the SDK's
finalization (which can crash after all work is done) never runs.
"""

import argparse
import asyncio
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
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


@activity.defn(name="sleep_async")
async def sleep_async(milliseconds: int) -> None:
    await asyncio.sleep(milliseconds / 1000)


@activity.defn(name="sleep_blocking")
def sleep_blocking(milliseconds: int) -> None:
    time.sleep(milliseconds / 1000)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--address", required=True)
    parser.add_argument("--task-queue", required=True)
    parser.add_argument("--slots", type=int, default=None)
    args = parser.parse_args()
    # The SDK's default slots, 100, unless the run asks for more.
    slots = args.slots or 100
    client = await Client.connect(args.address)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with Worker(
        client,
        task_queue=args.task_queue,
        activities=[your_activity, sleep_async, sleep_blocking],
        activity_executor=ThreadPoolExecutor(max_workers=slots),
        max_concurrent_activities=slots,
    ):
        print("ready", flush=True)
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
    os._exit(0)
