"""Runs a Python workflow to its end on a worker of its own, for the tests' Python helpers."""

import uuid
from typing import Optional

from temporalio.client import Client
from temporalio.worker import UnsandboxedWorkflowRunner, Worker


async def execute_workflow(client: Client, workflow, args, name: str, id: Optional[str] = None):
    """Runs `workflow` (a class with a `run` method) with `args` on a new task queue served by a
    worker of its own, and returns its result. `name` prefixes the queue, and the workflow id
    unless `id` gives it."""
    task_queue = f"{name}-{uuid.uuid4()}"
    async with Worker(
        client,
        task_queue=task_queue,
        workflows=[workflow],
        # The workflows call only activities, so the sandbox would add start-up time and nothing else.
        workflow_runner=UnsandboxedWorkflowRunner(),
    ):
        return await client.execute_workflow(
            workflow.run, args=args, id=id or f"{name}-{uuid.uuid4()}", task_queue=task_queue
        )
