#!/usr/bin/env bash
# Starts a private PostgreSQL server for the tests and prints its URL (one line on stdout), e.g.
#   url=$(tests/pg/start.sh)    ...    tests/pg/stop.sh "$url"
# From Debian's `postgresql` package (scripts/deps.sh test installs it): initdb in a new
# temporary directory, a free loopback port, no TCP outside 127.0.0.1, trust authentication for
# the one role `imhub`. As root the server runs as `nobody` (PostgreSQL refuses to run as root).
# The cluster uses the C locale, so ORDER BY on text and lower() behave as SQLite's do (byte
# order, ASCII-only case). fsync is off: the tests kill imhub, never this server, and the
# machine's disk is shared (IMHUB_PG_FSYNC=on to keep it).
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "tests/pg/start.sh: no PostgreSQL server binaries (install Debian's postgresql: scripts/deps.sh test)" >&2
  exit 3
fi

# shellcheck source=tests/pg/server_lib.sh
. "$(dirname "$0")/server_lib.sh"
pg_new_dir

"${as[@]}" "$bin/initdb" -D "$dir/data" -U imhub --auth=trust --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1 || {
  cat "$dir/initdb.log" >&2
  exit 1
}
pg_start "$bin"
