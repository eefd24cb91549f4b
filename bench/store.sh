#!/usr/bin/env bash
# The stores side by side (issue 15): im.message.add into 50-member chats on the embedded SQLite
# store (1 node), on PostgreSQL (1 node) and on PostgreSQL (2 nodes on one database), with the
# insert ceiling of that same PostgreSQL as the reference: pgbench running one durable INSERT of a
# message-shaped row per transaction (prepared, CONNS clients). All in ROUNDS interleaved rounds
# (pgbench, SQLite, PostgreSQL 1 node, PostgreSQL 2 nodes). Then reads (history, recent list,
# counters) on PostgreSQL at 10k and at READ_BIG messages.
#
# PostgreSQL is the private server of tests/pg/start.sh (Debian's postgresql, loopback) with fsync
# on, so its commits are as durable as SQLite's fdatasync'd ones; the store's writer connections set
# synchronous_commit = on. Each target's CPU per message is the imhub nodes' and, apart, the
# PostgreSQL server's (all its processes) over the wrk run.
#
# The two nodes share the database; a request goes to either (two wrk processes, CONNS/2
# connections each, their rates summed). Builds nothing: expects build/imhub (or $IMHUB_BINARY),
# wrk, psql/pgbench (make bench installs them). Writes bench/results/store-latest.md and a dated copy.
#
# Knobs (environment): ROUNDS (3), WRK_THREADS (2), WRK_CONNECTIONS (64), WRK_DURATION (10s),
# READ_DURATION (5s), READ_BIG (10000000; 0 skips the reads), PG_WRITERS (the nodes' `[store]
# writer_connections`, their default when unset), IMHUB_BINARY.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${IMHUB_BINARY:-$ROOT/build/imhub}"
THREADS="${WRK_THREADS:-2}"
CONNS="${WRK_CONNECTIONS:-64}"
DURATION="${WRK_DURATION:-10s}"
ROUNDS="${ROUNDS:-3}"
READ_DURATION="${READ_DURATION:-5s}"
READ_BIG="${READ_BIG:-10000000}"
RESULTS="$ROOT/bench/results"

die() { echo "bench/store: $*" >&2; exit 1; }
[ -x "$BIN" ] || die "$BIN not found; run 'make build' first"
command -v wrk >/dev/null || die "wrk not found; install wrk (make bench does)"
PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$PGBIN/pgbench" ] || die "no PostgreSQL server binaries; install Debian's postgresql (make bench does)"
PSQL="$PGBIN/psql"
# shellcheck source=bench/seed.sh
. "$ROOT/bench/seed.sh"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/imhub-store-bench.XXXXXX")"
PG_URL=""
NODE_PIDS=()
cleanup() {
  local rc=$?
  for pid in "${NODE_PIDS[@]}"; do stop_pid "$pid"; done
  [ -n "$PG_URL" ] && "$ROOT/tests/pg/stop.sh" "$PG_URL" || true
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

db_url() { echo "${PG_URL%/*}/$1"; }
serve() {  # data dir, [store URL]: starts a node; sets SERVED_PID and SERVED_BASE
  local port
  port="$(free_port)"
  "$BIN" serve --data "$1" ${2:+--store "$2"} --listen "127.0.0.1:$port" --config "$WORK/imhub.toml" \
    >>"$WORK/imhub.log" 2>&1 &
  SERVED_PID=$!
  NODE_PIDS+=("$SERVED_PID")
  SERVED_BASE="http://127.0.0.1:$port"
  wait_http "$SERVED_BASE/healthz" "$SERVED_PID" "imhub ($1)"
}
webhook_of() { sed -n 's/.*"webhook":"\([^"]*\)".*/\1/p' | tail -n1; }

# ---- PostgreSQL -----------------------------------------------------------------------------
echo "bench/store: starting PostgreSQL" >&2
PG_URL="$(IMHUB_PG_FSYNC=on "$ROOT/tests/pg/start.sh")"
PG_PORT="${PG_URL##*:}"
PG_PORT="${PG_PORT%%/*}"
PG_PID="$(head -1 "$(cat "${TMPDIR:-/tmp}/imhub-pg-port-$PG_PORT")/data/postmaster.pid")"
for db in imhub_bench pgbench_ref imhub_reads; do "$PSQL" "$PG_URL" -qc "CREATE DATABASE $db"; done
STORE="$(db_url imhub_bench)"

cat >"$WORK/imhub.toml" <<EOF
[log]
access_log = false
level = "warn"
EOF
[ -z "${PG_WRITERS:-}" ] || printf '[store]\nwriter_connections = %d\n' "$PG_WRITERS" >>"$WORK/imhub.toml"

# ---- the nodes --------------------------------------------------------------------------------
# The message workload of bench/run.sh: users 2..1001, chats 1..100 of users 1..50, private
# dialogs of user 1 with users 2..1001, seeded the same way into both stores.
mkdir -p "$WORK/sqlite" "$WORK/pg1" "$WORK/pg2"
SQ_HOOK="$("$BIN" init --data "$WORK/sqlite" | webhook_of)"
seed_people "$WORK/sqlite/imhub.db" 1000
seed_chats "$WORK/sqlite/imhub.db" 100 50 1000
PG_HOOK="$("$BIN" init --data "$WORK/pg1" --store "$STORE" | webhook_of)"
[ -n "$SQ_HOOK" ] && [ -n "$PG_HOOK" ] || die "imhub init printed no webhook"
seed_people "$STORE" 1000
seed_chats "$STORE" 100 50 1000
# The second node: its own data directory on the same database (the key as node 1 has it, where
# the store keeps it in the data directory).
[ -f "$WORK/pg1/imhub.key" ] && cp -p "$WORK/pg1/imhub.key" "$WORK/pg2/imhub.key"
"$BIN" init --data "$WORK/pg2" --store "$STORE" >/dev/null
serve "$WORK/sqlite"
SQ_PID=$SERVED_PID SQ_BASE=$SERVED_BASE
serve "$WORK/pg1" "$STORE"
PG1_PID=$SERVED_PID PG1_BASE=$SERVED_BASE
serve "$WORK/pg2" "$STORE"
PG2_PID=$SERVED_PID PG2_BASE=$SERVED_BASE
curl -sf -o /dev/null -X POST "$PG2_BASE${PG_HOOK}server.time" || die "node 2 does not accept node 1's webhook"

# ---- pgbench's reference: one durable INSERT of a message-shaped row per transaction ---------
"$PSQL" "$(db_url pgbench_ref)" -q <<'SQL'
CREATE TABLE bench_messages (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, chat_id BIGINT NOT NULL, seq BIGINT NOT NULL,
  author_id BIGINT NOT NULL, text TEXT NOT NULL, params TEXT NOT NULL DEFAULT '', created_at BIGINT NOT NULL);
CREATE INDEX bench_messages_by_chat ON bench_messages (chat_id, id);
SQL
cat >"$WORK/insert.sql" <<'SQL'
\set chat random(1, 1100)
INSERT INTO bench_messages (chat_id, seq, author_id, text, created_at) VALUES (:chat, 1, 1, 'Benchmark message number 1', 0);
SQL

declare -A RPS P50 P99 ERRS CPU_US PG_US
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000;
    printf "%.3f", n }'
}
wrk_add() {  # base webhook connections output-file
  wrk -t"$THREADS" -c"$3" -d"$DURATION" --latency -s "$ROOT/bench/message_add.lua" "$1$2im.message.add" -- 1 100 2 1000 >"$4"
}
field() { awk -v k="$2" '$1 == k {print $2}' "$1"; }
requests_of() { awk '$2 == "requests" && $3 == "in" {print $1}' "$1"; }
errors_of() {
  awk '/Non-2xx or 3xx responses:/ {n += $NF} /Socket errors:/ {
    for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) n += $i } END {print n + 0}' "$1"
}
measure() {  # target round
  local key="$1:$2" pids t0 pg0 n=0 a b
  case "$1" in
    sqlite) pids="$SQ_PID" ;;
    pg1) pids="$PG1_PID" ;;
    pg2) pids="$PG1_PID $PG2_PID" ;;
    pgbench) pids="" ;;
  esac
  echo "bench/store: round $2: $1" >&2
  t0="$(cpu_ticks $pids)"
  pg0="$(cpu_ticks "$PG_PID")"
  case "$1" in
    sqlite) wrk_add "$SQ_BASE" "$SQ_HOOK" "$CONNS" "$WORK/$key.txt"; a="$WORK/$key.txt" ;;
    pg1) wrk_add "$PG1_BASE" "$PG_HOOK" "$CONNS" "$WORK/$key.txt"; a="$WORK/$key.txt" ;;
    pg2)
      wrk_add "$PG1_BASE" "$PG_HOOK" $((CONNS / 2)) "$WORK/$key.a.txt" &
      local wa=$!
      wrk_add "$PG2_BASE" "$PG_HOOK" $((CONNS / 2)) "$WORK/$key.b.txt"
      wait "$wa"
      a="$WORK/$key.a.txt" b="$WORK/$key.b.txt" ;;
    pgbench)
      "$PGBIN/pgbench" -n -c "$CONNS" -j "$THREADS" -T "${DURATION%s}" -M prepared -r -f "$WORK/insert.sql" \
        "$(db_url pgbench_ref)" >"$WORK/$key.txt" 2>&1
      RPS[$key]="$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$WORK/$key.txt" | head -1)"
      n="$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$WORK/$key.txt")"
      P50[$key]="$(sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' "$WORK/$key.txt")"
      P99[$key]="-"
      ERRS[$key]="$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$WORK/$key.txt")"
      CPU_US[$key]="-"
      PG_US[$key]="$(cpu_us_per $(($(cpu_ticks "$PG_PID") - pg0)) "${n:-0}")"
      [ -n "${RPS[$key]}" ] || die "could not parse pgbench's output: $(cat "$WORK/$key.txt")"
      return ;;
  esac
  n="$(requests_of "$a")"
  RPS[$key]="$(awk '/^Requests\/sec:/ {print $2}' "$a")"
  P50[$key]="$(to_ms "$(field "$a" 50%)")"
  P99[$key]="$(to_ms "$(field "$a" 99%)")"
  ERRS[$key]="$(errors_of "$a")"
  if [ -n "${b:-}" ]; then
    n=$((n + $(requests_of "$b")))
    RPS[$key]="$(awk -v x="${RPS[$key]}" -v y="$(awk '/^Requests\/sec:/ {print $2}' "$b")" 'BEGIN {printf "%.2f", x + y}')"
    # The slower node's figures: a client sees the worse of the two.
    P50[$key]="$(awk -v x="${P50[$key]}" -v y="$(to_ms "$(field "$b" 50%)")" 'BEGIN {print (x > y ? x : y)}')"
    P99[$key]="$(awk -v x="${P99[$key]}" -v y="$(to_ms "$(field "$b" 99%)")" 'BEGIN {print (x > y ? x : y)}')"
    ERRS[$key]=$((ERRS[$key] + $(errors_of "$b")))
  fi
  CPU_US[$key]="$(cpu_us_per $(($(cpu_ticks $pids) - t0)) "$n")"
  if [ "$1" = sqlite ]; then PG_US[$key]="-"; else PG_US[$key]="$(cpu_us_per $(($(cpu_ticks "$PG_PID") - pg0)) "$n")"; fi
}

TARGETS=(pgbench sqlite pg1 pg2)
for r in $(seq "$ROUNDS"); do
  for t in "${TARGETS[@]}"; do measure "$t" "$r"; done
done

# ---- reads on PostgreSQL at 10k and READ_BIG messages -----------------------------------------
declare -A RD_P50 RD_P99
read_targets=(history recent counters)
if [ "$READ_BIG" -gt 0 ]; then
  READS_STORE="$(db_url imhub_reads)"
  mkdir -p "$WORK/reads"
  "$BIN" init --data "$WORK/reads" --store "$READS_STORE" >/dev/null
  seed_people "$READS_STORE" 10000
  seed_chats "$READS_STORE" 100 50 1000
  READER="$("$BIN" webhook add --data "$WORK/reads" --store "$READS_STORE" --user 2 --scope im | webhook_of)"
  [ -n "$READER" ] || die "could not add the reader's webhook"
  read_url() {
    case "$1" in
      history) echo "$RD_BASE${READER}im.dialog.messages.get?DIALOG_ID=chat1&LIMIT=50" ;;
      recent) echo "$RD_BASE${READER}im.recent.get" ;;
      counters) echo "$RD_BASE${READER}im.counters.get" ;;
    esac
  }
  measure_reads() {  # stage
    local t out
    serve "$WORK/reads" "$READS_STORE"
    RD_PID=$SERVED_PID RD_BASE=$SERVED_BASE
    for t in "${read_targets[@]}"; do
      curl -sf -o /dev/null "$(read_url "$t")" || die "reads: $t failed"
      wrk -t1 -c4 -d1s "$(read_url "$t")" >/dev/null  # warm the caches
      echo "bench/store: reads on PostgreSQL at $1 messages: $t" >&2
      out="$(wrk -t"$THREADS" -c8 -d"$READ_DURATION" --latency "$(read_url "$t")")"
      RD_P50[$t:$1]="$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")"
      RD_P99[$t:$1]="$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")"
    done
    stop_pid "$RD_PID"
  }
  # As in bench/run.sh: the small store's messages go to the 100 group chats.
  seed_messages "$READS_STORE" 10000 100
  measure_reads small
  echo "bench/store: seeding $READ_BIG messages into PostgreSQL" >&2
  seed_messages "$READS_STORE" $((READ_BIG - 10000))
  "$PSQL" "$READS_STORE" -qc "VACUUM ANALYZE"
  measure_reads big
  BIG_COUNT="$("$PSQL" "$READS_STORE" -qAtc 'SELECT COUNT(*) FROM messages')"
fi

# ---- report ---------------------------------------------------------------------------------
median() { tr ' ' '\n' | grep -v '^-*$' | sort -g | awk '{v[NR] = $1} END {
  if (NR == 0) { print "-"; exit }
  if (NR % 2) m = v[(NR + 1) / 2]; else m = (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f\n", m }'; }
per_round() {  # array target
  local -n arr="$1"
  local r out=""
  for r in $(seq "$ROUNDS"); do out+="${arr[$2:$r]:-} "; done
  echo "$out"
}
ratio_to() {  # target reference: median of the per-round ratios, in percent
  local r out=""
  for r in $(seq "$ROUNDS"); do
    out+="$(awk -v a="${RPS[$1:$r]}" -v b="${RPS[$2:$r]}" 'BEGIN { if (b > 0) printf "%.1f", 100 * a / b }') "
  done
  echo "$out" | median
}
name_of() {
  case "$1" in
    pgbench) echo "pgbench INSERT, 1 per transaction (reference)" ;;
    sqlite) echo "imhub, SQLite, 1 node" ;;
    pg1) echo "imhub, PostgreSQL, 1 node" ;;
    pg2) echo "imhub, PostgreSQL, 2 nodes" ;;
  esac
}
STAMP="$(date -u +%Y-%m-%dT%H-%M-%SZ)"
mkdir -p "$RESULTS"
{
  echo "# Stores: im.message.add on SQLite and PostgreSQL — $STAMP"
  echo
  echo "imhub $("$BIN" --version 2>/dev/null | head -n1), $(nproc) CPUs, $("$PGBIN/postgres" --version), fsync on;"
  echo "wrk -t$THREADS -c$CONNS -d$DURATION (2 nodes: two wrk of $((CONNS / 2)) connections), $ROUNDS interleaved rounds, medians; PostgreSQL writer connections per node: ${PG_WRITERS:-the default}."
  echo
  echo "| target | msg/s | % of pgbench | p50 ms | p99 ms | errors | imhub CPU µs/msg | PostgreSQL CPU µs/msg | rounds (msg/s) |"
  echo "|---|---|---|---|---|---|---|---|---|"
  for t in "${TARGETS[@]}"; do
    errs=0
    for r in $(seq "$ROUNDS"); do errs=$((errs + ${ERRS[$t:$r]:-0})); done
    echo "| $(name_of "$t") | $(per_round RPS "$t" | median) | $(ratio_to "$t" pgbench) | $(per_round P50 "$t" | median) |" \
      "$(per_round P99 "$t" | median) | $errs | $(per_round CPU_US "$t" | median) | $(per_round PG_US "$t" | median) | $(per_round RPS "$t") |"
  done
  echo
  echo "PostgreSQL 2 nodes / 1 node: $(awk -v a="$(per_round RPS pg2 | median)" -v b="$(per_round RPS pg1 | median)" 'BEGIN { if (b > 0) printf "%.2f×", a / b }');" \
    "SQLite / PostgreSQL 1 node: $(awk -v a="$(per_round RPS sqlite | median)" -v b="$(per_round RPS pg1 | median)" 'BEGIN { if (b > 0) printf "%.2f×", a / b }')."
  echo "pgbench's p50 column is its average latency (it reports no percentiles without a log)."
  if [ "$READ_BIG" -gt 0 ]; then
    echo
    echo "## Reads on PostgreSQL (user 2, 8 connections, $READ_DURATION each)"
    echo
    echo "| read | p50 at 10k | p50 at ${BIG_COUNT} | ratio | p99 at 10k | p99 at ${BIG_COUNT} |"
    echo "|---|---|---|---|---|---|"
    for t in "${read_targets[@]}"; do
      echo "| $t | ${RD_P50[$t:small]} ms | ${RD_P50[$t:big]} ms |" \
        "$(awk -v a="${RD_P50[$t:big]}" -v b="${RD_P50[$t:small]}" 'BEGIN { if (b > 0) printf "%.2f×", a / b }') |" \
        "${RD_P99[$t:small]} ms | ${RD_P99[$t:big]} ms |"
    done
  fi
} >"$RESULTS/store-$STAMP.md"
cp "$RESULTS/store-$STAMP.md" "$RESULTS/store-latest.md"
cat "$RESULTS/store-$STAMP.md"
