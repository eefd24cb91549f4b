#!/usr/bin/env bash
# Installs the Debian packages imhub builds, runs and tests with. Idempotent and
# non-interactive: does nothing when everything is already there.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  libboost-dev libboost-system-dev libssl-dev libsqlite3-dev libicu-dev libcurl4-openssl-dev libspdlog-dev
  libfmt-dev libboost-context-dev
  nlohmann-json3-dev libcli11-dev libtomlplusplus-dev libgtest-dev libgmock-dev
  clang libclang-rt-14-dev
  nodejs npm curl sqlite3
  php-cli
)
if [ "${IMHUB_BENCH:-0}" = 1 ]; then PACKAGES+=(nginx-light wrk sqlite3); fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node and npm may come from elsewhere than Debian (a newer Node on the machine): accept them.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=()
  for p in "${missing[@]}"; do [ "$p" = nodejs ] || [ "$p" = npm ] || filtered+=("$p"); done
  missing=("${filtered[@]}")
fi
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
