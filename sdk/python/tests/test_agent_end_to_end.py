"""End-to-end scenarios against the packaged Nexus server: the ones the Java SDK passes."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket as socket_module
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from nexus_agent import AgentRejectedError, NexusAgent, NonRetryableTaskError, TaskContext
from nexus_agent.frames import AgentRegister, ErrorFrame, Registered, TaskAssigned, TaskProgress, decode, encode
from nexus_agent import connection
from nexus_server import NexusApi, NexusServer, eventually

SDK_DIRECTORY = Path(__file__).resolve().parents[1]

Handler = Callable[[TaskContext], Awaitable[Any]]


def an_agent(nexus: NexusServer, api: NexusApi, capability: str, handler: Handler, **options: Any) -> NexusAgent:
    agent_id = f"py-{capability}"
    token = api.create_agent(agent_id, [capability], options.pop("max_concurrency", 1))
    options.setdefault("initial_backoff", 0.2)
    options.setdefault("max_backoff", 1.0)
    return NexusAgent(server_uri=nexus.ws_url, agent_id=agent_id, token=token, handler=handler, **options)


def status_of(api: NexusApi, task_id: str) -> Callable[[], dict[str, Any]]:
    return lambda: api.task(task_id)


def has_status(*statuses: str) -> Callable[[dict[str, Any]], bool]:
    return lambda task: task["status"] in statuses


def test_registers_and_runs_a_task_to_completion(nexus: NexusServer, api: NexusApi, capability: str) -> None:
    async def handle(task: TaskContext) -> dict[str, Any]:
        return {"echo": task.payload, "attempt": task.attempt}

    async def scenario() -> None:
        agent = an_agent(nexus, api, capability, handle)
        await agent.start()
        try:
            assert await agent.wait_registered(15)
            await eventually(lambda: api.agent(agent.agent_id), lambda a: a["online"], what="the agent online")
            task_id = api.create_task(capability, payload={"text": "hello"})
            task = await eventually(status_of(api, task_id), has_status("completed", "failed"), what="completion")
            assert task["status"] == "completed"
            assert task["result"] == {"echo": {"text": "hello"}, "attempt": 1}
            await eventually(lambda: agent.running_tasks, lambda held: held == [], what="the ack of the result")
        finally:
            await agent.close()
        await eventually(lambda: api.agent(agent.agent_id), lambda a: not a["online"], what="the agent offline")

    asyncio.run(scenario())


def test_progress_reaches_the_server(nexus: NexusServer, api: NexusApi, capability: str) -> None:
    release = asyncio.Event()

    async def handle(task: TaskContext) -> dict[str, Any]:
        task.progress(42, "halfway there")
        await release.wait()
        return {"done": True}

    async def scenario() -> None:
        agent = an_agent(nexus, api, capability, handle)
        await agent.start()
        try:
            task_id = api.create_task(capability)
            task = await eventually(
                status_of(api, task_id), lambda t: t["progress"] == 42, what="the progress of the task"
            )
            assert task["status"] == "in_progress"
            assert task["progress_message"] == "halfway there"
            release.set()
            await eventually(status_of(api, task_id), has_status("completed"), what="completion")
        finally:
            await agent.close()

    asyncio.run(scenario())


def test_cancel_reaches_the_handler(nexus: NexusServer, api: NexusApi, capability: str) -> None:
    started = asyncio.Event()
    seen: list[TaskContext] = []
    handler_cancelled = asyncio.Event()

    async def handle(task: TaskContext) -> dict[str, Any]:
        seen.append(task)
        started.set()
        try:
            await asyncio.sleep(120)
        except asyncio.CancelledError:
            handler_cancelled.set()
            raise
        return {"finished": "too late"}

    async def scenario() -> None:
        agent = an_agent(nexus, api, capability, handle)
        await agent.start()
        try:
            task_id = api.create_task(capability)
            await asyncio.wait_for(started.wait(), 20)
            await eventually(status_of(api, task_id), has_status("in_progress"), what="in_progress")
            await asyncio.to_thread(api.call, "POST", f"/api/tasks/{task_id}/cancel", {"reason": "not needed"})
            await asyncio.wait_for(handler_cancelled.wait(), 20)
            assert seen[0].cancelled
            assert agent.running_tasks == []
            task = api.task(task_id)
            assert task["status"] == "cancelled"
            assert task["status_reason"] == "not needed"
        finally:
            await agent.close()

    asyncio.run(scenario())


def test_a_failure_is_reported(nexus: NexusServer, api: NexusApi, capability: str) -> None:
    async def handle(task: TaskContext) -> dict[str, Any]:
        if task.payload["kind"] == "bad input":
            raise NonRetryableTaskError("bad input")
        raise RuntimeError("network down")

    async def scenario() -> None:
        agent = an_agent(nexus, api, capability, handle)
        await agent.start()
        try:
            final = api.create_task(capability, payload={"kind": "bad input"}, max_attempts=3)
            task = await eventually(status_of(api, final), has_status("failed"), what="the non-retryable failure")
            assert task["attempts"] == 1
            assert "bad input" in task["status_reason"]

            retried = api.create_task(capability, payload={"kind": "flaky"}, max_attempts=2)
            task = await eventually(status_of(api, retried), has_status("failed"), what="failure after retries")
            assert task["attempts"] == 2
            assert "RuntimeError: network down" in task["status_reason"]
        finally:
            await agent.close()

    asyncio.run(scenario())


def test_reconnect_within_the_grace_keeps_the_task(nexus: NexusServer, api: NexusApi, capability: str) -> None:
    started = asyncio.Event()
    release = asyncio.Event()

    async def handle(task: TaskContext) -> dict[str, Any]:
        started.set()
        await release.wait()
        return {"epoch": task.lease_epoch}

    async def scenario() -> None:
        agent = an_agent(nexus, api, capability, handle)
        await agent.start()
        try:
            task_id = api.create_task(capability)
            await asyncio.wait_for(started.wait(), 20)
            await eventually(status_of(api, task_id), has_status("in_progress"), what="in_progress")
            agent.drop_connection(reconnect_after=0.5)
            await eventually(lambda: agent.connected, lambda up: not up, timeout=2, what="the connection to drop")
            assert await agent.wait_registered(10)
            release.set()
            task = await eventually(status_of(api, task_id), has_status("completed", "failed", "queued"))
            assert task["status"] == "completed"
            assert task["lease_epoch"] == 1 and task["attempts"] == 1
            assert task["result"] == {"epoch": 1}
        finally:
            await agent.close()

    asyncio.run(scenario())


def test_result_of_a_stale_lease_is_dropped(
    nexus: NexusServer, api: NexusApi, capability: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The agent finishes while away past the grace: Nexus has taken the task back, so the
    result sent after reconnecting is refused with stale_lease and dropped; the task runs
    again under a new lease and only that result is stored."""
    caplog.set_level(logging.INFO, logger="nexus_agent")
    first_run = asyncio.Event()
    release = asyncio.Event()

    async def handle(task: TaskContext) -> dict[str, Any]:
        first_run.set()
        await release.wait()
        return {"epoch": task.lease_epoch}

    async def scenario() -> None:
        agent = an_agent(nexus, api, capability, handle)
        await agent.start()
        try:
            task_id = api.create_task(capability)
            await asyncio.wait_for(first_run.wait(), 20)
            await eventually(status_of(api, task_id), has_status("in_progress"), what="in_progress")
            agent.drop_connection(reconnect_after=3600)
            await eventually(
                status_of(api, task_id), lambda t: t["status"] == "queued", what="the task taken back after the grace"
            )
            release.set()  # finishes while disconnected: the result waits for the next connection
            await eventually(lambda: agent.running_tasks, lambda held: held == [task_id], timeout=2)
            agent.drop_connection(reconnect_after=0)
            task = await eventually(status_of(api, task_id), has_status("completed", "failed"), what="completion")
            assert task["result"] == {"epoch": 2}
            assert task["lease_epoch"] == 2
        finally:
            await agent.close()
        dropped = [r.getMessage() for r in caplog.records if "lease 1" in r.getMessage() and "Dropping" in r.getMessage()]
        assert dropped, "the agent logs that it dropped the stale lease"

    asyncio.run(scenario())


def test_nexus_refuses_a_report_under_a_stale_epoch(nexus: NexusServer, api: NexusApi, capability: str) -> None:
    """The fencing the SDK relies on, spoken with the SDK's own frames over a raw socket."""

    async def scenario() -> None:
        agent_id = f"raw-{capability}"
        token = api.create_agent(agent_id, [capability])
        socket = await connection.open_socket(nexus.ws_url, None, 10)
        try:
            await socket.send(encode(AgentRegister(agent_id=agent_id, token=token, id="r1")))
            assert isinstance(decode(await asyncio.wait_for(socket.recv(), 10)), Registered)
            task_id = api.create_task(capability)
            assigned = decode(await asyncio.wait_for(socket.recv(), 20))
            assert isinstance(assigned, TaskAssigned) and assigned.task_id == task_id
            stale = TaskProgress(task_id, assigned.lease_epoch + 1, 10, "from the future", id="p1")
            await socket.send(encode(stale))
            answer = decode(await asyncio.wait_for(socket.recv(), 10))
            assert isinstance(answer, ErrorFrame)
            assert (answer.id, answer.code) == ("p1", "stale_lease")
        finally:
            await socket.close()

    asyncio.run(scenario())


def test_drain_finishes_running_work_and_takes_no_more(nexus: NexusServer, api: NexusApi, capability: str) -> None:
    started = asyncio.Event()
    release = asyncio.Event()

    async def handle(task: TaskContext) -> dict[str, Any]:
        started.set()
        await release.wait()
        return {"title": task.title}

    async def scenario() -> None:
        agent = an_agent(nexus, api, capability, handle, max_concurrency=2)
        await agent.start()
        running = api.create_task(capability)
        await asyncio.wait_for(started.wait(), 20)
        closing = asyncio.create_task(agent.close())
        await eventually(
            lambda: api.task(running), lambda t: t["status"] == "in_progress", what="the running task"
        )
        await asyncio.sleep(0)  # let close() send status_update draining
        waiting = api.create_task(capability)
        await eventually(
            status_of(api, waiting),
            lambda t: "take no new work" in (t.get("waiting_reason") or ""),
            what="the new task to wait because the agent drains",
        )
        assert not closing.done()
        release.set()
        await asyncio.wait_for(closing, 20)
        assert api.task(running)["status"] == "completed"
        assert api.task(waiting)["status"] == "queued"
        await eventually(lambda: api.agent(agent.agent_id), lambda a: not a["online"], what="the agent offline")

    asyncio.run(scenario())


def test_enrolls_with_a_key_and_uses_the_issued_token(nexus: NexusServer, api: NexusApi, capability: str) -> None:
    async def handle(task: TaskContext) -> dict[str, Any]:
        return {"ok": True}

    async def scenario() -> None:
        key = api.call("POST", "/api/enrollment-keys", {"name": capability, "capabilities": [capability]})["key"]
        agent = NexusAgent(
            server_uri=nexus.ws_url,
            agent_id=f"enrolled-{capability}",
            enrollment_key=key,
            capabilities=[capability],
            handler=handle,
            initial_backoff=0.2,
        )
        await agent.start()
        try:
            assert await agent.wait_registered(15)
            assert agent.issued_token is not None and agent.issued_token.startswith("nxa_")
            agent.drop_connection(reconnect_after=0.5)  # the key no longer works for this id: needs the token
            await eventually(lambda: agent.connected, lambda up: not up, timeout=2, what="the connection to drop")
            assert await agent.wait_registered(10)
            task_id = api.create_task(capability)
            await eventually(status_of(api, task_id), has_status("completed"), what="completion")
        finally:
            await agent.close()

    asyncio.run(scenario())


def test_refused_credentials_stop_the_agent(nexus: NexusServer, api: NexusApi, capability: str) -> None:
    async def handle(task: TaskContext) -> dict[str, Any]:
        return {}

    async def scenario() -> None:
        api.create_agent(f"py-{capability}", [capability])
        agent = NexusAgent(server_uri=nexus.ws_url, agent_id=f"py-{capability}", token="nxa_wrong", handler=handle)
        await agent.start()
        with pytest.raises(AgentRejectedError):
            await agent.wait_registered(15)
        await asyncio.wait_for(agent.wait_stopped(), 5)

    asyncio.run(scenario())


def readme_example(directory: Path) -> Path:
    """The README's ten-line agent, as a file."""
    readme = (SDK_DIRECTORY / "README.md").read_text()
    code = readme.split("```python\n", 1)[1].split("```", 1)[0]
    script = directory / "readme_agent.py"
    script.write_text(code)
    return script


@pytest.mark.parametrize("example", ["examples/echo_agent.py", "README.md"])
def test_sigterm_drains_the_example_agent(
    nexus: NexusServer, api: NexusApi, capability: str, example: str, tmp_path: Path
) -> None:
    """The example agents as their own processes: SIGTERM lets the running task finish,
    takes no new one, and exits cleanly."""
    script = readme_example(tmp_path) if example == "README.md" else SDK_DIRECTORY / example
    slow = example != "README.md"  # the README's handler always takes 1 s

    async def scenario() -> None:
        agent_id = f"sigterm-{capability}"
        env = dict(
            os.environ,
            NEXUS_WS=nexus.ws_url,
            AGENT_ID=agent_id,
            AGENT_TOKEN=api.create_agent(agent_id, [capability]),
            PYTHONPATH=os.pathsep.join(filter(None, [str(SDK_DIRECTORY), os.environ.get("PYTHONPATH")])),
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable, str(script), env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )
        try:
            await eventually(lambda: api.agent(agent_id), lambda a: a["online"], what="the example agent online")
            running = api.create_task(capability, payload={"seconds": 3})
            await eventually(status_of(api, running), has_status("in_progress"), what="in_progress")
            process.send_signal(signal.SIGTERM)
            waiting = api.create_task(capability, payload={"seconds": 0})
            if slow:
                await eventually(
                    status_of(api, waiting),
                    lambda t: "take no new work" in (t.get("waiting_reason") or ""),
                    what="the new task to wait while the agent drains",
                )
            assert await asyncio.wait_for(process.wait(), 20) == 0
            task = api.task(running)
            assert (task["status"], task["result"]) == ("completed", {"echo": {"seconds": 3}})
            await eventually(status_of(api, waiting), has_status("queued"), what="the new task left in the queue")
            await eventually(lambda: api.agent(agent_id), lambda a: not a["online"], what="the agent offline")
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
            output = (await process.stdout.read()).decode(errors="replace") if process.stdout else ""
            print(output)

    asyncio.run(scenario())


def test_rotates_to_the_next_server_after_a_failure(nexus: NexusServer, api: NexusApi, capability: str) -> None:
    async def handle(task: TaskContext) -> dict[str, Any]:
        return {"ok": True}

    async def scenario() -> None:
        with socket_module.socket() as unused:  # a port nobody listens on
            unused.bind(("127.0.0.1", 0))
            dead = f"ws://127.0.0.1:{unused.getsockname()[1]}/ws"
        agent_id = f"py-{capability}"
        agent = NexusAgent(
            server_uri=[dead, nexus.ws_url],
            agent_id=agent_id,
            token=api.create_agent(agent_id, [capability]),
            handler=handle,
            initial_backoff=0.1,
        )
        await agent.start()
        try:
            assert await agent.wait_registered(15)
            task_id = api.create_task(capability)
            await eventually(status_of(api, task_id), has_status("completed"), what="completion")
        finally:
            await agent.close()

    asyncio.run(scenario())


def test_a_task_of_a_killed_agent_is_delivered_again_elsewhere(
    nexus: NexusServer, api: NexusApi, capability: str
) -> None:
    first_started = asyncio.Event()

    async def stuck(task: TaskContext) -> dict[str, Any]:
        first_started.set()
        await asyncio.sleep(120)
        return {"by": "first"}

    async def quick(task: TaskContext) -> dict[str, Any]:
        return {"by": "second", "epoch": task.lease_epoch}

    async def scenario() -> None:
        first = an_agent(nexus, api, capability, stuck)
        await first.start()
        task_id = api.create_task(capability)
        await asyncio.wait_for(first_started.wait(), 20)
        first.kill()
        second_id = f"py2-{capability}"
        second = NexusAgent(
            server_uri=nexus.ws_url, agent_id=second_id, token=api.create_agent(second_id, [capability]),
            handler=quick, initial_backoff=0.2,
        )
        await second.start()
        try:
            task = await eventually(status_of(api, task_id), has_status("completed", "failed"), timeout=30)
            assert task["status"] == "completed"
            assert task["result"] == {"by": "second", "epoch": 2}
            assert task["assigned_agent_id"] == second_id
        finally:
            await second.close()

    asyncio.run(scenario())


def test_agents_message_one_another(nexus: NexusServer, api: NexusApi, capability: str) -> None:
    async def handle(task: TaskContext) -> dict[str, Any]:
        return {}

    async def scenario() -> None:
        received: asyncio.Queue[Any] = asyncio.Queue()
        sender = an_agent(nexus, api, capability, handle)
        receiver_id = f"py-rx-{capability}"
        receiver = NexusAgent(
            server_uri=nexus.ws_url, agent_id=receiver_id, token=api.create_agent(receiver_id, [f"{capability}-rx"]),
            handler=handle,
        )
        receiver.on_message(received.put_nowait)
        await sender.start()
        await receiver.start()
        try:
            assert await sender.wait_registered(15) and await receiver.wait_registered(15)
            assert sender.send_message({"text": "hello"}, to_agent=receiver_id)
            direct = await asyncio.wait_for(received.get(), 10)
            assert (direct.from_agent, direct.to_agent, direct.body) == (sender.agent_id, receiver_id, {"text": "hello"})
            assert sender.send_message({"text": "all"}, to_capability=f"{capability}-rx")
            broadcast = await asyncio.wait_for(received.get(), 10)
            assert (broadcast.from_agent, broadcast.to_capability) == (sender.agent_id, f"{capability}-rx")
        finally:
            await sender.close()
            await receiver.close()

    asyncio.run(scenario())
