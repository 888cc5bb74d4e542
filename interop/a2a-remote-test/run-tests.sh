#!/usr/bin/env bash
# Runs remote A2A agents built with the official A2A JavaScript SDK's server (@a2a-js/sdk from
# npm, the version in package-lock.json, with express) against the packaged Nexus jar: Nexus
# dispatches tasks to them, one is killed mid-task. Needs the server jar
# (./mvnw -B -q -o -pl nexus-server -am package -DskipTests). Arguments go to node --test.
# With NEXUS_REQUIRE_SERVICES=true a missing jar fails the run instead of skipping it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$here"
major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$major" -lt 20 ]; then
  echo "The A2A remote agent test needs Node.js 20 or newer; this is $(node --version)" >&2
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
echo "node $(node --version), npm $(npm --version)"
npm ci --no-audit --no-fund --loglevel=error
node --test --test-concurrency=1 "$@" test/
