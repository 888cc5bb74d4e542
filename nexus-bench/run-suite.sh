#!/usr/bin/env bash
# run-suite.sh — the benchmarks of issue 10 in one sitting, as root on the machine that runs
# PostgreSQL: pgbench -N (the physical reference), then Nexus from the packaged jar, each run on a
# fresh database and a fresh server: the closed loop (the peer queues' workload), open-loop single
# creates at several rates, open-loop batches of 100 at several rates, and the closed-loop bulk
# phase again with a history of completed tasks in the table. Ends with one table, ratios to pgbench.
#
#   nexus-bench/run-suite.sh [DATABASE_URL [PORT]]
#     DATABASE_URL  postgresql://user:password@host:port/database (default
#                   postgresql://nexus:nexus@localhost:5432/nexus_suite); the database is dropped and
#                   created for every run, so the user must be allowed to create databases
#     PORT          the server's HTTP port (default 4790)
#
# Knobs (environment): SERVER_JAR, BENCH_JAR, OUT (results directory), N_BULK (20000),
# N_SINGLE (5000), SINGLE_RATES ("200 500 1000 1500"), BATCH_RATES ("2000 4000 8000"),
# DURATION (20 s per open-loop run), WARMUP (5 s), GIVE_UP (60 s: an open-loop run sends and waits
# no longer), PHASE_TIMEOUT (180 s per closed-loop phase), HISTORY (1000000 tasks; 0 skips that run),
# PG_SETTLE (11 s for PostgreSQL's lazy statistics), PGBENCH (1; 0 skips it), PGBENCH_ARGS (extra
# pgbench arguments, e.g. "-M prepared" as the peers' harness uses), SERVER_XMX (1g), SERVER_ARGS
# (extra server arguments), BENCH_ARGS (extra harness arguments, every run), FRESH_EACH (1: a fresh
# database and server for every run; 0: one server for all, replaced only after a run that left
# tasks behind, for machines where the server takes long to start). SINGLE_RATES="" or
# BATCH_RATES="" skips those runs.
# SUMMARY_ONLY=1 OUT=<an earlier results directory> runs nothing and prints that suite's table again
# (with the same knobs as the run).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SERVER_JAR=${SERVER_JAR:-$ROOT/nexus-server/target/nexus-server.jar}
BENCH_JAR=${BENCH_JAR:-$ROOT/nexus-bench/target/nexus-bench.jar}
DB_URL=${1:-postgresql://nexus:nexus@localhost:5432/nexus_suite}
PORT=${2:-4790}
OUT=${OUT:-/tmp/nexus-suite-$(date -u +%Y%m%dT%H%M%SZ)}
N_BULK=${N_BULK:-20000}
N_SINGLE=${N_SINGLE:-5000}
SINGLE_RATES=${SINGLE_RATES-200 500 1000 1500}
BATCH_RATES=${BATCH_RATES-2000 4000 8000}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-5}
GIVE_UP=${GIVE_UP:-60}
PHASE_TIMEOUT=${PHASE_TIMEOUT:-180}
HISTORY=${HISTORY:-1000000}
PG_SETTLE=${PG_SETTLE:-11}
PGBENCH=${PGBENCH:-1}
PGBENCH_ARGS=${PGBENCH_ARGS:-}
SUMMARY_ONLY=${SUMMARY_ONLY:-0}
FRESH_EACH=${FRESH_EACH:-1}
SERVER_XMX=${SERVER_XMX:-1g}
SERVER_ARGS=${SERVER_ARGS:-}
BENCH_ARGS=${BENCH_ARGS:-}
PASSWORD=suite-password-1

re='^postgres(ql)?://([^:@/]+)(:([^@/]*))?@([^:/]+)(:([0-9]+))?/([A-Za-z0-9_]+)$'
if [[ ! $DB_URL =~ $re ]]; then
  echo "DATABASE_URL must look like postgresql://user:password@host:port/database" >&2
  exit 2
fi
PG_USER=${BASH_REMATCH[2]} PG_PASS=${BASH_REMATCH[4]} PG_HOST=${BASH_REMATCH[5]}
PG_PORT=${BASH_REMATCH[7]:-5432} DB=${BASH_REMATCH[8]}
ADMIN_URL="postgresql://$PG_USER:$PG_PASS@$PG_HOST:$PG_PORT/postgres"
JDBC_URL="jdbc:postgresql://$PG_HOST:$PG_PORT/$DB?user=$PG_USER&password=$PG_PASS"
for f in "$SERVER_JAR" "$BENCH_JAR"; do [ -f "$f" ] || { echo "missing $f (build first)" >&2; exit 2; }; done
for tool in jq psql curl java; do command -v $tool >/dev/null || { echo "needs $tool" >&2; exit 2; }; done
mkdir -p "$OUT"

log() { echo "[$(date -u +%T)] $*" | tee -a "$OUT/suite.log" >&2; }
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

# fresh_server TAG: a new database and a new server JVM, ready when /health answers
fresh_server() {
  stop_server
  psql "$ADMIN_URL" -qX -c "drop database if exists $DB with (force)" -c "create database $DB" >/dev/null
  DATABASE_URL=$DB_URL NEXUS_ADMIN_PASSWORD=$PASSWORD NEXUS_DATA_DIR="$OUT/data" \
    java -Xmx$SERVER_XMX -jar "$OUT/nexus-server.jar" --server.port=$PORT --logging.level.root=WARN \
    --nexus.security.rate-limit.enabled=false $SERVER_ARGS > "$OUT/server-$1.log" 2>&1 &
  SERVER_PID=$!
  local started=$SECONDS
  for _ in $(seq 240); do
    curl -sf -m 2 "http://localhost:$PORT/health" >/dev/null && { log "server $SERVER_PID ready in $((SECONDS - started)) s"; return 0; }
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "server exited, see $OUT/server-$1.log" >&2; exit 1; }
    sleep 0.5
  done
  echo "server not healthy after 120 s, see $OUT/server-$1.log" >&2
  exit 1
}

# bench TAG ARGS...: one harness run on a fresh server (or the last one, see FRESH_EACH); its text,
# log and JSON go to $OUT/TAG.*
LAST_COMPLETE=false
bench() {
  local tag=$1; shift
  if [ "$FRESH_EACH" = 1 ] || [ -z "$SERVER_PID" ] || [ "$LAST_COMPLETE" != true ]; then
    fresh_server "$tag"
  fi
  log "$tag: $* (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  java -Xmx1g -jar "$OUT/nexus-bench.jar" --url "http://localhost:$PORT" --password $PASSWORD \
    --agents 4 --concurrency 32 --pg-url "$JDBC_URL" --pg-settle "$PG_SETTLE" --server-pid "$SERVER_PID" \
    --json "$OUT/$tag.json" "$@" $BENCH_ARGS > "$OUT/$tag.txt" 2> "$OUT/$tag.log" \
    || log "$tag: the harness failed, see $OUT/$tag.log"
  LAST_COMPLETE=$(jq -r '.complete' "$OUT/$tag.json" 2>/dev/null || echo false)
  cat "$OUT/$tag.txt" >&2
}

PGBENCH_TPS=
pgbench_tps() { PGBENCH_TPS=$(sed -n 's/^tps = \([0-9]*\).*/\1/p' "$OUT/pgbench.txt" 2>/dev/null | head -1); }
if [ "$SUMMARY_ONLY" = 1 ]; then
  pgbench_tps
else
# the jars are copied so that a rebuild during the suite does not change what is measured
cp "$SERVER_JAR" "$OUT/nexus-server.jar"
cp "$BENCH_JAR" "$OUT/nexus-bench.jar"
log "suite start: $OUT, server $SERVER_JAR, database $PG_HOST:$PG_PORT/$DB, port $PORT"
if [ "$PGBENCH" = 1 ]; then
  PGB="runuser -u postgres --"
  $PGB psql -qX -p "$PG_PORT" -c "drop database if exists pgbench_ref" -c "create database pgbench_ref" >/dev/null
  $PGB pgbench -p "$PG_PORT" -i -s 10 -q pgbench_ref > "$OUT/pgbench-init.txt" 2>&1
  $PGB psql -qX -p "$PG_PORT" -c checkpoint >/dev/null
  log "pgbench -N -c 8 -j 2 -T 20 (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  $PGB pgbench -p "$PG_PORT" -N -c 8 -j 2 -T 20 $PGBENCH_ARGS pgbench_ref > "$OUT/pgbench.txt" 2>&1
  pgbench_tps
  # its 1M-row tables would otherwise pull autovacuum into the runs
  $PGB psql -qX -p "$PG_PORT" -c "drop database pgbench_ref" >/dev/null
  log "pgbench: $PGBENCH_TPS tps"
fi

bench closed --closed-loop --bulk-tasks "$N_BULK" --single-tasks "$N_SINGLE" --phase-timeout "$PHASE_TIMEOUT"
for rate in $SINGLE_RATES; do
  bench "single-$rate" --rate "$rate" --duration "$DURATION" --warmup "$WARMUP" --give-up-after "$GIVE_UP"
done
for rate in $BATCH_RATES; do
  bench "batch100-$rate" --rate "$rate" --batch 100 --duration "$DURATION" --warmup "$WARMUP" --give-up-after "$GIVE_UP"
done
if [ "$HISTORY" -gt 0 ]; then
  bench history --closed-loop --phases bulk --bulk-tasks "$N_BULK" --phase-timeout "$PHASE_TIMEOUT" --history "$HISTORY"
fi
stop_server
log "suite end"
fi

# the summary: one line per run, figures from the JSON files
ratio() { [ -n "$PGBENCH_TPS" ] && [ -n "$1" ] && [ "$1" != null ] && jq -nr --argjson v "$1" --argjson p "$PGBENCH_TPS" '($v / $p * 100 | round) / 100' || echo "-"; }
num() { jq -r "$1 // \"-\" | if type == \"number\" then (. * 10 | round) / 10 else . end" "$2" 2>/dev/null || echo "-"; }
{
  echo
  echo "## Suite $(basename "$OUT") ($(nproc) CPUs; pgbench -N -c 8 -j 2 -T 20 $PGBENCH_ARGS: ${PGBENCH_TPS:-not run} tps)"
  echo
  echo "| run | tasks/s end to end | × pgbench | created/s | create→agent p50 / p99 ms | keeps pace | durable commits / task | CPU ms / task server / PostgreSQL / bench |"
  echo "|---|---|---|---|---|---|---|---|"
  closed_row() { # closed_row LABEL FILE PHASE
    local f=$2 p=".$3"
    [ -f "$f" ] || { echo "| $1 | no result | | | | | | |"; return; }
    local tps; tps=$(num "$p.tasks_per_s // $p.tasks_per_s_lower_bound" "$f")
    echo "| $1 | $tps$(jq -r "if $p.complete then \"\" else \" (incomplete)\" end" "$f") to the last handler, $(num "$p.tasks_per_s_server_completed" "$f") to all completed |" \
      "$(ratio "$tps") | $(num "$p.created_per_s" "$f") |" \
      "$(num "$p.create_to_agent_latency.p50_ms" "$f") / $(num "$p.create_to_agent_latency.p99_ms" "$f") | (closed loop) |" \
      "$(num "$p.postgres.durable_commits_per_task" "$f") | $(num "$p.cpu.server_ms_per_task" "$f") / $(num "$p.cpu.postgres_ms_per_task" "$f") / $(num "$p.cpu.bench_ms_per_task" "$f") |"
  }
  open_row() { # open_row LABEL FILE RATE
    local f=$2
    [ -f "$f" ] || { echo "| $1 | no result | | | | | | |"; return; }
    # keeps pace: everything created was completed within 3 s of the end of the load
    local pace; pace=$(jq -r --argjson d "$DURATION" --argjson r "$3" \
      'if (.all_completed_after_s | type) == "number" and .all_completed_after_s <= $d + 3 and .created_per_s >= 0.95 * $r then "yes" else "no" end' "$f")
    echo "| $1 | $(num .completed_per_s_steady "$f") (steady), $(num .completed_per_s_overall "$f") (overall) | $(ratio "$3") offered | $(num .created_per_s "$f") |" \
      "$(num .create_to_agent_latency.p50_ms "$f") / $(num .create_to_agent_latency.p99_ms "$f") | $pace |" \
      "$(num .postgres.durable_commits_per_task "$f") | $(num .cpu.server_ms_per_task "$f") / $(num .cpu.postgres_ms_per_task "$f") / $(num .cpu.bench_ms_per_task "$f") |"
  }
  closed_row "closed loop, bulk ($N_BULK in chunks of 100)" "$OUT/closed.json" bulk
  closed_row "closed loop, single ($N_SINGLE awaited)" "$OUT/closed.json" single
  for rate in $SINGLE_RATES; do open_row "open loop, 1 per request, $rate/s" "$OUT/single-$rate.json" "$rate"; done
  for rate in $BATCH_RATES; do open_row "open loop, batches of 100, $rate/s" "$OUT/batch100-$rate.json" "$rate"; done
  if [ "$HISTORY" -gt 0 ]; then
    closed_row "closed loop, bulk, $HISTORY completed tasks in the table" "$OUT/history.json" bulk
    if [ -f "$OUT/history.json" ] && [ -f "$OUT/closed.json" ]; then
      echo
      echo "With history / without: $(jq -nr --slurpfile h "$OUT/history.json" --slurpfile e "$OUT/closed.json" \
        'if $h[0].bulk.tasks_per_s and $e[0].bulk.tasks_per_s then ($h[0].bulk.tasks_per_s / $e[0].bulk.tasks_per_s * 100 | round | tostring) + " %" else "-" end') (target ≥ 90 %)."
      echo "History fill: $(jq -r '.history // "-"' "$OUT/history.json")"
    fi
  fi
  echo
  echo "Keeps pace: created ≥ 95 % of the offered rate and all completed within 3 s (±1 s) of the end of the load."
  echo "CPU: /proc/<pid>/stat of the server JVM, of all postgres processes on the machine and of the harness (which runs the agents)."
  echo "Durable commits: next-xid delta, cluster-wide. Raw results: $OUT"
} | tee "$OUT/summary.md"
