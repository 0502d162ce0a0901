"""The Python SDK as a real client of activities served by activity-runtime.

Run by tests/e2e/python.rs as
    python call_rust_activities.py ADDRESS RUST_TASK_QUEUE {workflow|standalone}
it prints one JSON object with what Python received.

- workflow: a Python workflow, on a Python worker, calls the Rust activities by name.
- standalone: client.execute_activity runs them with no workflow at all.
"""

import dataclasses
import json
import sys
import uuid
from datetime import timedelta
from typing import Any, Dict, List, Optional

from temporalio import workflow
from temporalio.client import Client
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

from clean_exit import run_and_exit
from own_worker import execute_workflow


@dataclasses.dataclass
class Address:
    street: str
    city: str


@dataclasses.dataclass
class Customer:
    name: str
    tags: List[str]
    address: Address
    nickname: Optional[str] = None


CUSTOMER = Customer(
    name="Zoë", tags=["vip"], address=Address(street="1 Rue d'Été", city="Paris")
)


def describe(error: BaseException) -> Dict[str, Any]:
    """What a caller sees of an activity's failure."""
    cause = error.cause if isinstance(error, ActivityError) else error.__cause__ or error
    while cause is not None and not isinstance(cause, ApplicationError):
        cause = getattr(cause, "cause", None) or cause.__cause__
    assert cause is not None, f"no ApplicationError in {error!r}"
    return {
        "class": type(cause).__name__,
        "type": cause.type,
        "message": cause.message,
        "non_retryable": cause.non_retryable,
        "details": list(cause.details),
        "stack_trace": cause.failure.stack_trace if cause.failure else None,
    }


async def call_all(run, options: Dict[str, Any]) -> Dict[str, Any]:
    """Calls every Rust activity with `run(name, args, **options)`."""
    out: Dict[str, Any] = {}
    out["greet"] = await run("greet_many", ["Hi", ["Ann", "Bo"], None], **options)
    out["greet_two_args"] = await run("greet_many", ["Hi", ["Ann"]], **options)
    out["bytes"] = list(await run("reverse_bytes", [b"\x00\x01\xff"], result_type=bytes, **options))
    customer = await run("rename_customer", [CUSTOMER, "Zoé"], result_type=Customer, **options)
    out["customer"] = dataclasses.asdict(customer)
    out["unicode"] = await run("shout", ["héllo ✓ 日本 🎉"], **options)
    out["total"] = await run("compute_total", [[100, 300], 10], **options)
    try:
        await run(
            "decline_payment",
            [51],
            retry_policy=RetryPolicy(maximum_attempts=3),
            **options,
        )
        out["error"] = None
    except Exception as error:  # noqa: BLE001 - record whatever arrives
        out["error"] = describe(error)
    try:
        await run(
            "check_stock",
            ["A-17"],
            retry_policy=RetryPolicy(maximum_attempts=1),
            **options,
        )
        out["panic"] = None
    except Exception as error:  # noqa: BLE001 - record whatever arrives
        out["panic"] = describe(error)
    out["resumed"] = await run(
        "resume_from_heartbeat",
        [3],
        heartbeat_timeout=timedelta(seconds=10),
        retry_policy=RetryPolicy(initial_interval=timedelta(milliseconds=100), maximum_attempts=3),
        **options,
    )
    return out


@workflow.defn
class CallRust:
    @workflow.run
    async def run(self, rust_queue: str) -> Dict[str, Any]:
        async def run(name, args, **kwargs):
            return await workflow.execute_activity(name, args=args, **kwargs)

        return await call_all(
            run,
            {"task_queue": rust_queue, "start_to_close_timeout": timedelta(seconds=10)},
        )


async def main() -> None:
    address, rust_queue, mode = sys.argv[1:4]
    client = await Client.connect(address)
    if mode == "workflow":
        out = await execute_workflow(client, CallRust, [rust_queue], "call-rust")
    else:

        async def run(name, args, **kwargs):
            return await client.execute_activity(
                name, args=args, id=f"{name}-{uuid.uuid4()}", **kwargs
            )

        out = await call_all(
            run,
            {"task_queue": rust_queue, "start_to_close_timeout": timedelta(seconds=10)},
        )
    print(json.dumps(out, ensure_ascii=False, sort_keys=True))


if __name__ == "__main__":
    run_and_exit(main)
