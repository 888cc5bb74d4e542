"""The Python SDK's agent for the conformance suite: what it does with a task is chosen by the
task's payload (see ../README.md), and it reports what its handler saw as JSON lines on
standard output. Configured by the environment: NEXUS_WS (comma-separated URIs), AGENT_ID,
AGENT_TOKEN or AGENT_ENROLLMENT_KEY, AGENT_CAPABILITY, MAX_CONCURRENCY, RECONNECT_BACKOFF_MS."""

import asyncio
import json
import os
from pathlib import Path
from typing import Any

from nexus_agent import NexusAgent, NonRetryableTaskError, TaskContext

SDK = "python"


def report(event: str, **fields: Any) -> None:
    print(json.dumps({"event": event, **fields}), flush=True)


def lease(task: TaskContext) -> dict[str, Any]:
    return {"task_id": task.task_id, "epoch": task.lease_epoch}


def outcome(task: TaskContext, **extra: Any) -> dict[str, Any]:
    return {**extra, "sdk": SDK, "epoch": task.lease_epoch, "attempt": task.attempt}


async def await_release(task: TaskContext, payload: dict[str, Any]) -> None:
    """Waits until the file named by the payload's ``release`` exists."""
    release = Path(payload["release"])
    while not release.exists():
        await asyncio.sleep(0.02)
    report("released", **lease(task))


async def handle(task: TaskContext) -> dict[str, Any]:
    payload = task.payload or {}
    report("started", **lease(task))
    action = payload.get("action", "echo")
    try:
        if action == "echo":
            return outcome(task, echo=payload.get("data"))
        if action == "progress":
            task.progress(42, "halfway there")
            await await_release(task, payload)
            return outcome(task)
        if action == "wait":
            await await_release(task, payload)
            return outcome(task)
        if action == "fail":
            if payload.get("retryable", True):
                raise RuntimeError("network down")
            raise NonRetryableTaskError("bad input")
        if action == "ask":
            answer = await task.ask_human(payload["prompt"], payload.get("schema"))
            return outcome(task, answer=answer)
        if action == "usage":
            for usage in payload.get("progress", []):
                task.report_usage(**usage)
            report("reported", **lease(task))
            await await_release(task, payload)
            if payload.get("final"):
                task.report_usage(**payload["final"])
            report("finished", **lease(task))
            return outcome(task)
        raise NonRetryableTaskError(f"unknown action {action}")
    except asyncio.CancelledError:
        if task.cancelled:
            report("cancelled", **lease(task))
        raise


async def main() -> None:
    credentials = (
        {"enrollment_key": os.environ["AGENT_ENROLLMENT_KEY"]}
        if "AGENT_ENROLLMENT_KEY" in os.environ
        else {"token": os.environ["AGENT_TOKEN"]}
    )
    backoff = int(os.environ.get("RECONNECT_BACKOFF_MS", "200")) / 1000
    agent = NexusAgent(
        server_uri=os.environ["NEXUS_WS"].split(","),
        agent_id=os.environ["AGENT_ID"],
        capabilities=[os.environ["AGENT_CAPABILITY"]],
        max_concurrency=int(os.environ.get("MAX_CONCURRENCY", "1")),
        initial_backoff=backoff,
        max_backoff=max(1.0, backoff),
        handler=handle,
        **credentials,
    )

    async def announce() -> None:
        if await agent.wait_registered(30):
            report("registered", agent_id=agent.agent_id, token_issued=agent.issued_token is not None)

    announcing = asyncio.create_task(announce())
    await agent.run()  # until SIGTERM, then drains
    announcing.cancel()


if __name__ == "__main__":
    asyncio.run(main())
