"""What the conformance suite drives: each SDK's conformance agent as a process, a TCP proxy
between an agent and Nexus that can cut the connection like a network failure, and a
WebSocket relay that can close it with a close code of Nexus's own."""

from __future__ import annotations

import asyncio
import json
import os
import queue
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parents[2]
AGENTS = Path(__file__).resolve().parent / "agents"
JAVA_SDK = REPOSITORY / "nexus-agent-sdk"
JAVA_CLASSPATH_FILE = JAVA_SDK / "target" / "classpath.txt"
PYTHON_SDK = REPOSITORY / "sdk" / "python"
TYPESCRIPT_SDK = REPOSITORY / "sdk" / "typescript"

SDKS = ["java", "python", "typescript"]


@dataclass(frozen=True)
class Launcher:
    """How to start one SDK's conformance agent, or why it cannot be started here."""

    command: list[str]
    env: dict[str, str]
    missing: str | None = None


def launcher(sdk: str, workdir: Path) -> Launcher:
    if sdk == "java":
        classes = [JAVA_SDK / "target" / "classes", JAVA_SDK / "target" / "test-classes"]
        if not JAVA_CLASSPATH_FILE.is_file() or not all(path.is_dir() for path in classes):
            return Launcher([], {}, f"the Java SDK is not built: run {Path(__file__).parent / 'run-tests.sh'}")
        classpath = os.pathsep.join([*map(str, classes), JAVA_CLASSPATH_FILE.read_text().strip()])
        return Launcher(["java", "-cp", classpath, "io.nexus.sdk.conformance.ConformanceAgent"], {})
    if sdk == "python":
        # this interpreter, or Debian's, which sees Debian's python3-websockets
        candidates = [sys.executable, "/usr/bin/python3"]
        usable = [p for p in candidates if subprocess.run([p, "-c", "import websockets"], capture_output=True).returncode == 0]
        if not usable:
            return Launcher([], {}, "no python3 with websockets: apt-get install python3-websockets")
        python = usable[0]
        path = os.pathsep.join(filter(None, [str(PYTHON_SDK), os.environ.get("PYTHONPATH")]))
        return Launcher([python, str(AGENTS / "python_agent.py")], {"PYTHONPATH": path})
    if sdk == "typescript":
        if shutil.which("node") is None:
            return Launcher([], {}, "node is not installed")
        if not (TYPESCRIPT_SDK / "dist" / "src" / "index.js").is_file():
            return Launcher([], {}, "the TypeScript SDK is not built: run sdk/typescript/run-tests.sh")
        # the agent imports "@nexus/agent" as an application would: from its node_modules
        package = workdir / "node_modules" / "@nexus"
        package.mkdir(parents=True, exist_ok=True)
        if not (package / "agent").exists():
            (package / "agent").symlink_to(TYPESCRIPT_SDK, target_is_directory=True)
        script = workdir / "typescript_agent.mjs"
        shutil.copyfile(AGENTS / "typescript_agent.mjs", script)
        return Launcher(["node", str(script)], {})
    raise ValueError(f"unknown SDK {sdk}")


class AgentProcess:
    """A conformance agent running as its own process. Its JSON lines on standard output are
    the handler's events; everything else it prints is kept for the failure report."""

    def __init__(self, sdk: str, launch: Launcher, env: dict[str, str], name: str) -> None:
        self.sdk = sdk
        self.name = name
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self.seen: list[dict[str, Any]] = []
        self.output: list[str] = []
        self._process = subprocess.Popen(
            launch.command,
            env={**os.environ, **launch.env, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            self.output.append(line.rstrip())
            if line.startswith("{"):
                try:
                    self.events.put(json.loads(line))
                except ValueError:
                    pass

    def expect(self, event: str, timeout: float = 20.0, **fields: Any) -> dict[str, Any]:
        """Waits for the handler to report an event with these fields; returns it."""
        for earlier in self.seen:
            if earlier["event"] == event and all(earlier.get(k) == v for k, v in fields.items()):
                self.seen.remove(earlier)
                return earlier
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{self.sdk} agent did not report {event} {fields} within {timeout} s{self.log()}")
            try:
                got = self.events.get(timeout=min(left, 0.5))
            except queue.Empty:
                if self._process.poll() is not None and self.events.empty():
                    raise AssertionError(f"{self.sdk} agent exited ({self._process.returncode}){self.log()}")
                continue
            if got.get("event") == event and all(got.get(k) == v for k, v in fields.items()):
                return got
            self.seen.append(got)

    def signal(self, signum: int) -> None:
        self._process.send_signal(signum)

    def wait(self, timeout: float) -> int:
        return self._process.wait(timeout)

    @property
    def running(self) -> bool:
        return self._process.poll() is None

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._reader.join(timeout=5)

    def log(self) -> str:
        return f"\n--- output of the {self.sdk} agent {self.name} ---\n" + "\n".join(self.output[-80:])


class TcpProxy:
    """Forwards TCP connections from a local port to Nexus. :meth:`cut` resets every open
    connection, as a network failure would; while :attr:`refusing`, new connections are reset
    at once (and counted in :attr:`refused`), so that the agent stays away."""

    def __init__(self, target_port: int) -> None:
        self._target = ("127.0.0.1", target_port)
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self.port = self._listener.getsockname()[1]
        self.refusing = False
        self.accepted = 0
        self.refused = 0
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._lock = threading.Lock()
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self.refusing:
                self.refused += 1
                _reset(client)
                continue
            try:
                upstream = socket.create_connection(self._target)
            except OSError:
                _reset(client)
                continue
            with self._lock:
                self.accepted += 1
                self._pairs.append((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, client: socket.socket, upstream: socket.socket) -> None:
        sockets = [client, upstream]
        try:
            while True:
                readable, _, _ = select.select(sockets, [], [], 1.0)
                for source in readable:
                    data = source.recv(65536)
                    if not data:
                        return
                    (upstream if source is client else client).sendall(data)
        except (OSError, ValueError):
            return
        finally:
            _reset(client)
            _reset(upstream)

    def cut(self) -> None:
        """Resets every open connection (no WebSocket close frame reaches either side)."""
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for client, upstream in pairs:
            _reset(client)
            _reset(upstream)

    def close(self) -> None:
        self._closed = True
        self._listener.close()
        self.cut()


class WebSocketRelay:
    """A WebSocket endpoint that relays every agent connection, frame by frame, to its own
    connection to Nexus (with the agent's ``Authorization`` header). :meth:`close_agents`
    closes the agents' side with a close code, as a Nexus node that shuts down does (4503),
    and drops the relayed connections to Nexus, which see the agent go away."""

    def __init__(self, target_ws_url: str) -> None:
        import websockets  # Debian's python3-websockets, as for the Python SDK

        self._websockets = websockets
        self._target = target_ws_url
        self._loop = asyncio.new_event_loop()
        self._pairs: list[tuple[Any, Any]] = []
        self._closing: dict[Any, tuple[int, str]] = {}
        self.accepted = 0
        ready = threading.Event()
        threading.Thread(target=self._run, args=(ready,), daemon=True).start()
        if not ready.wait(10):
            raise RuntimeError("the WebSocket relay did not start")

    def _run(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(self._websockets.serve(self._relay, "127.0.0.1", 0))
        self.port = self._server.sockets[0].getsockname()[1]
        ready.set()
        self._loop.run_forever()
        self._loop.close()

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    async def _relay(self, agent: Any, _path: str = "/ws") -> None:
        headers = {}
        if "Authorization" in agent.request_headers:
            headers["Authorization"] = agent.request_headers["Authorization"]
        try:
            upstream = await self._websockets.connect(self._target, extra_headers=headers, max_size=None)
        except Exception:  # Nexus refused or is away: so is the relay
            await agent.close(code=1011, reason="upstream unavailable")
            return
        self.accepted += 1
        pair = (agent, upstream)
        self._pairs.append(pair)

        async def pump(source: Any, target: Any) -> None:
            async for message in source:
                await target.send(message)

        pumps = [asyncio.ensure_future(pump(agent, upstream)), asyncio.ensure_future(pump(upstream, agent))]
        await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
        for running in pumps:
            running.cancel()
        upstream.transport.abort()
        if pair in self._pairs:
            self._pairs.remove(pair)
        close_with = self._closing.pop(agent, None)
        if close_with is not None:
            await agent.close(code=close_with[0], reason=close_with[1])
        elif not agent.closed:
            agent.transport.abort()

    def close_agents(self, code: int, reason: str) -> None:
        """Closes every relayed agent connection with this code, after dropping its
        connection to Nexus; returns once the agents have answered the close."""

        async def close_all() -> None:
            pairs = list(self._pairs)
            for agent, upstream in pairs:
                self._closing[agent] = (code, reason)
                upstream.transport.abort()
            await asyncio.wait_for(asyncio.gather(*(agent.wait_closed() for agent, _ in pairs)), 15)

        asyncio.run_coroutine_threadsafe(close_all(), self._loop).result(20)

    def close(self) -> None:
        async def stop() -> None:
            for agent, upstream in list(self._pairs):
                agent.transport.abort()
                upstream.transport.abort()
            self._server.close()
            await self._server.wait_closed()
            others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
            for task in others:
                task.cancel()
            await asyncio.gather(*others, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)


def _reset(sock: socket.socket) -> None:
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        sock.close()
    except OSError:
        pass


def scratch_directory() -> Path:
    return Path(tempfile.mkdtemp(prefix="nexus-conformance-"))
