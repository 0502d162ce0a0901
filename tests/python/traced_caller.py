"""A Python caller traced with OpenTelemetry, calling a Rust activity through Temporal's own
`TracingInterceptor`, for tests/e2e/tracing.rs.

    python traced_caller.py ADDRESS RUST_QUEUE MODE

MODE `standalone` starts the activity from the client; `workflow` from a Python workflow, whose
worker shares the client's interceptor; `onward` starts `traced_onward` from the client, which
starts the Python workflow `Downstream` on a queue this process serves with the same
interceptor, so that its `RunWorkflow:Downstream` span shows where the trace came from. Either way the interceptor writes the calling span's
context into the activity's `_tracer-data` header. Prints one JSON object: the activity's
result and every span Python recorded (name, trace and span ids, parent id), in memory.
"""

import json
import sys
import uuid
from datetime import timedelta

from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from temporalio import workflow
from temporalio.client import Client
from temporalio.contrib.opentelemetry import TracingInterceptor
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from clean_exit import run_and_exit
from own_worker import execute_workflow


@workflow.defn(sandboxed=False)
class CallTraced:
    @workflow.run
    async def run(self, rust_queue: str) -> str:
        return await workflow.execute_activity(
            "traced",
            "from a workflow",
            task_queue=rust_queue,
            start_to_close_timeout=timedelta(seconds=10),
        )


@workflow.defn(name="Downstream", sandboxed=False)
class Downstream:
    @workflow.run
    async def run(self) -> str:
        return "downstream"


def described(span) -> dict:
    return {
        "name": span.name,
        "trace_id": format(span.context.trace_id, "032x"),
        "span_id": format(span.context.span_id, "016x"),
        "parent_id": format(span.parent.span_id, "016x") if span.parent else None,
    }


async def main() -> None:
    address, rust_queue, mode = sys.argv[1:4]
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    client = await Client.connect(address, interceptors=[TracingInterceptor()])
    if mode == "workflow":
        result = await execute_workflow(client, CallTraced, [rust_queue], "traced")
    elif mode == "onward":
        downstream_queue = f"downstream-{uuid.uuid4()}"
        async with Worker(
            client,
            task_queue=downstream_queue,
            workflows=[Downstream],
            workflow_runner=UnsandboxedWorkflowRunner(),
        ):
            result = await client.execute_activity(
                "traced_onward",
                downstream_queue,
                id=f"traced-onward-{uuid.uuid4()}",
                task_queue=rust_queue,
                start_to_close_timeout=timedelta(seconds=20),
            )
    else:
        result = await client.execute_activity(
            "traced",
            "from a client",
            id=f"traced-{uuid.uuid4()}",
            task_queue=rust_queue,
            start_to_close_timeout=timedelta(seconds=10),
        )
    spans = [described(span) for span in exporter.get_finished_spans()]
    print(json.dumps({"result": result, "spans": spans}, sort_keys=True))


if __name__ == "__main__":
    run_and_exit(main)
