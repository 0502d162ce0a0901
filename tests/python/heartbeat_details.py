"""Several heartbeat details, between Python and Rust activities.

Run by tests/e2e/heartbeats.rs as
    python heartbeat_details.py ADDRESS fail_after TOKEN_BASE64
        Heartbeats the activity of the task token with two details, `7` and `"cursor-9"`, as a
        Python attempt would with `activity.heartbeat(7, "cursor-9")`, then fails it with the
        same last details, so that the next attempt resumes from them.
    python heartbeat_details.py ADDRESS timed_out RUST_TASK_QUEUE
        A workflow calls the Rust activity `heartbeat_then_stall` with a 2 s heartbeat timeout
        and one attempt, and prints the last heartbeat details that its timeout carries.
"""

import base64
import json
import sys
from datetime import timedelta
from typing import Any, List

from temporalio import workflow
from temporalio.client import Client
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError, TimeoutError

from clean_exit import run_and_exit
from own_worker import execute_workflow

DETAILS = [7, "cursor-9"]


@workflow.defn
class ReadTimedOutDetails:
    @workflow.run
    async def run(self, rust_queue: str) -> dict:
        try:
            await workflow.execute_activity(
                "heartbeat_then_stall",
                task_queue=rust_queue,
                start_to_close_timeout=timedelta(seconds=60),
                heartbeat_timeout=timedelta(seconds=2),
                retry_policy=RetryPolicy(maximum_attempts=1),
            )
            return {"outcome": "completed"}
        except ActivityError as error:
            cause = error.cause
            out: dict[str, Any] = {"outcome": type(cause).__name__}
            if isinstance(cause, TimeoutError):
                out["details"] = list(cause.last_heartbeat_details)
            return out


async def main() -> None:
    address, command, argument = sys.argv[1:4]
    client = await Client.connect(address)
    if command == "fail_after":
        handle = client.get_async_activity_handle(task_token=base64.b64decode(argument))
        await handle.heartbeat(*DETAILS)
        await handle.fail(
            ApplicationError("handed back after two details"),
            last_heartbeat_details=DETAILS,
        )
        out = {"failed": True}
    elif command == "timed_out":
        out = await execute_workflow(
            client, ReadTimedOutDetails, [argument], "read-timed-out-details"
        )
    else:
        raise ValueError(f"unknown command {command}")
    print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    run_and_exit(main)
