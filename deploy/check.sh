#!/usr/bin/env bash
# Checks the monitoring configuration under deploy/ with the real tools (Debian packages
# prometheus and prometheus-alertmanager): promtool check config, check rules, test rules,
# and amtool check-config. A missing tool is a failure. CI runs this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")"

for tool in promtool amtool; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "deploy/check.sh: $tool is missing (apt-get install prometheus prometheus-alertmanager)" >&2
    exit 1
  fi
done

# prometheus.yml names a token file beside it, as it will be in a deployment; check a copy
# with a dummy token so that the check does not need a real one.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r prometheus/. "$work/"
echo dummy-token > "$work/nexus.token"

promtool check config "$work/prometheus.yml"
promtool check rules prometheus/rules/*.yml
promtool test rules prometheus/tests/*.test.yml
amtool check-config alertmanager/alertmanager.yml
echo "deploy/check.sh: monitoring configuration OK"
