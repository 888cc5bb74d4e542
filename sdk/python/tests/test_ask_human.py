"""Asking a person for input (``TaskContext.ask_human``), with frames captured instead of sent."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from test_runner import Wire, assigned

from nexus_agent import TaskContext
from nexus_agent.frames import (
    Ack,
    ErrorFrame,
    InputRequest,
    InputResponse,
    TaskComplete,
    TaskFail,
    TaskLease,
    decode,
    encode,
)


def test_frames_round_trip() -> None:
    request = InputRequest("t1", 2, "q1", "Ship it?", {"type": "boolean"}, 60, "f9")
    text = encode(request)
    assert text.startswith('{"type":"input_request"')
    assert decode(text) == request
    response = decode('{"type":"input_response","task_id":"t1","lease_epoch":2,"request_id":"q1","answer":{"a":1}}')
    assert response == InputResponse("t1", 2, "q1", {"a": 1})


def test_asks_waits_and_returns_the_answer() -> None:
    async def handle(task: TaskContext) -> Any:
        answer = await task.ask_human("Ship it?", '{"type":"boolean"}', timeout=90.5)
        return {"ship": answer}

    async def scenario() -> None:
        wire = Wire(handle)
        wire.runner.on_assigned(assigned())
        question = await wire.next_of(InputRequest)
        assert (question.task_id, question.lease_epoch, question.prompt) == ("t1", 1, "Ship it?")
        assert question.schema == {"type": "boolean"} and question.timeout_seconds == 90
        wire.runner.on_ack(Ack(question.id, "t1"))
        assert wire.runner.held_task_ids() == ["t1"]  # a question's ack is not a result's
        wire.runner.on_input_response(InputResponse("t1", 2, question.request_id, False))  # another lease
        wire.runner.on_input_response(InputResponse("t1", 1, question.request_id, True))
        complete = await wire.next_of(TaskComplete)
        assert complete.result == {"ship": True}

    asyncio.run(scenario())


def test_an_unanswered_question_is_asked_again_after_a_reconnection() -> None:
    async def handle(task: TaskContext) -> Any:
        return await task.ask_human("Name?")

    async def scenario() -> None:
        wire = Wire(handle)
        wire.runner.on_assigned(assigned())
        first = await wire.next_of(InputRequest)
        wire.runner.on_registered([TaskLease("t1", 1)])
        again = await wire.next_of(InputRequest)
        assert again.request_id == first.request_id and again.id != first.id
        wire.runner.on_input_response(InputResponse("t1", 1, first.request_id, "Ada"))
        wire.runner.on_input_response(InputResponse("t1", 1, first.request_id, "Ada"))  # repeated: ignored
        assert (await wire.next_of(TaskComplete)).result == "Ada"

    asyncio.run(scenario())


def test_an_answer_that_came_with_the_assignment_answers_the_first_question() -> None:
    asked: list[str] = []

    async def handle(task: TaskContext) -> Any:
        await asyncio.sleep(0)
        answer = await task.ask_human("Proceed?")
        asked.append("returned")
        return answer

    async def scenario() -> None:
        wire = Wire(handle)
        wire.runner.on_assigned(assigned(epoch=3))
        wire.runner.on_input_response(InputResponse("t1", 3, "from-attempt-1", {"go": True}))
        complete = await wire.next_of(TaskComplete)
        assert complete.result == {"go": True}
        assert not any(isinstance(frame, InputRequest) for frame in wire.sent())

    asyncio.run(scenario())


def test_a_refused_question_raises_in_the_handler_and_the_task_goes_on() -> None:
    async def handle(task: TaskContext) -> Any:
        with pytest.raises(ValueError, match="invalid_frame"):
            await task.ask_human("Pick", {"oneOf": []})
        return "went on"

    async def scenario() -> None:
        wire = Wire(handle)
        wire.runner.on_assigned(assigned())
        question = await wire.next_of(InputRequest)
        wire.runner.on_error(ErrorFrame("invalid_frame", "schema uses 'oneOf'", question.id))
        frame = await wire.next_of((TaskComplete, TaskFail))
        assert isinstance(frame, TaskComplete) and frame.result == "went on"

    asyncio.run(scenario())
