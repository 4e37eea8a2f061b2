#!/usr/bin/env bash
# Session creates/s and updates/s through the REST API on store-postgres (synchronous
# commit on), next to the Express + Redis peer from ../shared/bench, in one run.
#
#   bench/postgres/run.sh [build dir]   env: DURATION (10s), CONNS (64), THREADS (2),
#                                            IDS_N (10000), RUNS (1), PG_PORT (20510), SKIP_PEER (0),
#                                            SERVICE_BENCH (0), SERVICE_COUNT (100000)
#
# For each server: seeds IDS_N sessions, then wrk -t$THREADS -c$CONNS for
#   create  POST /sessions                        (the peer's create.lua)
#   update  PUT /sessions/:id with If-Match        (update.lua: no two in flight on one id)
# and prints "<scenario> ops/s=... p50=... p99=... errors=..." (errors = non-2xx + socket)
# plus the CPU time per operation (user + system, from /proc, that scenario only) of the
# server's process tree, of PostgreSQL's (postmaster and backends) and of wrk itself: on a
# shared 2-core box the load generator and the database take their share of the cores.
# PostgreSQL is a private server in $RUN_DIR (tests/support/postgres-test-server.sh).
# SERVICE_BENCH=1 adds bench_postgres_sessions on the same server: the session service and
# store without HTTP, $CONNS calls in flight, SERVICE_COUNT creates then as many updates;
# and bench_postgres_writers: the store alone, $CONNS inserts in flight committed by one
# writer (what the runtime does) and by two writers on two connections.
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
# shellcheck source=../http/gateway.sh
source "$ROOT/bench/http/gateway.sh" # tree_pids, cpu_ms

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

# wrk's summary as one line: ops/s, p50, p99, errors, then CPU µs per operation of the
# server ($3 ms), PostgreSQL ($4 ms) and wrk ($5 ms).
summary() {
  awk -v name="$1" -v server=$3 -v db=$4 -v load=$5 '
    / requests in /             { n = $1 }
    /Requests\/sec:/            { rps = $2 }
    /^ +50%/                    { p50 = $2 }
    /^ +99%/                    { p99 = $2 }
    /Non-2xx or 3xx responses:/ { err += $NF }
    /Socket errors:/            { for (i = 4; i <= NF; i += 2) { v = $i; gsub(",", "", v); err += v } }
    END { us = n > 0 ? 1000 / n : 0
          printf "%-7s ops/s=%s p50=%s p99=%s errors=%d cpu_us/op: server=%.1f postgres=%.1f wrk=%.1f\n",
                 name, rps, p50, p99, err, server * us, db * us, load * us }' "$2"
}

# CPU milliseconds of the children this shell has waited for (cutime + cstime).
children_cpu_ms() {
  local stat; read -r stat <"/proc/$BASHPID/stat" # no subshell: it would have its own counters
  stat=${stat##*) }
  read -r -a f <<< "$stat"
  echo $(( (f[13] + f[14]) * 1000 / $(getconf CLK_TCK) ))
}

# Runs wrk with script $2 against $1 into $3 and echoes wrk's CPU milliseconds.
run_wrk() {
  ( wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --timeout 5s --latency -s "$2" "$1" >"$3" 2>&1
    children_cpu_ms )
}

# Seeds sessions, then runs create and update against $1; $3 = pids of the server, $4 =
# pids of its database (empty for none).
bench() {
  local url="$1" out="$RUN_DIR/$2" server_pids="$3" db_pids="$4" scenario script
  mkdir -p "$out"
  export IDS_FILE="$out/ids.txt"
  node "$PEER_BENCH/rest-load/make-ids.js" "$url" "$IDS_N" "$IDS_FILE" >/dev/null
  for scenario in create update; do
    script="$HERE/update.lua"
    [[ $scenario == create ]] && script="$PEER_BENCH/rest-load/create.lua"
    local server_before db_before wrk_ms
    server_before=$(cpu_ms $server_pids) db_before=$(cpu_ms $db_pids)
    wrk_ms=$(run_wrk "$url" "$script" "$out/$scenario.txt")
    summary $scenario "$out/$scenario.txt" $(( $(cpu_ms $server_pids) - server_before )) \
      $(( $(cpu_ms $db_pids) - db_before )) "$wrk_ms"
  done
}

# The private server's postmaster and its backends (the runtime's connections included).
postgres_pids() {
  tree_pids "$(head -n 1 "$RUN_DIR/pg/data/postmaster.pid")"
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
    bench http://127.0.0.1:20100 peer "$(RUN_DIR="$RUN_DIR/peers" "$PEER_BENCH/peers.sh" pids express)" ""
    RUN_DIR="$RUN_DIR/peers" "$PEER_BENCH/peers.sh" stop express >/dev/null
  fi

  echo "== run $run: session-manager on store-postgres"
  start_postgres
  start_runtime
  bench "http://127.0.0.1:$HTTP_PORT" runtime "$(cat "$RUN_DIR/runtime.pid")" "$(postgres_pids)"
  stop_runtime
  echo "sessions in PostgreSQL: $(psql_scalar 'SELECT count(*) FROM sessions' bench)"
  if [[ "${SERVICE_BENCH:-0}" == 1 ]]; then
    echo "== run $run: session service on store-postgres, no HTTP (bench_postgres_sessions)"
    "$BUILD/bin/bench_postgres_sessions" --port "$PG_PORT" --count "${SERVICE_COUNT:-100000}" \
      --in-flight "$CONNS" --postmaster-pid "$(head -n 1 "$RUN_DIR/pg/data/postmaster.pid")" | tail -n 2
    echo "== run $run: store-postgres alone, $CONNS inserts in flight over 1 and 2 writers (bench_postgres_writers)"
    "$BUILD/bin/bench_postgres_writers" --port "$PG_PORT" --in-flight "$CONNS" --writers 1,2 \
      --postmaster-pid "$(head -n 1 "$RUN_DIR/pg/data/postmaster.pid")" | tail -n 2
  fi
done
