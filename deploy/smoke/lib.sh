# Helpers shared by the smoke scripts: free ports, starting and stopping the packaged Nexus
# jar on a temporary data directory, and cleaning up whatever was started.
# shellcheck shell=bash

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
server_jar="$repo_root/nexus-server/target/nexus-server.jar"
nexusctl="$repo_root/nexus-cli/bin/nexusctl"
smoke_dir=$(mktemp -d "${TMPDIR:-/tmp}/nexus-smoke.XXXXXX")
started_pids=()

log() { printf '==> %s\n' "$*"; }

fail() {
  printf 'FAILED: %s\n' "$*" >&2
  exit 1
}

cleanup() {
  local pid
  for pid in "${started_pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  if [ "${KEEP_SMOKE_DIR:-false}" != true ]; then
    rm -rf "$smoke_dir"
  fi
}
trap cleanup EXIT

require_jars() {
  [ -f "$server_jar" ] || fail "$server_jar missing; run ./mvnw package first"
  [ -f "$repo_root/nexus-cli/target/nexusctl.jar" ] || fail "nexusctl.jar missing; run ./mvnw package first"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# start_nexus PORT [VAR=value ...]: starts the server jar in the background on PORT with its own
# data directory and the given environment; sets nexus_pid and nexus_log.
start_nexus() {
  local port=$1
  shift
  nexus_log="$smoke_dir/nexus-$port.log"
  env "$@" PORT="$port" NEXUS_DATA_DIR="$smoke_dir/data-$port" NEXUS_ADMIN_PASSWORD="$admin_password" \
    java -Xmx512m -jar "$server_jar" >"$nexus_log" 2>&1 &
  nexus_pid=$!
  started_pids+=("$nexus_pid")
  local i
  for i in $(seq 1 120); do
    if curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1; then
      log "Nexus is up on port $port (pid $nexus_pid) after ${i}s"
      return 0
    fi
    kill -0 "$nexus_pid" 2>/dev/null || { cat "$nexus_log" >&2; fail "Nexus exited during start"; }
    sleep 1
  done
  cat "$nexus_log" >&2
  fail "Nexus did not become healthy on port $port"
}

stop_pid() {
  local pid=$1
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# login URL: prints an access token for admin
login() {
  curl -fs -X POST "$1/api/auth/login" -H 'Content-Type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$admin_password\"}" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])'
}

admin_password="smoke-$(date +%s)-$RANDOM"

# start_private_postgres: initdb + pg_ctl start of a throwaway PostgreSQL owned by this script
# (never the machine's own clusters), on a free port; sets pg_url and pg_dir. Needs root and
# Debian's postgresql package; returns 1 when they are not there.
start_private_postgres() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$bin" ] && [ "$(id -u)" -eq 0 ] && command -v runuser >/dev/null || return 1
  pg_bin=$bin
  pg_port=$(free_port)
  pg_dir="$smoke_dir/pg"
  chmod 755 "$smoke_dir"
  mkdir -p "$pg_dir"
  chown postgres "$pg_dir"
  runuser -u postgres -- "$pg_bin/initdb" -D "$pg_dir/data" -U nexus --auth=trust >/dev/null
  pg_start
  runuser -u postgres -- "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U nexus nexus
  pg_url="postgresql://nexus:unused@127.0.0.1:$pg_port/nexus"
  trap 'pg_stop; cleanup' EXIT
}

pg_start() {
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w \
    -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1" start >/dev/null
}

pg_stop() {
  if [ -n "${pg_dir:-}" ] && [ -f "$pg_dir/data/postmaster.pid" ]; then
    runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null || true
  fi
}
