#!/usr/bin/env bash
# Session creates/s and updates/s through the REST API on store-postgres (synchronous
# commit on), next to the Express + Redis peer from ../shared/bench, in one run.
#
#   bench/postgres/run.sh [build dir]   env: DURATION (10s), CONNS (64), THREADS (2),
#                                            IDS_N (10000), RUNS (1), PG_PORT (20510), SKIP_PEER (0)
#
# For each server: seeds IDS_N sessions, then wrk -t$THREADS -c$CONNS for
#   create  POST /sessions                        (the peer's create.lua)
#   update  PUT /sessions/:id with If-Match        (update.lua: no two in flight on one id)
# and prints "<scenario> ops/s=... p50=... p99=... errors=..." (errors = non-2xx + socket).
# PostgreSQL is a private server in $RUN_DIR (tests/support/postgres-test-server.sh).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BUILD="$(realpath "${1:-$ROOT/build}")"
PEER_BENCH="$(realpath "${PEER_BENCH:-$ROOT/../shared/bench}")"
export PEER_BENCH THREADS="${THREADS:-2}"
DURATION="${DURATION:-10s}"
CONNS="${CONNS:-64}"
IDS_N="${IDS_N:-10000}"
RUN_DIR="${RUN_DIR:-/tmp/sm-bench-postgres}"
PG_PORT="${PG_PORT:-20510}"
HTTP_PORT="${HTTP_PORT:-20511}"
export API_TOKEN=bench-token-0123456789
PG_SERVER="$ROOT/tests/support/postgres-test-server.sh"

mkdir -p "$RUN_DIR"
chmod 0755 "$RUN_DIR" # the server runs as the postgres user when we are root

psql_scalar() {
  PGHOST=127.0.0.1 PGPORT=$PG_PORT PGUSER=postgres /usr/lib/postgresql/15/bin/psql -XAtq -d "${2:-postgres}" -c "$1"
}

start_postgres() {
  bash "$PG_SERVER" start "$RUN_DIR/pg" "$PG_PORT" >/dev/null
  psql_scalar "DROP DATABASE IF EXISTS bench WITH (FORCE)" >/dev/null
  echo "postgres: synchronous_commit=$(psql_scalar 'SHOW synchronous_commit') fsync=$(psql_scalar 'SHOW fsync')"
}

start_runtime() {
  rm -rf "$RUN_DIR/data"
  "$BUILD/bin/session-manager" run --set http_listen=127.0.0.1:$HTTP_PORT --set data_dir="$RUN_DIR/data" \
    --set worker_count=0 --set log_level=warning --set api_keys=$API_TOKEN:service \
    --set store=postgres --set db_host=127.0.0.1 --set db_port=$PG_PORT --set db_name=bench --set backend= \
    >"$RUN_DIR/runtime.log" 2>&1 &
  echo $! >"$RUN_DIR/runtime.pid"
  for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$HTTP_PORT/readyz" >/dev/null && return
    sleep 0.1
  done
  echo "session-manager did not turn ready; see $RUN_DIR/runtime.log" >&2
  exit 1
}

stop_runtime() {
  kill "$(cat "$RUN_DIR/runtime.pid")"
  wait "$(cat "$RUN_DIR/runtime.pid")" 2>/dev/null || true
  rm -f "$RUN_DIR/runtime.pid"
}

# wrk's summary as one line: ops/s, p50, p99, errors.
summary() {
  awk -v name="$1" '
    /Requests\/sec:/            { rps = $2 }
    /^ +50%/                    { p50 = $2 }
    /^ +99%/                    { p99 = $2 }
    /Non-2xx or 3xx responses:/ { err += $NF }
    /Socket errors:/            { for (i = 4; i <= NF; i += 2) { v = $i; gsub(",", "", v); err += v } }
    END { printf "%-7s ops/s=%s p50=%s p99=%s errors=%d\n", name, rps, p50, p99, err }' "$2"
}

# Seeds sessions, then runs create and update against $1.
bench() {
  local url="$1" out="$RUN_DIR/$2"
  mkdir -p "$out"
  export IDS_FILE="$out/ids.txt"
  node "$PEER_BENCH/rest-load/make-ids.js" "$url" "$IDS_N" "$IDS_FILE" >/dev/null
  wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --timeout 5s --latency \
    -s "$PEER_BENCH/rest-load/create.lua" "$url" >"$out/create.txt" 2>&1
  summary create "$out/create.txt"
  wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --timeout 5s --latency \
    -s "$HERE/update.lua" "$url" >"$out/update.txt" 2>&1
  summary update "$out/update.txt"
}

cleanup() {
  [[ -f "$RUN_DIR/runtime.pid" ]] && kill "$(cat "$RUN_DIR/runtime.pid")" 2>/dev/null || true
  bash "$PG_SERVER" stop "$RUN_DIR/pg" >/dev/null 2>&1 || true
}
trap cleanup EXIT
for run in $(seq "${RUNS:-1}"); do
  if [[ "${SKIP_PEER:-0}" != 1 ]]; then # e.g. when another bench holds the peer's port
    echo "== run $run: express+redis (peer, no durable persistence)"
    RUN_DIR="$RUN_DIR/peers" "$PEER_BENCH/peers.sh" start express >/dev/null
    bench http://127.0.0.1:20100 peer
    RUN_DIR="$RUN_DIR/peers" "$PEER_BENCH/peers.sh" stop express >/dev/null
  fi

  echo "== run $run: session-manager on store-postgres"
  start_postgres
  start_runtime
  bench "http://127.0.0.1:$HTTP_PORT" runtime
  stop_runtime
  echo "sessions in PostgreSQL: $(psql_scalar 'SELECT count(*) FROM sessions' bench)"
done
