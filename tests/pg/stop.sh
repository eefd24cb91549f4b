#!/usr/bin/env bash
# Stops the server tests/pg/start.sh started (given its URL) by the pid in its postmaster.pid,
# and removes its directory.
set -euo pipefail
url=${1:?usage: tests/pg/stop.sh URL}
port=${url##*:}
port=${port%%/*}
marker="${TMPDIR:-/tmp}/imhub-pg-port-$port"
[ -f "$marker" ] || { echo "tests/pg/stop.sh: no test server on port $port" >&2; exit 1; }
dir=$(cat "$marker")
pid=$(head -1 "$dir/data/postmaster.pid" 2>/dev/null || true)
if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
  kill -INT "$pid"  # fast shutdown: active sessions are ended
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
fi
rm -rf "$dir" "$marker"
