"""The agent's settings are checked when it is created; trace contexts are continued."""

from __future__ import annotations

from typing import Any

import pytest

from nexus_agent import NexusAgent, TaskContext
from nexus_agent.task import child_traceparent


async def handle(task: TaskContext) -> dict[str, Any]:
    return {}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"server_uri": "http://localhost:4100/ws", "token": "nxa_x"}, "ws:// or wss://"),
        ({"server_uri": [], "token": "nxa_x"}, "server_uri is required"),
        ({"server_uri": "ws://h/ws"}, "exactly one of token and enrollment_key"),
        ({"server_uri": "ws://h/ws", "token": "nxa_x", "enrollment_key": "nxe_y"}, "exactly one"),
        ({"server_uri": "ws://h/ws", "token": "nxa_x", "max_concurrency": 0}, "max_concurrency"),
        ({"server_uri": "ws://h/ws", "token": "nxa_x", "initial_backoff": 0}, "Initial backoff"),
    ],
)
def test_refuses_incomplete_or_invalid_settings(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        NexusAgent(agent_id="a1", handler=handle, **options)


def test_accepts_several_servers_and_an_enrollment_key() -> None:
    agent = NexusAgent(server_uri=["ws://a/ws", "wss://b/ws"], agent_id="a1", enrollment_key="nxe_k", handler=handle)
    assert agent.agent_id == "a1" and agent.issued_token is None and not agent.connected


def test_child_traceparent_keeps_trace_and_flags_with_a_new_span() -> None:
    parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    child = child_traceparent(parent)
    assert child is not None
    version, trace, span, flags = child.split("-")
    assert (version, trace, flags) == ("00", "4bf92f3577b34da6a3ce929d0e0e4736", "01")
    assert len(span) == 16 and span != "00f067aa0ba902b7"
    assert child_traceparent("garbage") is None and child_traceparent(None) is None
