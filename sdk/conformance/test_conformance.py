"""The end-to-end scenarios every agent SDK must pass, written once and run for each SDK's
conformance agent against the packaged server."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conftest import AgentStarter
from harness import TcpProxy, WebSocketRelay
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


APPROVAL = {
    "type": "object",
    "required": ["approved"],
    "properties": {"approved": {"type": "boolean"}, "note": {"type": "string", "maxLength": 20}},
}


def answer_input(api: NexusApi, task_id: str, answer: Any) -> dict[str, Any]:
    return api.call("POST", f"/api/tasks/{task_id}/input", {"answer": answer})


def test_asks_a_person_and_gets_the_answer(sdk: str, api: NexusApi, capability: str, start_agent: AgentStarter) -> None:
    """``askHuman``/``ask_human``: the task waits in input_required with the agent's question
    and schema; an answer that does not fit the schema is refused; the one that fits reaches
    the handler, which returns it."""
    start_agent()
    task_id = api.create_task(capability, payload={"action": "ask", "prompt": "Deploy build 512?", "schema": APPROVAL})
    eventually(task_of(api, task_id), has_status("input_required"), "the task to wait for input")
    question = api.call("GET", f"/api/tasks/{task_id}/input")
    assert (question["prompt"], question["schema"], question["state"]) == ("Deploy build 512?", APPROVAL, "open"), question
    try:
        answer_input(api, task_id, {"approved": "yes"})
        raise AssertionError("an answer that does not fit the agent's schema was taken")
    except AssertionError as refused:
        assert "answered 422" in str(refused) and "answer_does_not_fit_schema" in str(refused), refused
    assert api.task(task_id)["status"] == "input_required"
    answer_input(api, task_id, {"approved": True, "note": "go"})
    task = eventually(task_of(api, task_id), has_status("completed", "failed"), "completion")
    assert task["status"] == "completed", task
    assert task["result"] == {"answer": {"approved": True, "note": "go"}, "sdk": sdk, "epoch": 1, "attempt": 1}


def test_an_answer_given_while_the_agent_is_away_reaches_it_after_the_reconnection(
    api: NexusApi, capability: str, start_agent: AgentStarter, proxy: TcpProxy
) -> None:
    """The lease of a task that waits for a person outlives the grace; the answer given while
    the agent is away follows its next registration (or its question asked again)."""
    agent = start_agent(url=proxy.ws_url)
    task_id = api.create_task(capability, payload={"action": "ask", "prompt": "Which region?"})
    agent.expect("started", task_id=task_id)
    eventually(task_of(api, task_id), has_status("input_required"), "the task to wait for input")
    proxy.refusing = True
    proxy.cut()
    eventually(lambda: proxy.refused, lambda count: count >= 1, "the agent to try to connect again", timeout=10)
    eventually(lambda: api.agent(agent.name), lambda a: a["online"] is False, "the agent offline")
    time.sleep(4)  # past the reconnect grace (3 s): a waiting task keeps its lease anyway
    assert api.task(task_id)["status"] == "input_required"
    answer_input(api, task_id, "eu-west")
    proxy.refusing = False
    task = eventually(task_of(api, task_id), has_status("completed", "failed", "queued"), "completion")
    assert task["status"] == "completed", task
    assert (task["result"]["answer"], task["lease_epoch"], task["attempts"]) == ("eu-west", 1, 1)


def test_usage_on_progress_and_completion_is_summed_on_the_task(
    api: NexusApi, capability: str, start_agent: AgentStarter, release: Path, proxy: TcpProxy
) -> None:
    """``reportUsage``/``report_usage``: each report is a delta. Two go out on progress frames
    at once; the last is made while the agent is away, so it is kept and goes with the
    result; Nexus sums all three on the task."""
    agent = start_agent(url=proxy.ws_url)
    reports = [
        {"input_tokens": 1200, "output_tokens": 350, "cost": 0.0042, "model": "gpt-4o-mini"},
        {"input_tokens": 800, "output_tokens": 50, "cost": 0.0008, "currency": "USD"},
    ]
    final = {"input_tokens": 1, "output_tokens": 600, "cost": 0.25, "model": "gpt-4o"}
    payload = {"action": "usage", "progress": reports, "final": final, "release": str(release)}
    task_id = api.create_task(capability, payload=payload)
    agent.expect("reported", task_id=task_id)
    task = eventually(
        task_of(api, task_id), lambda t: (t.get("usage") or {}).get("reports") == 2, "the progress reports' usage"
    )
    usage = task["usage"]
    assert (usage["input_tokens"], usage["output_tokens"], usage["model"]) == (2000, 400, "gpt-4o-mini"), usage
    assert abs(usage["cost"] - 0.005) < 1e-9 and usage["currency"] == "USD", usage
    # away: the last report is kept and travels with the result after the reconnection
    proxy.refusing = True
    proxy.cut()
    eventually(lambda: proxy.refused, lambda count: count >= 1, "the agent to try to connect again", timeout=10)
    release.touch()
    agent.expect("finished", task_id=task_id)
    proxy.refusing = False
    task = eventually(task_of(api, task_id), has_status("completed", "failed", "queued"), "completion")
    assert task["status"] == "completed", task
    assert (task["lease_epoch"], task["attempts"]) == (1, 1), task
    usage = task["usage"]
    assert (usage["input_tokens"], usage["output_tokens"], usage["model"], usage["reports"]) == (2001, 1000, "gpt-4o", 3), usage
    assert abs(usage["cost"] - 0.255) < 1e-9, usage


def test_close_4503_reconnects_at_once_and_keeps_the_task(
    api: NexusApi, capability: str, start_agent: AgentStarter, release: Path, relay: WebSocketRelay
) -> None:
    """Close 4503 (the node is shutting down): the agent reconnects at once, not after its
    reconnection backoff (here up to 60 s, far past the 3 s grace), lists its running task and
    keeps it under the same lease."""
    agent = start_agent(url=relay.ws_url, backoff_ms=60_000)
    task_id = api.create_task(capability, payload={"action": "wait", "release": str(release)})
    agent.expect("started", task_id=task_id)
    eventually(task_of(api, task_id), has_status("in_progress"), "in_progress")
    relay.close_agents(4503, "reconnect: this node is shutting down")
    eventually(lambda: relay.accepted, lambda count: count >= 2, "the agent to connect again at once", timeout=10)
    release.touch()
    task = eventually(task_of(api, task_id), has_status("completed", "failed", "queued"), "completion")
    assert task["status"] == "completed", task
    assert (task["lease_epoch"], task["attempts"], task["result"]["epoch"]) == (1, 1, 1)
