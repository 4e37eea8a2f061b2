#!/usr/bin/env bash
# Live-feed cost with 10,000 sessions and 1,000 events/s (issue 7 budget: <= 5 % of one
# core on the server, <= 50 KiB/s per dashboard, <= 16 ms per page update).
# Usage: bench/dashboard/run.sh [build dir]   (needs `npm ci` in tests/node and chromium)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${1:-$root/build}"
binary="$build/bin/session-manager"
data="$(mktemp -d)"
port="${SM_BENCH_PORT:-18087}"
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT

ulimit -n 65536 || true
QT_NO_GLIB=1 "$binary" run --set "http_listen=127.0.0.1:$port" --set worker_count=0 \
  --set "data_dir=$data" --set log_level=warning --set session_ttl=86400 --set idle_timeout=0 &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
admin="$("$binary" token --user ops --role admin --ttl 86400 --set "data_dir=$data")"

SM_BASE_URL="http://127.0.0.1:$port" SM_ADMIN_TOKEN="$admin" SM_SERVER_PID="$pid" \
SM_NODE_PACKAGE_DIR="$root/tests/node" node --experimental-websocket "$here/dashboard-bench.mjs"
