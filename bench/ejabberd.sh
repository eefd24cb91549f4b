# shellcheck shell=bash
# The XMPP peer of im.message.add (sourced by bench/run.sh when BENCH_PEERS includes ejabberd):
# ejabberd (Debian's 23.01) on PostgreSQL (Debian's 15), both started privately from the bench's
# temporary directory on free loopback ports, and stopped by their pids.
#
# The equivalent of im.message.add into a 50-member chat is mod_http_api's send_message, type
# groupchat, from the service administrator (mod_muc access_admin: the documented way for a
# non-occupant to post to a room) into one of EJ_ROOMS persistent members-only rooms of EJ_MEMBERS
# affiliated users. mod_mam (db_type sql, rooms with mam on) writes each message as one row of the
# `archive` table: like imhub's messages row, the chat's history, written once whatever the
# number of members. PostgreSQL runs with fsync = on and synchronous_commit = on (wal_sync_method
# fdatasync on Linux): each row's autocommit returns after the fdatasync that covers it.
#
# ejabberd answers send_message once the stanza is routed to the room's process, before the
# archive write; the room writes its messages one after another. So wrk's requests/s is how fast
# messages are queued, not stored. ejabberd_after waits until the archive holds every answered
# message and the figure reported is rows committed per second, from wrk's start to the commit of
# the last row (created_at, PostgreSQL's clock); CPU per message covers the same span.
#
# Needs: WORK, die, free_port, wait_http, stop_pid, cpu_ticks (bench/lib.sh).

EJ_ROOMS="${EJ_ROOMS:-100}"
EJ_MEMBERS="${EJ_MEMBERS:-50}"
EJ_DOMAIN="localhost"  # the XMPP domain; a name in stanzas, never resolved
EJ_SERVICE="conference.$EJ_DOMAIN"
EJ_SENDER="bench@$EJ_DOMAIN"
EJ_DRAIN_TIMEOUT="${EJ_DRAIN_TIMEOUT:-300}"
EJ_WRK_TIMEOUT="${EJ_WRK_TIMEOUT:-30s}"
# ejabberd's default, written out: with one fdatasync per commit the pool bounds how many
# commits can share one flush.
EJ_SQL_POOL_SIZE="${EJ_SQL_POOL_SIZE:-10}"
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)}"
# Empty when ejabberd is not installed (ejabberd_missing then says so; BENCH_PEERS= runs without it).
EJ_EBIN="$(ls -d /usr/lib/*/ejabberd-*/ebin 2>/dev/null | sort -V | tail -n1 || true)"
EJ_PID=""
PG_PID=""

# What is missing to run the peer (empty when nothing is). Debian: ejabberd, erlang-p1-pgsql
# (ejabberd only suggests its PostgreSQL driver), postgresql.
ejabberd_missing() {
  local m=""
  [ -n "$EJ_EBIN" ] || m+=" ejabberd"
  ls -d /usr/lib/erlang/lib/p1_pgsql-* >/dev/null 2>&1 || m+=" erlang-p1-pgsql"
  { [ -n "$PG_BIN" ] && [ -x "$PG_BIN/postgres" ] && command -v psql >/dev/null; } || m+=" postgresql"
  echo "${m# }"
}

ej_psql() {  # sql: one value a line, no headers
  psql -h 127.0.0.1 -p "$PG_PORT" -U ejabberd -d ejabberd -X -q -At -v ON_ERROR_STOP=1 -c "$1"
}

# PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user (Debian's
# package creates it) and the server runs as that user through setpriv, which execs, so the pid
# started is the postmaster's.
pg_start() {
  local dir="$WORK/pg" as=()
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    local user=postgres
    id "$user" >/dev/null 2>&1 || user=nobody
    chmod 711 "$WORK"
    chown "$user:" "$dir"
    as=(setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups)
  fi
  # --no-sync: the empty cluster's files need not survive a crash; every commit of the run does.
  "${as[@]}" "$PG_BIN/initdb" -D "$dir/data" -U ejabberd --auth=trust -E UTF8 --no-sync \
    >"$WORK/pg-initdb.log" 2>&1 || die "initdb failed: $(tail -5 "$WORK/pg-initdb.log")"
  PG_PORT="$(free_port)"
  # The durability settings are PostgreSQL's defaults, given explicitly so the report states them.
  "${as[@]}" "$PG_BIN/postgres" -D "$dir/data" -k "$dir" -p "$PG_PORT" -c listen_addresses=127.0.0.1 \
    -c fsync=on -c synchronous_commit=on -c full_page_writes=on -c timezone=UTC >"$WORK/pg.log" 2>&1 &
  PG_PID=$!
  for _ in $(seq 100); do
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" && break
    kill -0 "$PG_PID" 2>/dev/null || die "postgres exited during start-up: $(tail -5 "$WORK/pg.log")"
    sleep 0.1
  done
  psql -h 127.0.0.1 -p "$PG_PORT" -U ejabberd -d postgres -X -q -c 'CREATE DATABASE ejabberd' >/dev/null
  # The schema ejabberd ships for PostgreSQL (the default, single-domain one).
  psql -h 127.0.0.1 -p "$PG_PORT" -U ejabberd -d ejabberd -X -q -v ON_ERROR_STOP=1 \
    -f /usr/share/ejabberd/sql/pg.sql >"$WORK/pg-schema.log" 2>&1 \
    || die "ejabberd's schema failed: $(tail -5 "$WORK/pg-schema.log")"
  PG_DURABILITY="$(ej_psql "SELECT string_agg(name || ' = ' || setting, ', ' ORDER BY name) FROM pg_settings
    WHERE name IN ('fsync', 'synchronous_commit', 'wal_sync_method', 'full_page_writes', 'commit_delay')")"
  PG_VERSION="$(ej_psql 'SHOW server_version')"
}

ejabberd_config() {  # http port
  cat <<EOF
hosts:
  - $EJ_DOMAIN
loglevel: warning
acme:
  auto: false
default_db: sql
sql_type: pgsql
sql_server: 127.0.0.1
sql_port: $PG_PORT
sql_database: ejabberd
sql_username: ejabberd
sql_password: ""
sql_pool_size: $EJ_SQL_POOL_SIZE
auth_method: sql
acl:
  admin:
    user: $EJ_SENDER
access_rules:
  muc_admin:
    allow: admin
api_permissions:
  "bench on loopback":
    from: mod_http_api
    who:
      ip: 127.0.0.1/32
    what: "*"
listen:
  - port: $1
    ip: "127.0.0.1"
    module: ejabberd_http
    request_handlers:
      /api: mod_http_api
modules:
  mod_admin_extra: {}
  mod_http_api: {}
  mod_mam:
    db_type: sql
    default: always
  mod_muc:
    db_type: sql
    access_admin: muc_admin
    history_size: 0
    default_room_options:
      persistent: true
      members_only: true
      mam: true
  mod_muc_admin: {}
EOF
}

# The Erlang VM started without a node name: no distribution, so no epmd daemon outlives the run;
# ejabberd's own ejabberdctl is not used (it needs one). /usr/bin/erl execs the emulator, so the
# pid started is beam.smp's.
ejabberd_start() {
  local dir="$WORK/ejabberd" port
  pg_start
  mkdir -p "$dir/spool" "$dir/log"
  port="$(free_port)"
  ejabberd_config "$port" >"$dir/ejabberd.yml"
  (cd "$dir" && ERL_LIBS="$(dirname "$(dirname "$EJ_EBIN")")" EJABBERD_CONFIG_PATH="$dir/ejabberd.yml" \
    EJABBERD_LOG_PATH="$dir/log/ejabberd.log" ERL_CRASH_DUMP="$dir/log/erl_crash.dump" \
    exec erl -noshell -noinput -mnesia dir "\"$dir/spool\"" -s ejabberd) >"$dir/stdout.log" 2>&1 &
  EJ_PID=$!
  EJ_API="http://127.0.0.1:$port/api"
  for _ in $(seq 300); do
    curl -sf -o /dev/null -X POST -d '{}' "$EJ_API/status" && break
    kill -0 "$EJ_PID" 2>/dev/null || die "ejabberd exited during start-up: $(tail -5 "$dir/stdout.log")"
    sleep 0.1
  done
  curl -sf -o /dev/null -X POST -d '{}' "$EJ_API/status" || die "ejabberd did not answer on $EJ_API"
  curl -sf -o /dev/null -X POST -d "{\"user\":\"${EJ_SENDER%@*}\",\"host\":\"$EJ_DOMAIN\",\"password\":\"bench\"}" \
    "$EJ_API/register" || die "ejabberd: could not register $EJ_SENDER"
  node "$ROOT/bench/ejabberd_rooms.mjs" "$EJ_API" "$EJ_ROOMS" "$EJ_MEMBERS" "$EJ_SERVICE" "$EJ_DOMAIN" "$EJ_SENDER" >&2
  # One message through the whole path before measuring: it must reach the archive.
  curl -sf -o /dev/null -X POST -d "{\"type\":\"groupchat\",\"from\":\"$EJ_SENDER\",\"to\":\"room1@$EJ_SERVICE\",\"subject\":\"\",\"body\":\"hello\"}" \
    "$EJ_API/send_message" || die "ejabberd: send_message failed"
  for _ in $(seq 50); do [ "$(ej_psql 'SELECT COUNT(*) FROM archive')" -ge 1 ] && break; sleep 0.1; done
  [ "$(ej_psql 'SELECT COUNT(*) FROM archive')" -ge 1 ] || die "ejabberd: the first message never reached the archive"
  EJ_VERSION="$(dpkg-query -W -f='${Version}' ejabberd 2>/dev/null || echo unknown)"
}

# ejabberd first (it holds PostgreSQL connections), then PostgreSQL with SIGINT, its fast
# shutdown; the shutdown checkpoint may take seconds on a busy disk.
ejabberd_stop() {
  stop_pid "$EJ_PID"
  EJ_PID=""
  if [ -n "$PG_PID" ]; then
    kill -INT "$PG_PID" 2>/dev/null || true
    for _ in $(seq 300); do kill -0 "$PG_PID" 2>/dev/null || break; sleep 0.1; done
    kill -QUIT "$PG_PID" 2>/dev/null || true
    wait "$PG_PID" 2>/dev/null || true
    PG_PID=""
  fi
}

# Around one wrk run of a target: archive rows, wall clock and PostgreSQL's CPU before; after
# wrk, wait until every answered message is in the archive (or nothing was added for 10 s), then
# the rows committed, the span to the last commit and PostgreSQL's CPU. ejabberd's own CPU is
# read by run() after this, over the same span.
declare -A EJ_T0 EJ_ROWS0 EJ_PG0 EJ_COMMITTED EJ_RATE EJ_PG_TICKS EJ_LOST
ejabberd_before() {  # key
  EJ_ROWS0[$1]="$(ej_psql 'SELECT COUNT(*) FROM archive')"
  EJ_PG0[$1]="$(cpu_ticks "$PG_PID")"
  EJ_T0[$1]="$(date +%s.%N)"
}
ejabberd_after() {  # key requests-answered
  local want=$((EJ_ROWS0[$1] + $2)) rows last=-1 still=0 waited=0
  while :; do
    rows="$(ej_psql 'SELECT COUNT(*) FROM archive')"
    [ "$rows" -ge "$want" ] && break
    if [ "$rows" -eq "$last" ]; then still=$((still + 1)); else still=0; fi
    [ "$still" -ge 20 ] && break
    waited=$((waited + 1))
    [ "$waited" -ge $((EJ_DRAIN_TIMEOUT * 2)) ] && break
    last="$rows"
    sleep 0.5
  done
  # Requests wrk had sent but not seen answered when it stopped may still land: a moment more.
  sleep 0.5
  rows="$(ej_psql 'SELECT COUNT(*) FROM archive')"
  EJ_PG_TICKS[$1]=$(($(cpu_ticks "$PG_PID") - EJ_PG0[$1]))
  EJ_COMMITTED[$1]=$((rows - EJ_ROWS0[$1]))
  EJ_LOST[$1]=$((want > rows ? want - rows : 0))
  local last_commit
  last_commit="$(ej_psql 'SELECT EXTRACT(EPOCH FROM MAX(created_at)) FROM archive')"
  EJ_RATE[$1]="$(awk -v n="${EJ_COMMITTED[$1]}" -v a="${EJ_T0[$1]}" -v b="$last_commit" \
    'BEGIN { if (b > a) printf "%.1f", n / (b - a); else print 0 }')"
  # Flush the run's dirty pages now, after the measurement, so that no timed checkpoint of
  # PostgreSQL writes and syncs during the next target's run (the peer's figures leave it out).
  ej_psql 'CHECKPOINT' >/dev/null
}
