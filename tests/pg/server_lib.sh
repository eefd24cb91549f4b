# Shared by start.sh and start_standby.sh (sourced): a new server directory on a free loopback port,
# owned by `nobody` when run as root (PostgreSQL refuses to run as root), and the server started on it.

# Sets port, dir and as (the command prefix that runs as the directory's owner).
pg_new_dir() {
  port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
  dir=$(mktemp -d "${TMPDIR:-/tmp}/imhub-pg.XXXXXX")
  as=()
  if [ "$(id -u)" -eq 0 ]; then
    chown nobody: "$dir"
    chmod 0700 "$dir"
    as=(runuser -u nobody --)
  fi
}

# Starts the cluster in $dir/data on $port (loopback only, fsync per IMHUB_PG_FSYNC), records the
# directory for stop.sh, and prints the URL.
pg_start() {  # bin
  "${as[@]}" "$1/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=${IMHUB_PG_FSYNC:-off}" \
    start >/dev/null || {
    cat "$dir/server.log" >&2
    exit 1
  }
  echo "$dir" >"${TMPDIR:-/tmp}/imhub-pg-port-$port"
  echo "postgresql://imhub@127.0.0.1:$port/postgres"
}
