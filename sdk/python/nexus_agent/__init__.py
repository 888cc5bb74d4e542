"""Python SDK for Nexus agents: connect to Nexus over its WebSocket protocol, run the
tasks it assigns with an async handler, and report progress and results.

>>> async def handle(task: TaskContext) -> dict:
...     task.progress(50, "halfway")
...     return {"echo": task.payload}
"""

from .agent import AgentRejectedError, NexusAgent
from .backoff import Backoff, ServerRotation
from .frames import PROTOCOL_VERSION, TaskLease, Usage, decode, encode
from .runner import TaskHandler
from .task import NonRetryableTaskError, TaskContext

__all__ = [
    "PROTOCOL_VERSION",
    "AgentRejectedError",
    "Backoff",
    "NexusAgent",
    "NonRetryableTaskError",
    "ServerRotation",
    "TaskContext",
    "TaskHandler",
    "TaskLease",
    "Usage",
    "decode",
    "encode",
]

__version__ = "0.1.0"
