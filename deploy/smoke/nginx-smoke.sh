#!/usr/bin/env bash
# Runs deploy/nginx/nginx.conf for real: Debian's nginx (not as a service: a private prefix, a
# config rendered for free local ports) in front of the packaged Nexus jar, then drives HTTP,
# a theme port and the agent WebSocket through it. Needs ./mvnw package (or verify) and nginx.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_jars
command -v nginx >/dev/null || fail "nginx is not installed (apt-get install nginx)"

nexus_port=$(free_port)
gateway_port=$(free_port)
declare -A theme_ports=([2100]=cyberpunk [2200]=modern [2300]=matrix [2400]=glassmorphism)
declare -A local_ports=()
for seed_port in "${!theme_ports[@]}"; do local_ports[$seed_port]=$(free_port); done
theme_port=${local_ports[2100]}
start_nexus "$nexus_port"

log "Rendering nginx.conf: gateway 3100 -> $gateway_port, themes 2100-2400 -> free ports, upstream 127.0.0.1:$nexus_port"
conf="$smoke_dir/nginx"
mkdir -p "$conf/logs"
cp "$repo_root/deploy/nginx/nginx.conf" "$repo_root/deploy/nginx/nexus-proxy.conf" "$conf/"
sed_args=(-e "s/listen 3100;/listen 127.0.0.1:$gateway_port;/"
  -e "s#access_log /dev/stdout;#access_log $conf/logs/access.log;#")
for seed_port in "${!local_ports[@]}"; do
  sed_args+=(-e "s/listen $seed_port;/listen 127.0.0.1:${local_ports[$seed_port]};/")
done
sed "${sed_args[@]}" "$repo_root/deploy/nginx/nginx.conf" >"$conf/nginx.conf"
if grep -E 'listen [0-9]+;' "$conf/nginx.conf"; then fail "a listen directive was not rendered"; fi
grep -q "listen 127.0.0.1:$gateway_port;" "$conf/nginx.conf" || fail "gateway listen not rendered"
cat >"$conf/nexus-upstream.conf" <<UPSTREAM
upstream nexus {
    server 127.0.0.1:$nexus_port;
    keepalive 32;
}
UPSTREAM

nginx_args=(-p "$conf" -c "$conf/nginx.conf" -e "$conf/logs/error.log")
nginx_global="daemon off; pid $conf/nginx.pid;"
nginx "${nginx_args[@]}" -g "$nginx_global" -t -q || fail "nginx -t refused the configuration"
nginx "${nginx_args[@]}" -g "$nginx_global" &
started_pids+=("$!")
gateway="http://127.0.0.1:$gateway_port"
for _ in $(seq 1 50); do
  curl -s -o /dev/null "$gateway/health" && break
  sleep 0.2
done

log "HTTP through the gateway"
code=$(curl -s -o "$smoke_dir/health.json" -w '%{http_code}' "$gateway/health")
[ "$code" = 200 ] || fail "GET /health through nginx: $code"
grep -q '"status":"UP"' "$smoke_dir/health.json" || fail "health body: $(cat "$smoke_dir/health.json")"
for probe in liveness readiness; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$gateway/health/$probe")
  [ "$code" = 200 ] || fail "GET /health/$probe through nginx: $code"
done
token=$(login "$gateway") || fail "POST /api/auth/login through nginx failed"
[ -n "$token" ] || fail "login through nginx gave no token"

log "Theme ports"
for seed_port in "${!theme_ports[@]}"; do
  theme=${theme_ports[$seed_port]}
  port=${local_ports[$seed_port]}
  location=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$port/")
  [ "$location" = "302 http://127.0.0.1:$port/?theme=$theme" ] || fail "theme $theme redirect: $location"
  # Nexus itself answers (a login redirect or 401 until the dashboard exists), not nginx's 502
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/?theme=$theme")
  case "$code" in 2?? | 3?? | 401) ;; *) fail "GET /?theme=$theme through port $seed_port: $code" ;; esac
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health")
  [ "$code" = 200 ] || fail "GET /health through theme port $seed_port: $code"
done

log "WebSocket upgrade through the gateway (curl)"
curl -s -D "$smoke_dir/ws-headers.txt" -o /dev/null --max-time 2 -H "Connection: Upgrade" -H "Upgrade: websocket" \
  -H "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==" -H "Sec-WebSocket-Version: 13" "$gateway/ws" || true
head -1 "$smoke_dir/ws-headers.txt" | grep -q ' 101' || fail "WebSocket handshake: $(head -1 "$smoke_dir/ws-headers.txt")"
grep -qi '^Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=' "$smoke_dir/ws-headers.txt" \
  || fail "no valid Sec-WebSocket-Accept through nginx"

log "An agent registers over the WebSocket through the gateway (nexusctl health --agent-id)"
agent_token=$(curl -fs -X POST "$gateway/api/agents" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' -d '{"id":"nginx-smoke-probe","name":"nginx smoke probe"}' \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])') || fail "creating the probe agent failed"
# paused, so that it is never given a task while it is connected
curl -fs -o /dev/null -X POST "$gateway/api/agents/nginx-smoke-probe/pause" -H "Authorization: Bearer $token"
NEXUS_TOKEN=$token "$nexusctl" health --url "$gateway" --agent-id nginx-smoke-probe --agent-token "$agent_token" \
  | tee "$smoke_dir/health.txt" || fail "nexusctl health through nginx exited non-zero"
grep -Eq '^websocket +UP .*agent nginx-smoke-probe registered' "$smoke_dir/health.txt" \
  || fail "agent_register through nginx did not get 'registered'"

log "nginx smoke test passed"
