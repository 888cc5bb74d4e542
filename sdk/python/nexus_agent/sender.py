"""Sends frames on the current connection, without blocking the caller."""

from __future__ import annotations

import asyncio
import itertools
import logging

from .frames import Frame, encode

logger = logging.getLogger(__name__)


class FrameSender:
    """Queues frames for the connection's writer while the agent is registered, and
    numbers frames that expect an answer. :meth:`send` never blocks and never raises:
    a frame sent while disconnected is dropped (results are kept elsewhere and sent again
    after the next registration)."""

    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self._outbox: asyncio.Queue[str] | None = None

    def next_id(self) -> str:
        """A fresh frame id, unique within this agent."""
        return f"f{next(self._ids)}"

    def send(self, frame: Frame) -> bool:
        """Queues a frame if the agent is registered; returns whether it was queued."""
        outbox = self._outbox
        if outbox is None:
            logger.debug("Not connected; dropping a %s frame", frame.TYPE)
            return False
        outbox.put_nowait(encode(frame))
        return True

    @property
    def ready(self) -> bool:
        """Whether frames go out now."""
        return self._outbox is not None

    def attach(self, outbox: asyncio.Queue[str]) -> None:
        self._outbox = outbox

    def detach(self) -> None:
        self._outbox = None
