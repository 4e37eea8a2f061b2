# gateway.sh - sourced by bench/rest/run.sh and bench/sse/run.sh: start and stop a
# session-manager under test, and read the CPU time and RSS of process trees.
#
# Needs: BUILD (build dir), RUN_DIR, GATEWAY_PORT, GATEWAY_KEY (a service API key).
# WORKERS (default 0) is passed as worker_count: 0 runs back-ends in process.

# Starts session-manager on 127.0.0.1:$GATEWAY_PORT with a fresh data dir; sets GATEWAY_PID.
gateway_start() {
  local data="$RUN_DIR/gateway-data" i
  rm -rf "$data"
  "$BUILD/bin/session-manager" run --set http_listen=127.0.0.1:"$GATEWAY_PORT" --set data_dir="$data" \
    --set worker_count="${WORKERS:-0}" --set log_level="${GATEWAY_LOG_LEVEL:-warning}" \
    --set api_keys="$GATEWAY_KEY:service" >"$RUN_DIR/gateway.log" 2>&1 &
  GATEWAY_PID=$!
  for i in $(seq 100); do
    curl -sf "http://127.0.0.1:$GATEWAY_PORT/healthz" >/dev/null && return 0
    sleep 0.1
  done
  echo "gateway did not start; see $RUN_DIR/gateway.log" >&2
  return 1
}

gateway_stop() {
  [[ -n ${GATEWAY_PID:-} ]] || return 0
  kill "$GATEWAY_PID" 2>/dev/null || true
  wait "$GATEWAY_PID" 2>/dev/null || true
  GATEWAY_PID=
}

# A private, writable copy of the peer kit (../shared/bench): peers.sh installs the
# Express peer's npm packages and sse-load is compiled inside it. Echoes its path.
peer_bench_copy() {
  local source=$1 copy=$2
  if [[ ! -f $copy/peers.sh || $source/peers.sh -nt $copy/peers.sh ]]; then
    rm -rf "$copy"; cp -r "$source" "$copy"; chmod -R u+w "$copy"
  fi
  echo "$copy"
}

# The given pids and all their descendants (worker processes, node + redis, nginx workers).
tree_pids() {
  local roots=" $* " changed=1 pid ppid
  local all; all=$(ps -e -o pid=,ppid=)
  while [[ $changed == 1 ]]; do
    changed=0
    while read -r pid ppid; do
      if [[ $roots == *" $ppid "* && $roots != *" $pid "* ]]; then roots+="$pid "; changed=1; fi
    done <<< "$all"
  done
  echo $roots
}

# user + system CPU milliseconds used so far by the given pids (threads included).
cpu_ms() {
  local ticks pid total=0 stat
  ticks=$(getconf CLK_TCK)
  for pid in "$@"; do
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    stat=${stat##*) }               # fields after "(comm) "
    read -r -a f <<< "$stat"
    total=$(( total + f[11] + f[12] )) # utime, stime (fields 14, 15)
  done
  echo $(( total * 1000 / ticks ))
}

# Resident KiB summed over the given pids.
rss_kib() {
  local pids; pids=$(echo "$@" | tr ' ' ',')
  [[ -n $pids ]] || { echo 0; return; }
  ps -o rss= -p "$pids" | awk '{ s += $1 } END { print s + 0 }'
}
