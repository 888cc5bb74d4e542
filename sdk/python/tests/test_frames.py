"""Encoding and decoding of frames."""

from __future__ import annotations

import json

from nexus_agent.frames import (
    Ack,
    AgentRegister,
    ErrorFrame,
    Heartbeat,
    Registered,
    TaskAssigned,
    TaskCancel,
    TaskComplete,
    TaskFail,
    TaskLease,
    TaskProgress,
    decode,
    encode,
)


def test_encodes_snake_case_with_type_first_and_leaves_out_none() -> None:
    frame = TaskProgress("task_1", 3, 50.0, None, id="p-2")
    text = encode(frame)
    assert text.startswith('{"type":"task_progress"')
    assert json.loads(text) == {"type": "task_progress", "task_id": "task_1", "lease_epoch": 3, "progress": 50.0, "id": "p-2"}


def test_encodes_running_tasks_as_leases() -> None:
    register = AgentRegister(agent_id="a1", token="nxa_x", running_tasks=[TaskLease("task_1", 2)], id="f1")
    assert json.loads(encode(register)) == {
        "type": "agent_register",
        "agent_id": "a1",
        "id": "f1",
        "token": "nxa_x",
        "protocol_version": 1,
        "running_tasks": [{"task_id": "task_1", "lease_epoch": 2}],
    }


def test_encodes_results_and_failures_as_the_protocol_shows() -> None:
    complete = TaskComplete("task_1", 1, {"text": "hello"}, id="done-1")
    assert json.loads(encode(complete)) == {
        "type": "task_complete", "task_id": "task_1", "lease_epoch": 1, "result": {"text": "hello"}, "id": "done-1"
    }
    fail = TaskFail("task_1", 1, "network down", True, id="f2")
    assert json.loads(encode(fail))["retryable"] is True
    assert json.loads(encode(Heartbeat(cpu_usage=12.5, running_tasks=["t"], sent_at=1)))["running_tasks"] == ["t"]


def test_decodes_registered_with_resumed_leases() -> None:
    text = (
        '{"type":"registered","agent_id":"my_agent","protocol_version":1,"heartbeat_interval_seconds":10,'
        '"token":null,"resumed_tasks":[{"task_id":"task_01","lease_epoch":1}]}'
    )
    assert decode(text) == Registered("my_agent", 1, 10, None, [TaskLease("task_01", 1)])


def test_decodes_task_assigned_ignoring_unknown_fields() -> None:
    text = (
        '{"type":"task_assigned","task_id":"t1","lease_epoch":2,"attempt":1,"title":"Say hello","description":null,'
        '"priority":"high","category":"automation","required_capabilities":["automation"],"payload":{"text":"hello"},'
        '"timeout_seconds":600,"traceparent":null,"some_future_field":true}'
    )
    frame = decode(text)
    assert isinstance(frame, TaskAssigned)
    assert (frame.task_id, frame.lease_epoch, frame.payload, frame.timeout_seconds) == ("t1", 2, {"text": "hello"}, 600)


def test_decodes_cancel_ack_and_error() -> None:
    assert decode('{"type":"task_cancel","task_id":"t","lease_epoch":2,"reason":"no"}') == TaskCancel("t", 2, "no")
    assert decode('{"type":"ack","id":"done-1","task_id":"t"}') == Ack("done-1", "t")
    error = decode('{"type":"error","id":"p-3","code":"unavailable","message":"db away","retryable":true}')
    assert error == ErrorFrame("unavailable", "db away", "p-3", True)
    assert isinstance(error, ErrorFrame) and error.may_retry
    assert not ErrorFrame("stale_lease", "x", "p", None).may_retry


def test_skips_what_is_not_a_frame() -> None:
    assert decode("not json") is None
    assert decode("[1,2]") is None
    assert decode('{"no":"type"}') is None
    assert decode('{"type":"from_the_future"}') is None
    assert decode('{"type":"task_cancel"}') is None  # required fields missing


def test_round_trips_every_agent_frame() -> None:
    for frame in (
        TaskProgress("t", 1, 10.0, "x", id="a"),
        TaskComplete("t", 1, [1, 2], "00-" + "a" * 32 + "-" + "b" * 16 + "-01", id="b"),
        TaskFail("t", 1, "e", False, id="c"),
    ):
        assert decode(encode(frame)) == frame
