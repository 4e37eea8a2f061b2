#!/usr/bin/env bash
# SSE fan-out side by side: session-manager, nginx-nchan and pushpin (peers from
# ../shared/bench), one channel / session, N subscribers and one publisher, same load
# client (../shared/bench/sse-load.c), one run.
#
#   bench/sse/run.sh [build dir]
#   env: SUBS_LIST ("1000 5000"), RUNS (1), RATE (100 publishes/s), DURATION (8 s),
#        DRAIN (3 s), SERVERS ("gateway nchan pushpin")
#
# session-manager publishes through POST /sessions/{id}/events with a service API key
# (timestamp and sequence as an array of strings: sse-load reads the first two digit runs,
# a JSON object's keys come back sorted and a 16-digit number in exponent form);
# subscribers read GET /sessions/{id}/events with the same key. Every server is
# restarted per row. KiB/conn = (RSS of the server's process tree once all subscribers
# are connected - RSS before) / connected; cpu_ms is the server tree's user + system time
# during the load run (connects included).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BUILD="$(cd "${1:-$ROOT/build}" && pwd)"
SUBS_LIST="${SUBS_LIST:-1000 5000}" RATE="${RATE:-100}" DURATION="${DURATION:-8}" DRAIN="${DRAIN:-3}"
RUN_DIR="${RUN_DIR:-/tmp/sm-bench-sse}"
GATEWAY_PORT=20510 GATEWAY_KEY=bench-token-0123456789
PEERS_RUN_DIR="$RUN_DIR/peers"
mkdir -p "$RUN_DIR"
# shellcheck source=../http/gateway.sh
source "$ROOT/bench/http/gateway.sh"
PEER_BENCH=$(peer_bench_copy "${PEER_BENCH:-$ROOT/../shared/bench}" "$RUN_DIR/peer-bench")
peers() { RUN_DIR="$PEERS_RUN_DIR" "$PEER_BENCH/peers.sh" "$@"; }
trap 'gateway_stop; peers stop nchan >/dev/null 2>&1 || true; peers stop pushpin >/dev/null 2>&1 || true' EXIT

SSE_LOAD="$RUN_DIR/sse-load"
[[ -x $SSE_LOAD && $SSE_LOAD -nt $PEER_BENCH/sse-load.c ]] || cc -O2 -o "$SSE_LOAD" "$PEER_BENCH/sse-load.c"
ulimit -n "$(ulimit -Hn)"

SID=""
start_server() {
  case $1 in
    gateway)
      gateway_start
      SID=$(curl -sf -X POST -H "Authorization: Bearer $GATEWAY_KEY" -H 'Content-Type: application/json' \
              -d '{"user_id":"sse-bench"}' "http://127.0.0.1:$GATEWAY_PORT/sessions" \
            | sed 's/.*"session_id":"\([^"]*\)".*/\1/') ;;
    *) peers stop "$1" >/dev/null; peers start "$1" >/dev/null ;;
  esac
}
stop_server() { if [[ $1 == gateway ]]; then gateway_stop; else peers stop "$1" >/dev/null; fi; }
server_pids() { if [[ $1 == gateway ]]; then tree_pids "$GATEWAY_PID"; else peers pids "$1" | xargs; fi; }

# sse-load arguments per server, publisher included, into the array ARGS
load_args() {
  case $1 in
    gateway) ARGS=(--port "$GATEWAY_PORT" --path "/sessions/$SID/events" --pub-path "/sessions/$SID/events"
                   --pub-content-type application/json --header "Authorization: Bearer $GATEWAY_KEY"
                   --pub-body '{"type":"bench","data":["{ts}","{seq}"]}') ;;
    nchan)   ARGS=(--port 20080 --path /sub/bench --pub-path /pub/bench --pub-body '{ts} {seq}') ;;
    pushpin) ARGS=(--port 20090 --path /sub/bench --pub-port 20091 --pub-path /publish/
                   --pub-content-type application/json
                   --pub-body '{"items":[{"channel":"bench","formats":{"http-stream":{"content":"data: {ts} {seq}\n\n"}}}]}') ;;
  esac
}

printf '%-8s %6s %4s | %9s | %6s | %9s | %8s | %8s | %7s | %8s | %7s\n' server subs run connected pub_ok \
  events/s p50_ms p99_ms missing KiB/conn cpu_ms
for subs in $SUBS_LIST; do
  for run in $(seq "${RUNS:-1}"); do
    for server in ${SERVERS:-gateway nchan pushpin}; do
      start_server "$server"
      sleep 1
      pids=$(server_pids "$server")
      before_rss=$(rss_kib $pids)
      before_cpu=$(cpu_ms $pids)
      rss_after="$RUN_DIR/rss-after"; rm -f "$rss_after"
      log="$RUN_DIR/sse-$server-$subs-$run.log"
      load_args "$server"
      timeout 90 "$SSE_LOAD" "${ARGS[@]}" \
        --subs "$subs" --rate "$RATE" --duration "$DURATION" --drain "$DRAIN" --connect-timeout 30 \
        --exec-connected "sleep 0.5; ps -o rss= -p $(echo "$pids" | tr ' ' ',') | awk '{s+=\$1} END {print s+0}' > '$rss_after'" \
        >"$log" 2>&1 || true
      after_cpu=$(cpu_ms $pids)
      after_rss=$(cat "$rss_after" 2>/dev/null || echo 0)
      line=$(grep '^RESULT ' "$log" || echo "RESULT connected=0")
      get() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< "$line"; }
      conn=$(get connected); conn=${conn:-0}
      kib=$(awk -v a="$after_rss" -v b="$before_rss" -v c="$conn" 'BEGIN { if (c > 0) printf "%.1f", (a - b) / c; else print "nan" }')
      printf '%-8s %6s %4s | %9s | %6s | %9s | %8s | %8s | %7s | %8s | %7s\n' "$server" "$subs" "$run" "$conn" \
        "$(get pub_ok)" "$(get ev_per_s)" "$(get p50_ms)" "$(get p99_ms)" "$(get missing)" "$kib" \
        $((after_cpu - before_cpu)) | tee -a "$RUN_DIR/results.txt"
      stop_server "$server"
    done
  done
done
