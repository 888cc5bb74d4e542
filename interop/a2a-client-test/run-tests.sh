#!/usr/bin/env bash
# Runs the official A2A JavaScript SDK's client (@a2a-js/sdk from npm, the version in
# package-lock.json) against Nexus's A2A server in the packaged jar, with a TypeScript SDK agent
# doing the work. Needs the server jar (./mvnw -B -q -o -pl nexus-server -am package -DskipTests)
# and the TypeScript SDK built (sdk/typescript/run-tests.sh). Arguments go to node --test.
# With NEXUS_REQUIRE_SERVICES=true a missing jar fails the run instead of skipping it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$here"
major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$major" -lt 20 ]; then
  echo "The A2A client test needs Node.js 20 or newer; this is $(node --version)" >&2
  exit 1
fi
jar="${NEXUS_SERVER_JAR:-$root/nexus-server/target/nexus-server.jar}"
if [ ! -f "$jar" ]; then
  message="Nexus server jar not found at $jar: build it with './mvnw -B -q -o -pl nexus-server -am package -DskipTests'"
  if [ "${NEXUS_REQUIRE_SERVICES:-}" = "true" ]; then
    echo "$message" >&2
    exit 1
  fi
  echo "SKIPPED: $message"
  exit 0
fi
if [ ! -f "$root/sdk/typescript/dist/src/index.js" ]; then
  echo "The TypeScript agent SDK is not built: run sdk/typescript/run-tests.sh first" >&2
  exit 1
fi
echo "node $(node --version), npm $(npm --version)"
npm ci --no-audit --no-fund --loglevel=error
node --test "$@" test/
