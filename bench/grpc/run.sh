#!/usr/bin/env bash
# gRPC load (issue 6): starts session-manager with a fresh data dir, in-process back-end,
# a service API key, then runs bench_grpc against it: gRPC unary pairs, the same pairs over
# REST, StreamEvents fan-out and SSE fan-out, both fed by REST publishes (see the options at
# the top of bench_grpc.cpp). Server CPU comes from /proc/<pid>/stat.
#
#   bench/grpc/run.sh [build dir] [bench_grpc options, e.g. --rate 0 --publishers 4 --max-batch 64]
#
# With PERF_OUT=<file>, `perf record -g` samples the runtime for the whole run into <file>
# (read it with `perf report --no-children -i <file>`).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BUILD="$(cd "${1:-$ROOT/build}" && pwd)"
shift || true
HTTP_PORT="${HTTP_PORT:-20610}" GRPC_PORT="${GRPC_PORT:-20611}" KEY=bench-token-0123456789
RUN_DIR="$(mktemp -d /tmp/sm-bench-grpc.XXXXXX)"
ulimit -n "$(ulimit -Hn)"

"$BUILD/bin/session-manager" run --set data_dir="$RUN_DIR/data" \
  --set http_listen=127.0.0.1:"$HTTP_PORT" --set grpc_listen=127.0.0.1:"$GRPC_PORT" \
  --set worker_count=0 --set log_level=warning --set api_keys="$KEY:service" >"$RUN_DIR/server.log" 2>&1 &
SERVER_PID=$!
PERF_PID=
trap 'kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true
      [ -z "$PERF_PID" ] || wait "$PERF_PID" 2>/dev/null || true; rm -rf "$RUN_DIR"' EXIT
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$HTTP_PORT/healthz" >/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$GRPC_PORT") 2>/dev/null && break
  sleep 0.1
done
if [ -n "${PERF_OUT:-}" ]; then
  perf record -q -g -p "$SERVER_PID" -o "$PERF_OUT" 2>/dev/null &
  PERF_PID=$!
fi

"$BUILD/bin/bench_grpc" --grpc 127.0.0.1:"$GRPC_PORT" --http-port "$HTTP_PORT" --key "$KEY" \
  --server-pid "$SERVER_PID" "$@"
