#!/usr/bin/env bash
# REST side by side: the Express + Redis peer from ../shared/bench and session-manager
# (transport-sse on store-sqlite, back-ends in process), same wrk load, one run.
#
#   bench/rest/run.sh [build dir]        env: DURATION (10s), CONNS (64), RUNS (1)
#
# Prints one block per server: create / get / request with req/s, p50, p99, errors.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BUILD="${1:-$ROOT/build}"
PEER_BENCH="${PEER_BENCH:-$ROOT/../shared/bench}"
export PEER_BENCH DURATION="${DURATION:-10s}" CONNS="${CONNS:-64}"
RUN_DIR="${RUN_DIR:-/tmp/sm-bench-rest}"
PORT=20500
KEY=bench-token-0123456789
mkdir -p "$RUN_DIR"

gateway() {
  local data="$RUN_DIR/gateway-data"
  rm -rf "$data"
  "$BUILD/bin/session-manager" run --set http_listen=127.0.0.1:$PORT --set data_dir="$data" \
    --set worker_count=0 --set log_level=warning --set api_keys=$KEY:service >"$RUN_DIR/gateway.log" 2>&1 &
  echo $! >"$RUN_DIR/gateway.pid"
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && return; sleep 0.1; done
  echo "gateway did not start; see $RUN_DIR/gateway.log" >&2; exit 1
}

bench_gateway() {
  # create and get use the peer's scripts unchanged; request sends an exchange request.
  local tmp="$RUN_DIR/peer-copy"
  rm -rf "$tmp"; cp -r "$PEER_BENCH" "$tmp"; chmod -R u+w "$tmp"
  cp "$HERE/request-exchange.lua" "$tmp/rest-load/request.lua"
  API_TOKEN=$KEY RUN_DIR="$RUN_DIR/gateway" "$tmp/rest-bench.sh" "http://127.0.0.1:$PORT"
}

for run in $(seq "${RUNS:-1}"); do
  echo "== run $run: express+redis (peer)"
  RUN_DIR="$RUN_DIR/peers" "$PEER_BENCH/peers.sh" start express >/dev/null
  RUN_DIR="$RUN_DIR/peers" "$PEER_BENCH/rest-bench.sh" http://127.0.0.1:20100
  RUN_DIR="$RUN_DIR/peers" "$PEER_BENCH/peers.sh" stop express >/dev/null
  echo "== run $run: session-manager"
  gateway
  bench_gateway
  kill "$(cat "$RUN_DIR/gateway.pid")"; wait "$(cat "$RUN_DIR/gateway.pid")" 2>/dev/null || true
done
