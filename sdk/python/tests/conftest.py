"""Fixtures: the packaged Nexus server, started once per test session."""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

try:
    import nexus_agent  # noqa: F401  (installed, as run-tests.sh does)
except ImportError:  # run from the source tree: python3 -m pytest sdk/python/tests
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nexus_server import JAR, NexusApi, NexusServer

_names = itertools.count(1)


@pytest.fixture(scope="session")
def nexus() -> Iterator[NexusServer]:
    """The real server. Skips the end-to-end tests when its jar is missing, unless
    NEXUS_REQUIRE_SERVICES=true, which makes that a failure."""
    if not JAR.is_file():
        message = (
            f"Nexus server jar not found at {JAR}: build it with "
            "'./mvnw -B -q -o -pl nexus-server -am package -DskipTests' (or set NEXUS_SERVER_JAR)"
        )
        if os.environ.get("NEXUS_REQUIRE_SERVICES", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    server = NexusServer(JAR)
    try:
        server.wait_healthy()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def api(nexus: NexusServer) -> NexusApi:
    return NexusApi(nexus.base_url)


@pytest.fixture
def capability() -> str:
    """A capability of this test alone, so that no other test's agent takes its tasks."""
    return f"pysdk-cap-{os.getpid()}-{next(_names)}"
