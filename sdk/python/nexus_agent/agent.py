"""The agent: connects, registers, keeps the connection alive, runs tasks, and drains."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import signal
import time
from collections.abc import Awaitable, Callable, Sequence
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
    Ping,
    Registered,
    StatusUpdate,
    TaskAssigned,
    TaskCancel,
    decode,
    encode,
)
from .runner import TaskHandler, TaskRunner
from .sender import FrameSender
from .usage import ResourceUsage

logger = logging.getLogger("nexus_agent")

DEFAULT_HEARTBEAT_SECONDS = 30
CLOSE_TIMEOUT = 5.0

UNAUTHORIZED = 4401
FOR_GOOD = {4401: "refused credentials", 4403: "agent deleted or token revoked", 4409: "replaced by a new connection"}
RECONNECT_AT_ONCE = 4503

MessageListener = Callable[[AgentMessage], Any]


class AgentRejectedError(Exception):
    """Nexus refused the agent for good (close 4401, 4403 or 4409, or HTTP 401/403)."""


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


class NexusAgent:
    """An agent connected to Nexus: it registers, sends heartbeats, runs the tasks Nexus
    assigns with an async handler, reports their outcome until it is acknowledged, and
    reconnects with backoff, resuming its running tasks with their lease epochs.

    Everything runs on one asyncio event loop: handlers are asyncio tasks, at most
    ``max_concurrency`` at once. Create the agent inside a running loop's coroutine, then
    ``await agent.run()`` (until SIGTERM or SIGINT, then drain) or ``await agent.start()``
    and later ``await agent.close()``.

    :param server_uri: the WebSocket endpoint (``ws://host:4100/ws``), or several nodes'
        endpoints: after a failure the agent moves on to the next one (round robin)
    :param agent_id: the agent's id (the one its token was issued for)
    :param handler: ``async def handle(task: TaskContext) -> dict``
    :param token: the agent token from ``POST /api/agents`` (``nxa_...``)
    :param enrollment_key: instead of a token, an enrollment key (``nxe_...``): the agent
        registers itself and Nexus issues a token (:attr:`issued_token`), used from then on
    :param name: a human name when enrolling (default: the id)
    :param capabilities: what the agent can do (used when enrolling; Nexus keeps the
        stored ones for a token)
    :param max_concurrency: how many handlers run at once, 1 to 1000
    :param initial_backoff: ceiling of the first reconnection delay, seconds
    :param max_backoff: largest reconnection delay ceiling, seconds
    :param drain_timeout: how long :meth:`close` waits for running tasks, seconds
    :param connect_timeout: how long a WebSocket handshake may take, seconds
    :param registration_timeout: how long Nexus may take to answer ``agent_register``
    """

    def __init__(
        self,
        *,
        server_uri: str | Sequence[str],
        agent_id: str,
        handler: TaskHandler,
        token: str | None = None,
        enrollment_key: str | None = None,
        name: str | None = None,
        capabilities: Sequence[str] = (),
        max_concurrency: int = 1,
        initial_backoff: float = 1.0,
        max_backoff: float = 30.0,
        drain_timeout: float = 30.0,
        connect_timeout: float = 10.0,
        registration_timeout: float = 30.0,
    ) -> None:
        uris = [server_uri] if isinstance(server_uri, str) else list(server_uri)
        _validate(uris, agent_id, token, enrollment_key, max_concurrency, handler)
        self._servers = ServerRotation(uris)
        self._agent_id = agent_id
        self._token = token
        self._enrollment_key = enrollment_key
        self._issued_token: str | None = None
        self._name = name or agent_id
        self._capabilities = list(capabilities)
        self._max_concurrency = max_concurrency
        self._backoff = Backoff(initial_backoff, max_backoff)
        self._drain_timeout = drain_timeout
        self._connect_timeout = connect_timeout
        self._registration_timeout = registration_timeout
        self._sender = FrameSender()
        self._runner = TaskRunner(handler, self._sender, max_concurrency, self._backoff)
        self._usage = ResourceUsage()
        self._listeners: list[MessageListener] = []
        self._socket: Any = None
        self._loop_task: asyncio.Task[None] | None = None
        self._registered = asyncio.Event()
        self._stopped = asyncio.Event()
        self._stopping = False
        self._closing = False
        self._rejection: AgentRejectedError | None = None
        self._hold_until = 0.0
        self._wake = asyncio.Event()
        self._background: set[asyncio.Task[Any]] = set()

    # Public API -------------------------------------------------------------------------

    @property
    def agent_id(self) -> str:
        """The agent's id, as Nexus confirmed it once registered."""
        return self._agent_id

    @property
    def issued_token(self) -> str | None:
        """The token Nexus issued when the agent enrolled with a key. Keep it (Nexus shows
        it once) and pass it as ``token`` next time."""
        return self._issued_token

    @property
    def connected(self) -> bool:
        """Whether the agent is connected and registered now."""
        return self._registered.is_set()

    @property
    def running_tasks(self) -> list[str]:
        """The tasks the agent holds: running, or finished with an unacknowledged result."""
        return self._runner.held_task_ids()

    async def start(self) -> None:
        """Connects in the background and returns at once. Failures are retried with
        backoff until :meth:`close`; refused credentials stop the agent."""
        if self._loop_task is not None or self._stopped.is_set():
            raise RuntimeError("The agent can be started once")
        self._loop_task = asyncio.get_running_loop().create_task(self._connect_loop(), name="nexus-agent")

    async def wait_registered(self, timeout: float) -> bool:
        """Waits until the agent is registered.

        :return: ``True`` if registered, ``False`` on timeout or once stopped
        :raises AgentRejectedError: if Nexus refused the agent
        """
        waiters = [asyncio.ensure_future(self._registered.wait()), asyncio.ensure_future(self._stopped.wait())]
        try:
            await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
        if self._rejection is not None:
            raise self._rejection
        return self._registered.is_set()

    async def run(self, *, handle_signals: bool = True) -> None:
        """Starts the agent and runs until it stops. With ``handle_signals``, SIGTERM and
        SIGINT drain it gracefully (:meth:`close`).

        :raises AgentRejectedError: if Nexus refused the agent
        """
        await self.start()
        loop = asyncio.get_running_loop()
        installed: list[signal.Signals] = []
        if handle_signals:
            for signum in (signal.SIGTERM, signal.SIGINT):
                with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                    loop.add_signal_handler(signum, self._on_signal, signum)
                    installed.append(signum)
        try:
            await self._stopped.wait()
        finally:
            for signum in installed:
                loop.remove_signal_handler(signum)
        if self._rejection is not None:
            raise self._rejection

    async def wait_stopped(self) -> None:
        """Waits until the agent has stopped (closed, killed or rejected)."""
        await self._stopped.wait()

    async def close(self) -> None:
        """Stops gracefully: tells Nexus it is draining, refuses new assignments
        (``task_fail``, retryable), lets running handlers finish and their results be
        acknowledged for up to the drain timeout, then closes with code 1000. Handlers still
        running after the timeout are cancelled. Idempotent."""
        if self._closing:
            await self._stopped.wait()
            return
        self._closing = True
        if self._loop_task is not None and not self._stopped.is_set():
            logger.info("Draining: finishing %d running task(s), taking no new ones", len(self._runner.held_task_ids()))
            await self._runner.drain(self._drain_timeout)
            self._stopping = True
            socket = self._socket
            if socket is not None:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(socket.close(1000, "agent closed"), CLOSE_TIMEOUT)
        self._finish("agent closed")
        await self._end_loop()

    async def _end_loop(self) -> None:
        task = self._loop_task
        if task is not None and task is not asyncio.current_task():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    def kill(self) -> None:
        """Stops at once, as a crash would: the socket is dropped without a close frame,
        handlers are cancelled, nothing more is sent. For tests."""
        self._stopping = True
        self._runner.cancel_all_silently()
        if self._socket is not None:
            connection.abort(self._socket)
        self._finish("agent killed")
        if self._loop_task is not None:
            self._loop_task.cancel()

    def drop_connection(self, reconnect_after: float = 0.0) -> None:
        """Drops the connection without a close frame, as a network failure would, and
        reconnects no sooner than ``reconnect_after`` seconds. For tests."""
        self._hold_until = time.monotonic() + reconnect_after
        if self._socket is not None:
            connection.abort(self._socket)
        else:
            self._wake.set()  # away already: reconsider when to reconnect

    def send_message(self, body: Any, *, to_agent: str | None = None, to_capability: str | None = None) -> bool:
        """Sends a message to another agent, or to every agent with a capability.

        :return: whether it went out (``False`` when not connected)
        """
        if (to_agent is None) == (to_capability is None):
            raise ValueError("Give exactly one of to_agent and to_capability")
        frame = AgentMessage(to_agent=to_agent, to_capability=to_capability, body=body, id=self._sender.next_id())
        return self._sender.send(frame)

    def on_message(self, listener: MessageListener) -> None:
        """Adds a listener (a function or a coroutine function) for messages from other
        agents; one that fails is logged and does not stop the others."""
        self._listeners.append(listener)

    # The connection loop ----------------------------------------------------------------

    async def _connect_loop(self) -> None:
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
                self._reject(closed.refused)
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
        elif isinstance(frame, Ack):
            self._runner.on_ack(frame)
        elif isinstance(frame, Ping):
            self._send_heartbeat()
        elif isinstance(frame, AgentMessage):
            self._deliver(frame)
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

    def _deliver(self, message: AgentMessage) -> None:
        for listener in list(self._listeners):
            try:
                outcome = listener(message)
                if inspect.isawaitable(outcome):
                    self._keep(asyncio.ensure_future(_logged(outcome)))
            except Exception:
                logger.warning("A message listener failed", exc_info=True)

    # Stopping ---------------------------------------------------------------------------

    def _on_signal(self, signum: signal.Signals) -> None:
        logger.info("Received %s: draining", signal.Signals(signum).name)
        self._keep(asyncio.ensure_future(self.close()))

    def _reject(self, message: str) -> None:
        logger.error(message)
        self._rejection = AgentRejectedError(message)
        self._finish("Nexus refused the agent")

    def _finish(self, reason: str) -> None:
        self._stopping = True
        self._runner.cancel_all(reason)
        self._registered.clear()
        self._stopped.set()

    def _keep(self, task: asyncio.Future[Any]) -> None:
        self._background.add(task)  # type: ignore[arg-type]
        task.add_done_callback(self._background.discard)

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


async def _logged(outcome: Awaitable[Any]) -> None:
    try:
        await outcome
    except Exception:
        logger.warning("A message listener failed", exc_info=True)


def _validate(
    uris: list[str], agent_id: str, token: str | None, key: str | None, max_concurrency: int, handler: Any
) -> None:
    if not uris:
        raise ValueError("server_uri is required")
    for uri in uris:
        if not uri.startswith(("ws://", "wss://")):
            raise ValueError(f"server_uri must be ws:// or wss://, got {uri}")
    if (token is None) == (key is None):
        raise ValueError("Set exactly one of token and enrollment_key")
    if not agent_id:
        raise ValueError("agent_id is required")
    if not 1 <= max_concurrency <= 1000:
        raise ValueError(f"max_concurrency must be 1 to 1000, got {max_concurrency}")
    if not callable(handler):
        raise ValueError("handler must be an async function")
