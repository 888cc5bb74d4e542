"""The one place that knows the ``websockets`` library: it differs between versions."""

from __future__ import annotations

from typing import Any

import websockets
from websockets.exceptions import ConnectionClosed, InvalidHandshake

try:  # websockets 13 and newer
    from websockets.asyncio.client import connect as _connect

    _HEADERS_ARGUMENT = "additional_headers"
except ImportError:  # websockets 10 to 12, as in Debian 12
    from websockets.client import connect as _connect  # type: ignore[no-redef]

    _HEADERS_ARGUMENT = "extra_headers"

MAX_FRAME_SIZE = 8 * 1024 * 1024
"""Larger than anything Nexus sends (its own frame limit is 512 KiB, payloads 256 KiB)."""

__all__ = ["ConnectionClosed", "InvalidHandshake", "open_socket", "close_code", "handshake_status", "abort"]


async def open_socket(uri: str, bearer: str | None, timeout: float) -> Any:
    """Opens a WebSocket, with ``Authorization: Bearer`` when a token is given."""
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    options: dict[str, Any] = {_HEADERS_ARGUMENT: headers, "open_timeout": timeout, "max_size": MAX_FRAME_SIZE}
    return await _connect(uri, **options)


def close_code(closed: ConnectionClosed) -> tuple[int, str]:
    """The close code and reason the peer sent; 1006 when the connection just broke."""
    received = closed.rcvd
    if received is None:
        return 1006, ""
    return received.code, received.reason


def handshake_status(error: BaseException) -> int | None:
    """The HTTP status of a refused handshake, if the error is one."""
    status = getattr(error, "status_code", None)  # websockets < 14
    if status is None:
        response = getattr(error, "response", None)
        status = getattr(response, "status_code", None)
    return status if isinstance(status, int) else None


def abort(socket: Any) -> None:
    """Drops a connection without a close frame, as a network failure would."""
    transport = getattr(socket, "transport", None)
    if transport is not None:
        transport.abort()


VERSION = websockets.__version__
