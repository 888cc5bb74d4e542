"""The agent: connects, registers, keeps the connection alive, runs tasks, and drains."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import signal
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from .backoff import Backoff
from .connector import ConnectionSettings, Connector
from .frames import AgentMessage
from .runner import TaskHandler, TaskRunner
from .sender import FrameSender

logger = logging.getLogger("nexus_agent")

CLOSE_TIMEOUT = 5.0

MessageListener = Callable[[AgentMessage], Any]


class AgentRejectedError(Exception):
    """Nexus refused the agent for good (close 4401, 4403 or 4409, or HTTP 401/403)."""


class NexusAgent:
    """An agent connected to Nexus: it registers, sends heartbeats, runs the tasks Nexus
    assigns with an async handler, reports their outcome until it is acknowledged, and
    reconnects with backoff, resuming its running tasks with their lease epochs.

    Everything runs on one asyncio event loop: handlers are asyncio tasks, at most
    ``max_concurrency`` at once. ``await agent.run()`` (until SIGTERM or SIGINT, then drain) or ``await agent.start()``
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
        backoff = Backoff(initial_backoff, max_backoff)
        self._drain_timeout = drain_timeout
        self._sender = FrameSender()
        self._runner = TaskRunner(handler, self._sender, max_concurrency, backoff)
        settings = ConnectionSettings(
            server_uris=uris,
            agent_id=agent_id,
            token=token,
            enrollment_key=enrollment_key,
            name=name or agent_id,
            capabilities=list(capabilities),
            max_concurrency=max_concurrency,
            backoff=backoff,
            connect_timeout=connect_timeout,
            registration_timeout=registration_timeout,
        )
        self._connector = Connector(settings, self._sender, self._runner, self._deliver, self._reject)
        self._listeners: list[MessageListener] = []
        self._loop_task: asyncio.Task[None] | None = None
        self._stopped = asyncio.Event()
        self._closing = False
        self._rejection: AgentRejectedError | None = None
        self._background: set[asyncio.Future[Any]] = set()

    # Public API -------------------------------------------------------------------------

    @property
    def agent_id(self) -> str:
        """The agent's id, as Nexus confirmed it once registered."""
        return self._connector.agent_id

    @property
    def issued_token(self) -> str | None:
        """The token Nexus issued when the agent enrolled with a key. Keep it (Nexus shows
        it once) and pass it as ``token`` next time."""
        return self._connector.issued_token

    @property
    def connected(self) -> bool:
        """Whether the agent is connected and registered now."""
        return self._connector.registered.is_set()

    @property
    def running_tasks(self) -> list[str]:
        """The tasks the agent holds: running, or finished with an unacknowledged result."""
        return self._runner.held_task_ids()

    async def start(self) -> None:
        """Connects in the background and returns at once. Failures are retried with
        backoff until :meth:`close`; refused credentials stop the agent."""
        if self._loop_task is not None or self._stopped.is_set():
            raise RuntimeError("The agent can be started once")
        self._loop_task = asyncio.get_running_loop().create_task(self._connector.run(), name="nexus-agent")

    async def wait_registered(self, timeout: float) -> bool:
        """Waits until the agent is registered.

        :return: ``True`` if registered, ``False`` on timeout or once stopped
        :raises AgentRejectedError: if Nexus refused the agent
        """
        registered = self._connector.registered
        waiters = [asyncio.ensure_future(registered.wait()), asyncio.ensure_future(self._stopped.wait())]
        try:
            await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
        if self._rejection is not None:
            raise self._rejection
        return registered.is_set()

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
            await self._connector.shutdown(1000, "agent closed", CLOSE_TIMEOUT)
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
        self._connector.abort()
        self._runner.cancel_all_silently()
        self._finish("agent killed")
        if self._loop_task is not None:
            self._loop_task.cancel()

    def drop_connection(self, reconnect_after: float = 0.0) -> None:
        """Drops the connection without a close frame, as a network failure would, and
        reconnects no sooner than ``reconnect_after`` seconds. For tests."""
        self._connector.drop(reconnect_after)

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
        self._connector.abort()
        self._runner.cancel_all(reason)
        self._stopped.set()

    def _keep(self, task: asyncio.Future[Any]) -> None:
        self._background.add(task)
        task.add_done_callback(self._background.discard)


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
