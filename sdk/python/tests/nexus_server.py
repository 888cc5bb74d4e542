"""The packaged Nexus server for end-to-end tests, and a small client for its REST API."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parents[3]
JAR = Path(os.environ.get("NEXUS_SERVER_JAR", REPOSITORY / "nexus-server" / "target" / "nexus-server.jar"))
ADMIN_PASSWORD = "pysdk-test-pass-1234"
# generous: on a busy machine (CI runners, parallel builds) the first start can take minutes
START_TIMEOUT = float(os.environ.get("NEXUS_START_TIMEOUT", "300"))

# Short enough for the reconnection and stale-lease scenarios to run in seconds
SERVER_SETTINGS = [
    "--nexus.dispatch.reconnect-grace=3s",
    "--nexus.dispatch.ack-timeout=5s",
    "--nexus.tasks.retry-backoff=100ms",
    "--nexus.tasks.max-retry-backoff=200ms",
]


class NexusServer:
    """A Nexus process on a free port with an embedded H2 database in a temporary directory."""

    def __init__(self, jar: Path) -> None:
        self.port = _free_port()
        self.data_dir = Path(tempfile.mkdtemp(prefix="nexus-pysdk-"))
        self.log_path = self.data_dir / "server.log"
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}/ws"
        env = dict(os.environ, NEXUS_DATA_DIR=str(self.data_dir / "db"), NEXUS_ADMIN_PASSWORD=ADMIN_PASSWORD)
        env.pop("DATABASE_URL", None)
        env.pop("PORT", None)
        self._log = open(self.log_path, "wb")
        self._process = subprocess.Popen(
            ["java", "-jar", str(jar), f"--server.port={self.port}", *SERVER_SETTINGS],
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"Nexus exited with {self._process.returncode}; log:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/health", timeout=2) as answer:
                    if json.load(answer).get("status") == "UP":
                        return
            except (OSError, ValueError):
                pass
            time.sleep(0.25)
        raise RuntimeError(f"Nexus was not healthy within {START_TIMEOUT} s; log:\n{self.log_tail()}")

    def log_tail(self, lines: int = 60) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        self._process.terminate()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._log.close()
        shutil.rmtree(self.data_dir, ignore_errors=True)


class NexusApi:
    """The REST calls the tests need, as the admin user. Blocking: from async code, call
    them through ``asyncio.to_thread`` (see :func:`eventually`)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        answer = self.call("POST", "/api/auth/login", {"username": "admin", "password": ADMIN_PASSWORD}, auth=False)
        self._token = answer["access_token"]

    def call(self, method: str, path: str, body: Any = None, auth: bool = True) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if auth:
            request.add_header("Authorization", f"Bearer {self._token}")
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                text = answer.read()
        except urllib.error.HTTPError as ex:
            raise AssertionError(f"{method} {path} answered {ex.code}: {ex.read().decode(errors='replace')}") from ex
        return json.loads(text) if text else None

    def create_agent(self, agent_id: str, capabilities: list[str], max_concurrency: int = 1) -> str:
        """Registers an agent; returns its token."""
        body = {"id": agent_id, "name": agent_id, "capabilities": capabilities, "max_concurrency": max_concurrency}
        return self.call("POST", "/api/agents", body)["token"]

    def create_task(self, capability: str, **fields: Any) -> str:
        body = {"title": f"pysdk {capability}", "category": capability, **fields}
        return self.call("POST", "/api/tasks", body)["id"]

    def task(self, task_id: str) -> dict[str, Any]:
        return self.call("GET", f"/api/tasks/{task_id}")

    def agent(self, agent_id: str) -> dict[str, Any]:
        return self.call("GET", f"/api/agents/{agent_id}")


async def eventually(
    fetch: Callable[[], Any], until: Callable[[Any], bool], timeout: float = 20.0, what: str = "the condition"
) -> Any:
    """Polls ``fetch`` (a blocking call, run in a thread) until ``until`` holds for its
    value; fails with the last value seen once the timeout has passed."""
    deadline = time.monotonic() + timeout
    seen: Any = None
    while time.monotonic() < deadline:
        seen = await asyncio.to_thread(fetch)
        if until(seen):
            return seen
        await asyncio.sleep(0.1)
    raise AssertionError(f"Timed out after {timeout} s waiting for {what}; last seen: {seen!r}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
