#!/usr/bin/env bash
# Installs the Python agent SDK into a fresh virtual environment (offline: the only
# dependency, websockets, and pytest come from Debian's python3-websockets and
# python3-pytest through --system-site-packages) and runs its tests: unit tests, and
# end-to-end tests against the packaged server, which must be built first:
#   ./mvnw -B -q -o -pl nexus-server -am package -DskipTests
# With NEXUS_REQUIRE_SERVICES=true a missing server jar fails the run instead of skipping.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

# Debian's interpreter sees Debian's packages; another python3 first on PATH may not
python="${PYTHON:-}"
if [ -z "$python" ]; then
  python=python3
  if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import websockets, pytest' >/dev/null 2>&1; then
    python=/usr/bin/python3
  fi
fi

venv="$(mktemp -d "${TMPDIR:-/tmp}/nexus-pysdk-venv.XXXXXX")"
trap 'rm -rf "$venv"' EXIT
"$python" -m venv --system-site-packages "$venv"
"$venv/bin/python" -m pip install -q --no-index --no-build-isolation "$here"
# run from the tests' directory against the installed package, not the source tree
cd "$here/tests"
"$venv/bin/python" -c 'import nexus_agent, websockets; print("nexus_agent", nexus_agent.__version__, "from", nexus_agent.__file__, "- websockets", websockets.__version__)'
"$venv/bin/python" -m pytest -q -p no:cacheprovider "$@" .
