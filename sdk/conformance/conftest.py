"""Fixtures: the packaged Nexus server (started once per session), its REST API, and the
conformance agents of every SDK."""

from __future__ import annotations

import itertools
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from harness import SDKS, AgentProcess, TcpProxy, WebSocketRelay, launcher, scratch_directory

# the server and REST client that the Python SDK's end-to-end tests use
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python" / "tests"))
from nexus_server import JAR, NexusApi, NexusServer  # noqa: E402

_names = itertools.count(1)
_started: list[AgentProcess] = []
"""The agents of the running test, for the failure report."""


def _missing(message: str) -> None:
    """Skips, or fails with NEXUS_REQUIRE_SERVICES=true (as in CI)."""
    if os.environ.get("NEXUS_REQUIRE_SERVICES", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def nexus() -> Iterator[NexusServer]:
    if not JAR.is_file():
        _missing(
            f"Nexus server jar not found at {JAR}: build it with "
            "'./mvnw -B -q -o -pl nexus-server -am package -DskipTests' (or set NEXUS_SERVER_JAR)"
        )
    server = NexusServer(JAR)
    try:
        server.wait_healthy()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def api(nexus: NexusServer) -> NexusApi:
    return NexusApi(nexus.base_url)


@pytest.fixture(scope="session")
def workdir() -> Iterator[Path]:
    directory = scratch_directory()
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(params=SDKS)
def sdk(request: pytest.FixtureRequest, workdir: Path) -> str:
    launch = launcher(request.param, workdir)
    if launch.missing is not None:
        _missing(f"{request.param}: {launch.missing}")
    return request.param


@pytest.fixture
def capability(sdk: str) -> str:
    """A capability of this test alone, so that no other test's agent takes its tasks."""
    return f"conf-{sdk}-{os.getpid()}-{next(_names)}"


@pytest.fixture
def release(tmp_path: Path) -> Path:
    """A file whose creation lets the conformance agent's waiting handlers finish."""
    return tmp_path / "release"


AgentStarter = Callable[..., AgentProcess]


@pytest.fixture
def start_agent(
    sdk: str, api: NexusApi, nexus: NexusServer, capability: str, workdir: Path
) -> Iterator[AgentStarter]:
    """Starts the SDK's conformance agent: ``start_agent(name, url=..., enrollment_key=...)``
    creates the agent in Nexus unless an enrollment key is given; ``backoff_ms`` is its first
    reconnection delay's ceiling (default 200 ms; the largest is 1 s or this, if longer)."""
    def start(
        name: str = "a",
        url: str | None = None,
        enrollment_key: str | None = None,
        max_concurrency: int = 1,
        backoff_ms: int | None = None,
    ) -> AgentProcess:
        agent_id = f"{capability}-{name}"
        env = {
            "NEXUS_WS": url or nexus.ws_url,
            "AGENT_ID": agent_id,
            "AGENT_CAPABILITY": capability,
            "MAX_CONCURRENCY": str(max_concurrency),
        }
        if backoff_ms is not None:
            env["RECONNECT_BACKOFF_MS"] = str(backoff_ms)
        if enrollment_key is not None:
            env["AGENT_ENROLLMENT_KEY"] = enrollment_key
        else:
            env["AGENT_TOKEN"] = api.create_agent(agent_id, [capability], max_concurrency)
        process = AgentProcess(sdk, launcher(sdk, workdir), env, agent_id)
        _started.append(process)
        return process

    yield start
    for process in _started:
        process.stop()
    _started.clear()


@pytest.fixture
def proxy(nexus: NexusServer) -> Iterator[TcpProxy]:
    between = TcpProxy(nexus.port)
    yield between
    between.close()


@pytest.fixture
def relay(nexus: NexusServer) -> Iterator[WebSocketRelay]:
    between = WebSocketRelay(nexus.ws_url)
    yield between
    between.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """On failure, appends the output of the test's agents to the report."""
    outcome = yield
    report = outcome.get_result()
    if report.failed and call.when == "call":
        for process in _started:
            report.sections.append((f"agent {process.name}", process.log()))
