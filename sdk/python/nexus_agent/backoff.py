"""Reconnection delays and the rotation over several Nexus nodes."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with full jitter: before attempt ``n`` (from 0) the delay is
    uniform in ``[0, min(maximum, initial * 2**n))`` seconds, so that a fleet of agents that
    lost the server at the same moment does not reconnect in lockstep."""

    initial: float = 1.0
    maximum: float = 30.0

    def __post_init__(self) -> None:
        if self.initial <= 0:
            raise ValueError(f"Initial backoff must be positive, got {self.initial}")
        if self.maximum < self.initial:
            raise ValueError(f"Maximum backoff {self.maximum} is shorter than initial {self.initial}")

    def ceiling(self, attempt: int) -> float:
        """The largest delay for an attempt: ``min(maximum, initial * 2**attempt)``."""
        exponent = max(0, attempt)
        if exponent >= 64:
            return self.maximum
        return min(self.maximum, self.initial * (2**exponent))

    def delay(self, attempt: int, rand: Callable[[], float] = random.random) -> float:
        """The delay in seconds before a reconnection attempt, after ``attempt`` failures in a row."""
        return self.ceiling(attempt) * rand()


class ServerRotation:
    """The Nexus nodes an agent may connect to, in the order given, and the one it uses now.
    After a lost connection or a failed attempt the agent moves on to the next (round robin),
    so that an agent whose node died resumes its tasks on another node."""

    def __init__(self, servers: Sequence[str]) -> None:
        if not servers:
            raise ValueError("at least one server URI is required")
        self._servers = list(servers)
        self._current = 0

    def current(self) -> str:
        """The server to connect to now."""
        return self._servers[self._current]

    def advance(self) -> str:
        """Moves on to the next server, after the last back to the first; returns it."""
        self._current = (self._current + 1) % len(self._servers)
        return self.current()

    def __len__(self) -> int:
        return len(self._servers)
