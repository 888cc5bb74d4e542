"""The task runner's lease bookkeeping, with frames captured instead of sent."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from nexus_agent import Backoff, NonRetryableTaskError, TaskContext
from nexus_agent.frames import (
    Ack,
    ErrorFrame,
    StatusUpdate,
    TaskAccept,
    TaskAssigned,
    TaskCancel,
    TaskComplete,
    TaskFail,
    TaskLease,
    TaskProgress,
    decode,
)
from nexus_agent.runner import TaskRunner
from nexus_agent.sender import FrameSender


class Wire:
    """A runner whose sent frames land in a list."""

    def __init__(self, handler: Callable[[TaskContext], Awaitable[Any]], max_concurrency: int = 1) -> None:
        self.outbox: asyncio.Queue[str] = asyncio.Queue()
        self.sender = FrameSender()
        self.sender.attach(self.outbox)
        self.runner = TaskRunner(handler, self.sender, max_concurrency, Backoff(0.01, 0.02))

    def sent(self) -> list[Any]:
        frames = []
        while not self.outbox.empty():
            frames.append(decode(self.outbox.get_nowait()))
        return frames

    async def next_of(self, kind: type, timeout: float = 2.0) -> Any:
        async def find() -> Any:
            while True:
                frame = decode(await self.outbox.get())
                if isinstance(frame, kind):
                    return frame

        return await asyncio.wait_for(find(), timeout)


def assigned(task_id: str = "t1", epoch: int = 1, payload: Any = None) -> TaskAssigned:
    return TaskAssigned(task_id, epoch, title="work", payload=payload, timeout_seconds=60)


def test_accepts_runs_reports_and_forgets_once_acknowledged() -> None:
    async def handle(task: TaskContext) -> dict[str, Any]:
        task.progress(150, "over the top")
        return {"got": task.payload}

    async def scenario() -> None:
        wire = Wire(handle)
        wire.runner.on_assigned(assigned(payload={"a": 1}))
        accept = await wire.next_of(TaskAccept)
        progress = await wire.next_of(TaskProgress)
        complete = await wire.next_of(TaskComplete)
        assert (accept.task_id, accept.lease_epoch) == ("t1", 1)
        assert (progress.progress, progress.message) == (100.0, "over the top")
        assert complete.result == {"got": {"a": 1}} and complete.lease_epoch == 1
        wire.runner.on_ack(Ack(accept.id, "t1"))
        assert wire.runner.held_task_ids() == ["t1"]  # the result still awaits its ack
        wire.runner.on_ack(Ack(complete.id, "t1"))
        assert wire.runner.held_task_ids() == []

    asyncio.run(scenario())


def test_handler_errors_become_task_fail() -> None:
    async def handle(task: TaskContext) -> dict[str, Any]:
        if task.payload == "final":
            raise NonRetryableTaskError("bad input")
        if task.payload == "unjson":
            return {"x": object()}  # type: ignore[dict-item]
        raise ValueError("boom")

    async def scenario() -> None:
        wire = Wire(handle, max_concurrency=3)
        for number, payload in enumerate(("final", "flaky", "unjson")):
            wire.runner.on_assigned(assigned(f"t{number}", payload=payload))
        fails = {}
        for _ in range(3):
            fail = await wire.next_of(TaskFail)
            fails[fail.task_id] = fail
        assert (fails["t0"].error, fails["t0"].retryable) == ("bad input", False)
        assert (fails["t1"].error, fails["t1"].retryable) == ("ValueError: boom", True)
        assert fails["t2"].error.startswith("Result cannot be written as JSON") and not fails["t2"].retryable

    asyncio.run(scenario())


def test_cancel_cancels_the_handler_and_sends_nothing_more() -> None:
    cancelled = asyncio.Event()
    contexts: list[TaskContext] = []

    async def handle(task: TaskContext) -> dict[str, Any]:
        contexts.append(task)
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.set()
            return {"ignored": True}  # a handler that swallows the cancellation
        return {}

    async def scenario() -> None:
        wire = Wire(handle)
        wire.runner.on_assigned(assigned())
        await wire.next_of(TaskAccept)
        await asyncio.sleep(0.05)
        wire.runner.on_cancel(TaskCancel("t1", 1, "no longer needed"))
        await asyncio.wait_for(cancelled.wait(), 2)
        await asyncio.sleep(0.05)
        assert contexts[0].cancelled
        assert wire.sent() == []
        assert wire.runner.held_task_ids() == []

    asyncio.run(scenario())


def test_a_stale_lease_refusal_drops_the_result(caplog: pytest.LogCaptureFixture) -> None:
    async def handle(task: TaskContext) -> dict[str, Any]:
        return {"done": True}

    async def scenario() -> None:
        wire = Wire(handle)
        wire.runner.on_assigned(assigned())
        complete = await wire.next_of(TaskComplete)
        wire.runner.on_error(ErrorFrame("stale_lease", "the task is queued", complete.id))
        assert wire.runner.held_task_ids() == []
        wire.runner.on_registered([])
        assert [f for f in wire.sent() if isinstance(f, TaskComplete)] == []  # not sent again

    with caplog.at_level(logging.INFO, logger="nexus_agent"):
        asyncio.run(scenario())
    assert any("stale_lease" in record.getMessage() for record in caplog.records)


def test_a_retryable_refusal_sends_the_same_frame_again() -> None:
    async def handle(task: TaskContext) -> dict[str, Any]:
        return {"done": True}

    async def scenario() -> None:
        wire = Wire(handle)
        wire.runner.on_assigned(assigned())
        complete = await wire.next_of(TaskComplete)
        assert wire.runner.on_error(ErrorFrame("unavailable", "database away", complete.id, True))
        again = await wire.next_of(TaskComplete)
        assert again == complete
        wire.runner.on_ack(Ack(complete.id, "t1"))
        assert wire.runner.held_task_ids() == []

    asyncio.run(scenario())


def test_after_reconnecting_drops_what_nexus_did_not_resume_and_resends_results() -> None:
    release = asyncio.Event()
    contexts: dict[str, TaskContext] = {}

    async def handle(task: TaskContext) -> dict[str, Any]:
        contexts[task.task_id] = task
        if task.task_id == "done":
            return {"ok": 1}
        await release.wait()
        return {"ok": 2}

    async def scenario() -> None:
        wire = Wire(handle, max_concurrency=3)
        for task_id in ("done", "kept", "lost"):
            wire.runner.on_assigned(assigned(task_id))
        result = await wire.next_of(TaskComplete)
        wire.sent()
        assert sorted(wire.runner.leases(), key=lambda lease: lease.task_id) == [
            TaskLease("done", 1), TaskLease("kept", 1), TaskLease("lost", 1)
        ]
        wire.runner.on_registered([TaskLease("kept", 1)])
        assert contexts["lost"].cancelled and not contexts["kept"].cancelled
        assert wire.sent() == [result]  # the unacknowledged result goes out again
        assert sorted(wire.runner.held_task_ids()) == ["done", "kept"]

    asyncio.run(scenario())


def test_a_repeated_assignment_is_accepted_again_and_not_run_twice() -> None:
    runs: list[int] = []
    release = asyncio.Event()

    async def handle(task: TaskContext) -> dict[str, Any]:
        runs.append(task.lease_epoch)
        await release.wait()
        return {}

    async def scenario() -> None:
        wire = Wire(handle)
        wire.runner.on_assigned(assigned())
        await asyncio.sleep(0.05)
        wire.runner.on_assigned(assigned())
        accepts = [f for f in wire.sent() if isinstance(f, TaskAccept)]
        assert len(accepts) == 2 and runs == [1]
        release.set()
        await wire.next_of(TaskComplete)

    asyncio.run(scenario())


def test_runs_at_most_max_concurrency_handlers_at_once() -> None:
    active = 0
    peak = 0

    async def handle(task: TaskContext) -> dict[str, Any]:
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        await asyncio.sleep(0.05)
        active -= 1
        return {}

    async def scenario() -> None:
        wire = Wire(handle, max_concurrency=2)
        for number in range(5):
            wire.runner.on_assigned(assigned(f"t{number}"))
        for _ in range(5):
            await wire.next_of(TaskComplete)
        assert peak == 2

    asyncio.run(scenario())


def test_draining_refuses_new_work_and_waits_for_running_tasks() -> None:
    release = asyncio.Event()

    async def handle(task: TaskContext) -> dict[str, Any]:
        await release.wait()
        return {}

    async def scenario() -> None:
        wire = Wire(handle)
        wire.runner.on_assigned(assigned("running"))
        await wire.next_of(TaskAccept)
        drain = asyncio.create_task(wire.runner.drain(5))
        assert (await wire.next_of(StatusUpdate)).status == "draining"
        wire.runner.on_assigned(assigned("late"))
        refusal = await wire.next_of(TaskFail)
        assert (refusal.task_id, refusal.retryable, refusal.error) == ("late", True, "agent draining")
        release.set()
        complete = await wire.next_of(TaskComplete)
        assert not drain.done()
        wire.runner.on_ack(Ack(complete.id, "running"))
        assert await asyncio.wait_for(drain, 2)

    asyncio.run(scenario())


def test_a_handler_cancelled_by_something_else_hands_the_task_back() -> None:
    async def handle(task: TaskContext) -> dict[str, Any]:
        raise asyncio.CancelledError()

    async def scenario() -> None:
        wire = Wire(handle)
        wire.runner.on_assigned(assigned())
        fail = await wire.next_of(TaskFail)
        assert (fail.error, fail.retryable) == ("the handler was cancelled", True)

    asyncio.run(scenario())
