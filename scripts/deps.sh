#!/usr/bin/env bash
# Installs the Debian packages imhub needs. Idempotent and non-interactive: does nothing when
# everything is already there.
#   scripts/deps.sh run    to build and serve (make run, make build, make package); Node and npm
#                          build the browser client (web/), the binary never needs them
#   scripts/deps.sh test   the above plus what the tests need (make test): GoogleTest, clang for
#                          the fuzzer, SQLite's shell, PHP for the example bot, Chromium for the
#                          web client's browser tests, PostgreSQL's server for the tests
#                          against the PostgreSQL store (tests/pg/)
#   scripts/deps.sh bench  the above plus nginx and wrk (make bench); with BENCH_PEERS including
#                          ejabberd (the default) also the peer's ejabberd and its PostgreSQL
#                          driver, when this machine's archive has them
set -euo pipefail

SET="${1:-run}"
RUN=(
  build-essential cmake ninja-build ccache pkg-config
  libboost-dev libboost-system-dev libboost-context-dev libssl-dev libsqlite3-dev libpq-dev libicu-dev libcurl4-openssl-dev
  libspdlog-dev libfmt-dev nlohmann-json3-dev libcli11-dev libtomlplusplus-dev libargon2-dev
  curl nodejs npm
)
TEST=(libgtest-dev libgmock-dev clang clang-format libclang-rt-14-dev sqlite3 php-cli chromium postgresql)
BENCH=(nginx-light wrk)
# bench/ejabberd.sh: ejabberd only suggests erlang-p1-pgsql, which it needs for PostgreSQL.
PEERS=(ejabberd erlang-p1-pgsql)

case "$SET" in
  run) PACKAGES=("${RUN[@]}") ;;
  test) PACKAGES=("${RUN[@]}" "${TEST[@]}") ;;
  bench) PACKAGES=("${RUN[@]}" "${TEST[@]}" "${BENCH[@]}") ;;
  list-run) printf '%s\n' "${RUN[@]}"; exit 0 ;;
  list-test) printf '%s\n' "${TEST[@]}"; exit 0 ;;
  *) echo "usage: $0 run|test|bench" >&2; exit 2 ;;
esac

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
missing=()
for p in "${PACKAGES[@]}"; do
  installed "$p" || missing+=("$p")
done
peers_missing=()
if [ "$SET" = bench ] && [[ " ${BENCH_PEERS-ejabberd} " == *" ejabberd "* ]]; then
  for p in "${PEERS[@]}"; do installed "$p" || peers_missing+=("$p"); done
fi
# Node and npm may come from elsewhere than Debian (a newer Node on the machine): accept them.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=()
  for p in "${missing[@]}"; do [ "$p" = nodejs ] || [ "$p" = npm ] || filtered+=("$p"); done
  missing=("${filtered[@]}")
fi
[ ${#missing[@]} -eq 0 ] && [ ${#peers_missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# The peer is optional: where the archive lacks it, the bench runs without it and says so. Debian
# enables the packages' own services (ejabberd, a PostgreSQL cluster); the bench uses neither.
if [ ${#peers_missing[@]} -gt 0 ]; then
  echo "deps: installing the bench peer: ${peers_missing[*]}"
  $SUDO apt-get install -y -qq --no-install-recommends "${peers_missing[@]}" \
    || echo "deps: the ejabberd peer is not installable here; make bench runs without it (BENCH_PEERS= skips it)"
fi
