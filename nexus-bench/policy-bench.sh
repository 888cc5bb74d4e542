#!/usr/bin/env bash
# policy-bench.sh — dispatch under load with and without 20 placement policies (issue 12): one
# server on a fresh PostgreSQL database (run as root: the database is made with runuser), the
# closed-loop bulk workload run six times, interleaved: no policies, 20 policies, no policies, ...
# Knobs: N (tasks per run, 20000), OUT (results directory). Needs the packaged jars, jq, curl.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-/tmp/policy-bench-$(date -u +%H%M)}
mkdir -p $OUT
PORT=4791; PASSWORD=bench-password-1; DB=nexus_policybench
cp $ROOT/nexus-server/target/nexus-server.jar $ROOT/nexus-bench/target/nexus-bench.jar $OUT/
runuser -u postgres -- psql -qX -c "drop database if exists $DB with (force)" -c "create database $DB owner nexus" >/dev/null
DATABASE_URL=postgresql://nexus:nexus@localhost:5432/$DB NEXUS_ADMIN_PASSWORD=$PASSWORD NEXUS_DATA_DIR=$OUT/data \
  java -Xmx1g -jar $OUT/nexus-server.jar --server.port=$PORT --logging.level.root=WARN \
  --nexus.security.rate-limit.enabled=false > $OUT/server.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 240); do curl -sf -m 2 http://localhost:$PORT/health >/dev/null && break; sleep 0.5; done
TOKEN=$(curl -s -X POST http://localhost:$PORT/api/auth/login -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}" | jq -r .access_token)
api() { curl -s -X "$1" "http://localhost:$PORT$2" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' ${3:+-d "$3"}; }
add_policies() {
  for i in $(seq 1 10); do api POST /api/policies "{\"name\":\"deny-$i\",\"effect\":\"deny\",\"match\":\"task.category == \\\"other-$i\\\"\"}" >/dev/null; done
  api POST /api/policies '{"name":"req-1","effect":"require","match":"task.category == \"bench\"","require":"agent.capabilities.exists(c, c == \"bench\")"}' >/dev/null
  api POST /api/policies '{"name":"req-2","effect":"require","match":"task.category == \"bench\"","require":"!agent.enrolled"}' >/dev/null
  api POST /api/policies '{"name":"req-3","effect":"require","match":"task.priority != \"critical\"","require":"agent.max_concurrency >= 1"}' >/dev/null
  api POST /api/policies '{"name":"req-4","effect":"require","match":"task.created_by == \"admin\"","require":"!(\"quarantine\" in agent.labels)"}' >/dev/null
  api POST /api/policies '{"name":"req-5","effect":"require","match":"task.max_attempts > 0","require":"agent.priority_score >= 0"}' >/dev/null
  for i in $(seq 6 10); do api POST /api/policies "{\"name\":\"req-$i\",\"effect\":\"require\",\"match\":\"task.category == \\\"gpu-$i\\\"\",\"require\":\"\\\"gpu\\\" in agent.labels\"}" >/dev/null; done
  echo "policies: $(api GET /api/policies | jq '.items | length')"
}
del_policies() { for id in $(api GET /api/policies | jq -r '.items[].id'); do api DELETE /api/policies/$id >/dev/null; done; echo "policies: $(api GET /api/policies | jq '.items | length')"; }
run() {
  java -Xmx1g -jar $OUT/nexus-bench.jar --url http://localhost:$PORT --password $PASSWORD --agents 4 --concurrency 32 \
    --closed-loop --phases bulk --bulk-tasks ${N:-20000} --json $OUT/$1.json > $OUT/$1.txt 2> $OUT/$1.log || echo "run $1 failed"
  echo "$1: $(grep -h "tasks/s (create->last handler)" $OUT/$1.txt | head -1 | tr -s " ") load $(cut -d" " -f1 /proc/loadavg)"
}
run warm
for r in 1 2 3; do
  run "none-$r"
  add_policies; run "twenty-$r"; del_policies
done
