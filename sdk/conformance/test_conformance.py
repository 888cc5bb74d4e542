"""The end-to-end scenarios every agent SDK must pass, written once and run for each SDK's
conformance agent against the packaged server."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conftest import AgentStarter
from harness import TcpProxy
from nexus_server import NexusApi

# The server runs with a reconnect grace of 3 s and retry backoffs of 100-200 ms
# (sdk/python/tests/nexus_server.py), so that the scenarios take seconds.
TIMEOUT = 30.0


def eventually(fetch: Callable[[], Any], until: Callable[[Any], bool], what: str, timeout: float = TIMEOUT) -> Any:
    """Polls until ``until`` holds for what ``fetch`` returns; fails with the last value seen."""
    deadline = time.monotonic() + timeout
    seen: Any = None
    while time.monotonic() < deadline:
        seen = fetch()
        if until(seen):
            return seen
        time.sleep(0.1)
    raise AssertionError(f"Timed out after {timeout} s waiting for {what}; last seen: {seen!r}")


def task_of(api: NexusApi, task_id: str) -> Callable[[], dict[str, Any]]:
    return lambda: api.task(task_id)


def has_status(*statuses: str) -> Callable[[dict[str, Any]], bool]:
    return lambda task: task["status"] in statuses


def online(api: NexusApi, agent_id: str, expected: bool = True) -> dict[str, Any]:
    return eventually(
        lambda: api.agent(agent_id), lambda agent: agent["online"] is expected, f"{agent_id} online={expected}"
    )


def test_registers_and_runs_a_task(sdk: str, api: NexusApi, capability: str, start_agent: AgentStarter) -> None:
    agent = start_agent()
    agent.expect("registered")
    online(api, agent.name)
    task_id = api.create_task(capability, payload={"action": "echo", "data": {"text": "hello", "n": [1, None]}})
    task = eventually(task_of(api, task_id), has_status("completed", "failed"), "completion")
    assert task["status"] == "completed", task
    assert task["result"] == {"echo": {"text": "hello", "n": [1, None]}, "sdk": sdk, "epoch": 1, "attempt": 1}
    # heartbeats carry the machine's memory use
    eventually(
        lambda: api.agent(agent.name), lambda a: a["performance"]["memory_usage"] is not None, "the heartbeat's figures"
    )


def test_progress_is_visible_in_the_api(api: NexusApi, capability: str, start_agent: AgentStarter, release: Path) -> None:
    agent = start_agent()
    task_id = api.create_task(capability, payload={"action": "progress", "release": str(release)})
    agent.expect("started", task_id=task_id)
    task = eventually(task_of(api, task_id), lambda t: t["progress"] == 42, "the task's progress")
    assert task["status"] == "in_progress"
    assert task["progress_message"] == "halfway there"
    release.touch()
    eventually(task_of(api, task_id), has_status("completed"), "completion")


def test_a_failure_is_reported(api: NexusApi, capability: str, start_agent: AgentStarter) -> None:
    start_agent()
    final = api.create_task(capability, payload={"action": "fail", "retryable": False}, max_attempts=3)
    task = eventually(task_of(api, final), has_status("failed"), "the non-retryable failure")
    assert task["attempts"] == 1
    assert "bad input" in task["status_reason"]
    retried = api.create_task(capability, payload={"action": "fail", "retryable": True}, max_attempts=2)
    task = eventually(task_of(api, retried), has_status("failed"), "the failure after retries")
    assert task["attempts"] == 2
    assert "network down" in task["status_reason"]


def test_cancel_reaches_the_handler(api: NexusApi, capability: str, start_agent: AgentStarter, release: Path) -> None:
    agent = start_agent()
    task_id = api.create_task(capability, payload={"action": "wait", "release": str(release)})
    agent.expect("started", task_id=task_id)
    eventually(task_of(api, task_id), has_status("in_progress"), "in_progress")
    api.call("POST", f"/api/tasks/{task_id}/cancel", {"reason": "not needed"})
    agent.expect("cancelled", task_id=task_id, epoch=1)
    task = api.task(task_id)
    assert (task["status"], task["status_reason"]) == ("cancelled", "not needed")


def test_reconnect_within_the_grace_keeps_the_task(
    api: NexusApi, capability: str, start_agent: AgentStarter, release: Path, proxy: TcpProxy
) -> None:
    agent = start_agent(url=proxy.ws_url)
    task_id = api.create_task(capability, payload={"action": "wait", "release": str(release)})
    agent.expect("started", task_id=task_id)
    eventually(task_of(api, task_id), has_status("in_progress"), "in_progress")
    proxy.cut()
    eventually(lambda: proxy.accepted, lambda count: count >= 2, "the agent to connect again", timeout=10)
    online(api, agent.name)
    release.touch()
    task = eventually(task_of(api, task_id), has_status("completed", "failed", "queued"), "completion")
    assert task["status"] == "completed", task
    assert (task["lease_epoch"], task["attempts"], task["result"]["epoch"]) == (1, 1, 1)


def test_a_task_of_a_killed_agent_is_delivered_again_to_another(
    sdk: str, api: NexusApi, capability: str, start_agent: AgentStarter, release: Path
) -> None:
    first = start_agent("first")
    task_id = api.create_task(capability, payload={"action": "wait", "release": str(release)})
    first.expect("started", task_id=task_id, epoch=1)
    first.signal(signal.SIGKILL)
    first.wait(10)
    release.touch()
    second = start_agent("second")
    second.expect("started", task_id=task_id, epoch=2)
    task = eventually(task_of(api, task_id), has_status("completed", "failed"), "completion elsewhere")
    assert task["status"] == "completed", task
    assert task["assigned_agent_id"] == second.name
    assert task["result"] == {"sdk": sdk, "epoch": 2, "attempt": 2}


def test_a_result_under_a_stale_epoch_is_refused_and_the_task_runs_again(
    api: NexusApi, capability: str, start_agent: AgentStarter, release: Path, proxy: TcpProxy
) -> None:
    """The agent finishes while it is away past the grace: Nexus has taken the task back, so
    the result the agent holds for lease 1 is not stored; the task runs again under lease 2."""
    agent = start_agent(url=proxy.ws_url)
    task_id = api.create_task(capability, payload={"action": "wait", "release": str(release)})
    agent.expect("started", task_id=task_id, epoch=1)
    eventually(task_of(api, task_id), has_status("in_progress"), "in_progress")
    proxy.refusing = True
    proxy.cut()
    eventually(task_of(api, task_id), has_status("queued"), "the task taken back after the grace")
    release.touch()
    agent.expect("released", task_id=task_id, epoch=1)  # the result of lease 1 waits for a connection
    proxy.refusing = False
    agent.expect("started", task_id=task_id, epoch=2)
    task = eventually(task_of(api, task_id), has_status("completed", "failed"), "completion")
    assert task["status"] == "completed", task
    assert (task["lease_epoch"], task["attempts"], task["result"]["epoch"]) == (2, 2, 2)
    completions = [e for e in api.call("GET", f"/api/tasks/{task_id}/events") if e["to"] == "completed"]
    assert [(e["lease_epoch"], e["agent_id"]) for e in completions] == [(2, agent.name)]


def a_task_left_waiting(api: NexusApi, capability: str) -> str:
    """Creates tasks until one waits because the agent drains. One created right after the
    signal may still reach the agent, before the agent has announced its drain (the JVM, for
    one, starts its shutdown hooks a moment after the signal); it then completes, or is handed
    back, and the next one must wait."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        task_id = api.create_task(capability, payload={"action": "echo"})
        try:
            eventually(
                task_of(api, task_id),
                lambda t: "take no new work" in (t.get("waiting_reason") or ""),
                "the new task to wait while the agent drains",
                timeout=5,
            )
            return task_id
        except AssertionError:
            continue
    raise AssertionError(f"No new task waited for the draining agent within {TIMEOUT} s")


def test_sigterm_drains(
    sdk: str, api: NexusApi, capability: str, start_agent: AgentStarter, release: Path
) -> None:
    """SIGTERM: the agent stops taking work, finishes the running task, and exits."""
    agent = start_agent(max_concurrency=2)
    running = api.create_task(capability, payload={"action": "wait", "release": str(release)})
    agent.expect("started", task_id=running)
    eventually(task_of(api, running), has_status("in_progress"), "in_progress")
    agent.signal(signal.SIGTERM)
    waiting = a_task_left_waiting(api, capability)
    assert agent.running, "the agent waits for its running task"
    release.touch()
    code = agent.wait(30)
    # the JVM exits with 128 + SIGTERM after its shutdown hooks (here: the drain) have run
    assert code in ((0, 143) if sdk == "java" else (0,)), agent.log()
    task = api.task(running)
    assert task["status"] == "completed", task
    assert api.task(waiting)["status"] == "queued"
    online(api, agent.name, expected=False)


def test_enrolls_with_a_key_and_reconnects_with_the_issued_token(
    api: NexusApi, capability: str, start_agent: AgentStarter, proxy: TcpProxy
) -> None:
    key = api.call("POST", "/api/enrollment-keys", {"name": capability, "capabilities": [capability]})["key"]
    agent = start_agent("enrolled", url=proxy.ws_url, enrollment_key=key)
    assert agent.expect("registered")["token_issued"] is True
    proxy.cut()  # the key no longer works for this id: the agent must use the token Nexus issued
    eventually(lambda: proxy.accepted, lambda count: count >= 2, "the agent to connect again", timeout=10)
    online(api, agent.name)
    task_id = api.create_task(capability, payload={"action": "echo"})
    eventually(task_of(api, task_id), has_status("completed"), "completion")
