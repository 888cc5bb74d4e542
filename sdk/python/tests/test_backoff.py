"""Reconnection delays and server rotation."""

from __future__ import annotations

import pytest

from nexus_agent import Backoff, ServerRotation


def test_ceiling_doubles_from_initial_up_to_the_maximum() -> None:
    backoff = Backoff(1.0, 30.0)
    assert [backoff.ceiling(n) for n in range(7)] == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    assert backoff.ceiling(-3) == 1.0
    assert backoff.ceiling(10_000) == 30.0


def test_delay_is_full_jitter_below_the_ceiling() -> None:
    backoff = Backoff(0.5, 10.0)
    assert backoff.delay(3, lambda: 0.0) == 0.0
    assert backoff.delay(3, lambda: 0.5) == 2.0
    assert all(0 <= backoff.delay(2) < 2.0 for _ in range(200))


def test_refuses_nonsense_settings() -> None:
    with pytest.raises(ValueError):
        Backoff(0, 1)
    with pytest.raises(ValueError):
        Backoff(2, 1)


def test_rotation_goes_round_robin() -> None:
    servers = ServerRotation(["ws://a/ws", "ws://b/ws", "ws://c/ws"])
    assert servers.current() == "ws://a/ws"
    assert [servers.advance() for _ in range(4)] == ["ws://b/ws", "ws://c/ws", "ws://a/ws", "ws://b/ws"]
    assert len(servers) == 3
    with pytest.raises(ValueError):
        ServerRotation([])
