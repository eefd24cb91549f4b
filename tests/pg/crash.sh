#!/usr/bin/env bash
# Stops a server tests/pg/start.sh (or start_standby.sh) started as a crash would: SIGKILL to the
# postmaster and every one of its processes at once, no shutdown checkpoint, no goodbye to clients
# or standbys. Its directory stays for stop.sh to remove.
set -euo pipefail
url=${1:?usage: tests/pg/crash.sh URL}
port=${url##*:}
port=${port%%/*}
dir=$(cat "${TMPDIR:-/tmp}/imhub-pg-port-$port")
pid=$(head -1 "$dir/data/postmaster.pid")
kill -STOP "$pid"  # no new children while the old ones are killed
pkill -KILL -P "$pid" || true
kill -KILL "$pid"
