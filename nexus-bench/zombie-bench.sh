#!/usr/bin/env bash
# zombie-bench.sh — how fast a zombie agent (connected, answers pings, never accepts) is caught
# (issue 12 target: quarantined within 2 ack timeouts; no task waits on it longer than one).
# One embedded-H2 server with a short ack timeout; for each slot count in SLOTS, a zombie agent
# with that many slots and TASKS tasks it alone can run; prints, from the tasks' own events, the
# time from the zombie's first assignment to its quarantine and the longest time any task stayed
# assigned to it. Knobs: ACK (ack timeout, 3s), SLOTS ("1 2 4"), TASKS (6), RUNS (3), OUT.
# Needs the packaged server jar, jq, curl, and Debian's python3 with python3-websockets (PYTHON).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-/tmp/zombie-bench-$(date -u +%H%M)}
ACK=${ACK:-3s}; TASKS=${TASKS:-6}; RUNS=${RUNS:-3}
mkdir -p "$OUT"
PORT=4793; PASSWORD=bench-password-1
NEXUS_ADMIN_PASSWORD=$PASSWORD NEXUS_DATA_DIR=$OUT/data java -Xmx512m -jar "$ROOT/nexus-server/target/nexus-server.jar" \
  --server.port=$PORT --logging.level.root=WARN --nexus.security.rate-limit.enabled=false \
  --nexus.dispatch.ack-timeout=$ACK > "$OUT/server.log" 2>&1 &
SERVER=$!
ZOMBIE=
trap 'kill $SERVER $ZOMBIE 2>/dev/null || true' EXIT
for _ in $(seq 240); do curl -sf -m 2 http://localhost:$PORT/health >/dev/null && break; sleep 0.5; done
TOKEN=$(curl -s -X POST http://localhost:$PORT/api/auth/login -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}" | jq -r .access_token)
api() { curl -s -X "$1" "http://localhost:$PORT$2" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' ${3:+-d "$3"}; }
ms() { python3 -c "import datetime,sys; a,b=(datetime.datetime.fromisoformat(x.replace('Z','+00:00')) for x in sys.argv[1:3]); print(round((b-a).total_seconds()*1000))" "$1" "$2"; }
echo "ack timeout $ACK, $TASKS tasks per run, load $(cut -d' ' -f1 /proc/loadavg)"
for slots in ${SLOTS:-1 2 4}; do
  for run in $(seq "$RUNS"); do
    cap="zombie-$slots-$run"
    agent=$(api POST /api/agents "{\"name\":\"$cap\",\"capabilities\":[\"$cap\"],\"max_concurrency\":$slots}")
    id=$(jq -r .id <<<"$agent"); secret=$(jq -r .token <<<"$agent")
    "${PYTHON:-/usr/bin/python3}" "$ROOT/nexus-bench/zombie_agent.py" "ws://localhost:$PORT/ws" "$id" "$secret" > "$OUT/$cap.log" 2>&1 &
    ZOMBIE=$!
    for _ in $(seq 100); do grep -q registered "$OUT/$cap.log" && break; sleep 0.1; done
    tasks=()
    for i in $(seq "$TASKS"); do tasks+=("$(api POST /api/tasks "{\"title\":\"$cap $i\",\"category\":\"$cap\"}" | jq -r .id)"); done
    for _ in $(seq 600); do [ "$(api GET /api/agents/$id | jq -r '.quarantine != null')" = true ] && break; sleep 0.1; done
    since=$(api GET /api/agents/$id | jq -r .quarantine.since)
    first=; longest=0
    for task in "${tasks[@]}"; do
      # every stretch the task spent assigned to the zombie: from its assignment to the next event
      api GET /api/tasks/$task/events > "$OUT/$cap-$task.json"
      read -r f l < <(python3 - "$OUT/$cap-$task.json" "$id" <<'PY'
import datetime, json, sys
events = json.load(open(sys.argv[1])); agent = sys.argv[2]
t = lambda s: datetime.datetime.fromisoformat(s.replace('Z', '+00:00'))
first = None; longest = 0
for i, e in enumerate(events):
    if e["to"] == "assigned" and e.get("agent_id") == agent:
        first = first or e["at"]
        if i + 1 < len(events):
            longest = max(longest, round((t(events[i + 1]["at"]) - t(e["at"])).total_seconds() * 1000))
print(first or "-", longest)
PY
)
      if [ "$f" != - ] && { [ -z "$first" ] || [[ "$f" < "$first" ]]; }; then first=$f; fi
      [ "$l" -gt "$longest" ] && longest=$l
    done
    kill $ZOMBIE 2>/dev/null || true; ZOMBIE=
    echo "slots $slots run $run: quarantined $(ms "$first" "$since") ms after its first assignment; longest wait on it $longest ms (reason $(api GET /api/agents/$id | jq -r .quarantine.reason))"
  done
done
