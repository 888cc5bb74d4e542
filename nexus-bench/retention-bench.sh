#!/usr/bin/env bash
# retention-bench.sh — whether retention keeps the task tables, and what reads of them cost, flat
# (issue 14 part 6). Two soaks (soak.sh) run side by side, in the same minutes on the same machine
# so that they share its noise: node "on" with retention (RETENTION, default 60s, a round every
# ROUND, default 10s), node "off" with retention off (nexus.tasks.retention=0), each from the
# packaged jar on a fresh PostgreSQL database, each with the same open-loop load. Every SAMPLE
# seconds of the load the script reads, for each node: the rows of tasks and task_events, the
# size on disk of the task tables (tasks, task_events, task_capabilities with their indexes and
# TOAST), and the time of three reads of the API that touch the task tables (best of 3 tries each):
# the newest page of tasks, the analytics success rate over 24 h and the task count by status.
# It prints a table per node and a verdict per gauge: flat when the last-quarter average is at most
# TOLERANCE % above the second quarter's (the first quarter is warm-up; with retention the first
# round starts a minute after the server). Exits 0 when node "on" is flat in rows and size and both
# soaks completed every task. Not part of the default test command.
#
#   nexus-bench/retention-bench.sh [ADMIN_DATABASE_URL]
#     ADMIN_DATABASE_URL  postgresql://user:password@host:port/ (default
#                         postgresql://nexus:nexus@localhost:5432/); the user must be allowed to
#                         create databases: nexus_retention_on and nexus_retention_off are dropped
#                         and created
#
# Knobs (environment): DURATION (600 s of load), RATE (50 tasks/s per node), SAMPLE (30 s),
# TOLERANCE (10 %), RETENTION (60s), ROUND (10s), PORT_ON (4798), PORT_OFF (4799), OUT.
# Build the jars first: ./mvnw -B -q -pl nexus-server,nexus-bench -am package -DskipTests
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ADMIN=${1:-postgresql://nexus:nexus@localhost:5432/}
ADMIN=${ADMIN%/}
DURATION=${DURATION:-600}
RATE=${RATE:-50}
SAMPLE=${SAMPLE:-30}
TOLERANCE=${TOLERANCE:-10}
RETENTION=${RETENTION:-60s}
ROUND=${ROUND:-10s}
PORT_ON=${PORT_ON:-4798}
PORT_OFF=${PORT_OFF:-4799}
OUT=${OUT:-/tmp/nexus-retention-$(date -u +%Y%m%dT%H%M%SZ)}
PASSWORD=soak-password-1
for tool in jq psql curl awk; do command -v $tool >/dev/null || { echo "needs $tool" >&2; exit 2; }; done
mkdir -p "$OUT"
log() { echo "[$(date -u +%T)] $*" | tee -a "$OUT/retention.log" >&2; }

# soak.sh drops and creates the database it is given
DURATION=$DURATION RATE=$RATE SAMPLE=$SAMPLE OUT="$OUT/on" \
  SERVER_ARGS="--nexus.tasks.retention=$RETENTION --nexus.tasks.retention-interval=$ROUND" \
  BENCH_ARGS="--count-deleted-tasks" \
  "$ROOT/nexus-bench/soak.sh" "$ADMIN/nexus_retention_on" "$PORT_ON" > "$OUT/soak-on.txt" 2>&1 &
SOAK_ON=$!
DURATION=$DURATION RATE=$RATE SAMPLE=$SAMPLE OUT="$OUT/off" \
  SERVER_ARGS="--nexus.tasks.retention=0" \
  "$ROOT/nexus-bench/soak.sh" "$ADMIN/nexus_retention_off" "$PORT_OFF" > "$OUT/soak-off.txt" 2>&1 &
SOAK_OFF=$!
trap 'kill $SOAK_ON $SOAK_OFF 2>/dev/null || true' EXIT
log "retention on ($RETENTION, rounds every $ROUND) on port $PORT_ON, off on port $PORT_OFF; $RATE tasks/s each for $DURATION s; results in $OUT"

token() {
  curl -sf -m 10 -H 'Content-Type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}" "http://localhost:$1/api/auth/login" | jq -r .access_token
}

# best of three: the noise of a shared machine only ever adds time
best_of_3() {
  local port=$1 token=$2 path=$3 best= t
  for _ in 1 2 3; do
    t=$(curl -s -o /dev/null -m 30 -w '%{time_total}' -H "Authorization: Bearer $token" "http://localhost:$port$path")
    best=$(awk -v a="${best:-$t}" -v b="$t" 'BEGIN { print (b < a) ? b : a }')
  done
  awk -v s="$best" 'BEGIN { printf "%.1f", s * 1000 }'
}

sample() {
  local node=$1 port=$2 token=$3 t=$4 db=$5 counts
  counts=$(psql "$ADMIN/$db" -qAtX -F ' ' -c "select (select count(*) from tasks), (select count(*) from task_events),
      pg_total_relation_size('tasks') + pg_total_relation_size('task_events')
      + pg_total_relation_size('task_capabilities')")
  echo "$t $counts $(best_of_3 "$port" "$token" '/api/tasks?limit=50') \
$(best_of_3 "$port" "$token" '/api/analytics/success-rate?range=24h') \
$(best_of_3 "$port" "$token" '/api/tasks?status=completed&limit=1')" >> "$OUT/$node.samples"
}

# the soaks start their servers; sampling starts when both answer
for _ in $(seq 240); do
  curl -sf -m 2 -o /dev/null "http://localhost:$PORT_ON/health" \
    && curl -sf -m 2 -o /dev/null "http://localhost:$PORT_OFF/health" && break
  sleep 0.5
done
TOKEN_ON=$(token $PORT_ON)
TOKEN_OFF=$(token $PORT_OFF)
START=$(date +%s)
: > "$OUT/on.samples"
: > "$OUT/off.samples"
while [ $(( $(date +%s) - START )) -le "$DURATION" ]; do
  t=$(( $(date +%s) - START ))
  sample on $PORT_ON "$TOKEN_ON" $t nexus_retention_on || log "sample of node on failed at $t s"
  sample off $PORT_OFF "$TOKEN_OFF" $t nexus_retention_off || log "sample of node off failed at $t s"
  # tokens live 15 minutes; a long run logs in again
  if [ $(( t % 600 )) -lt "$SAMPLE" ] && [ "$t" -ge 600 ]; then
    TOKEN_ON=$(token $PORT_ON)
    TOKEN_OFF=$(token $PORT_OFF)
  fi
  sleep $(( SAMPLE - ( $(date +%s) - START - t ) > 0 ? SAMPLE - ( $(date +%s) - START - t ) : 0 ))
done
status=0
wait $SOAK_ON || { log "soak with retention failed, see $OUT/soak-on.txt"; status=1; }
wait $SOAK_OFF || { log "soak without retention failed, see $OUT/soak-off.txt"; status=1; }
trap - EXIT

# columns: t tasks events bytes newest_ms success_rate_ms completed_ms
verdict() {
  awk -v node="$1" -v tol="$TOLERANCE" '
    { n++; for (c = 2; c <= 7; c++) v[n, c] = $c; t[n] = $1 }
    END {
      split("tasks rows,task_events rows,table bytes (MiB),GET /api/tasks?limit=50 (ms),GET success-rate 24h (ms),GET ?status=completed&limit=1 (ms)", name, ",")
      q = int(n / 4); if (q < 1) { print node ": fewer than 4 samples"; exit }
      printf "%-4s %-36s %10s %10s %12s %12s %9s\n", node, "gauge", "first", "last", "2nd quarter", "last quarter", "change"
      for (c = 2; c <= 7; c++) {
        a = 0; b = 0
        for (i = q + 1; i <= 2 * q; i++) a += v[i, c]
        for (i = n - q + 1; i <= n; i++) b += v[i, c]
        a /= q; b /= q
        scale = (c == 4) ? 1048576 : 1
        change = (a > 0) ? (b - a) * 100 / a : 0
        printf "%-4s %-36s %10.1f %10.1f %12.1f %12.1f %+8.1f%% %s\n", node, name[c - 1], v[1, c] / scale, v[n, c] / scale,
          a / scale, b / scale, change, (change <= tol) ? "flat" : "GROWS"
        if (c <= 4) flat = flat ((change <= tol) ? "" : "x")
      }
      exit (flat == "" ? 0 : 1)
    }' "$OUT/$1.samples"
}
verdict on | tee "$OUT/verdict.txt" || { [ "$status" = 0 ] && status=3; }
verdict off | tee -a "$OUT/verdict.txt" || true
log "soak with retention: $(grep verdict "$OUT/on/soak.log" | tail -1)"
log "soak without retention: $(grep verdict "$OUT/off/soak.log" | tail -1)"
[ "$status" = 0 ] && log "retention keeps the task tables flat" \
  || log "not flat or not complete (status $status); raw results in $OUT"
exit $status
