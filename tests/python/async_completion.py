"""Python's side of asynchronous completion, against Rust activities and Rust completers.

Run by tests/e2e/async_completion.rs as
    python async_completion.py ADDRESS workflow RUST_TASK_QUEUE MODE
        A workflow calls the Rust activity `request_approval`, waits for the activity's
        `approval_requested` signal, cancels the activity when MODE is `cancel`, and prints
        what the activity ended with.
    python async_completion.py ADDRESS complete TOKEN_BASE64 RESULT_JSON
        Completes the activity of the task token with the result, as any Python service does.
    python async_completion.py ADDRESS hand_off TOKEN_FILE
        A Python worker's activity hands its completion off and writes its task token to
        TOKEN_FILE; a workflow calls it and prints its result once someone else completed it.
"""

import base64
import json
import os
import sys
import uuid
from datetime import timedelta
from typing import Any, Optional

from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError
from temporalio.worker import Worker
from temporalio.workflow import ActivityCancellationType

from clean_exit import run_and_exit
from own_worker import execute_workflow


@workflow.defn
class AwaitRustApproval:
    def __init__(self) -> None:
        self.requested: Optional[str] = None

    @workflow.signal
    def approval_requested(self, activity_id: str) -> None:
        self.requested = activity_id

    @workflow.run
    async def run(self, rust_queue: str, mode: str) -> dict:
        handle = workflow.start_activity(
            "request_approval",
            {"order": "A-1042", "amount_cents": 1250},
            task_queue=rust_queue,
            start_to_close_timeout=timedelta(seconds=60),
            retry_policy=RetryPolicy(
                initial_interval=timedelta(milliseconds=100), maximum_attempts=3
            ),
            cancellation_type=ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
        )
        await workflow.wait_condition(lambda: self.requested is not None)
        if mode == "cancel":
            handle.cancel()
        try:
            return {"outcome": "completed", "result": await handle, "requested": self.requested}
        except ActivityError as error:
            cause = error.cause
            out: dict[str, Any] = {
                "outcome": type(cause).__name__,
                "requested": self.requested,
                "retry_state": error.retry_state.name if error.retry_state else None,
            }
            if isinstance(cause, ApplicationError):
                out.update(
                    type=cause.type, message=cause.message, non_retryable=cause.non_retryable
                )
            return out


# Where `python_approval` writes its task token: the hand_off command's TOKEN_FILE.
TOKEN_FILE = ""


@activity.defn
async def python_approval(order: str) -> dict:
    # Written whole, then renamed, so that the test never reads half a token.
    with open(TOKEN_FILE + ".tmp", "w") as out:
        out.write(base64.b64encode(activity.info().task_token).decode())
    os.replace(TOKEN_FILE + ".tmp", TOKEN_FILE)
    activity.raise_complete_async()


@workflow.defn
class AwaitPythonApproval:
    @workflow.run
    async def run(self, activity_queue: str) -> dict:
        return await workflow.execute_activity(
            python_approval,
            "A-1042",
            task_queue=activity_queue,
            start_to_close_timeout=timedelta(seconds=60),
            retry_policy=RetryPolicy(maximum_attempts=1),
        )


async def main() -> None:
    address, command = sys.argv[1:3]
    client = await Client.connect(address)
    if command == "workflow":
        rust_queue, mode = sys.argv[3:5]
        out = await execute_workflow(
            client, AwaitRustApproval, [rust_queue, mode], f"await-rust-{mode}"
        )
    elif command == "complete":
        token, result = sys.argv[3:5]
        handle = client.get_async_activity_handle(task_token=base64.b64decode(token))
        await handle.complete(json.loads(result))
        out = {"completed": True}
    elif command == "hand_off":
        global TOKEN_FILE
        TOKEN_FILE = sys.argv[3]
        activity_queue = f"python-approvals-{uuid.uuid4()}"
        async with Worker(client, task_queue=activity_queue, activities=[python_approval]):
            out = await execute_workflow(
                client, AwaitPythonApproval, [activity_queue], "await-python"
            )
    else:
        raise ValueError(f"unknown command {command}")
    print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    run_and_exit(main)
