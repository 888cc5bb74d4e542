#!/usr/bin/env bash
# soak.sh — the soak of issue 16: one node from the packaged jar on a fresh PostgreSQL database,
# SDK agents, tasks created open loop at a moderate rate (one per request) for ten minutes; every
# SAMPLE seconds of the load the harness forces a full GC in the server (jcmd GC.run) and reads its
# heap after GC (jcmd GC.heap_info), live threads (/proc/<pid>/status) and open file descriptors
# (/proc/<pid>/fd). It prints first/last/max of each and a verdict: flat when each last-quarter
# average is at most TOLERANCE % above the second quarter's (the first quarter is warm-up).
# Exits 0 when flat and every task completed, 1 otherwise. Not part of the default test command.
#
#   nexus-bench/soak.sh [DATABASE_URL [PORT]]
#     DATABASE_URL  postgresql://user:password@host:port/database (default
#                   postgresql://nexus:nexus@localhost:5432/nexus_soak); the database is dropped and
#                   created, so the user must be allowed to create databases
#     PORT          the server's HTTP port (default 4797); it must be free
#
# Knobs (environment): DURATION (600 s of load), RATE (100 tasks/s), SAMPLE (30 s between samples),
# TOLERANCE (10 %), AGENTS (4), CONCURRENCY (32 slots each), WORK_MS (0: handlers return at once),
# SERVER_XMX (1g), SERVER_ARGS, BENCH_ARGS, SERVER_JAR, BENCH_JAR, OUT (results directory).
# Build the jars first: ./mvnw -B -q -pl nexus-server,nexus-bench -am package -DskipTests
# Runs as the user that may attach jcmd to the server (the same user, or root).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SERVER_JAR=${SERVER_JAR:-$ROOT/nexus-server/target/nexus-server.jar}
BENCH_JAR=${BENCH_JAR:-$ROOT/nexus-bench/target/nexus-bench.jar}
DB_URL=${1:-postgresql://nexus:nexus@localhost:5432/nexus_soak}
PORT=${2:-4797}
DURATION=${DURATION:-600}
RATE=${RATE:-100}
SAMPLE=${SAMPLE:-30}
TOLERANCE=${TOLERANCE:-10}
AGENTS=${AGENTS:-4}
CONCURRENCY=${CONCURRENCY:-32}
WORK_MS=${WORK_MS:-0}
SERVER_XMX=${SERVER_XMX:-1g}
SERVER_ARGS=${SERVER_ARGS:-}
BENCH_ARGS=${BENCH_ARGS:-}
OUT=${OUT:-/tmp/nexus-soak-$(date -u +%Y%m%dT%H%M%SZ)}
PASSWORD=soak-password-1

re='^postgres(ql)?://([^:@/]+)(:([^@/]*))?@([^:/]+)(:([0-9]+))?/([A-Za-z0-9_]+)$'
if [[ ! $DB_URL =~ $re ]]; then
  echo "DATABASE_URL must look like postgresql://user:password@host:port/database" >&2
  exit 2
fi
PG_USER=${BASH_REMATCH[2]} PG_PASS=${BASH_REMATCH[4]} PG_HOST=${BASH_REMATCH[5]}
PG_PORT=${BASH_REMATCH[7]:-5432} DB=${BASH_REMATCH[8]}
ADMIN_URL="postgresql://$PG_USER:$PG_PASS@$PG_HOST:$PG_PORT/postgres"
for f in "$SERVER_JAR" "$BENCH_JAR"; do [ -f "$f" ] || { echo "missing $f (build first)" >&2; exit 2; }; done
for tool in jq psql curl java jcmd; do command -v $tool >/dev/null || { echo "needs $tool" >&2; exit 2; }; done
mkdir -p "$OUT"
log() { echo "[$(date -u +%T)] $*" | tee -a "$OUT/soak.log" >&2; }

SERVER_PID=
stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID"
    for _ in $(seq 60); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$SERVER_PID" 2>/dev/null && kill -9 "$SERVER_PID"
  fi
  SERVER_PID=
}
trap stop_server EXIT

# a server already on the port would answer the health check in place of ours
if curl -s -m 2 -o /dev/null "http://localhost:$PORT/health"; then
  echo "port $PORT is in use: choose another (second argument)" >&2
  exit 2
fi
# the jars are copied so that a rebuild during the soak does not change what is measured
cp "$SERVER_JAR" "$OUT/nexus-server.jar"
cp "$BENCH_JAR" "$OUT/nexus-bench.jar"
psql "$ADMIN_URL" -qX -c "drop database if exists $DB with (force)" -c "create database $DB" >/dev/null
log "soak: $RATE tasks/s for $DURATION s, a sample every $SAMPLE s, database $PG_HOST:$PG_PORT/$DB, results in $OUT"
DATABASE_URL=$DB_URL NEXUS_ADMIN_PASSWORD=$PASSWORD NEXUS_DATA_DIR="$OUT/data" \
  java -Xmx$SERVER_XMX -jar "$OUT/nexus-server.jar" --server.port=$PORT --logging.level.root=WARN \
  --nexus.security.rate-limit.enabled=false $SERVER_ARGS > "$OUT/server.log" 2>&1 &
SERVER_PID=$!
ready=
for _ in $(seq 240); do
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "server exited, see $OUT/server.log" >&2; exit 1; }
  curl -sf -m 2 "http://localhost:$PORT/health" >/dev/null && { ready=1; break; }
  sleep 0.5
done
[ -n "$ready" ] || { echo "server not healthy after 120 s, see $OUT/server.log" >&2; exit 1; }
if command -v ss >/dev/null && ss -ltnp 2>/dev/null | grep -q "pid="; then
  ss -ltnp | grep ":$PORT " | grep -q "pid=$SERVER_PID," \
    || { echo "port $PORT is held by another process, see $OUT/server.log" >&2; exit 1; }
fi
log "server $SERVER_PID ready"

status=0
java -Xmx1g -jar "$OUT/nexus-bench.jar" --url "http://localhost:$PORT" --password $PASSWORD \
  --agents "$AGENTS" --concurrency "$CONCURRENCY" --work-ms "$WORK_MS" --rate "$RATE" --batch 1 \
  --duration "$DURATION" --give-up-after $((DURATION + 120)) --server-pid "$SERVER_PID" \
  --soak-sample-seconds "$SAMPLE" --soak-tolerance "$TOLERANCE" --json "$OUT/soak.json" $BENCH_ARGS \
  > "$OUT/soak.txt" 2> "$OUT/bench.log" || { log "the harness failed, see $OUT/bench.log"; status=1; }
cat "$OUT/soak.txt" >&2
stop_server

flat=$(jq -r '.soak.flat' "$OUT/soak.json" 2>/dev/null || echo null)
complete=$(jq -r '.complete' "$OUT/soak.json" 2>/dev/null || echo false)
errors=$(jq -r '.errors | add // 0' "$OUT/soak.json" 2>/dev/null || echo "?")
log "verdict: flat=$flat, all tasks completed=$complete, errors=$errors; raw results in $OUT"
[ "$flat" = true ] && [ "$complete" = true ] && [ "$errors" = 0 ] || status=1
exit $status
