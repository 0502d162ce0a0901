"""A Python caller whose data converter writes MessagePack where it would write JSON, calling
Rust activities whose worker has the matching converter (examples/msgpack/converter.rs).

Run by tests/e2e/payload_converter.rs as
    python msgpack_caller.py ADDRESS RUST_TASK_QUEUE
        A workflow calls `quote_order` with an order (a dict) and no coupon, `refuse_order`,
        which fails with details, then `stall_with_progress` with a 2 s heartbeat timeout and
        one attempt; it prints the quote, the refusal's type and details, the heartbeat details
        that the timeout carried, and the encodings of the first activity's arguments and
        result, and of the refusal's details, as the workflow's history holds them.
"""

import dataclasses
import json
import sys
import uuid
from datetime import timedelta
from typing import Any, Optional

import msgpack
import temporalio.converter
from temporalio import workflow
from temporalio.api.common.v1 import Payload
from temporalio.client import Client
from temporalio.common import RetryPolicy
from temporalio.converter import (
    CompositePayloadConverter,
    DefaultPayloadConverter,
    EncodingPayloadConverter,
    JSONPlainPayloadConverter,
)
from temporalio.exceptions import ActivityError, ApplicationError, TimeoutError

from clean_exit import run_and_exit
from own_worker import execute_workflow

MSGPACK = "binary/msgpack"

ORDER = {
    "id": "o-17",
    "lines": [
        {"sku": "tea", "cents": 450, "quantity": 2},
        {"sku": "cup", "cents": 1200, "quantity": 1},
    ],
    "rush": True,
}


class MsgPackEncodingConverter(EncodingPayloadConverter):
    @property
    def encoding(self) -> str:
        return MSGPACK

    def to_payload(self, value: Any) -> Optional[Payload]:
        return Payload(metadata={"encoding": MSGPACK.encode()}, data=msgpack.packb(value))

    def from_payload(self, payload: Payload, type_hint: Optional[type] = None) -> Any:
        return msgpack.unpackb(payload.data)


class MsgPackPayloadConverter(CompositePayloadConverter):
    """The default converters, with msgpack in place of JSON."""

    def __init__(self) -> None:
        super().__init__(
            *(
                converter
                for converter in DefaultPayloadConverter.default_encoding_payload_converters
                if not isinstance(converter, JSONPlainPayloadConverter)
            ),
            MsgPackEncodingConverter(),
        )


@workflow.defn
class QuoteInMsgPack:
    @workflow.run
    async def run(self, rust_queue: str) -> dict:
        quote = await workflow.execute_activity(
            "quote_order",
            args=[ORDER, None],
            task_queue=rust_queue,
            start_to_close_timeout=timedelta(seconds=60),
            retry_policy=RetryPolicy(initial_interval=timedelta(milliseconds=100), maximum_attempts=3),
        )
        refusal: Any = "completed"
        try:
            await workflow.execute_activity(
                "refuse_order",
                ORDER,
                task_queue=rust_queue,
                start_to_close_timeout=timedelta(seconds=60),
            )
        except ActivityError as error:
            cause = error.cause
            refusal = (
                {"type": cause.type, "message": cause.message, "details": list(cause.details)}
                if isinstance(cause, ApplicationError)
                else type(cause).__name__
            )
        stalled: Any = "completed"
        try:
            await workflow.execute_activity(
                "stall_with_progress",
                task_queue=rust_queue,
                start_to_close_timeout=timedelta(seconds=60),
                heartbeat_timeout=timedelta(seconds=2),
                retry_policy=RetryPolicy(maximum_attempts=1),
            )
        except ActivityError as error:
            cause = error.cause
            stalled = (
                list(cause.last_heartbeat_details)
                if isinstance(cause, TimeoutError)
                else type(cause).__name__
            )
        return {"quote": quote, "refusal": refusal, "stalled": stalled}


def encodings(payloads) -> list:
    return [payload.metadata["encoding"].decode() for payload in payloads.payloads]


async def main() -> None:
    address, rust_queue = sys.argv[1:3]
    data_converter = dataclasses.replace(
        temporalio.converter.default(), payload_converter_class=MsgPackPayloadConverter
    )
    client = await Client.connect(address, data_converter=data_converter)
    workflow_id = f"quote-in-msgpack-{uuid.uuid4()}"
    out = await execute_workflow(client, QuoteInMsgPack, [rust_queue], "quote-in-msgpack", workflow_id)
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    for event in history.events:
        if event.HasField("activity_task_scheduled_event_attributes"):
            attributes = event.activity_task_scheduled_event_attributes
            if attributes.activity_type.name == "quote_order":
                out["argument_encodings"] = encodings(attributes.input)
        if event.HasField("activity_task_failed_event_attributes"):
            failure = event.activity_task_failed_event_attributes.failure
            if failure.application_failure_info.type == "OutOfStock":
                out["detail_encodings"] = encodings(failure.application_failure_info.details)
        if event.HasField("activity_task_completed_event_attributes"):
            out["result_encodings"] = encodings(event.activity_task_completed_event_attributes.result)
    print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    run_and_exit(main)
