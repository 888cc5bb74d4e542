"""The frames of the agent protocol (docs/protocol.md), as typed dataclasses.

Field names are the wire names (``snake_case``). :func:`encode` leaves out fields that are
``None``; :func:`decode` ignores fields and frame types it does not know, so that a newer
server does not break an older agent.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar, Union

logger = logging.getLogger(__name__)

PROTOCOL_VERSION = 1


@dataclass(frozen=True)
class TaskLease:
    """A task and the lease epoch under which the agent runs it."""

    task_id: str
    lease_epoch: int


# Agent to Nexus ------------------------------------------------------------------------

MAX_TOKENS = 1_000_000_000
"""The most tokens of one kind one usage report may carry."""

MAX_COST = 1_000_000
"""The most money one usage report may carry."""

MAX_MODEL_LENGTH = 128
"""The longest model name."""

_CURRENCY = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class Usage:
    """What a handler spent on a task since its previous report (docs/protocol.md#usage): a
    delta that Nexus adds to the task's total. Every field is optional; :meth:`problem`
    says what is out of bounds, and Nexus refuses such a report whole."""

    input_tokens: int | None = None
    output_tokens: int | None = None
    cost: float | None = None
    currency: str | None = None
    model: str | None = None

    def problem(self) -> str | None:
        """What is wrong with the report, naming the field, or ``None``."""
        for name in ("input_tokens", "output_tokens"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_TOKENS):
                return f"usage.{name} must be an integer between 0 and {MAX_TOKENS}"
        if self.cost is not None and (
            isinstance(self.cost, bool)
            or not isinstance(self.cost, (int, float))
            or self.cost != self.cost
            or not 0 <= self.cost <= MAX_COST
        ):
            return f"usage.cost must be a number between 0 and {MAX_COST}"
        if self.currency is not None and (not isinstance(self.currency, str) or not _CURRENCY.match(self.currency)):
            return "usage.currency must be an ISO 4217 code of three capital letters, such as USD"
        if self.model is not None and (
            not isinstance(self.model, str)
            or not 1 <= len(self.model) <= MAX_MODEL_LENGTH
            or any(ord(char) < 32 or ord(char) == 127 for char in self.model)
        ):
            return f"usage.model must be 1 to {MAX_MODEL_LENGTH} printable characters"
        return None

    @property
    def effective_currency(self) -> str:
        """The currency of :attr:`cost`: the one given, or USD."""
        return self.currency or "USD"

    def plus(self, other: Usage) -> Usage:
        """The two reports as one (the cost only if both are in one currency or one has none;
        the later model wins)."""
        cost: float | None
        if self.cost is None:
            cost, currency = other.cost, other.currency
        elif other.cost is None:
            cost, currency = self.cost, self.currency
        elif self.effective_currency == other.effective_currency:
            cost, currency = self.cost + other.cost, self.currency
        else:
            raise ValueError("reports in two currencies cannot be summed")
        return Usage(
            _add(self.input_tokens, other.input_tokens),
            _add(self.output_tokens, other.output_tokens),
            cost,
            currency,
            other.model if other.model is not None else self.model,
        )


def _add(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else a + b



@dataclass(frozen=True)
class AgentRegister:
    """The first frame of every connection: who the agent is and what it still runs."""

    TYPE: ClassVar[str] = "agent_register"
    agent_id: str
    id: str | None = None
    agent_name: str | None = None
    token: str | None = None
    capabilities: list[str] | None = None
    max_concurrency: int | None = None
    protocol_version: int = PROTOCOL_VERSION
    running_tasks: list[TaskLease] = field(default_factory=list)


@dataclass(frozen=True)
class Heartbeat:
    """A sign of life with the machine's CPU and memory use in percent."""

    TYPE: ClassVar[str] = "heartbeat"
    cpu_usage: float | None = None
    memory_usage: float | None = None
    running_tasks: list[str] = field(default_factory=list)
    sent_at: int | None = None
    id: str | None = None


@dataclass(frozen=True)
class TaskAccept:
    """The agent takes an assigned task."""

    TYPE: ClassVar[str] = "task_accept"
    task_id: str
    lease_epoch: int
    id: str | None = None


@dataclass(frozen=True)
class TaskProgress:
    """How far a task has got; ``message`` absent clears the previous note."""

    TYPE: ClassVar[str] = "task_progress"
    task_id: str
    lease_epoch: int
    progress: float | None = None
    message: str | None = None
    id: str | None = None
    usage: Usage | None = None


@dataclass(frozen=True)
class TaskComplete:
    """The task's result."""

    TYPE: ClassVar[str] = "task_complete"
    task_id: str
    lease_epoch: int
    result: Any = None
    traceparent: str | None = None
    id: str | None = None
    usage: Usage | None = None


@dataclass(frozen=True)
class TaskFail:
    """The task failed; ``retryable`` false fails it at once, whatever attempts remain."""

    TYPE: ClassVar[str] = "task_fail"
    task_id: str
    lease_epoch: int
    error: str | None = None
    retryable: bool = True
    id: str | None = None
    usage: Usage | None = None


@dataclass(frozen=True)
class InputRequest:
    """Asks a person for input on a running task (docs/protocol.md): the task waits in
    ``input_required`` with its timeout clock paused until the answer comes."""

    TYPE: ClassVar[str] = "input_request"
    task_id: str
    lease_epoch: int
    request_id: str
    prompt: str
    schema: Any = None
    timeout_seconds: int | None = None
    id: str | None = None


@dataclass(frozen=True)
class StatusUpdate:
    """The agent's operational status; ``draining`` stops new work for this connection."""

    TYPE: ClassVar[str] = "status_update"
    status: str
    id: str | None = None


@dataclass(frozen=True)
class AgentMessage:
    """A message between agents: sent with a recipient, received with ``from_agent``."""

    TYPE: ClassVar[str] = "message"
    to_agent: str | None = None
    to_capability: str | None = None
    from_agent: str | None = None
    body: Any = None
    id: str | None = None


# Nexus to agent ------------------------------------------------------------------------


@dataclass(frozen=True)
class Registered:
    """Nexus accepted ``agent_register``; ``resumed_tasks`` are the leases the agent keeps."""

    TYPE: ClassVar[str] = "registered"
    agent_id: str | None = None
    protocol_version: int | None = None
    heartbeat_interval_seconds: int | None = None
    token: str | None = None
    resumed_tasks: list[TaskLease] | None = None


@dataclass(frozen=True)
class TaskAssigned:
    """A task for this agent under a new lease epoch."""

    TYPE: ClassVar[str] = "task_assigned"
    task_id: str
    lease_epoch: int
    attempt: int = 1
    title: str | None = None
    description: str | None = None
    priority: str | None = None
    category: str | None = None
    required_capabilities: list[str] | None = None
    payload: Any = None
    timeout_seconds: int | None = None
    traceparent: str | None = None


@dataclass(frozen=True)
class TaskCancel:
    """Stop working on a task: the lease ends."""

    TYPE: ClassVar[str] = "task_cancel"
    task_id: str
    lease_epoch: int
    reason: str | None = None


@dataclass(frozen=True)
class InputResponse:
    """A person's answer to an ``input_request``; the task runs again under ``lease_epoch``
    (after a re-dispatch, the new lease, right after ``task_assigned``)."""

    TYPE: ClassVar[str] = "input_response"
    task_id: str
    lease_epoch: int
    request_id: str
    answer: Any = None


@dataclass(frozen=True)
class Ack:
    """Nexus applied and stored the frame with this id."""

    TYPE: ClassVar[str] = "ack"
    id: str | None = None
    task_id: str | None = None


@dataclass(frozen=True)
class ErrorFrame:
    """Nexus refused the frame with this id; the frame changed nothing."""

    TYPE: ClassVar[str] = "error"
    code: str
    message: str | None = None
    id: str | None = None
    retryable: bool | None = None

    @property
    def may_retry(self) -> bool:
        """Whether the refusal is passing (code ``unavailable``): send the frame again later."""
        return bool(self.retryable)


@dataclass(frozen=True)
class Ping:
    """Asks for a heartbeat (part of the protocol; Nexus does not send it today)."""

    TYPE: ClassVar[str] = "ping"
    sent_at: int | None = None


Frame = Union[
    AgentRegister,
    Heartbeat,
    TaskAccept,
    TaskProgress,
    TaskComplete,
    TaskFail,
    StatusUpdate,
    AgentMessage,
    InputRequest,
    Registered,
    TaskAssigned,
    TaskCancel,
    InputResponse,
    Ack,
    ErrorFrame,
    Ping,
]

FRAME_TYPES: dict[str, type] = {
    cls.TYPE: cls
    for cls in (
        AgentRegister,
        Heartbeat,
        TaskAccept,
        TaskProgress,
        TaskComplete,
        TaskFail,
        StatusUpdate,
        AgentMessage,
        InputRequest,
        Registered,
        TaskAssigned,
        TaskCancel,
        InputResponse,
        Ack,
        ErrorFrame,
        Ping,
    )
}

_LEASE_LISTS = ("running_tasks", "resumed_tasks")


def encode(frame: Frame) -> str:
    """Writes a frame as JSON text, ``type`` first, ``None`` fields left out."""
    body: dict[str, Any] = {"type": frame.TYPE}
    for item in dataclasses.fields(frame):
        value = getattr(frame, item.name)
        if value is None:
            continue
        if item.name in _LEASE_LISTS and value and isinstance(value[0], TaskLease):
            value = [dataclasses.asdict(lease) for lease in value]
        if isinstance(value, Usage):
            value = {name: amount for name, amount in dataclasses.asdict(value).items() if amount is not None}
        body[item.name] = value
    return json.dumps(body, separators=(",", ":"))


def decode(text: str | bytes) -> Frame | None:
    """Reads a frame. Text that is not a frame, or a frame of a type this SDK does not
    know, is logged and gives ``None``."""
    try:
        tree = json.loads(text)
    except (ValueError, UnicodeDecodeError) as ex:
        logger.warning("Ignoring a frame that is not JSON: %s", ex)
        return None
    if not isinstance(tree, dict) or not isinstance(tree.get("type"), str):
        logger.warning("Ignoring a frame without a type")
        return None
    cls = FRAME_TYPES.get(tree["type"])
    if cls is None:
        logger.info("Ignoring a frame of unknown type '%s'", tree["type"])
        return None
    known = {item.name for item in dataclasses.fields(cls)}
    values = {name: value for name, value in tree.items() if name in known}
    for name in _LEASE_LISTS:
        if isinstance(values.get(name), list):
            values[name] = [_lease(entry) for entry in values[name]]
    if isinstance(values.get("usage"), dict):
        usage_fields = {item.name for item in dataclasses.fields(Usage)}
        values["usage"] = Usage(**{name: value for name, value in values["usage"].items() if name in usage_fields})
    try:
        return cls(**values)
    except (TypeError, KeyError, ValueError) as ex:
        logger.warning("Ignoring an invalid '%s' frame: %s", tree["type"], ex)
        return None


def _lease(entry: Any) -> TaskLease:
    if not isinstance(entry, dict):
        raise ValueError(f"not a lease: {entry!r}")
    return TaskLease(task_id=str(entry["task_id"]), lease_epoch=int(entry["lease_epoch"]))
