#!/usr/bin/env bash
# Installs the TypeScript agent SDK's dependencies exactly as package-lock.json names them
# (npm ci: ws, and typescript, @types/ws and @types/node to build), builds it with tsc, and runs
# its tests with Node's own test runner. Arguments go to node --test (e.g. --test-name-pattern=drain).
# The end-to-end scenarios against the packaged server are in sdk/conformance.
set -euo pipefail
cd "$(dirname "$0")"
major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$major" -lt 20 ]; then
  echo "The TypeScript agent SDK needs Node.js 20 or newer; this is $(node --version)" >&2
  exit 1
fi
echo "node $(node --version), npm $(npm --version)"
npm ci --no-audit --no-fund --loglevel=error
npm run --silent build
node --test "$@" dist/test/
