#!/usr/bin/env bash
# A private, throw-away PostgreSQL 15 server for tests.
#
#   postgres-test-server.sh start DIR PORT   # initdb DIR/data on first use, then start on 127.0.0.1:PORT
#   postgres-test-server.sh stop  DIR [PORT] # fast shutdown; nothing to do when it is not running
#
# Both are idempotent. The Unix socket lives in DIR. Trust authentication for user "postgres":
# never point this at anything but a test directory. As root, the server runs as the "postgres"
# system user (PostgreSQL refuses to run as root); otherwise as the calling user.
set -euo pipefail

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"

die() {
    echo "postgres-test-server: $*" >&2
    exit 1
}

usage() {
    die "usage: $0 start|stop DIR PORT"
}

[[ $# -ge 2 ]] || usage
action="$1"
dir="$(realpath -m "$2")"
port="${3:-}"
data="$dir/data"

for tool in initdb pg_ctl; do
    [[ -x "$PG_BIN/$tool" ]] ||
        die "PostgreSQL binaries not found ($PG_BIN/$tool is missing); install postgresql-15 or set PG_BIN"
done

# Runs a command as the owner of the data directory.
as_owner() {
    if [[ "$(id -u)" == 0 ]]; then
        su postgres -s /bin/bash -c "$(printf '%q ' "$@")"
    else
        "$@"
    fi
}

is_running() {
    [[ -f "$data/PG_VERSION" ]] && as_owner "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1
}

start() {
    [[ -n "$port" ]] || usage
    if [[ "$(id -u)" == 0 ]]; then
        id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' system user"
        install -d -o postgres -g postgres -m 0700 "$dir"
    else
        install -d -m 0700 "$dir"
    fi
    if [[ ! -f "$data/PG_VERSION" ]]; then
        # --no-sync: a test cluster need not survive a power cut; the server itself still fsyncs.
        as_owner "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --no-sync \
            >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed in $data"; }
    fi
    if is_running; then
        echo "postgres-test-server: already running in $data"
        return 0
    fi
    if ! as_owner "$PG_BIN/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >/dev/null; then
        tail -n 20 "$dir/server.log" >&2 || true
        die "could not start PostgreSQL on 127.0.0.1:$port (is the port taken?)"
    fi
    echo "postgres-test-server: running on 127.0.0.1:$port, data in $data"
}

stop() {
    if ! is_running; then
        echo "postgres-test-server: not running in $data"
        return 0
    fi
    as_owner "$PG_BIN/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null ||
        die "could not stop PostgreSQL in $data"
    echo "postgres-test-server: stopped ($data)"
}

case "$action" in
start) start ;;
stop) stop ;;
*) usage ;;
esac
