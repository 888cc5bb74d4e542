"""Keeps the agent connected: opens the WebSocket, registers, sends heartbeats, routes
incoming frames, and reconnects with backoff until stopped or refused."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import connection
from .backoff import Backoff, ServerRotation
from .frames import (
    Ack,
    AgentMessage,
    AgentRegister,
    ErrorFrame,
    Frame,
    Heartbeat,
    InputResponse,
    Ping,
    Registered,
    StatusUpdate,
    TaskAssigned,
    TaskCancel,
    decode,
    encode,
)
from .runner import TaskRunner
from .sender import FrameSender
from .usage import ResourceUsage

logger = logging.getLogger("nexus_agent")

DEFAULT_HEARTBEAT_SECONDS = 30
UNAUTHORIZED = 4401
FOR_GOOD = {4401: "refused credentials", 4403: "agent deleted or token revoked", 4409: "replaced by a new connection"}
RECONNECT_AT_ONCE = 4503


@dataclass(frozen=True)
class ConnectionSettings:
    """Who the agent is and how it connects."""

    server_uris: Sequence[str]
    agent_id: str
    token: str | None
    enrollment_key: str | None
    name: str
    capabilities: list[str]
    max_concurrency: int
    backoff: Backoff
    connect_timeout: float
    registration_timeout: float


@dataclass(frozen=True)
class _Closed:
    """How a connection attempt ended."""

    registered: bool
    code: int = 1006
    reason: str = ""
    refused: str | None = None


@dataclass
class _Session:
    """One connection's state."""

    socket: Any
    registered: bool = False
    last_error: str | None = None
    jobs: list[asyncio.Task[None]] = field(default_factory=list)


class Connector:
    """The agent's connection to Nexus. Confined to the agent's event loop."""

    def __init__(
        self,
        settings: ConnectionSettings,
        sender: FrameSender,
        runner: TaskRunner,
        messages: Callable[[AgentMessage], None],
        rejected: Callable[[str], None],
    ) -> None:
        self._servers = ServerRotation(settings.server_uris)
        self._backoff = settings.backoff
        self._agent_id = settings.agent_id
        self._token = settings.token
        self._enrollment_key = settings.enrollment_key
        self._issued_token: str | None = None
        self._name = settings.name
        self._capabilities = settings.capabilities
        self._max_concurrency = settings.max_concurrency
        self._connect_timeout = settings.connect_timeout
        self._registration_timeout = settings.registration_timeout
        self._sender = sender
        self._runner = runner
        self._messages = messages
        self._rejected = rejected
        self._usage = ResourceUsage()
        self._socket: Any = None
        self._registered = asyncio.Event()
        self._stopping = False
        self._hold_until = 0.0
        self._wake = asyncio.Event()

    @property
    def agent_id(self) -> str:
        return self._agent_id

    @property
    def issued_token(self) -> str | None:
        return self._issued_token

    @property
    def registered(self) -> asyncio.Event:
        """Set while the agent is registered."""
        return self._registered

    async def shutdown(self, code: int, reason: str, timeout: float) -> None:
        """Closes the connection politely; no reconnection follows."""
        self._stopping = True
        socket = self._socket
        if socket is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(socket.close(code, reason), timeout)

    def abort(self) -> None:
        """Drops the connection without a goodbye; no reconnection follows."""
        self._stopping = True
        if self._socket is not None:
            connection.abort(self._socket)

    def drop(self, reconnect_after: float) -> None:
        """Drops the connection as a network failure would; reconnects no sooner than
        ``reconnect_after`` seconds."""
        self._hold_until = time.monotonic() + reconnect_after
        if self._socket is not None:
            connection.abort(self._socket)
        else:
            self._wake.set()  # away already: reconsider when to reconnect

    async def run(self) -> None:
        """Connects, and reconnects after every lost connection, until stopped or refused."""
        failures = 0
        while not self._stopping:
            try:
                closed = await self._connect_once(self._servers.current())
            except Exception:  # a bug must not end the agent's connection for good
                logger.exception("The connection failed unexpectedly")
                closed = _Closed(False)
            if self._stopping:
                break
            if closed.refused is not None:
                self._stopping = True
                self._rejected(closed.refused)
                break
            if closed.registered:
                failures = 0
            if len(self._servers) > 1:
                logger.info("Trying the next Nexus node: %s", self._servers.advance())
            delay = 0.0 if closed.code == RECONNECT_AT_ONCE else self._backoff.delay(failures)
            failures += 1
            delay = max(delay, self._hold_until - time.monotonic())
            logger.info("Reconnecting to Nexus in %.0f ms", delay * 1000)
            self._wake.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), delay)

    async def _connect_once(self, uri: str) -> _Closed:
        """One connection, from the handshake until it ends; says how it ended."""
        logger.debug("Connecting to %s", uri)
        try:
            socket = await connection.open_socket(uri, self._bearer(), self._connect_timeout)
        except (OSError, asyncio.TimeoutError, connection.InvalidHandshake) as ex:
            status = connection.handshake_status(ex)
            if status in (401, 403):
                return _Closed(False, refused=f"Nexus refused the agent's credentials (HTTP {status})")
            logger.warning("Cannot connect to %s: %r", uri, ex)
            return _Closed(False)
        self._socket = socket
        session = _Session(socket)
        try:
            await socket.send(encode(self._register_frame()))
            await self._read_frames(session)
            return _Closed(False)  # Nexus did not answer agent_register in time
        except connection.ConnectionClosed as closed:
            code, reason = connection.close_code(closed)
            return self._closed(session.registered, code, reason, session.last_error)
        except OSError as ex:
            return self._closed(session.registered, 1006, repr(ex), session.last_error)
        finally:
            self._disconnected(session)

    async def _read_frames(self, session: _Session) -> None:
        """Reads and routes frames until the connection ends (raises ``ConnectionClosed``),
        or returns when Nexus does not answer ``agent_register`` in time."""
        deadline = time.monotonic() + self._registration_timeout
        while True:
            if session.registered:
                text = await session.socket.recv()
            else:
                try:
                    text = await asyncio.wait_for(session.socket.recv(), max(0.0, deadline - time.monotonic()))
                except asyncio.TimeoutError:
                    logger.warning("Nexus did not answer agent_register within %s s", self._registration_timeout)
                    return
            frame = decode(text)
            if frame is None:
                continue
            if isinstance(frame, Registered) and not session.registered:
                self._on_registered(frame, session)
            elif isinstance(frame, ErrorFrame):
                self._on_error(frame, session)
            elif session.registered:
                self._dispatch(frame)
            else:
                logger.warning("Ignoring '%s' received before 'registered'", frame.TYPE)

    def _disconnected(self, session: _Session) -> None:
        self._socket = None
        self._sender.detach()
        self._registered.clear()
        for job in session.jobs:
            job.cancel()
        if not self._stopping:
            connection.abort(session.socket)

    def _closed(self, registered: bool, code: int, reason: str, last_error: str | None) -> _Closed:
        text = reason or ""
        if last_error:
            text = f"{text} ({last_error})" if text else last_error
        text = text or "no reason given"
        if self._stopping:
            return _Closed(registered, code, text)
        if code in FOR_GOOD:
            what = "refused the agent's credentials" if code == UNAUTHORIZED else "closed the connection for good"
            return _Closed(registered, code, text, refused=f"Nexus {what} ({code}): {text}")
        level = logging.WARNING if code >= 4000 else logging.INFO
        logger.log(level, "Connection to Nexus closed (%d %s)", code, text)
        return _Closed(registered, code, text)

    def _register_frame(self) -> AgentRegister:
        return AgentRegister(
            agent_id=self._agent_id,
            id=self._sender.next_id(),
            agent_name=self._name,
            token=self._credential(),
            capabilities=self._capabilities,
            max_concurrency=self._max_concurrency,
            running_tasks=self._runner.leases(),
        )

    def _on_registered(self, frame: Registered, session: _Session) -> None:
        session.registered = True
        if frame.agent_id:
            self._agent_id = frame.agent_id
        if frame.token:
            self._issued_token = frame.token
            logger.info("Enrolled: Nexus issued an agent token, used from now on")
        outbox: asyncio.Queue[str] = asyncio.Queue()
        loop = asyncio.get_running_loop()
        session.jobs.append(loop.create_task(_write(session.socket, outbox)))
        self._sender.attach(outbox)
        if self._runner.draining:
            self._sender.send(StatusUpdate("draining", self._sender.next_id()))
        self._runner.on_registered(frame.resumed_tasks)
        session.jobs.append(loop.create_task(self._heartbeats(frame)))
        logger.info(
            "Registered with Nexus as %s (%d lease(s) resumed)", self._agent_id, len(frame.resumed_tasks or [])
        )
        self._registered.set()

    def _on_error(self, error: ErrorFrame, session: _Session) -> None:
        if self._runner.on_error(error):
            return
        text = f"{error.code}: {error.message}"
        logger.warning("Nexus reported an error: %s", text)
        if not session.registered:
            session.last_error = text
            if error.may_retry:
                # Nexus cannot register the agent now (its database is away): try again
                # with backoff rather than wait for the registration timeout
                connection.abort(session.socket)

    def _dispatch(self, frame: Frame) -> None:
        if isinstance(frame, TaskAssigned):
            self._runner.on_assigned(frame)
        elif isinstance(frame, TaskCancel):
            self._runner.on_cancel(frame)
        elif isinstance(frame, InputResponse):
            self._runner.on_input_response(frame)
        elif isinstance(frame, Ack):
            self._runner.on_ack(frame)
        elif isinstance(frame, Ping):
            self._send_heartbeat()
        elif isinstance(frame, AgentMessage):
            self._messages(frame)
        else:
            logger.info("Ignoring '%s': not a frame Nexus sends to agents", frame.TYPE)

    async def _heartbeats(self, registered: Registered) -> None:
        interval = registered.heartbeat_interval_seconds or DEFAULT_HEARTBEAT_SECONDS
        while True:
            self._send_heartbeat()
            await asyncio.sleep(interval)

    def _send_heartbeat(self) -> None:
        self._sender.send(
            Heartbeat(
                cpu_usage=self._usage.cpu_percent(),
                memory_usage=self._usage.memory_percent(),
                running_tasks=self._runner.held_task_ids(),
                sent_at=int(time.time() * 1000),
            )
        )

    # Credentials --------------------------------------------------------------------------

    def _credential(self) -> str | None:
        """The ``token`` field: the agent token, or the enrollment key until one is issued."""
        return self._bearer() or self._enrollment_key

    def _bearer(self) -> str | None:
        """The handshake's bearer: the agent token, never an enrollment key."""
        return self._issued_token or self._token


async def _write(socket: Any, outbox: asyncio.Queue[str]) -> None:
    """Writes queued frames in order until the connection ends."""
    try:
        while True:
            await socket.send(await outbox.get())
    except connection.ConnectionClosed:
        pass
