#!/usr/bin/env bash
# Drives Nexus's MCP server with the official MCP TypeScript SDK client (@modelcontextprotocol/sdk,
# installed exactly as package-lock.json names it with npm ci) against the packaged server
# (./mvnw -B -q -o -pl nexus-server -am package -DskipTests, or NEXUS_SERVER_JAR). The tests start
# the jar themselves on a free port with an embedded database. Arguments go to node --test.
# With NEXUS_REQUIRE_SERVICES=true a missing jar fails the run instead of skipping it.
set -euo pipefail
cd "$(dirname "$0")"
major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$major" -lt 20 ]; then
  echo "The MCP client tests need Node.js 20 or newer; this is $(node --version)" >&2
  exit 1
fi
echo "node $(node --version), npm $(npm --version)"
npm ci --no-audit --no-fund --loglevel=error
node --test "$@" test/
