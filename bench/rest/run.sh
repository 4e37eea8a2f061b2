#!/usr/bin/env bash
# REST side by side: the Express + Redis peer from ../shared/bench and session-manager
# (transport-sse on store-sqlite), same wrk load, one run.
#
#   bench/rest/run.sh [build dir]
#   env: DURATION (10s), CONNS (64), THREADS (2), RUNS (1), IDS_N (10000),
#        WORKERS (0: back-ends in process; N: worker_count=N), SERVERS ("express gateway")
#
# Prints one line per server and scenario: req/s, p50, p99, errors, and the server's
# CPU time per request (user + system of its whole process tree, from /proc, during
# that scenario only), which is steadier than wall figures on a shared machine.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BUILD="$(cd "${1:-$ROOT/build}" && pwd)"
DURATION="${DURATION:-10s}" CONNS="${CONNS:-64}" THREADS="${THREADS:-2}" IDS_N="${IDS_N:-10000}"
RUN_DIR="${RUN_DIR:-/tmp/sm-bench-rest}"
GATEWAY_PORT=20500 GATEWAY_KEY=bench-token-0123456789
export PEER_BENCH IDS_FILE="$RUN_DIR/ids.txt"
mkdir -p "$RUN_DIR"
# shellcheck source=../http/gateway.sh
source "$ROOT/bench/http/gateway.sh"
PEER_BENCH=$(peer_bench_copy "${PEER_BENCH:-$ROOT/../shared/bench}" "$RUN_DIR/peer-bench")
trap 'gateway_stop; RUN_DIR="$RUN_DIR/peers" "$PEER_BENCH/peers.sh" stop express >/dev/null 2>&1 || true' EXIT

# scenario name -> wrk script; the gateway's request sends an exchange-sim request, which
# the peer's toy {"input":"ping"} is not.
script_for() {
  case "$1:$2" in
    gateway:request) echo "$HERE/request-exchange.lua" ;;
    *) echo "$PEER_BENCH/rest-load/$2.lua" ;;
  esac
}

# $1 server label, $2 base URL, $3 api token, rest: pids whose CPU is counted
bench_server() {
  local label=$1 url=$2 token=$3; shift 3
  local pids; pids=$(tree_pids "$@")
  API_TOKEN=$token node "$PEER_BENCH/rest-load/make-ids.js" "$url" "$IDS_N" "$IDS_FILE" >/dev/null
  for scenario in create get request; do
    local out="$RUN_DIR/wrk-$label-$scenario.txt" before after
    before=$(cpu_ms $pids)
    API_TOKEN=$token wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --timeout 5s --latency \
      -s "$(script_for "$label" "$scenario")" "$url" >"$out" 2>&1
    after=$(cpu_ms $pids)
    awk -v label="$label" -v name="$scenario" -v cpu=$((after - before)) '
      / requests in /             { n = $1 }
      /Requests\/sec:/            { rps = $2 }
      /^ +50%/                    { p50 = $2 }
      /^ +99%/                    { p99 = $2 }
      /Non-2xx or 3xx responses:/ { err += $NF }
      /Socket errors:/            { for (i = 4; i <= NF; i += 2) { v = $i; gsub(",", "", v); err += v } }
      END { printf "%-8s %-8s req/s=%-9s p50=%-8s p99=%-8s errors=%-6d cpu_us/req=%.1f\n",
                   label, name, rps, p50, p99, err, (n > 0 ? cpu * 1000 / n : 0) }' "$out"
  done
}

for run in $(seq "${RUNS:-1}"); do
  echo "== run $run (wrk -t$THREADS -c$CONNS -d$DURATION, $IDS_N seeded sessions, gateway worker_count=${WORKERS:-0})"
  for server in ${SERVERS:-express gateway}; do
    case $server in
      express)
        RUN_DIR="$RUN_DIR/peers" "$PEER_BENCH/peers.sh" start express >/dev/null
        bench_server express http://127.0.0.1:20100 bench-token \
          $(RUN_DIR="$RUN_DIR/peers" "$PEER_BENCH/peers.sh" pids express)
        RUN_DIR="$RUN_DIR/peers" "$PEER_BENCH/peers.sh" stop express >/dev/null ;;
      gateway)
        gateway_start
        bench_server gateway "http://127.0.0.1:$GATEWAY_PORT" "$GATEWAY_KEY" "$GATEWAY_PID"
        gateway_stop ;;
    esac
  done
done
