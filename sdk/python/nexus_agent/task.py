"""What a task handler sees: one assignment of a task to this agent."""

from __future__ import annotations

import asyncio
import json
import os
import re
import uuid
from collections.abc import Callable
from typing import Any

from .frames import InputRequest, TaskAssigned, TaskLease, Usage

_NO_ANSWER = object()

_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")


class NonRetryableTaskError(Exception):
    """Raise from a handler to fail the task at once (``retryable: false``), whatever
    attempts remain; any other exception fails it with a retry while attempts remain."""


class TaskContext:
    """One assignment of a task to this agent, from ``task_assigned`` until Nexus
    acknowledges its result, or the lease is cancelled or taken away.

    Handlers run on the agent's event loop; every method returns at once.
    """

    def __init__(
        self,
        assignment: TaskAssigned,
        progress_sink: Callable[[TaskContext, float | None, str | None], None],
        question_sink: Callable[[TaskContext, InputRequest], None] | None = None,
    ) -> None:
        self._question_sink = question_sink
        self._questions: dict[str, tuple[InputRequest, asyncio.Future[Any]]] = {}
        self._answered: set[str] = set()
        self._early: Any = _NO_ANSWER
        self._assignment = assignment
        self._progress_sink = progress_sink
        self._child_traceparent = child_traceparent(assignment.traceparent)
        self._cancelled = False
        self._finished = False
        self._execution: asyncio.Task[Any] | None = None
        self._last_percent: float | None = None
        self._last_message: str | None = None
        self._pending_usage: Usage | None = None

    @property
    def task_id(self) -> str:
        """The task's id."""
        return self._assignment.task_id

    @property
    def lease_epoch(self) -> int:
        """The fencing number of this assignment; the SDK echoes it in every frame."""
        return self._assignment.lease_epoch

    @property
    def attempt(self) -> int:
        """Which attempt this is, from 1."""
        return self._assignment.attempt

    @property
    def title(self) -> str:
        """The task's title."""
        return self._assignment.title or ""

    @property
    def description(self) -> str | None:
        """The task's description, if any."""
        return self._assignment.description

    @property
    def payload(self) -> Any:
        """The task's input as decoded JSON (``None`` when the task has none)."""
        return self._assignment.payload

    @property
    def timeout_seconds(self) -> int:
        """How long this attempt may run before Nexus cancels it (0 if Nexus gave none)."""
        return max(0, self._assignment.timeout_seconds or 0)

    @property
    def traceparent(self) -> str | None:
        """The W3C trace context of the assignment, as Nexus sent it, when Nexus traces."""
        return self._assignment.traceparent

    @property
    def child_traceparent(self) -> str | None:
        """The trace context of this agent's work: a child of :attr:`traceparent`. The SDK
        sends it back with the result; use it as the parent of anything the handler traces."""
        return self._child_traceparent

    @property
    def cancelled(self) -> bool:
        """Whether Nexus cancelled the task (or the agent stopped). The handler's asyncio
        task is cancelled too, and its result will not be sent."""
        return self._cancelled

    @property
    def lease(self) -> TaskLease:
        """The task and its lease epoch."""
        return TaskLease(self.task_id, self.lease_epoch)

    def progress(self, percent: float, message: str | None = None) -> None:
        """Reports how far the task has got. Sent at once when connected, dropped otherwise
        (a later report replaces it anyway); ignored once the task is cancelled or finished.

        :param percent: percent done, clamped to 0..100
        :param message: a short note (Nexus keeps 500 characters), or ``None``
        """
        if self._cancelled or self._finished:
            return
        clamped = 0.0 if percent != percent else max(0.0, min(100.0, float(percent)))
        self._last_percent, self._last_message = clamped, message
        self._progress_sink(self, clamped, message)

    async def ask_human(self, prompt: str, schema: Any = None, timeout: float | None = None) -> Any:
        """Asks a person for input and waits for the answer (``input_request``): the task
        waits in ``input_required``, its timeout clock paused, until someone answers through
        the API or the dashboard. Nexus checks the answer against ``schema``. A reconnection
        on the way is harmless: the SDK asks again under the same lease and gets the answer
        it missed. After a re-dispatch, an answer the previous attempt never received is
        returned by this attempt's first call at once.

        :param prompt: the question, 1-4000 characters
        :param schema: a JSON Schema of the answer (a dict, or JSON text) in the subset of
            docs/api.md, or ``None`` for any answer
        :param timeout: how long to wait, in seconds (whole, at least one), or ``None`` for
            Nexus's default; when it passes, Nexus ends the wait by the task's failure
            policy and the handler is cancelled
        :return: the answer, as decoded JSON
        :raises ValueError: if Nexus refused the question (for example an unsupported
            schema keyword)
        :raises asyncio.CancelledError: if the task is cancelled while waiting
        """
        self.raise_if_cancelled()
        if self._early is not _NO_ANSWER:
            answer, self._early = self._early, _NO_ANSWER
            return answer
        if self._question_sink is None:
            raise RuntimeError("this task context cannot ask for input")
        if isinstance(schema, str):
            schema = json.loads(schema)
        seconds = None if timeout is None else max(1, int(timeout))
        question = InputRequest(self.task_id, self.lease_epoch, str(uuid.uuid4()), prompt, schema, seconds)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._questions[question.request_id] = (question, future)
        self._question_sink(self, question)
        try:
            return await future
        finally:
            self._questions.pop(question.request_id, None)

    def report_usage(
        self,
        usage: Usage | None = None,
        *,
        input_tokens: int | None = None,
        output_tokens: int | None = None,
        cost: float | None = None,
        currency: str | None = None,
        model: str | None = None,
    ) -> None:
        """Reports what the handler spent since its previous report (tokens, money): a delta
        that Nexus adds to the task's usage. Goes out at once on a ``task_progress`` when
        connected; otherwise it is kept and added to the next report, and whatever is still
        kept when the handler returns goes with the result (``task_complete`` or
        ``task_fail``, sent until Nexus acknowledges it). If the task has a budget, Nexus may
        cancel the task after such a report. Ignored once the task is cancelled or finished.

        Either a :class:`~nexus_agent.frames.Usage` or its fields as keywords::

            ctx.report_usage(input_tokens=1200, output_tokens=350, cost=0.0042, model="gpt-4o-mini")

        :raises ValueError: if a value is out of bounds (docs/protocol.md#usage)
        """
        report = usage if usage is not None else Usage(input_tokens, output_tokens, cost, currency, model)
        problem = report.problem()
        if problem is not None:
            raise ValueError(problem)
        if self._cancelled or self._finished:
            return
        kept = self._pending_usage
        if kept is not None and kept.cost is not None and report.cost is not None and kept.effective_currency != report.effective_currency:
            # two currencies cannot share a report: the kept one goes first if it can
            self._progress_sink(self, self._last_percent, self._last_message)
            kept = self._pending_usage
            if kept is not None:
                # still not connected: the tokens count, the cost in the second currency is lost
                report = Usage(report.input_tokens, report.output_tokens, None, None, report.model)
        self._pending_usage = report if kept is None else kept.plus(report)
        self._progress_sink(self, self._last_percent, self._last_message)

    def take_usage(self) -> Usage | None:
        """The usage reported and not yet sent, which the caller now sends (used by the runner)."""
        kept, self._pending_usage = self._pending_usage, None
        return kept

    def raise_if_cancelled(self) -> None:
        """Stops the handler if the task was cancelled.

        :raises asyncio.CancelledError: if :attr:`cancelled`
        """
        if self._cancelled:
            raise asyncio.CancelledError(f"Task {self.task_id} was cancelled")

    # Used by the runner -------------------------------------------------------------

    @property
    def finished(self) -> bool:
        return self._finished

    def answered(self, request_id: str, answer: Any) -> None:
        """An answer arrived: it completes the waiting question, or is kept for the first
        question of this attempt if none waits; a repeated answer is ignored."""
        if request_id in self._answered:
            return
        self._answered.add(request_id)
        waiting = self._questions.get(request_id)
        if waiting is not None:
            if not waiting[1].done():
                waiting[1].set_result(answer)
        elif not self._questions:
            self._early = answer

    def refused(self, request_id: str, error: BaseException) -> None:
        waiting = self._questions.get(request_id)
        if waiting is not None and not waiting[1].done():
            waiting[1].set_exception(error)

    def waiting_questions(self) -> list[InputRequest]:
        """The questions still unanswered, to ask again after a reconnection."""
        return [question for question, future in self._questions.values() if not future.done()]

    def mark_finished(self) -> None:
        self._finished = True

    def started(self, execution: asyncio.Task[Any]) -> None:
        self._execution = execution
        if self._cancelled:
            execution.cancel()

    def cancel(self) -> None:
        """Sets the cancellation flag and cancels the handler's asyncio task."""
        self._cancelled = True
        if self._execution is not None and not self._execution.done():
            self._execution.cancel()

    def __repr__(self) -> str:
        return f"task {self.task_id} (lease {self.lease_epoch})"


def child_traceparent(parent: str | None) -> str | None:
    """A child of a version-00 W3C ``traceparent``: same trace id and flags, a new span id."""
    if parent is None:
        return None
    match = _TRACEPARENT.match(parent)
    if match is None:
        return None
    span_id = "0" * 16
    while span_id == "0" * 16:
        span_id = os.urandom(8).hex()
    return f"00-{match.group(1)}-{span_id}-{match.group(3)}"
