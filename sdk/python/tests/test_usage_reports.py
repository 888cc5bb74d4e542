"""Usage reports: bounds checked in the handler, sent at once when connected, kept while not
and sent with the result, summed."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from nexus_agent import TaskContext, Usage
from nexus_agent.frames import TaskComplete, TaskFail, TaskProgress, encode

from test_runner import Wire, assigned


def test_usage_goes_out_at_once_on_a_progress_frame() -> None:
    async def handle(task: TaskContext) -> str:
        task.progress(40, "thinking")
        task.report_usage(input_tokens=100, output_tokens=20, cost=0.25, currency="EUR", model="m1")
        return "done"

    async def scenario() -> None:
        wire = Wire(handle)
        wire.runner.on_assigned(assigned())
        await wire.next_of(TaskProgress)
        progress = await wire.next_of(TaskProgress)
        complete = await wire.next_of(TaskComplete)
        assert progress.usage == Usage(100, 20, 0.25, "EUR", "m1")
        assert (progress.progress, progress.message) == (40.0, "thinking")
        assert complete.usage is None  # already sent

    asyncio.run(scenario())


def test_usage_kept_while_not_connected_goes_with_the_result_summed() -> None:
    async def handle(task: TaskContext) -> str:
        task.report_usage(input_tokens=100, model="m1")
        task.report_usage(Usage(output_tokens=5, cost=0.5))
        task.report_usage(input_tokens=1, cost=0.25, model="m2")
        return "done"

    async def scenario() -> None:
        wire = Wire(handle)
        wire.sender.detach()
        wire.runner.on_assigned(assigned())
        complete = await _outcome(wire, TaskComplete)
        assert complete.usage == Usage(101, 5, 0.75, None, "m2")

    asyncio.run(scenario())


async def _outcome(wire: Wire, kind: type) -> Any:
    """The result the runner keeps for sending once connected."""

    async def find() -> Any:
        while True:
            for entry in wire.runner._outstanding.values():  # noqa: SLF001 - the runner's kept results
                if isinstance(entry.frame, kind):
                    return entry.frame
            await asyncio.sleep(0.01)

    return await asyncio.wait_for(find(), 2.0)


def test_a_failure_carries_the_usage() -> None:
    async def handle(task: TaskContext) -> str:
        task.report_usage(input_tokens=7)
        raise ValueError("boom")

    async def scenario() -> None:
        wire = Wire(handle)
        wire.sender.detach()
        wire.runner.on_assigned(assigned())
        fail = await _outcome(wire, TaskFail)
        assert fail.usage == Usage(input_tokens=7)

    asyncio.run(scenario())


@pytest.mark.parametrize(
    "bad",
    [
        {"input_tokens": -1},
        {"output_tokens": 1_000_000_001},
        {"cost": -0.5},
        {"cost": float("nan")},
        {"cost": 2_000_000},
        {"currency": "usd"},
        {"model": ""},
        {"model": "m" * 129},
        {"input_tokens": "many"},
    ],
)
def test_refuses_usage_out_of_bounds(bad: dict[str, Any]) -> None:
    async def scenario() -> None:
        seen: list[Exception] = []

        async def handle(task: TaskContext) -> str:
            try:
                task.report_usage(**bad)
            except ValueError as ex:
                seen.append(ex)
            return "done"

        wire = Wire(handle)
        wire.runner.on_assigned(assigned())
        complete = await wire.next_of(TaskComplete)
        assert complete.usage is None
        assert len(seen) == 1 and next(iter(bad)) in str(seen[0])

    asyncio.run(scenario())


def test_the_frame_carries_usage_as_snake_case_json() -> None:
    text = encode(TaskComplete("t1", 5, None, None, "f1", Usage(1, 2, 0.5, "USD", "m")))
    assert json.loads(text)["usage"] == {
        "input_tokens": 1,
        "output_tokens": 2,
        "cost": 0.5,
        "currency": "USD",
        "model": "m",
    }
