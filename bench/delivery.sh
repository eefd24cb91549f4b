#!/usr/bin/env bash
# Event delivery throughput: how fast imhub empties an outbox of EVENTS rows into handlers on
# loopback that answer 200 (nginx, `return 200`). Builds nothing: expects build/imhub (or
# $IMHUB_BINARY); needs nginx (nginx-light), sqlite3 and curl, which `make bench` installs.
# Writes bench/results/delivery-latest.md and a dated copy, prints the table.
#
# The rows are written with sqlite3 while the server is stopped (the way run.sh seeds), shaped as
# enqueue_event() writes them: an ONIMBOTMESSAGEADD payload of about 900 bytes, HANDLERS handler
# URLs, CHATS chats (the order keys) spread over them. Then the server starts and the clock runs
# from its first delivery to its last; every event is a real POST with a freshly built body.
# The run repeats ROUNDS times on a fresh copy of the seeded store; the table shows each round
# and the median.
#
# Knobs (environment): EVENTS (100000), HANDLERS (4), CHATS (1000), ROUNDS (3), NGINX_WORKERS (1),
# CONCURRENCY (128), PER_HANDLER (32), IMHUB_BINARY, NGINX_BIN.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${IMHUB_BINARY:-$ROOT/build/imhub}"
NGINX_BIN="${NGINX_BIN:-$(command -v nginx || echo /usr/sbin/nginx)}"
EVENTS="${EVENTS:-100000}"
HANDLERS="${HANDLERS:-4}"
CHATS="${CHATS:-1000}"
ROUNDS="${ROUNDS:-3}"
NGINX_WORKERS="${NGINX_WORKERS:-1}"
CONCURRENCY="${CONCURRENCY:-128}"
PER_HANDLER="${PER_HANDLER:-32}"
RESULTS="$ROOT/bench/results"

die() { echo "bench/delivery: $*" >&2; exit 1; }
[ -x "$BIN" ] || die "$BIN not found; run 'make build' first"
[ -x "$NGINX_BIN" ] || die "nginx not found; install nginx-light (make bench does)"
command -v sqlite3 >/dev/null || die "sqlite3 not found"
command -v curl >/dev/null || die "curl not found"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/imhub-bench-delivery.XXXXXX")"
IMHUB_PID=""
NGINX_PID=""
cleanup() {
  local rc=$?
  # Only the processes this script started, by their pid.
  for pid in $IMHUB_PID $NGINX_PID; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in $IMHUB_PID $NGINX_PID; do
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

# ---- the sink: nginx answering 200 to every POST ------------------------------------------
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
  access_log off;
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

# ---- the seeded store ------------------------------------------------------------------------
SEED="$WORK/seed"
"$BIN" init --data "$SEED" >/dev/null
PAYLOAD_SQL="json_object(
  'data', json_object(
    'BOT', json_object('39', json_object('BOT_ID', 39, 'BOT_CODE', 'bench_bot')),
    'PARAMS', json_object('MESSAGE', 'Message number ' || n || ' of the delivery benchmark, with some [b]text[/b] & symbols',
      'MESSAGE_ORIGINAL', '[USER=39]Bench[/USER] message number ' || n, 'TEMPLATE_ID', lower(hex(randomblob(16))),
      'MESSAGE_TYPE', 'C', 'FROM_USER_ID', 2 + n % 50, 'DIALOG_ID', 'chat' || (n % $CHATS + 1), 'TO_CHAT_ID', n % $CHATS + 1,
      'AUTHOR_ID', 2 + n % 50, 'SYSTEM', 'N', 'TO_USER_ID', 39, 'MENTIONED_LIST', json_object('39', 39),
      'MESSAGE_ID', n, 'CHAT_TYPE', 'C', 'LANGUAGE', 'en', 'CHAT_ID', n % $CHATS + 1, 'CHAT_TITLE', 'Bench chat',
      'CHAT_USER_COUNT', 50, 'PLATFORM_CONTEXT', 'web'),
    'USER', json_object('ID', 2 + n % 50, 'NAME', 'Bench User', 'FIRST_NAME', 'Bench', 'LAST_NAME', 'User',
      'WORK_POSITION', '', 'GENDER', 'M', 'IS_BOT', 'N', 'IS_CONNECTOR', 'N', 'IS_NETWORK', 'N', 'IS_EXTRANET', 'N')),
  'auth_user_id', 2 + n % 50, 'send_refresh_token', json('true'), 'application_token', 'bench-client-' || (n % $HANDLERS),
  'token_slots', json_array(json_object('path', json_array('BOT', '39'), 'user_id', 39)), 'event_ttl', 7,
  'delivery_id', lower(hex(randomblob(16))))"
sqlite3 "$SEED/imhub.db" <<EOF
.timeout 10000
WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < $EVENTS)
INSERT INTO event_outbox (app_id, handler, event, event_handler_id, payload, order_key, created_at, next_attempt_at)
SELECT 0, '$SINK/bot' || (n % $HANDLERS) || '.php?CLIENT_ID=bench-client-' || (n % $HANDLERS), 'ONIMBOTMESSAGEADD',
       n % $HANDLERS + 1, $PAYLOAD_SQL, 'chat:' || (n % $CHATS + 1),
       CAST(strftime('%s','now') AS INTEGER) * 1000, 0
FROM seq;
EOF
SEEDED="$(sqlite3 "$SEED/imhub.db" 'SELECT COUNT(*) FROM event_outbox')"
[ "$SEEDED" = "$EVENTS" ] || die "seeded $SEEDED rows, wanted $EVENTS"
AVG_PAYLOAD="$(sqlite3 "$SEED/imhub.db" 'SELECT CAST(AVG(LENGTH(payload)) AS INTEGER) FROM event_outbox')"

cat >"$WORK/imhub.toml" <<EOF
[log]
access_log = false
level = "warn"
[events]
concurrency = $CONCURRENCY
per_handler_concurrency = $PER_HANDLER
# The seeded rows name loopback handlers no administrator registered (docs/operations.md, Addresses).
allow_private = true
EOF

metric() {  # name (with labels) → value
  curl -s "$1/metrics" | awk -v m="$2" 'index($0, m " ") == 1 {print $2}'
}
now_ms() { date +%s%3N; }

declare -a RATES
run_round() {  # round
  local dir="$WORK/round$1" port base delivered t_first="" t_last="" start deadline rss=""
  rm -rf "$dir"
  cp -r "$SEED" "$dir"
  port="$(free_port)"
  base="http://127.0.0.1:$port"
  start="$(now_ms)"
  "$BIN" serve --data "$dir" --listen "127.0.0.1:$port" --config "$WORK/imhub.toml" >"$WORK/imhub-$1.log" 2>&1 &
  IMHUB_PID=$!
  deadline=$((start + 600000))
  while :; do
    delivered="$(metric "$base" 'imhub_event_deliveries_total{outcome="delivered"}' 2>/dev/null || true)"
    delivered="${delivered:-0}"
    if [ -z "$t_first" ] && [ "$delivered" -gt 0 ]; then t_first="$(now_ms)"; first_count="$delivered"; fi
    [ -z "$rss" ] && [ "$delivered" -gt $((EVENTS / 2)) ] && rss="$(awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$IMHUB_PID/status")"
    if [ "$delivered" -ge "$EVENTS" ]; then t_last="$(now_ms)"; break; fi
    kill -0 "$IMHUB_PID" 2>/dev/null || die "imhub died: $(tail -5 "$WORK/imhub-$1.log")"
    [ "$(now_ms)" -lt "$deadline" ] || die "round $1: only $delivered of $EVENTS delivered after 10 minutes"
    sleep 0.05
  done
  FAILED_ATTEMPTS="$(curl -s "$base/metrics" | awk '/^imhub_event_deliveries_total/ && !/delivered/ {n += $2} END {print n + 0}')"
  kill -TERM "$IMHUB_PID"
  wait "$IMHUB_PID" 2>/dev/null || true
  IMHUB_PID=""
  LEFT="$(sqlite3 "$dir/imhub.db" 'SELECT COUNT(*) FROM event_outbox')"
  # Deliveries counted between the first observation and the last, over that time.
  RATES[$1]="$(awk -v n="$((EVENTS - first_count))" -v ms="$((t_last - t_first))" 'BEGIN { printf "%.0f", (ms > 0 ? n * 1000 / ms : 0) }')"
  TOTAL_MS[$1]="$((t_last - start))"
  RSS[$1]="$rss"
  ERRORS[$1]="$FAILED_ATTEMPTS"
  REMAINING[$1]="$LEFT"
  rm -rf "$dir"
  echo "bench/delivery: round $1: ${RATES[$1]} deliveries/s, $EVENTS events in ${TOTAL_MS[$1]} ms from start, $FAILED_ATTEMPTS failed attempts, $LEFT rows left" >&2
}

declare -A TOTAL_MS RSS ERRORS REMAINING
for r in $(seq "$ROUNDS"); do run_round "$r"; done

median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR] = $1} END {
  if (NR % 2) m = v[(NR + 1) / 2]; else m = (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.0f\n", m }'; }
MEDIAN="$(echo "${RATES[*]}" | median)"
STAMP="$(date -u +%Y-%m-%dT%H-%M-%SZ)"
COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
DIRTY="$(git -C "$ROOT" status --porcelain 2>/dev/null | grep -q . && echo ' (dirty)' || true)"
CPU="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || echo unknown)"
NGINX_VER="$("$NGINX_BIN" -v 2>&1 | sed 's/^nginx version: //')"
VERDICT="$(awk -v m="$MEDIAN" 'BEGIN { print (m >= 10000 ? "meets" : "misses") }')"

REPORT="$WORK/report.md"
{
  echo "# imhub event delivery benchmark"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), commit $COMMIT$DIRTY"
  echo "- machine: $(nproc) cores, $CPU, $(uname -sr)"
  echo "- outbox: $EVENTS ONIMBOTMESSAGEADD events (payload column ~$AVG_PAYLOAD bytes), $HANDLERS handler URLs, $CHATS chats (order keys)"
  echo "- sink: $NGINX_VER, $NGINX_WORKERS worker(s), \`return 200\`, loopback, keep-alive"
  echo "- imhub: [events] concurrency = $CONCURRENCY, per_handler_concurrency = $PER_HANDLER, log level warn; every"
  echo "  event is a form-encoded POST built at send time; deletions are written back in batches (synchronous=FULL)"
  echo
  echo "| round | deliveries/s | all events delivered after (ms from start) | failed attempts | rows left | RSS MB (mid-run) |"
  echo "|---:|---:|---:|---:|---:|---:|"
  for r in $(seq "$ROUNDS"); do
    echo "| $r | ${RATES[$r]} | ${TOTAL_MS[$r]} | ${ERRORS[$r]} | ${REMAINING[$r]} | ${RSS[$r]} |"
  done
  echo
  echo "Median: **$MEDIAN deliveries/s** (target ≥ 10,000/s: $VERDICT)."
  echo
  echo "Server, sink and this script share the same $(nproc) cores."
} >"$REPORT"

mkdir -p "$RESULTS"
cp "$REPORT" "$RESULTS/delivery-latest.md"
cp "$REPORT" "$RESULTS/delivery-$STAMP.md"
cat "$REPORT"
echo
echo "bench/delivery: written to bench/results/delivery-latest.md and bench/results/delivery-$STAMP.md" >&2
