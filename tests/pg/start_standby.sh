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

port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
dir=$(mktemp -d "${TMPDIR:-/tmp}/imhub-pg.XXXXXX")
as=()
if [ "$(id -u)" -eq 0 ]; then
  chown nobody: "$dir"
  chmod 0700 "$dir"
  as=(runuser -u nobody --)
fi
"${as[@]}" "$bin/pg_basebackup" -h 127.0.0.1 -p "$pport" -U imhub -D "$dir/data" -R -X stream >"$dir/basebackup.log" 2>&1 || {
  cat "$dir/basebackup.log" >&2
  exit 1
}
"${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=${IMHUB_PG_FSYNC:-off}" \
  start >/dev/null || {
  cat "$dir/server.log" >&2
  exit 1
}
echo "$dir" >"${TMPDIR:-/tmp}/imhub-pg-port-$port"
echo "postgresql://imhub@127.0.0.1:$port/postgres"
