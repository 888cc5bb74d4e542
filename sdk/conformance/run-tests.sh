#!/usr/bin/env bash
# Runs the conformance suite: the same end-to-end scenarios against the packaged server, for the
# conformance agent of every SDK (Java, Python, TypeScript). Needs the server jar
# (./mvnw -B -q -o -pl nexus-server -am package -DskipTests) and the TypeScript SDK built
# (sdk/typescript/run-tests.sh); this script compiles the Java SDK's conformance agent and
# writes its classpath. Arguments go to pytest (e.g. -k typescript).
# With NEXUS_REQUIRE_SERVICES=true an SDK that cannot run here fails the run instead of skipping.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

# Debian's interpreter sees Debian's python3-pytest and python3-websockets; another python3 may not
python="${PYTHON:-}"
if [ -z "$python" ]; then
  python=python3
  if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import websockets, pytest' >/dev/null 2>&1; then
    python=/usr/bin/python3
  fi
fi

# the Java SDK's conformance agent lives in its test tree; its dependencies' classpath goes to
# nexus-agent-sdk/target/classpath.txt (not offline: a fresh machine may lack the dependency plugin)
(cd "$root" && ./mvnw -B -q -pl nexus-agent-sdk -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Djacoco.skip=true -Dspring-javaformat.skip=true)

cd "$here"
"$python" -m pytest -q -p no:cacheprovider "$@" .
