#!/usr/bin/env bash
# The two commands a newcomer needs on Debian 12:
#   ./dev.sh run  [session-manager run options]   install what is missing, build, run
#   ./dev.sh test                                  install what is missing, build, pass every test
set -euo pipefail
cd "$(dirname "$0")"

BUILD_DIR=${BUILD_DIR:-build}
PACKAGES=(cmake ninja-build g++ pkg-config qt6-base-dev qt6-websockets-dev
          libqt6sql6-psql libqt6sql6-sqlite libgrpc++-dev libprotobuf-dev protobuf-compiler
          protobuf-compiler-grpc libjwt-dev prometheus-cpp-dev libbenchmark-dev libsqlite3-dev)
TEST_PACKAGES=(postgresql-15 chromium wrk curl openssl)

say() { printf '\033[1m== %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_missing() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  # Node's npm comes with NodeSource's nodejs; Debian splits it into nodejs + npm.
  if [ "${NEED_NODE:-0}" = 1 ] && ! command -v npm >/dev/null; then missing+=(nodejs npm); fi
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
}

build() {
  local werror=$1
  say "building in $BUILD_DIR"
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSM_WERROR="$werror" >/dev/null
  cmake --build "$BUILD_DIR" -j"$(nproc)"
}

cmd_run() {
  # Node builds the dashboard bundle that is compiled into the binary.
  NEED_NODE=1 install_missing "${PACKAGES[@]}"
  build OFF
  say "starting session-manager (Ctrl-C stops it)"
  # QT_NO_GLIB: Qt's glib dispatcher is quadratic in sockets (see ../shared/STACK-NOTES.md);
  # the binary sets it itself too, this only makes it visible.
  exec env QT_NO_GLIB=1 "$BUILD_DIR/bin/session-manager" run "$@"
}

cmd_test() {
  NEED_NODE=1 install_missing "${PACKAGES[@]}" "${TEST_PACKAGES[@]}"
  build ON
  say "installing the Node test tools (tests/node, locked)"
  (cd tests/node && npm ci --no-audit --no-fund --loglevel=error)
  say "running the tests"
  ctest --test-dir "$BUILD_DIR" --output-on-failure --timeout 600 -j"$(nproc)"
}

case "${1:-}" in
  run) shift; cmd_run "$@" ;;
  test) shift; cmd_test "$@" ;;
  *) echo "usage: $0 run [options] | test" >&2; exit 2 ;;
esac
