"""A Python workflow cancels a heartbeating Rust activity and reports what it saw.

Run by tests/e2e/reliability/faults.rs as
    python cancel_rust_activity.py ADDRESS RUST_TASK_QUEUE ACTIVITY_TYPE
"""

import asyncio
import json
import sys
from datetime import timedelta

from temporalio import workflow
from temporalio.client import Client
from temporalio.exceptions import ActivityError, CancelledError
from temporalio.workflow import ActivityCancellationType

from clean_exit import run_and_exit
from own_worker import execute_workflow


@workflow.defn
class CancelRust:
    @workflow.run
    async def run(self, rust_queue: str, activity_type: str) -> dict:
        handle = workflow.start_activity(
            activity_type,
            task_queue=rust_queue,
            start_to_close_timeout=timedelta(seconds=60),
            heartbeat_timeout=timedelta(seconds=2),
            cancellation_type=ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
        )
        await asyncio.sleep(1)
        handle.cancel()
        try:
            await handle
            return {"cancelled": False, "cause": ""}
        except ActivityError as error:
            return {
                "cancelled": isinstance(error.cause, CancelledError),
                "cause": type(error.cause).__name__,
            }


async def main() -> None:
    address, rust_queue, activity_type = sys.argv[1:4]
    client = await Client.connect(address)
    out = await execute_workflow(client, CancelRust, [rust_queue, activity_type], "cancel-rust")
    print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    run_and_exit(main)
