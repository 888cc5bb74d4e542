"""The leases this agent holds and the handlers that work on them."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any, Union

from .backoff import Backoff
from .frames import (
    Ack,
    ErrorFrame,
    InputRequest,
    InputResponse,
    StatusUpdate,
    TaskAccept,
    TaskAssigned,
    TaskCancel,
    TaskComplete,
    TaskFail,
    TaskLease,
    TaskProgress,
)
from .sender import FrameSender
from .task import NonRetryableTaskError, TaskContext

logger = logging.getLogger(__name__)

TaskHandler = Callable[[TaskContext], Awaitable[Any]]
"""``async def handle(task: TaskContext) -> dict``: the result is any JSON value."""

MAX_ERROR_LENGTH = 4000
"""Keeps error texts within reason; Nexus stores 500 characters."""

_FINAL_REFUSALS = ("stale_lease", "unknown_task")

Report = Union[TaskAccept, TaskComplete, TaskFail]
Sent = Union[TaskAccept, TaskComplete, TaskFail, InputRequest]


@dataclass(frozen=True)
class _Outstanding:
    """A frame that awaits an ``ack`` or ``error``: an accept, or a result to send again
    after a reconnection until it is acknowledged."""

    task_id: str
    lease_epoch: int
    frame: Sent
    retries: int = 0

    @property
    def is_result(self) -> bool:
        return not isinstance(self.frame, (TaskAccept, InputRequest))


class TaskRunner:
    """Runs one handler per assigned task, at most ``max_concurrency`` at once, and keeps
    each outcome until Nexus acknowledges it. Everything runs on the agent's event loop,
    so the state needs no locks."""

    def __init__(self, handler: TaskHandler, sender: FrameSender, max_concurrency: int, retry_backoff: Backoff) -> None:
        self._handler = handler
        self._sender = sender
        self._slots = asyncio.Semaphore(max_concurrency)
        self._retry_backoff = retry_backoff
        self._tasks: dict[str, TaskContext] = {}
        self._outstanding: dict[str, _Outstanding] = {}
        self._drained: asyncio.Event | None = None

    # Frames from Nexus ----------------------------------------------------------------

    def on_assigned(self, assignment: TaskAssigned) -> None:
        """Accepts and starts a new lease; a repeated assignment is accepted again, once."""
        if self._drained is not None:
            logger.info("Refusing task %s: the agent is draining", assignment.task_id)
            self._sender.send(
                TaskFail(assignment.task_id, assignment.lease_epoch, "agent draining", True, self._sender.next_id())
            )
            return
        held = self._tasks.get(assignment.task_id)
        if held is not None and held.lease_epoch >= assignment.lease_epoch:
            logger.debug("Ignoring a repeated assignment of %r", held)
            if held.lease_epoch == assignment.lease_epoch and not held.finished:
                self._accept(held)
            return
        if held is not None:
            self._drop(held, f"superseded by lease {assignment.lease_epoch}")
        task = TaskContext(assignment, self._progress, self._ask)
        self._tasks[task.task_id] = task
        self._accept(task)
        task.started(asyncio.get_running_loop().create_task(self._execute(task), name=f"nexus-{task.task_id}"))

    def on_cancel(self, cancel: TaskCancel) -> None:
        """Cancels the handler of the lease that ends; nothing more is sent for it."""
        task = self._tasks.get(cancel.task_id)
        if task is not None and cancel.lease_epoch >= task.lease_epoch:
            self._drop(task, f"cancelled by Nexus: {cancel.reason}")

    def on_input_response(self, response: InputResponse) -> None:
        """A person's answer: completes the handler's ``ask_human``, or is kept for the
        attempt's first question if none waits (after a re-dispatch)."""
        task = self._tasks.get(response.task_id)
        if task is None or task.lease_epoch != response.lease_epoch or task.finished:
            logger.debug("Ignoring an answer for task %s under lease %s", response.task_id, response.lease_epoch)
            return
        task.answered(response.request_id, response.answer)

    def on_ack(self, ack: Ack) -> None:
        """Forgets a task once its result is acknowledged."""
        answered = self._outstanding.pop(ack.id, None) if ack.id is not None else None
        if answered is not None and answered.is_result:
            task = self._tasks.get(answered.task_id)
            if task is not None and task.lease_epoch == answered.lease_epoch:
                del self._tasks[answered.task_id]
                logger.debug("Nexus acknowledged the result of %r", task)
            self._check_drained()

    def on_error(self, error: ErrorFrame) -> bool:
        """Handles an ``error`` that answers a task frame. A retryable refusal (code
        ``unavailable``) keeps the frame and sends it again after a backoff; any other
        refusal (``stale_lease``, ``unknown_task``...) drops the task and its result.

        :return: whether the error answered a frame of this runner
        """
        refused = self._outstanding.pop(error.id, None) if error.id is not None else None
        if refused is None:
            return False
        if isinstance(refused.frame, InputRequest) and not error.may_retry and error.code not in _FINAL_REFUSALS:
            # a question Nexus would not take: the handler hears why, the task goes on
            asking = self._tasks.get(refused.task_id)
            if asking is not None:
                asking.refused(
                    refused.frame.request_id, ValueError(f"Nexus refused the question: {error.code}: {error.message}")
                )
            return True
        if error.may_retry:
            self._retry_later(error.id or "", refused, error)
            return True
        task = self._tasks.get(refused.task_id)
        if task is not None and task.lease_epoch == refused.lease_epoch:
            level = logging.INFO if error.code in _FINAL_REFUSALS else logging.WARNING
            what = "result" if refused.is_result else "frame"
            logger.log(level, "Nexus refused the %s of %r, dropping it: %s %s", what, task, error.code, error.message)
            self._drop(task, error.code)
        return True

    def on_registered(self, resumed: list[TaskLease] | None) -> None:
        """After (re)registration: stops work on leases Nexus did not keep and sends again
        the results it has not acknowledged (a repeat under the current lease is harmless)."""
        if resumed is not None:
            kept = set(resumed)
            for task in list(self._tasks.values()):
                if not task.finished and task.lease not in kept:
                    self._drop(task, "Nexus did not resume its lease")
        for sent in self._outstanding.values():
            if sent.is_result:
                self._sender.send(sent.frame)
        # questions still unanswered are asked again under the same lease: Nexus answers
        # with the answer it kept, if one came meanwhile
        for task in self._tasks.values():
            if not task.finished:
                for question in task.waiting_questions():
                    self._send_question(task, question)
        self._check_drained()

    # State for the connector ------------------------------------------------------------

    def leases(self) -> list[TaskLease]:
        """The leases for ``agent_register``: running tasks and unacknowledged results."""
        return [task.lease for task in self._tasks.values()]

    def held_task_ids(self) -> list[str]:
        """The tasks this agent holds."""
        return list(self._tasks)

    async def drain(self, timeout: float) -> bool:
        """Stops taking tasks (``status_update`` ``draining`` first, so that Nexus stops
        assigning) and waits until every held task's result is acknowledged.

        :return: whether all were acknowledged within the timeout
        """
        if self._drained is None:
            self._drained = asyncio.Event()
            self._sender.send(StatusUpdate("draining", self._sender.next_id()))
        self._check_drained()
        try:
            await asyncio.wait_for(self._drained.wait(), timeout)
            return True
        except asyncio.TimeoutError:
            logger.warning("Gave up waiting for %d task(s) to finish after %s s", len(self._tasks), timeout)
            return False

    @property
    def draining(self) -> bool:
        return self._drained is not None

    def cancel_all(self, reason: str) -> None:
        """Cancels every handler and forgets every lease."""
        for task in list(self._tasks.values()):
            self._drop(task, reason)

    def cancel_all_silently(self) -> None:
        """Cancels every handler and sends nothing more, as a crash would (for tests)."""
        for task in list(self._tasks.values()):
            task.cancel()
        self._tasks.clear()
        self._outstanding.clear()

    # Internals ----------------------------------------------------------------------

    def _accept(self, task: TaskContext) -> None:
        frame = TaskAccept(task.task_id, task.lease_epoch, self._sender.next_id())
        self._outstanding[frame.id or ""] = _Outstanding(task.task_id, task.lease_epoch, frame)
        self._sender.send(frame)

    async def _execute(self, task: TaskContext) -> None:
        async with self._slots:
            if task.cancelled:
                return
            outcome = await self._invoke(task)
        if outcome is not None:
            self._finished(task, outcome)

    async def _invoke(self, task: TaskContext) -> Report | None:
        """Runs the handler and turns what it returns or raises into the report."""
        try:
            result = await self._handler(task)
        except asyncio.CancelledError:
            if task.cancelled:
                return None
            # cancelled by something other than Nexus: hand the task back for a retry
            return self._fail(task, "the handler was cancelled", retryable=True)
        except NonRetryableTaskError as ex:
            return self._fail(task, _describe(ex), retryable=False)
        except Exception as ex:  # a handler may fail in any way; the task is retried
            if not task.cancelled:
                logger.warning("Handler failed on %r", task, exc_info=True)
            return self._fail(task, _describe(ex), retryable=True)
        try:
            json.dumps(result)
        except (TypeError, ValueError) as ex:
            return self._fail(task, f"Result cannot be written as JSON: {_describe(ex)}", retryable=False)
        return TaskComplete(
            task.task_id, task.lease_epoch, result, task.child_traceparent, self._sender.next_id(), task.take_usage()
        )

    def _fail(self, task: TaskContext, error: str, retryable: bool) -> TaskFail:
        return TaskFail(task.task_id, task.lease_epoch, error, retryable, self._sender.next_id(), task.take_usage())

    def _finished(self, task: TaskContext, outcome: Report) -> None:
        if task.cancelled or self._tasks.get(task.task_id) is not task:
            return
        task.mark_finished()
        self._outstanding[outcome.id or ""] = _Outstanding(task.task_id, task.lease_epoch, outcome)
        self._sender.send(outcome)

    def _ask(self, task: TaskContext, question: InputRequest) -> None:
        if not task.cancelled and not task.finished and self._tasks.get(task.task_id) is task:
            self._send_question(task, question)

    def _send_question(self, task: TaskContext, question: InputRequest) -> None:
        frame = replace(question, id=self._sender.next_id())
        self._outstanding[frame.id or ""] = _Outstanding(task.task_id, task.lease_epoch, frame)
        self._sender.send(frame)

    def _progress(self, task: TaskContext, percent: float | None, message: str | None) -> None:
        if self._tasks.get(task.task_id) is task:
            # usage stays kept for a later report while the agent is not connected
            usage = task.take_usage() if self._sender.ready else None
            self._sender.send(TaskProgress(task.task_id, task.lease_epoch, percent, message, usage=usage))

    def _retry_later(self, frame_id: str, refused: _Outstanding, error: ErrorFrame) -> None:
        """Keeps a refused frame and sends it again, with the same id, after a backoff,
        unless by then it was answered, its task dropped, or its lease replaced."""
        task = self._tasks.get(refused.task_id)
        if task is None or task.lease_epoch != refused.lease_epoch:
            return
        waiting = replace(refused, retries=refused.retries + 1)
        self._outstanding[frame_id] = waiting
        delay = max(0.05, self._retry_backoff.delay(refused.retries))
        logger.info("Nexus cannot store a frame of %r now (%s); sending it again in %.0f ms", task, error.code, delay * 1000)

        def resend() -> None:
            if self._outstanding.get(frame_id) is waiting:
                self._sender.send(waiting.frame)

        asyncio.get_running_loop().call_later(delay, resend)

    def _drop(self, task: TaskContext, reason: str) -> None:
        logger.info("Dropping %r: %s", task, reason)
        if self._tasks.get(task.task_id) is task:
            del self._tasks[task.task_id]
        self._outstanding = {key: sent for key, sent in self._outstanding.items() if sent.task_id != task.task_id}
        task.cancel()
        self._check_drained()

    def _check_drained(self) -> None:
        if self._drained is not None and not self._tasks:
            self._drained.set()


def _describe(ex: BaseException) -> str:
    text = str(ex)
    if not isinstance(ex, NonRetryableTaskError):
        text = f"{type(ex).__name__}: {text}" if text else type(ex).__name__
    return text[:MAX_ERROR_LENGTH]
