#!/usr/bin/env bash
# Starts a streaming standby of a server tests/pg/start.sh started (given its URL) and prints the
# standby's URL; tests/pg/stop.sh stops it like any other. pg_basebackup -R copies the primary and
# writes the standby's primary_conninfo. The primary makes it synchronous with
#   ALTER SYSTEM SET synchronous_standby_names = '*'; SELECT pg_reload_conf();
# The replication connection needs no password: start.sh's cluster trusts loopback connections,
# replication ones included (initdb --auth=trust).
set -euo pipefail
primary=${1:?usage: tests/pg/start_standby.sh PRIMARY_URL}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/pg_basebackup" ] || { echo "tests/pg/start_standby.sh: no PostgreSQL server binaries" >&2; exit 3; }
pport=${primary##*:}
pport=${pport%%/*}

# shellcheck source=tests/pg/server_lib.sh
. "$(dirname "$0")/server_lib.sh"
pg_new_dir

"${as[@]}" "$bin/pg_basebackup" -h 127.0.0.1 -p "$pport" -U imhub -D "$dir/data" -R -X stream >"$dir/basebackup.log" 2>&1 || {
  cat "$dir/basebackup.log" >&2
  exit 1
}
pg_start "$bin"
