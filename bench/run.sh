#!/usr/bin/env bash
# Throughput/latency of imhub against nginx serving a fixed JSON body, both on loopback.
# Builds nothing: expects build/imhub (or $IMHUB_BINARY). Needs nginx (nginx-light) and wrk;
# `make bench` installs them. Writes bench/results/latest.md and a dated copy, prints the table.
#
# The machine is shared and noisy, so the targets run in ROUNDS interleaved rounds
# (nginx, server.time, profile, nginx, ...) and the table shows each figure's median over the
# rounds; the ratio is the median of the per-round ratios.
#
# Targets: server.time and profile (GET), im.message.add (POST, durable, into 100 group chats of
# 50 members and 1,000 private dialogs, bench/message_add.lua). Then the read latencies of
# im.dialog.messages.get (50 messages), im.recent.get and im.counters.get on a second store of
# 10k users at 10k messages and at READ_BIG messages, and the server's RSS at 1M messages.
#
# Knobs (environment): WRK_THREADS (2), WRK_CONNECTIONS (64), WRK_DURATION (10s), ROUNDS (3),
# NGINX_WORKERS (2), READ_DURATION (5s), READ_BIG (10000000), IMHUB_BINARY, NGINX_BIN,
# FSYNC_SAMPLES (200 a round), BENCH_PEERS (ejabberd when installed; empty skips it), PEERS_ONLY,
# BENCH_NODES (1; empty skips bench/nodes.sh, two nodes on one PostgreSQL, the last step).
# IMHUB_BASELINE=path/to/another/imhub adds that binary's server.time, profile and im.message.add
# to every round (its own store, seeded the same way), each against nginx of the same round: a
# before/after comparison within the noise of one run.
#
# Every target's row also gives the server's CPU time per completed request (utime + stime from
# /proc/PID/stat over the wrk run, nginx summed over its workers): it holds up on a noisy machine
# better than requests/s. Each round ends with FSYNC_SAMPLES fdatasyncs of 4 KB in the temporary
# directory (the store's filesystem), so a p99 can be read against the disk's own.
#
# BENCH_PEERS=ejabberd (bench/ejabberd.sh) adds ejabberd's send_message on PostgreSQL as the peer
# of im.message.add at 16 and 64 connections, in the same rounds, beside imhub at the same
# connections. PEERS_ONLY=1 runs nginx, imhub's im.message.add and the peers only, then stops,
# writing bench/results/peers-latest.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${IMHUB_BINARY:-$ROOT/build/imhub}"
NGINX_BIN="${NGINX_BIN:-$(command -v nginx || echo /usr/sbin/nginx)}"
THREADS="${WRK_THREADS:-2}"
CONNS="${WRK_CONNECTIONS:-64}"
DURATION="${WRK_DURATION:-10s}"
NGINX_WORKERS="${NGINX_WORKERS:-2}"
ROUNDS="${ROUNDS:-3}"
READ_DURATION="${READ_DURATION:-5s}"
READ_BIG="${READ_BIG:-10000000}"
RESULTS="$ROOT/bench/results"
FSYNC_SAMPLES="${FSYNC_SAMPLES:-200}"
[ -n "${PEERS_ONLY:-}" ] && ROUNDS_ONLY=1

die() { echo "bench: $*" >&2; exit 1; }
[ -x "$BIN" ] || die "$BIN not found; run 'make build' first"
[ -x "$NGINX_BIN" ] || die "nginx not found; install nginx-light (make bench does)"
command -v wrk >/dev/null || die "wrk not found; install wrk (make bench does)"
command -v curl >/dev/null || die "curl not found"
command -v sqlite3 >/dev/null || die "sqlite3 not found; install sqlite3 (make bench does)"
# shellcheck source=bench/seed.sh
. "$ROOT/bench/seed.sh"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/imhub-bench.XXXXXX")"
IMHUB_PID=""
NGINX_PID=""
READS_PID=""
BASELINE_PID=""
cleanup() {
  local rc=$?
  declare -F ejabberd_stop >/dev/null && ejabberd_stop
  # Only the processes this script started, by their pid.
  for pid in $IMHUB_PID $NGINX_PID $READS_PID $BASELINE_PID; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in $IMHUB_PID $NGINX_PID $READS_PID $BASELINE_PID; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
# shellcheck source=bench/ejabberd.sh
. "$ROOT/bench/ejabberd.sh"

# The peers: ejabberd by default when its packages are installed (make bench installs them when
# they can be); an explicit BENCH_PEERS=ejabberd insists on it.
PEERS_NOTE=""
if [ -z "${BENCH_PEERS+set}" ]; then
  BENCH_PEERS=ejabberd
  missing="$(ejabberd_missing)"
  [ -n "$missing" ] && { BENCH_PEERS=""; PEERS_NOTE="ejabberd skipped: not installed ($missing)"; }
fi
for peer in $BENCH_PEERS; do
  case "$peer" in
    ejabberd) missing="$(ejabberd_missing)"
      [ -z "$missing" ] || die "BENCH_PEERS=ejabberd needs the Debian packages $missing (scripts/deps.sh bench installs them)" ;;
    *) die "unknown peer in BENCH_PEERS: $peer (known: ejabberd)" ;;
  esac
done
[ -n "${PEERS_ONLY:-}" ] && [ -z "$BENCH_PEERS" ] && die "PEERS_ONLY=1 with no peer (BENCH_PEERS is empty)"

# ---- imhub ----------------------------------------------------------------------------------
IMHUB_PORT="$(free_port)"
mkdir -p "$WORK/data"
WEBHOOK="$("$BIN" init --data "$WORK/data" | tail -n1 | sed -n 's/.*"webhook":"\([^"]*\)".*/\1/p')"
[ -n "$WEBHOOK" ] || die "imhub init printed no webhook"
# The message workload: users 2..1001, chats 1..100 of users 1..50, private dialogs of user 1
# with users 2..1001 (chats 101..1100), written while the server is not running.
seed_people "$WORK/data/imhub.db" 1000
seed_chats "$WORK/data/imhub.db" 100 50 1000
cat >"$WORK/imhub.toml" <<EOF
[log]
access_log = false
level = "warn"
EOF
"$BIN" serve --data "$WORK/data" --listen "127.0.0.1:$IMHUB_PORT" --config "$WORK/imhub.toml" \
  >"$WORK/imhub.log" 2>&1 &
IMHUB_PID=$!
IMHUB_BASE="http://127.0.0.1:$IMHUB_PORT"
wait_http "$IMHUB_BASE/healthz" "$IMHUB_PID" imhub

# ---- the baseline binary, when asked for ---------------------------------------------------
TARGETS=(server.time profile im.message.add)
[ -n "${PEERS_ONLY:-}" ] && TARGETS=(im.message.add)
PEER_TARGETS=()
if [ -n "${IMHUB_BASELINE:-}" ]; then
  [ -x "$IMHUB_BASELINE" ] || die "IMHUB_BASELINE=$IMHUB_BASELINE is not an executable"
  mkdir -p "$WORK/baseline"
  BASELINE_WEBHOOK="$("$IMHUB_BASELINE" init --data "$WORK/baseline" | tail -n1 | sed -n 's/.*"webhook":"\([^"]*\)".*/\1/p')"
  [ -n "$BASELINE_WEBHOOK" ] || die "the baseline's init printed no webhook"
  seed_people "$WORK/baseline/imhub.db" 1000
  seed_chats "$WORK/baseline/imhub.db" 100 50 1000
  BASELINE_PORT="$(free_port)"
  "$IMHUB_BASELINE" serve --data "$WORK/baseline" --listen "127.0.0.1:$BASELINE_PORT" --config "$WORK/imhub.toml" \
    >"$WORK/baseline.log" 2>&1 &
  BASELINE_PID=$!
  BASELINE_BASE="http://127.0.0.1:$BASELINE_PORT"
  wait_http "$BASELINE_BASE/healthz" "$BASELINE_PID" "imhub (baseline)"
  BASELINE_VERSION="$("$IMHUB_BASELINE" --version 2>/dev/null | head -n1 || true)"
  TARGETS+=(baseline.server.time baseline.profile baseline.im.message.add)
fi
if [[ " $BENCH_PEERS " == *" ejabberd "* ]]; then
  echo "bench: starting PostgreSQL and ejabberd (the peer)" >&2
  ejabberd_start
  # imhub at the peer's connection counts (the im.message.add row itself when CONNS matches).
  for c in 16 64; do
    [ "$c" = "$CONNS" ] || TARGETS+=("im.message.add.c$c")
    PEER_TARGETS+=("ejabberd.c$c")
  done
fi
imhub_of() {  # ejabberd.cN: imhub's im.message.add target at N connections
  local c="${1#ejabberd.c}"
  [ "$c" = "$CONNS" ] && echo im.message.add || echo "im.message.add.c$c"
}

# The nginx body mimics a real server.time answer (same shape, same size).
BODY="$(curl -sf "$IMHUB_BASE${WEBHOOK}server.time")"
[ -n "$BODY" ] || die "server.time returned nothing"
case "$BODY" in *\'* | *\\\\*) die "unexpected characters in the sample body" ;; esac

# ---- nginx ----------------------------------------------------------------------------------
NGINX_PORT="$(free_port)"
mkdir -p "$WORK/nginx/logs" "$WORK/nginx/tmp"
NGINX_USER=""
[ "$(id -u)" -eq 0 ] && NGINX_USER="user root;"  # workers must read the temp prefix
cat >"$WORK/nginx/nginx.conf" <<EOF
$NGINX_USER
worker_processes $NGINX_WORKERS;
daemon off;
master_process on;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_timeout 65;
  keepalive_requests 1000000;
  client_body_temp_path $WORK/nginx/tmp/body;
  proxy_temp_path $WORK/nginx/tmp/proxy;
  fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
  uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
  scgi_temp_path $WORK/nginx/tmp/scgi;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      default_type application/json;
      return 200 '$BODY';
    }
  }
}
EOF
"$NGINX_BIN" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" >"$WORK/nginx/logs/stdout.log" 2>&1 &
NGINX_PID=$!
NGINX_URL="http://127.0.0.1:$NGINX_PORT/"
wait_http "$NGINX_URL" "$NGINX_PID" nginx

# ---- runs -----------------------------------------------------------------------------------
# Latency in wrk's units (us, ms, s) → milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000;
    printf "%.3f", n }'
}

declare -A RPS P50 P99 BYTES ERRS CPU_US
# The processes whose CPU time a target costs: the server that answers it, with its children.
target_pids() {
  case "$1" in
    nginx) echo "$NGINX_PID" ;;
    baseline.*) echo "$BASELINE_PID" ;;
    ejabberd.*) echo "$EJ_PID" ;;
    *) echo "$IMHUB_PID" ;;
  esac
}
target_conns() {
  case "$1" in *.c16) echo 16 ;; *.c64) echo 64 ;; *) echo "$CONNS" ;; esac
}
run() {  # name url round [wrk script and its arguments]
  local name="$1" url="$2" round="$3" key="$1:$3" out conns ticks requests
  shift 3
  conns="$(target_conns "$name")"
  local script=()
  [ $# -gt 0 ] && script=(-s "$1" "$url" -- "${@:2}") || script=("$url")
  echo "bench: round $key: wrk -t$THREADS -c$conns -d$DURATION --latency ${script[*]}" >&2
  # ejabberd queues what it answers (bench/ejabberd.sh): a slow answer is no failure of the
  # durable write counted, so its requests get a longer timeout than wrk's 2 s.
  local timeout=()
  case "$name" in ejabberd.*) ejabberd_before "$key"; timeout=(--timeout "$EJ_WRK_TIMEOUT") ;; esac
  ticks="$(cpu_ticks "$(target_pids "$name")")"
  out="$(wrk -t"$THREADS" -c"$conns" -d"$DURATION" --latency "${timeout[@]}" "${script[@]}")"
  echo "$out" >"$WORK/wrk-$name-$round.txt"
  requests="$(awk '$2 == "requests" && $3 == "in" {print $1}' <<<"$out")"
  case "$name" in
    ejabberd.*)  # CPU per message committed, over the span up to the last commit
      ejabberd_after "$key" "${requests:-0}"
      ticks=$(($(cpu_ticks "$EJ_PID") - ticks))
      CPU_US[$key]="$(cpu_us_per "$ticks" "${EJ_COMMITTED[$key]}")"
      EJ_PG_US[$key]="$(cpu_us_per "${EJ_PG_TICKS[$key]}" "${EJ_COMMITTED[$key]}")"
      EJ_ALL_US[$key]="$(cpu_us_per $((ticks + EJ_PG_TICKS[$key])) "${EJ_COMMITTED[$key]}")" ;;
    *) CPU_US[$key]="$(cpu_us_per $(($(cpu_ticks "$(target_pids "$name")") - ticks)) "${requests:-0}")" ;;
  esac
  RPS[$key]="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
  P50[$key]="$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")"
  P99[$key]="$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")"
  # Non-2xx answers and socket errors: a fast run full of errors is not a result.
  ERRS[$key]="$(awk '/Non-2xx or 3xx responses:/ {n += $NF} /Socket errors:/ {
      for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) n += $i } END {print n + 0}' <<<"$out")"
  # A GET shows the body's size; ejabberd's send_message answers a bare 0.
  [ -n "${BYTES[$name]:-}" ] || case "$name" in
    ejabberd.*) BYTES[$name]=1 ;;
    *) BYTES[$name]="$(curl -s -o /dev/null -w '%{size_download}' "$url")" ;;
  esac
  [ -n "${RPS[$key]}" ] || die "could not parse wrk output for $name:\n$out"
}
declare -A EJ_PG_US EJ_ALL_US

# The disk's own fdatasync latency, FSYNC_SAMPLES a round, pooled over the rounds.
FSYNC_FILE="$WORK/fsync-us.txt"
: >"$FSYNC_FILE"
fsync_probe() {
  echo "bench: $FSYNC_SAMPLES fdatasyncs of 4 KB in $WORK" >&2
  node "$ROOT/bench/fsync_latency.mjs" "$WORK" "$FSYNC_SAMPLES" >>"$FSYNC_FILE"
}

MESSAGE_ADD=("$ROOT/bench/message_add.lua" 1 100 2 1000)
for round in $(seq "$ROUNDS"); do
  run nginx "$NGINX_URL" "$round"
  if [ -z "${PEERS_ONLY:-}" ]; then
    run server.time "$IMHUB_BASE${WEBHOOK}server.time" "$round"
    run profile "$IMHUB_BASE${WEBHOOK}profile" "$round"
  fi
  run im.message.add "$IMHUB_BASE${WEBHOOK}im.message.add" "$round" "${MESSAGE_ADD[@]}"
  for peer in "${PEER_TARGETS[@]}"; do
    imhub="$(imhub_of "$peer")"
    [ "$imhub" = im.message.add ] || run "$imhub" "$IMHUB_BASE${WEBHOOK}im.message.add" "$round" "${MESSAGE_ADD[@]}"
    run "$peer" "$EJ_API/send_message" "$round" "$ROOT/bench/send_message.lua" "$EJ_ROOMS" "$EJ_SERVICE" "$EJ_SENDER"
  done
  fsync_probe
  if [ -n "$BASELINE_PID" ]; then
    run baseline.server.time "$BASELINE_BASE${BASELINE_WEBHOOK}server.time" "$round"
    run baseline.profile "$BASELINE_BASE${BASELINE_WEBHOOK}profile" "$round"
    run baseline.im.message.add "$BASELINE_BASE${BASELINE_WEBHOOK}im.message.add" "$round" "$ROOT/bench/message_add.lua" 1 100 2 1000
  fi
done
if [ -n "$BASELINE_PID" ]; then
  kill -0 "$BASELINE_PID" 2>/dev/null || die "the baseline imhub died during the run: $(tail -5 "$WORK/baseline.log")"
  kill -TERM "$BASELINE_PID"; wait "$BASELINE_PID" 2>/dev/null || true; BASELINE_PID=""
fi
if [ -n "$EJ_PID" ]; then
  kill -0 "$EJ_PID" 2>/dev/null || die "ejabberd died during the run: $(tail -5 "$WORK/ejabberd/stdout.log")"
  EJ_ARCHIVE="$(ej_psql 'SELECT COUNT(*) FROM archive')"
  ejabberd_stop
fi
MESSAGES="$(sqlite3 "$WORK/data/imhub.db" 'SELECT COUNT(*) FROM messages')"
BATCH="$(curl -s "$IMHUB_BASE/metrics" | awk '/^imhub_store_commit_units_sum/ {s = $2} /^imhub_store_commit_units_count/ {c = $2} END { if (c > 0) printf "%.1f", s / c }')"

kill -0 "$IMHUB_PID" 2>/dev/null || die "imhub died during the run: $(tail -5 "$WORK/imhub.log")"

# ROUNDS_ONLY=1 stops after the rounds above (a quick before/after with IMHUB_BASELINE).
if [ -z "${ROUNDS_ONLY:-}" ]; then
# ---- message → bot handler latency ---------------------------------------------------------
# A webhook bot with a handler on loopback; the admin writes to it at BOT_RATE messages/s for
# BOT_SECONDS; the clock runs from the send of im.message.add to the handler reading the event.
BOT_RATE="${BOT_RATE:-1000}"
BOT_SECONDS="${BOT_SECONDS:-10}"
echo "bench: message → bot handler latency at $BOT_RATE msg/s" >&2
BOT_JSON="$(node "$ROOT/bench/bot_latency.mjs" "$IMHUB_BASE" "$WEBHOOK" "$BOT_RATE" "$BOT_SECONDS")"
bot_field() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" <<<"$BOT_JSON"; }

# ---- reads at 10k and at READ_BIG messages -------------------------------------------------
# Two stores: 10k users, the same chats, user 2 reads (a member of the 100 group chats and of a
# private dialog). The big one is a copy of the small one grown with sqlite3 while its server is
# stopped. Both are then served at once and measured in ROUNDS interleaved rounds (small, big, then
# big, small, ...), so a change in the machine's load falls on both alike; the figures are medians
# over the rounds and big/small the median of the rounds' ratios.
READS="$WORK/reads"
READS_BIG="$WORK/reads-big"
mkdir -p "$READS"
"$BIN" init --data "$READS" >/dev/null
seed_people "$READS/imhub.db" 10000
seed_chats "$READS/imhub.db" 100 50 1000
READER="$("$BIN" webhook add --data "$READS" --user 2 --scope im | sed -n 's/.*"webhook":"\([^"]*\)".*/\1/p')"
[ -n "$READER" ] || die "could not add the reader's webhook"
declare -A READS_DIR=([small]="$READS" [big]="$READS_BIG") READS_BASE READS_PIDS
start_reads() {  # stage
  local port
  port="$(free_port)"
  READS_BASE[$1]="http://127.0.0.1:$port"
  "$BIN" serve --data "${READS_DIR[$1]}" --listen "127.0.0.1:$port" --config "$WORK/imhub.toml" >>"$WORK/reads.log" 2>&1 &
  READS_PIDS[$1]=$!
  READS_PID="${READS_PIDS[*]}"
  wait_http "${READS_BASE[$1]}/healthz" "${READS_PIDS[$1]}" "imhub (reads, $1)"
}
stop_reads() {  # stage
  kill -TERM "${READS_PIDS[$1]}"
  wait "${READS_PIDS[$1]}" 2>/dev/null || true
  unset "READS_PIDS[$1]"
  READS_PID="${READS_PIDS[*]}"
}
declare -A RD_P50 RD_P99 RD_RPS
read_targets=(history recent counters)
read_path() {
  case "$1" in
    history) echo "${READER}im.dialog.messages.get?DIALOG_ID=chat1&LIMIT=50" ;;
    recent) echo "${READER}im.recent.get" ;;
    counters) echo "${READER}im.counters.get" ;;
  esac
}
measure_read() {  # target stage round
  local url out
  url="${READS_BASE[$2]}$(read_path "$1")"
  curl -sf -o /dev/null "$url" || die "reads: $1 at $2 failed"
  echo "bench: reads round $3, $2 store: $1" >&2
  out="$(wrk -t"$THREADS" -c8 -d"$READ_DURATION" --latency "$url")"
  RD_RPS[$1:$2:$3]="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
  RD_P50[$1:$2:$3]="$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")"
  RD_P99[$1:$2:$3]="$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")"
}
rss_mb() { awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }

# The small store's 10k messages go to the 100 group chats, so the history page of chat1 holds 50
# messages at both sizes (spread over all 1,100 chats it would hold 9, and compare unlike pages).
seed_messages "$READS/imhub.db" 10000 100
cp -a "$READS" "$READS_BIG"
seed_messages "$READS_BIG/imhub.db" $((1000000 - 10000))
start_reads big
for t in "${read_targets[@]}"; do wrk -t1 -c4 -d2s "${READS_BASE[big]}$(read_path "$t")" >/dev/null; done
RSS_1M="$(rss_mb "${READS_PIDS[big]}")"
stop_reads big
[ "$READ_BIG" -gt 1000000 ] && seed_messages "$READS_BIG/imhub.db" $((READ_BIG - 1000000))
start_reads small
start_reads big
for round in $(seq "$ROUNDS"); do
  if [ $((round % 2)) -eq 1 ]; then stages=(small big); else stages=(big small); fi
  for t in "${read_targets[@]}"; do
    for stage in "${stages[@]}"; do measure_read "$t" "$stage" "$round"; done
  done
done
RSS_BIG="$(rss_mb "${READS_PIDS[big]}")"
stop_reads small
stop_reads big
BIG_COUNT="$(sqlite3 "$READS_BIG/imhub.db" 'SELECT COUNT(*) FROM messages')"

fi  # ROUNDS_ONLY

median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR] = $1} END {
  if (NR % 2) m = v[(NR + 1) / 2]; else m = (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f\n", m }'; }
per_round() {  # array-name target: the values of every round, space separated
  local -n arr="$1"; local r out=""
  for r in $(seq "$ROUNDS"); do out+="${arr[$2:$r]} "; done
  echo "$out"
}
ratios() {  # target: imhub/nginx of each round, in percent
  local r out=""
  for r in $(seq "$ROUNDS"); do
    out+="$(awk -v a="${RPS[$1:$r]}" -v b="${RPS[nginx:$r]}" 'BEGIN { if (b > 0) printf "%.1f", 100 * a / b; else print 0 }') "
  done
  echo "$out"
}
declare -A MED_RPS MED_P50 MED_P99 SUM_ERRS MED_RATIO ALL_RATIOS MED_CPU
for name in nginx "${TARGETS[@]}" "${PEER_TARGETS[@]}"; do
  MED_RPS[$name]="$(per_round RPS "$name" | median)"
  MED_P50[$name]="$(per_round P50 "$name" | median)"
  MED_P99[$name]="$(per_round P99 "$name" | median)"
  MED_CPU[$name]="$(per_round CPU_US "$name" | tr ' ' '\n' | grep -v '^-$' | median)"
  SUM_ERRS[$name]="$(per_round ERRS "$name" | tr ' ' '\n' | awk '{n += $1} END {print n + 0}')"
  if [ "$name" != nginx ] && [[ "$name" != ejabberd.* ]]; then
    ALL_RATIOS[$name]="$(ratios "$name")"
    MED_RATIO[$name]="$(echo "${ALL_RATIOS[$name]}" | median)"
  fi
done

# ---- report ---------------------------------------------------------------------------------
fmt_rps() { awk -v v="$1" 'BEGIN { printf "%.0f", v }'; }

# The ejabberd section: messages committed per second (not wrk's answers/s, see bench/ejabberd.sh),
# CPU per message committed, and imhub/ejabberd at the same connections, per round and median.
peer_report() {
  local name imhub r out ratios rate cpu_pg cpu_all lost
  echo "## Peer: ejabberd $EJ_VERSION send_message on PostgreSQL $PG_VERSION"
  echo
  echo "groupchat messages from the MUC service administrator into $EJ_ROOMS persistent members-only rooms of"
  echo "$EJ_MEMBERS members (affiliations), archived by mod_mam (db_type sql): one \`archive\` row per message, like"
  echo "imhub's one messages row. PostgreSQL: $PG_DURABILITY; each row an autocommit"
  echo "that returns after its WAL fdatasync; ejabberd's sql_pool_size $EJ_SQL_POOL_SIZE. ejabberd answers before that write,"
  echo "so the rate below counts rows committed (from wrk's start to the last row), not answers; imhub answers each"
  echo "request after its commit. ejabberd's requests run with wrk --timeout $EJ_WRK_TIMEOUT."
  echo
  echo "| connections | imhub msg/s | ejabberd committed msg/s | ejabberd answers/s | ejabberd answer p50 / p99 ms | imhub µs/msg | ejabberd µs/msg (+ PostgreSQL = total) | lost | errors | imhub/ejabberd | per round |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  for name in "${PEER_TARGETS[@]}"; do
    imhub="$(imhub_of "$name")"
    ratios=""
    for r in $(seq "$ROUNDS"); do
      ratios+="$(awk -v a="${RPS[$imhub:$r]}" -v b="${EJ_RATE[$name:$r]}" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print 0 }') "
    done
    rate="$(per_round EJ_RATE "$name" | median)"
    cpu_pg="$(per_round EJ_PG_US "$name" | tr ' ' '\n' | grep -v '^-$' | median)"
    cpu_all="$(per_round EJ_ALL_US "$name" | tr ' ' '\n' | grep -v '^-$' | median)"
    lost="$(per_round EJ_LOST "$name" | tr ' ' '\n' | awk '{n += $1} END {print n + 0}')"
    out="| ${name#ejabberd.c} | $(fmt_rps "${MED_RPS[$imhub]}") | $(fmt_rps "$rate") | $(fmt_rps "${MED_RPS[$name]}")"
    out+=" | ${MED_P50[$name]} / ${MED_P99[$name]} | $(printf '%.1f' "${MED_CPU[$imhub]}")"
    out+=" | $(printf '%.1f' "${MED_CPU[$name]}") + $(printf '%.1f' "$cpu_pg") = $(printf '%.1f' "$cpu_all")"
    out+=" | $lost | ${SUM_ERRS[$name]} | $(echo "$ratios" | median | xargs printf '%.1f×') | ${ratios% } |"
    echo "$out"
  done
  echo
  echo "imhub's rows are its im.message.add at the same connections in the same rounds (half into 100 group chats"
  echo "of 50 members, half into private dialogs). lost: messages answered but never archived; $EJ_ARCHIVE rows archived in all."
}

STAMP="$(date -u +%Y-%m-%dT%H-%M-%SZ)"
COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
DIRTY="$(git -C "$ROOT" status --porcelain 2>/dev/null | grep -q . && echo ' (dirty)' || true)"
CPU="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || echo unknown)"
NGINX_VER="$("$NGINX_BIN" -v 2>&1 | sed 's/^nginx version: //')"
WRK_VER="$( (wrk -v 2>&1 || true) | head -n1 | awk '{print $1, $2}')"

REPORT="$WORK/report.md"
{
  echo "# imhub benchmark${PEERS_ONLY:+: im.message.add and its peers only (PEERS_ONLY=1)}"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), commit $COMMIT$DIRTY"
  echo "- machine: $(nproc) cores, $CPU, $(uname -sr)"
  echo "- load: $WRK_VER, $THREADS threads, $CONNS keep-alive connections, $DURATION per target and round, loopback"
  echo "- rounds: $ROUNDS, interleaved; figures are medians over the rounds"
  echo "- baseline: $NGINX_VER, $NGINX_WORKERS workers, fixed ${BYTES[nginx]}-byte JSON body (\`return 200\`)"
  echo "- imhub: ${BIN#"$ROOT"/} ($("$BIN" --version 2>/dev/null | head -n1 || echo "version unknown")), default threads (one per core), access log off, log level warn"
  [ -n "${IMHUB_BASELINE:-}" ] && echo "- rows \"baseline ...\": $IMHUB_BASELINE${BASELINE_VERSION:+ ($BASELINE_VERSION)}, its own store seeded the same way, in the same rounds"
  echo
  echo "| target | requests/s | p50 ms | p99 ms | CPU µs/req | body bytes | errors | imhub/nginx | ratio per round |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---|"
  for name in nginx "${TARGETS[@]}"; do
    if [ "$name" = nginx ]; then r="—"; rr="$(per_round RPS nginx | xargs -n1 printf '%.0f ' )"; label="nginx fixed body"
    else r="$(printf "%.1f%%" "${MED_RATIO[$name]}")"; rr="${ALL_RATIOS[$name]}"; label="imhub $name"; fi
    case "$name" in
      baseline.*) label="baseline ${name#baseline.}" ;;
      im.message.add.c*) label="imhub im.message.add, ${name#im.message.add.c} connections" ;;
    esac
    echo "| $label | $(fmt_rps "${MED_RPS[$name]}") | ${MED_P50[$name]} | ${MED_P99[$name]} | $(printf '%.1f' "${MED_CPU[$name]}") | ${BYTES[$name]} | ${SUM_ERRS[$name]} | $r | ${rr% } |"
  done
  echo
  echo "CPU µs/req: the server's CPU time (utime + stime from /proc, nginx's master and workers) over the wrk run,"
  echo "divided by the requests completed; wrk's own CPU is not in it."
  echo
  echo "im.message.add: every answer after a durable commit (WAL fdatasync before the answer); $MESSAGES messages written;"
  echo "$BATCH messages per group commit on average."
  echo
  read -r FS_P50 FS_P99 FS_MAX < <(percentiles "$FSYNC_FILE")
  echo "Disk: fdatasync of a 4 KB overwrite in the store's filesystem ($(df -PT "$WORK" | awk 'NR == 2 {print $2}')),"
  echo "$(wc -l <"$FSYNC_FILE") samples ($FSYNC_SAMPLES after each round): p50 $(awk -v v="$FS_P50" 'BEGIN { printf "%.2f", v / 1000 }') ms,"
  echo "p99 $(awk -v v="$FS_P99" 'BEGIN { printf "%.2f", v / 1000 }') ms, max $(awk -v v="$FS_MAX" 'BEGIN { printf "%.2f", v / 1000 }') ms."
  echo "A write's p99 cannot be below the disk's own: read the im.message.add p99 against this one."
  echo
  if [ ${#PEER_TARGETS[@]} -gt 0 ]; then peer_report; echo; fi
  [ -n "$PEERS_NOTE" ] && { echo "Peers: $PEERS_NOTE."; echo; }
  if [ -z "${ROUNDS_ONLY:-}" ]; then
  echo "## Message → bot handler (ONIMBOTMESSAGEADD), $BOT_RATE messages/s for $BOT_SECONDS s"
  echo
  echo "| p50 ms | p99 ms | max ms | events counted | lost |"
  echo "|---:|---:|---:|---:|---:|"
  echo "| $(bot_field p50_ms) | $(bot_field p99_ms) | $(bot_field max_ms) | $(bot_field counted) | $(bot_field lost) |"
  echo
  echo "From the send of im.message.add to the handler reading the event: the REST call, the durable commit,"
  echo "the outbox and the delivery (the first second, a warm-up, is not counted)."
  echo
  echo "## Reads: 10,000 messages against $BIG_COUNT messages (10,000 users, wrk -c8, $READ_DURATION)"
  echo
  echo "Both stores served at once, in $ROUNDS interleaved rounds; medians over the rounds, big/small the"
  echo "median of the rounds' p50 ratios."
  echo
  echo "| method | p50 ms small | p50 ms big | big/small | p99 ms small | p99 ms big | req/s small | req/s big | big/small per round |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---|"
  for t in "${read_targets[@]}"; do
    read_ratios=""
    for r in $(seq "$ROUNDS"); do
      read_ratios+="$(awk -v a="${RD_P50[$t:big:$r]}" -v b="${RD_P50[$t:small:$r]}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print 0 }') "
    done
    ratio="$(echo "$read_ratios" | median | awk '{printf "%.2f", $1}')"
    echo "| $(read_path "$t" | sed 's|.*/||') | $(per_round RD_P50 "$t:small" | median) | $(per_round RD_P50 "$t:big" | median) | $ratio |" \
      "$(per_round RD_P99 "$t:small" | median) | $(per_round RD_P99 "$t:big" | median) |" \
      "$(fmt_rps "$(per_round RD_RPS "$t:small" | median)") | $(fmt_rps "$(per_round RD_RPS "$t:big" | median)") | ${read_ratios% } |"
  done
  echo
  echo "Server RSS: $RSS_1M MB at 10,000 users and 1,000,000 messages; $RSS_BIG MB at $BIG_COUNT messages."
  echo
  fi
  echo "Client and servers share the same $(nproc) cores; compare ratios, not absolute numbers, across machines."
} >"$REPORT"

mkdir -p "$RESULTS"
PREFIX=""
[ -n "${PEERS_ONLY:-}" ] && PREFIX="peers-"  # a partial run does not replace latest.md
cp "$REPORT" "$RESULTS/${PREFIX}latest.md"
cp "$REPORT" "$RESULTS/$PREFIX$STAMP.md"
cat "$REPORT"
echo
echo "bench: written to bench/results/${PREFIX}latest.md and bench/results/$PREFIX$STAMP.md" >&2
[ -n "${ROUNDS_ONLY:-}" ] && exit 0
kill -TERM "$IMHUB_PID" "$NGINX_PID" 2>/dev/null || true; wait "$IMHUB_PID" "$NGINX_PID" 2>/dev/null || true; bash "$ROOT/bench/delivery.sh"
bash "$ROOT/bench/push.sh"
bash "$ROOT/bench/openlines_distribution.sh"
bash "$ROOT/bench/openlines.sh"
bash "$ROOT/bench/store.sh"
if [ -n "${BENCH_NODES-1}" ]; then bash "$ROOT/bench/nodes.sh"; fi
