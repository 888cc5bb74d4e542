#!/usr/bin/env bash
# End-to-end check of nexusctl against the packaged server (needs ./mvnw package or verify):
#   1. a running Nexus: `nexusctl health` exits 0, and agents/tasks commands work;
#   2. when Debian's PostgreSQL is installed and this runs as root, Nexus runs on a throwaway
#      PostgreSQL of its own, which is then stopped: health exits non-zero, database DOWN;
#   3. Nexus stopped: health exits non-zero, API DOWN.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_jars

port=$(free_port)
url="http://127.0.0.1:$port"
db_env=()
if start_private_postgres; then
  log "Nexus on a private PostgreSQL (port $pg_port)"
  db_env=(DATABASE_URL="$pg_url" SPRING_DATASOURCE_HIKARI_CONNECTIONTIMEOUT=2000)
else
  log "No PostgreSQL binaries (or not root): Nexus on H2; the database-down check is skipped"
fi
start_nexus "$port" "${db_env[@]}"
export NEXUS_URL="$url" NEXUS_USER=admin NEXUS_PASSWORD="$admin_password"

log "nexusctl health against a running Nexus"
"$nexusctl" health | tee "$smoke_dir/health-up.txt" || fail "nexusctl health exited $? against a running Nexus"
grep -Eq '^websocket +UP' "$smoke_dir/health-up.txt" || fail "websocket check not UP"
grep -Eq '^metrics +UP' "$smoke_dir/health-up.txt" || fail "metrics check not UP"
"$nexusctl" health --json | python3 -c 'import json, sys; r = json.load(sys.stdin); assert r["status"] == "UP", r'

log "nexusctl tasks and agents"
task_id=$("$nexusctl" tasks create --title "smoke task" --category smoke --payload '{"n":1}' --json \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
"$nexusctl" tasks list --status queued | grep -q "$task_id" || fail "created task not listed"
"$nexusctl" tasks cancel "$task_id" --reason "smoke done" | grep -q "is cancelled" || fail "cancel failed"
if "$nexusctl" tasks watch "$task_id" --interval 100; then fail "watch of a cancelled task exited 0"; fi
"$nexusctl" agents list >/dev/null || fail "agents list failed"
if "$nexusctl" agents get no-such-agent 2>"$smoke_dir/err.txt"; then fail "agents get of a missing agent exited 0"; fi
grep -q "404 agent_not_found" "$smoke_dir/err.txt" || fail "no clear 404 message: $(cat "$smoke_dir/err.txt")"

if [ "${#db_env[@]}" -gt 0 ]; then
  log "nexusctl health with PostgreSQL stopped"
  pg_stop
  status=0
  "$nexusctl" health --timeout 20 | tee "$smoke_dir/health-db-down.txt" || status=$?
  pg_start
  [ "$status" -ne 0 ] || fail "nexusctl health exited 0 with the database stopped"
  grep -Eq '^database +DOWN' "$smoke_dir/health-db-down.txt" || fail "database not reported DOWN"
fi

log "nexusctl health against a stopped Nexus"
stop_pid "$nexus_pid"
status=0
"$nexusctl" health --timeout 3 | tee "$smoke_dir/health-down.txt" || status=$?
[ "$status" -ne 0 ] || fail "nexusctl health exited 0 against a stopped Nexus"
grep -Eq '^api +DOWN .*connection refused' "$smoke_dir/health-down.txt" || fail "api not reported DOWN"

log "nexusctl smoke test passed"
