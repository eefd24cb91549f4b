#!/usr/bin/env bash
# Two imhub nodes on one PostgreSQL database (issue 15): what a second node costs a user, beside
# the same measurement on one node and on the embedded SQLite store, in ROUNDS interleaved rounds.
#
#   1. Push latency across nodes (bench/nodes_latency.mjs): a push socket of user 2 on node A
#      (bench/push/client.mjs, subscribed with pull.config.get's token as the PullClient is) and
#      the administrator's im.message.add into the dialog with user 2, PUSH_MESSAGES a round, paced
#      one every PUSH_GAP_MS: sent through node B (cross-node: B publishes through PostgreSQL's
#      NOTIFY, A hears it), through node A (same node; on PostgreSQL a node's own publishes make the
#      same round trip through NOTIFY), and on the SQLite node. Timed from the send of the request
#      (and, apart, from its reply) to the `message` frame at the socket; p50/p99 and the ratio
#      cross-node / same node.
#   2. Event delivery: the outbox of bench/delivery.sh (EVENTS ONIMBOTMESSAGEADD rows, HANDLERS
#      handler URLs, CHATS order keys; bench/seed.sh seed_outbox writes the same SQL into both
#      engines) delivered to nginx (`return 200`) by the SQLite node, by one PostgreSQL node and by
#      two PostgreSQL nodes sharing the outbox (claims: FOR UPDATE SKIP LOCKED and a lease,
#      docs/postgresql.md "Event delivery"). Each round delivers a fresh copy of the seeded store
#      (a copied directory; CREATE DATABASE … TEMPLATE). The clock runs from the first delivery
#      seen in /metrics to the last. The handler counts: nginx logs the X-Imhub-Delivery-Id of
#      every request ([events] delivery_id_header), and each round must show every seeded id
#      exactly once (repeats beyond the failed attempts the nodes report are a claim that did not hold).
#
# PostgreSQL is the private server of tests/pg/start.sh (Debian's postgresql, loopback) with fsync
# on, as in bench/store.sh. The second node has its own empty data directory; the key is in the
# database and both name one `[files] dir`. Builds nothing: expects build/imhub (or
# $IMHUB_BINARY), node, nginx, sqlite3, curl and PostgreSQL's server binaries (make bench installs
# them). Writes bench/results/nodes-latest.md and a dated copy, prints the report; a run with knobs
# below the defaults is a smoke run and goes to nodes-smoke-<date>.md only, a run of some of the
# phases or with LOG_PER_HANDLER or NODES_STATEMENTS to the dated file only.
#
# Knobs (environment): ROUNDS (3), NODES_PHASES (latency,delivery: a subset runs only those),
# PUSH_MESSAGES (300 a target and round), PUSH_GAP_MS (15), PUSH_WARMUP (20), EVENTS (50000),
# HANDLERS (4), CHATS (1000), CONCURRENCY (128), PER_HANDLER (32) (both per node), NGINX_WORKERS (1),
# LOG_PER_HANDLER ([events] log_per_handler; the server's default when empty), NODES_STATEMENTS
# (empty; 1 loads pg_stat_statements and adds each PostgreSQL delivery target's costliest statements
# of round 1 to the report: it costs PostgreSQL some CPU), IMHUB_BINARY, NGINX_BIN.
# A quick look: ROUNDS=1 PUSH_MESSAGES=50 EVENTS=5000 bash bench/nodes.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${IMHUB_BINARY:-$ROOT/build/imhub}"
NGINX_BIN="${NGINX_BIN:-$(command -v nginx || echo /usr/sbin/nginx)}"
ROUNDS="${ROUNDS:-3}"
PHASES="${NODES_PHASES:-latency,delivery}"
PUSH_MESSAGES="${PUSH_MESSAGES:-300}"
PUSH_GAP_MS="${PUSH_GAP_MS:-15}"
PUSH_WARMUP="${PUSH_WARMUP:-20}"
EVENTS="${EVENTS:-50000}"
HANDLERS="${HANDLERS:-4}"
CHATS="${CHATS:-1000}"
CONCURRENCY="${CONCURRENCY:-128}"
PER_HANDLER="${PER_HANDLER:-32}"
NGINX_WORKERS="${NGINX_WORKERS:-1}"
LOG_PER_HANDLER="${LOG_PER_HANDLER:-}"
RESULTS="$ROOT/bench/results"
SMOKE=""
if [ "$ROUNDS" -lt 3 ] || [ "$PUSH_MESSAGES" -lt 300 ] || [ "$EVENTS" -lt 50000 ]; then SMOKE=1; fi
has_phase() { case ",$PHASES," in *,"$1",*) return 0 ;; *) return 1 ;; esac; }

die() { echo "bench/nodes: $*" >&2; exit 1; }
[ -x "$BIN" ] || die "$BIN not found; run 'make build' first"
for tool in node curl sqlite3; do command -v "$tool" >/dev/null || die "$tool not found (make bench installs it)"; done
[ -x "$NGINX_BIN" ] || die "nginx not found; install nginx-light (make bench does)"
STATEMENTS="${NODES_STATEMENTS:-}"
PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$PGBIN/postgres" ] || die "no PostgreSQL server binaries; install Debian's postgresql (make bench does)"
PSQL="$PGBIN/psql"
# shellcheck source=bench/seed.sh
. "$ROOT/bench/seed.sh"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/imhub-nodes-bench.XXXXXX")"
PG_URL=""
NGINX_PID=""
NODE_PIDS=()
cleanup() {
  local rc=$?
  # Only the processes this script started, by their pid.
  for pid in "${NODE_PIDS[@]}" $NGINX_PID; do stop_pid "$pid"; done
  [ -n "$PG_URL" ] && "$ROOT/tests/pg/stop.sh" "$PG_URL" || true
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

db_url() { echo "${PG_URL%/*}/$1"; }
psql_admin() { "$PSQL" "$PG_URL" -qAt -v ON_ERROR_STOP=1 -c "$1"; }
webhook_of() { sed -n 's/.*"webhook":"\([^"]*\)".*/\1/p' | tail -n1; }
# Starts a node on the data directory $1 with the config $2 (and the store $3): sets SERVED_PID and
# SERVED_PORT. Waits for /healthz unless $4 is "nowait" (the delivery rounds, whose clock runs from
# the first delivery, poll /metrics themselves).
serve() {  # data config [store] [nowait]
  SERVED_PORT="$(free_port)"
  "$BIN" serve --data "$1" ${3:+--store "$3"} --listen "127.0.0.1:$SERVED_PORT" --config "$2" >>"$WORK/imhub.log" 2>&1 &
  SERVED_PID=$!
  NODE_PIDS+=("$SERVED_PID")
  [ "${4:-}" = nowait ] || wait_http "http://127.0.0.1:$SERVED_PORT/healthz" "$SERVED_PID" "imhub ($1)"
}
stop_nodes() {
  local pid
  for pid in "${NODE_PIDS[@]}"; do stop_pid "$pid"; done
  NODE_PIDS=()
}

echo "bench/nodes: starting PostgreSQL" >&2
PG_URL="$(IMHUB_PG_FSYNC=on "$ROOT/tests/pg/start.sh")"
PG_PORT="${PG_URL##*:}"
PG_PORT="${PG_PORT%%/*}"
PG_DIR="$(cat "${TMPDIR:-/tmp}/imhub-pg-port-$PG_PORT")"
if [ -n "$STATEMENTS" ]; then
  # pg_stat_statements is loaded at start: set it, then restart with the options of the first start
  # (pg_ctl keeps them in postmaster.opts), as the user tests/pg/start.sh runs the server as.
  psql_admin "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'"
  as=()
  [ "$(id -u)" -eq 0 ] && as=(runuser -u nobody --)
  "${as[@]}" "$PGBIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 30 restart >/dev/null \
    || die "PostgreSQL did not restart with pg_stat_statements: $(tail -5 "$PG_DIR/server.log")"
fi
PG_PID="$(head -1 "$PG_DIR/data/postmaster.pid")"
mkdir -p "$WORK/files"

# ---- 1. push latency across nodes ----------------------------------------------------------------
if has_phase latency; then
  cat >"$WORK/latency.toml" <<EOF
[log]
access_log = false
level = "warn"
[files]
dir = "$WORK/files"
EOF
  receiver() {  # data [store]: adds user 2 and a webhook of theirs that may open a push socket
    local id
    id="$("$BIN" user add --name Receiver --data "$1" ${2:+--store "$2"} | sed -n 's/.*"user_id":\([0-9]*\).*/\1/p')"
    [ "$id" = 2 ] || die "the receiver is user '$id', not 2"
    "$BIN" webhook add --user 2 --scope im,pull,pull_channel --data "$1" ${2:+--store "$2"} | webhook_of
  }
  LAT_STORE="$(db_url nodes_latency)"
  psql_admin "CREATE DATABASE nodes_latency"
  mkdir -p "$WORK/lat-sqlite" "$WORK/lat-a" "$WORK/lat-b"
  SQ_HOOK="$("$BIN" init --data "$WORK/lat-sqlite" | webhook_of)"
  SQ_RECV="$(receiver "$WORK/lat-sqlite")"
  PG_HOOK="$("$BIN" init --data "$WORK/lat-a" --store "$LAT_STORE" | webhook_of)"
  PG_RECV="$(receiver "$WORK/lat-a" "$LAT_STORE")"
  [ -n "$SQ_HOOK" ] && [ -n "$SQ_RECV" ] && [ -n "$PG_HOOK" ] && [ -n "$PG_RECV" ] || die "no webhooks from init/webhook add"
  serve "$WORK/lat-sqlite" "$WORK/latency.toml"
  SQ_PORT=$SERVED_PORT
  serve "$WORK/lat-a" "$WORK/latency.toml" "$LAT_STORE"
  A_PORT=$SERVED_PORT
  serve "$WORK/lat-b" "$WORK/latency.toml" "$LAT_STORE"
  B_PORT=$SERVED_PORT
  cat >"$WORK/latency.json" <<EOF
{"rounds": $ROUNDS, "messages": $PUSH_MESSAGES, "warmup": $PUSH_WARMUP, "gap_ms": $PUSH_GAP_MS, "settle_ms": 500,
 "targets": [
  {"name": "cross", "send_port": $B_PORT, "recv_port": $A_PORT, "sender": "$PG_HOOK", "receiver": "$PG_RECV", "to": 2},
  {"name": "same", "send_port": $A_PORT, "recv_port": $A_PORT, "sender": "$PG_HOOK", "receiver": "$PG_RECV", "to": 2},
  {"name": "sqlite", "send_port": $SQ_PORT, "recv_port": $SQ_PORT, "sender": "$SQ_HOOK", "receiver": "$SQ_RECV", "to": 2}]}
EOF
  echo "bench/nodes: push latency, $ROUNDS rounds of $PUSH_MESSAGES messages a target, one every $PUSH_GAP_MS ms" >&2
  node "$ROOT/bench/nodes_latency.mjs" run "$WORK/latency.json" >"$WORK/latency-results.json" || die "the latency driver failed"
  for pid in "${NODE_PIDS[@]}"; do kill -0 "$pid" 2>/dev/null || die "a node died: $(tail -5 "$WORK/imhub.log")"; done
  stop_nodes
  psql_admin "DROP DATABASE nodes_latency"
fi

# ---- 2. event delivery by 1 and 2 nodes --------------------------------------------------------
if has_phase delivery; then
  # The handlers: nginx answering 200, logging each request's delivery id (buffered; flushed by
  # USR1, which makes the workers reopen their logs).
  NGINX_PORT="$(free_port)"
  mkdir -p "$WORK/nginx/logs" "$WORK/nginx/tmp"
  NGINX_USER=""
  [ "$(id -u)" -eq 0 ] && NGINX_USER="user root;"
  cat >"$WORK/nginx/nginx.conf" <<EOF
$NGINX_USER
worker_processes $NGINX_WORKERS;
daemon off;
master_process on;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  log_format ids '\$http_x_imhub_delivery_id';
  access_log $WORK/nginx/logs/ids.log ids buffer=64k flush=1s;
  keepalive_timeout 65;
  keepalive_requests 1000000;
  client_body_buffer_size 16k;
  client_body_temp_path $WORK/nginx/tmp/body;
  proxy_temp_path $WORK/nginx/tmp/proxy;
  fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
  uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
  scgi_temp_path $WORK/nginx/tmp/scgi;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / { return 200 'OK'; }
  }
}
EOF
  "$NGINX_BIN" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" >"$WORK/nginx/logs/stdout.log" 2>&1 &
  NGINX_PID=$!
  SINK="http://127.0.0.1:$NGINX_PORT"
  wait_http "$SINK/" "$NGINX_PID" nginx
  IDS="$WORK/nginx/logs/ids.log"
  flush_ids() {  # waits until nginx has written every buffered line (the log stops growing)
    local size=-1
    kill -USR1 "$NGINX_PID"
    for _ in $(seq 50); do
      sleep 0.2
      [ "$(stat -c %s "$IDS")" = "$size" ] && return 0
      size="$(stat -c %s "$IDS")"
    done
  }

  cat >"$WORK/delivery.toml" <<EOF
[log]
access_log = false
level = "warn"
[files]
dir = "$WORK/files"
[events]
concurrency = $CONCURRENCY
per_handler_concurrency = $PER_HANDLER
delivery_id_header = true
${LOG_PER_HANDLER:+log_per_handler = $LOG_PER_HANDLER}
# The seeded rows name loopback handlers no administrator registered (docs/operations.md, Addresses).
allow_private = true
EOF
  echo "bench/nodes: seeding $EVENTS events into SQLite and PostgreSQL" >&2
  "$BIN" init --data "$WORK/seed-sqlite" >/dev/null
  seed_outbox "$WORK/seed-sqlite/imhub.db" "$EVENTS" "$HANDLERS" "$CHATS" "$SINK"
  psql_admin "CREATE DATABASE nodes_seed"
  mkdir -p "$WORK/seed-pg"
  "$BIN" init --data "$WORK/seed-pg" --store "$(db_url nodes_seed)" >/dev/null
  seed_outbox "$(db_url nodes_seed)" "$EVENTS" "$HANDLERS" "$CHATS" "$SINK"
  [ "$(sqlite3 "$WORK/seed-sqlite/imhub.db" 'SELECT COUNT(*) FROM event_outbox')" = "$EVENTS" ] || die "SQLite seed incomplete"
  [ "$("$PSQL" "$(db_url nodes_seed)" -qAtc 'SELECT COUNT(*) FROM event_outbox')" = "$EVENTS" ] || die "PostgreSQL seed incomplete"
  AVG_PAYLOAD="$(sqlite3 "$WORK/seed-sqlite/imhub.db" 'SELECT CAST(AVG(LENGTH(payload)) AS INTEGER) FROM event_outbox')"
  psql_admin "VACUUM ANALYZE" >/dev/null 2>&1 || true
  "$PSQL" "$(db_url nodes_seed)" -qc "VACUUM ANALYZE event_outbox"
  [ -z "$STATEMENTS" ] || "$PSQL" "$(db_url nodes_seed)" -qc "CREATE EXTENSION pg_stat_statements"

  # The deliveries (or, with "failed", the attempts that did not end in a 2xx) of the nodes on
  # these ports, summed; a node not listening yet counts 0.
  deliveries() {  # delivered|failed port...
    local port sum=0 v
    local what="$1"
    shift
    for port in "$@"; do
      v="$({ curl -s "http://127.0.0.1:$port/metrics" 2>/dev/null || true; } | awk -v w="$what" '/^imhub_event_deliveries_total\{/ {
        d = index($0, "outcome=\"delivered\"") > 0; if ((w == "delivered") == d) n += $2 } END {print n + 0}')"
      sum=$((sum + ${v:-0}))
    done
    echo "$sum"
  }
  now_ms() { date +%s%3N; }
  # NODES_STATEMENTS=1: the round's statements that took the most time (execution, lock waits
  # included), as a markdown table in $WORK/statements-TARGET:ROUND.md.
  statements() {  # key database
    {
      echo "| calls / event | rows / event | ms | statement |"
      echo "|---:|---:|---:|---|"
      "$PSQL" "$(db_url "$2")" -qAt -F ' | ' -v ON_ERROR_STOP=1 -c "SELECT round(calls::numeric / $EVENTS, 3),
        round(rows::numeric / $EVENTS, 2), round(total_exec_time::numeric), replace(left(regexp_replace(query, '\s+', ' ', 'g'), 140), '|', '/')
        FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = '$2')
        ORDER BY total_exec_time DESC LIMIT 8" | sed 's/^/| /; s/$/ |/'
    } >"$WORK/statements-$1.md"
  }
  # CPU_US, PG_US, TX_PER and ROWS_PER are read through per_round's nameref.
  # shellcheck disable=SC2034
  declare -A RATE TOTAL_MS FAILED LEFT SEEN UNIQUE SHARE CPU_US PG_US TX_PER ROWS_PER
  # shellcheck disable=SC2034
  deliver() {  # target round
    local key="$1:$2" db="" dir="$WORK/round-$1-$2" store="" ports=() pids n i
    local delivered t_first="" t_last="" first_count=0 start deadline c0=0 g0=0 c1 g1 offset
    echo "bench/nodes: round $2: delivery by $1" >&2
    case "$1" in
      sqlite) cp -r "$WORK/seed-sqlite" "$dir"; n=1 ;;
      pg1|pg2)
        db="nodes_${1}_$2"
        psql_admin "CREATE DATABASE $db TEMPLATE nodes_seed"
        store="$(db_url "$db")"
        [ -z "$STATEMENTS" ] || "$PSQL" "$store" -qAtc "SELECT pg_stat_statements_reset()" >/dev/null
        n="${1#pg}" ;;
    esac
    flush_ids
    offset="$(stat -c %s "$IDS")"
    start="$(now_ms)"
    for i in $(seq "$n"); do
      if [ "$1" = sqlite ]; then serve "$dir" "$WORK/delivery.toml" "" nowait
      else mkdir -p "$dir/node$i"; serve "$dir/node$i" "$WORK/delivery.toml" "$store" nowait; fi
      ports+=("$SERVED_PORT")
    done
    pids="${NODE_PIDS[*]}"
    deadline=$((start + 900000))
    while :; do
      delivered="$(deliveries delivered "${ports[@]}")"
      if [ -z "$t_first" ] && [ "$delivered" -gt 0 ]; then
        t_first="$(now_ms)" first_count="$delivered"
        # shellcheck disable=SC2086
        c0="$(cpu_ticks $pids)" g0="$(cpu_ticks "$PG_PID")"
      fi
      if [ "$delivered" -ge "$EVENTS" ]; then t_last="$(now_ms)"; break; fi
      for i in $pids; do kill -0 "$i" 2>/dev/null || die "a node died: $(tail -5 "$WORK/imhub.log")"; done
      [ "$(now_ms)" -lt "$deadline" ] || die "round $2, $1: only $delivered of $EVENTS delivered after 15 minutes"
      sleep 0.05
    done
    # shellcheck disable=SC2086
    c1="$(cpu_ticks $pids)" g1="$(cpu_ticks "$PG_PID")"
    FAILED[$key]="$(deliveries failed "${ports[@]}")"
    SHARE[$key]=""
    for i in "${ports[@]}"; do SHARE[$key]+="$(deliveries delivered "$i") "; done
    stop_nodes
    if [ "$1" = sqlite ]; then LEFT[$key]="$(sqlite3 "$dir/imhub.db" 'SELECT COUNT(*) FROM event_outbox')"
    else
      LEFT[$key]="$("$PSQL" "$store" -qAtc 'SELECT COUNT(*) FROM event_outbox')"
      # What the round cost PostgreSQL, per event: transactions, and rows scanned or fetched. The
      # nodes have exited, so their backends have flushed their statistics.
      [ -z "$STATEMENTS" ] || statements "$key" "$db"
      read -r "TX_PER[$key]" "ROWS_PER[$key]" < <(psql_admin "SELECT round((xact_commit + xact_rollback)::numeric / $EVENTS, 2),
        round((tup_returned + tup_fetched)::numeric / $EVENTS, 1) FROM pg_stat_database WHERE datname = '$db'" | tr '|' ' ')
      psql_admin "DROP DATABASE $db"
    fi
    rm -rf "$dir"
    flush_ids
    tail -c +"$((offset + 1))" "$IDS" >"$WORK/ids-$key"
    SEEN[$key]="$(wc -l <"$WORK/ids-$key")"
    UNIQUE[$key]="$(sort -u "$WORK/ids-$key" | grep -c '^[0-9a-f]\{32\}$' || true)"
    n=$((EVENTS - first_count))
    RATE[$key]="$(awk -v n="$n" -v ms="$((t_last - t_first))" 'BEGIN { printf "%.0f", (ms > 0 ? n * 1000 / ms : 0) }')"
    TOTAL_MS[$key]=$((t_last - start))
    CPU_US[$key]="$(cpu_us_per $((c1 - c0)) "$n")"
    if [ "$1" = sqlite ]; then PG_US[$key]="-"; else PG_US[$key]="$(cpu_us_per $((g1 - g0)) "$n")"; fi
    echo "bench/nodes: round $2, $1: ${RATE[$key]} events/s, all after ${TOTAL_MS[$key]} ms; by node: ${SHARE[$key]}; handler saw ${SEEN[$key]} requests, ${UNIQUE[$key]} ids; ${FAILED[$key]} failed attempts, ${LEFT[$key]} rows left" >&2
  }
  DELIVERY_TARGETS=(sqlite pg1 pg2)
  for r in $(seq "$ROUNDS"); do
    # Each round in another order, so no target always follows the same one.
    for i in 0 1 2; do deliver "${DELIVERY_TARGETS[$(((i + r - 1) % 3))]}" "$r"; done
  done
  stop_pid "$NGINX_PID"
  NGINX_PID=""
fi

# ---- report ---------------------------------------------------------------------------------------
median() { tr ' ' '\n' | grep -v '^-*$' | sort -g | awk '{v[NR] = $1} END {
  if (NR == 0) { print "-"; exit }
  if (NR % 2) m = v[(NR + 1) / 2]; else m = (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f\n", m }'; }
per_round() {  # array target
  local -n arr="$1"
  local r out=""
  for r in $(seq "$ROUNDS"); do out+="${arr[$2:$r]:-} "; done
  echo "$out"
}
ratio_rounds() {  # target reference: the median of the per-round rate ratios
  local r out=""
  for r in $(seq "$ROUNDS"); do
    out+="$(awk -v a="${RATE[$1:$r]}" -v b="${RATE[$2:$r]}" 'BEGIN { if (b > 0) printf "%.3f", a / b }') "
  done
  echo "$out" | median
}
name_of() {
  case "$1" in
    sqlite) echo "SQLite, 1 node" ;;
    pg1) echo "PostgreSQL, 1 node" ;;
    pg2) echo "PostgreSQL, 2 nodes" ;;
  esac
}
STAMP="$(date -u +%Y-%m-%dT%H-%M-%SZ)"
COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
DIRTY="$(git -C "$ROOT" status --porcelain 2>/dev/null | grep -q . && echo ' (dirty)' || true)"
REPORT="$WORK/report.md"
{
  echo "# Two nodes on one PostgreSQL: push latency and event delivery — $STAMP"
  echo
  if [ -n "$SMOKE" ]; then
    echo "**Smoke run** (knobs below the defaults: ROUNDS=$ROUNDS, PUSH_MESSAGES=$PUSH_MESSAGES, EVENTS=$EVENTS): it shows the"
    echo "bench works, the figures are not a result."
    echo
  fi
  echo "$("$BIN" --version 2>/dev/null | head -n1) (bench commit $COMMIT$DIRTY), $(nproc) CPUs"
  echo "($(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || echo unknown)), $("$PGBIN/postgres" --version), fsync on;"
  echo "$ROUNDS interleaved rounds, medians. Nodes, PostgreSQL, clients and handlers share the same $(nproc) cores."
  if has_phase latency; then
    echo
    node "$ROOT/bench/nodes_latency.mjs" table "$WORK/latency-results.json" "$PUSH_GAP_MS"
  fi
  if has_phase delivery; then
    echo
    echo "## Event delivery: $EVENTS events, 1 node against 2 nodes"
    echo
    echo "The outbox of bench/delivery.sh ($EVENTS ONIMBOTMESSAGEADD rows, payload ~$AVG_PAYLOAD bytes, $HANDLERS handler URLs,"
    echo "$CHATS chats as order keys) delivered to $("$NGINX_BIN" -v 2>&1 | sed 's/^nginx version: //') (\`return 200\`, $NGINX_WORKERS worker(s));"
    echo "[events] concurrency = $CONCURRENCY, per_handler_concurrency = $PER_HANDLER${LOG_PER_HANDLER:+, log_per_handler = $LOG_PER_HANDLER} on each node. events/s: from the first"
    echo "delivery to the last (/metrics). Handler: requests nginx logged, distinct X-Imhub-Delivery-Id; exactly once"
    echo "when both are $EVENTS (plus the failed attempts, each sent again)."
    echo
    echo "| target | events/s | ratio to PostgreSQL 1 node | ratio to SQLite | exactly once | handler requests / distinct ids | failed attempts | rows left | by node (round 1) | imhub CPU µs/event | PostgreSQL CPU µs/event | PostgreSQL transactions / rows read per event | rounds (events/s) |"
    echo "|---|---:|---:|---:|---|---|---:|---:|---|---:|---:|---|---|"
    for t in "${DELIVERY_TARGETS[@]}"; do
      seen="" failed=0 left=0 once=yes
      for r in $(seq "$ROUNDS"); do
        seen+="${SEEN[$t:$r]} / ${UNIQUE[$t:$r]}, "
        failed=$((failed + ${FAILED[$t:$r]}))
        left=$((left + ${LEFT[$t:$r]}))
        # Every id seen, and no request beyond one per event and one per failed attempt.
        [ "${UNIQUE[$t:$r]}" = "$EVENTS" ] && [ "${SEEN[$t:$r]}" -le $((EVENTS + ${FAILED[$t:$r]})) ] \
          && [ "${LEFT[$t:$r]}" = 0 ] || once="**no** (round $r)"
      done
      rates="$(per_round RATE "$t")"
      echo "| $(name_of "$t") | $(per_round RATE "$t" | median | xargs printf '%.0f') | $(ratio_rounds "$t" pg1 | xargs printf '%.2f×') |" \
        "$(ratio_rounds "$t" sqlite | xargs printf '%.2f×') | $once | ${seen%, } | $failed | $left | ${SHARE[$t:1]% } |" \
        "$(per_round CPU_US "$t" | median) | $(per_round PG_US "$t" | median) |" \
        "$(per_round TX_PER "$t" | median) / $(per_round ROWS_PER "$t" | median) | ${rates% } |"
    done
    echo
    echo "Ratios are medians of the per-round ratios. By node: events each node delivered (its /metrics)."
    echo "PostgreSQL transactions and rows read (pg_stat_database: commits + rollbacks, tup_returned + tup_fetched)"
    echo "over the round's database, from the nodes' start to their exit, per event."
    if [ -n "$STATEMENTS" ]; then
      for t in pg1 pg2; do
        echo
        echo "### PostgreSQL statements, $(name_of "$t"), round 1 (pg_stat_statements, by total time)"
        echo
        cat "$WORK/statements-$t:1.md"
      done
    fi
  fi
} >"$REPORT"

mkdir -p "$RESULTS"
if [ -n "$SMOKE" ]; then
  cp "$REPORT" "$RESULTS/nodes-smoke-$STAMP.md"
  echo "bench/nodes: a smoke run: written to bench/results/nodes-smoke-$STAMP.md only" >&2
elif [ "$PHASES" != latency,delivery ] || [ -n "$LOG_PER_HANDLER$STATEMENTS" ]; then
  # A part of the run, or a variant of it, does not replace nodes-latest.md.
  cp "$REPORT" "$RESULTS/nodes-$STAMP.md"
  echo "bench/nodes: a partial or variant run: written to bench/results/nodes-$STAMP.md only" >&2
else
  cp "$REPORT" "$RESULTS/nodes-$STAMP.md"
  cp "$REPORT" "$RESULTS/nodes-latest.md"
  echo "bench/nodes: written to bench/results/nodes-latest.md and bench/results/nodes-$STAMP.md" >&2
fi
cat "$REPORT"
