#!/usr/bin/env bash
# Open Channels: the cost of starting a session through the queue (issue 14) with 100, 10,000 and
# 100,000 sessions already in the store. Builds nothing: expects build/imhub (or $IMHUB_BINARY).
#
# One line of OL_OPERATORS (20) operators, QUEUE_TYPE evenly, MAX_CHAT 50 (so every distribution
# counts each operator's open sessions). For each size a copy of the same store is seeded with
# sqlite3 while no server runs: that many sessions of that many connector clients, each with its
# LINES chat, members, a notice, the client's and the operator's message; OL_OPEN_PER_OPERATOR (3)
# sessions per operator are open (answered, waiting for the client), the rest closed — a line's
# history grows, its open sessions do not. Then OL_CLIENTS (300) new clients write one message
# each through imconnector.send.messages, one after another (after OL_WARMUP, 30, uncounted): each
# call makes the connector user, the LINES chat and the session, and distributes it. The report
# gives p50/p99/mean per size and their ratio to the 100-session figure (flat = 1.0).
#
# Knobs: OL_SIZES ("100 10000 100000"), OL_CLIENTS, OL_WARMUP, OL_OPERATORS, OL_OPEN_PER_OPERATOR,
# IMHUB_BINARY. Writes bench/results/openlines-distribution-latest.md and a dated copy.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${IMHUB_BINARY:-$ROOT/build/imhub}"
SIZES="${OL_SIZES:-100 10000 100000}"
CLIENTS="${OL_CLIENTS:-300}"
WARMUP="${OL_WARMUP:-30}"
OPERATORS="${OL_OPERATORS:-20}"
OPEN_PER_OPERATOR="${OL_OPEN_PER_OPERATOR:-3}"
RESULTS="$ROOT/bench/results"

die() { echo "bench: $*" >&2; exit 1; }
[ -x "$BIN" ] || die "$BIN not found; run 'make build' first"
command -v sqlite3 >/dev/null || die "sqlite3 not found"
command -v node >/dev/null || die "node not found"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/imhub-bench-ol.XXXXXX")"
IMHUB_PID=""
cleanup() {
  local rc=$?
  # Only the server this script started, by its pid.
  stop_pid "$IMHUB_PID"
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

cat >"$WORK/imhub.toml" <<EOF
[log]
access_log = false
level = "warn"
[events]
allow_private = true
EOF
json_field() { sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\).*/\1/p" <<<"$2"; }

# ---- the common store: operators, the connector application, the line -----------------------
mkdir -p "$WORK/base"
WEBHOOK="$("$BIN" init --data "$WORK/base" | tail -n1 | sed -n 's/.*"webhook":"\([^"]*\)".*/\1/p')"
[ -n "$WEBHOOK" ] || die "imhub init printed no webhook"
OPERATOR_IDS=""
for i in $(seq "$OPERATORS"); do
  id="$(json_field user_id "$("$BIN" user add --name "Operator $i" --data "$WORK/base")")"
  OPERATOR_IDS+="${OPERATOR_IDS:+,}$id"
done
APP="$("$BIN" app add --name Bench --handler http://127.0.0.1:9/app --scope imopenlines,imconnector \
  --redirect-uri http://127.0.0.1:9/callback --data "$WORK/base")"
APP_ID="$(json_field app_id "$APP")"
"$BIN" app install "$APP_ID" --user 1 --data "$WORK/base" >/dev/null
start_imhub "$WORK/base"
SETUP="$(node "$ROOT/bench/openlines_distribution.mjs" setup "$BASE" "$WEBHOOK" "$(json_field client_id "$APP")" \
  "$(json_field client_secret "$APP")" "$OPERATOR_IDS")"
LINE="$(json_field line "$SETUP")"
TOKEN="$(json_field token "$SETUP")"
[ -n "$LINE" ] && [ -n "$TOKEN" ] || die "set-up failed: $SETUP"
stop_imhub
sqlite3 "$WORK/base/imhub.db" "UPDATE openlines SET settings = json_set(settings, '\$.MAX_CHAT', '50') WHERE id = $LINE"

# seed_sessions DB N: N sessions of N new connector clients on the line (see the header).
seed_sessions() {
  local open=$((OPERATORS * OPEN_PER_OPERATOR))
  sqlite3 "$1" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
PRAGMA cache_size = -200000;
BEGIN;
CREATE TEMP TABLE ops AS SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS k FROM users WHERE id IN ($OPERATOR_IDS);
CREATE TEMP TABLE n AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2) SELECT i FROM n;
INSERT INTO users (login, name, last_name, xml_id, external_auth_id, date_register, timestamp_x)
SELECT 'imconnector_seed' || i, 'Client', 'Seeded ' || i, 'benchconn|seed-' || i, 'imconnector',
  strftime('%s', 'now'), strftime('%s', 'now') FROM n;
-- Correlated subqueries keep every lookup on an index (a join of the temp tables may not).
CREATE TEMP TABLE s AS
SELECT n.i, (SELECT id FROM users WHERE xml_id = 'benchconn|seed-' || n.i AND external_auth_id = 'imconnector') AS client,
  'benchconn|$LINE|chan-seed-' || n.i || '|seed-' || n.i AS code,
  n.i > $2 - $open AS open, (SELECT id FROM ops WHERE k = n.i % $OPERATORS) AS op,
  strftime('%s', 'now') - ($2 - n.i) * 60 AS at
FROM n;
INSERT INTO chats (type, title, author_id, entity_type, entity_id, entity_data_3, created_at)
SELECT 'L', 'Client Seeded ' || i || ' - Bench line', client, 'LINES', code, 'N', at FROM s;
CREATE TEMP TABLE sc AS
SELECT s.*, (SELECT id FROM chats WHERE entity_type = 'LINES' AND entity_id = s.code) AS chat FROM s;
INSERT INTO chat_members (chat_id, user_id, joined_at) SELECT chat, client, at FROM sc;
INSERT INTO chat_members (chat_id, user_id, joined_at) SELECT chat, op, at FROM sc WHERE open;
INSERT INTO messages (chat_id, seq, author_id, text, params, system, created_at)
SELECT chat, 1, 0, 'Dialog started', '{"CLASS":"bx-messenger-content-item-system"}', 1, at FROM sc;
INSERT INTO messages (chat_id, seq, author_id, text, created_at) SELECT chat, 2, client, 'Hello, I need help', at FROM sc;
INSERT INTO messages (chat_id, seq, author_id, text, created_at) SELECT chat, 3, op, 'How can I help?', at + 30 FROM sc;
UPDATE chats SET last_seq = 3, last_message_id = (SELECT MAX(id) FROM messages WHERE chat_id = chats.id),
  last_message_at = created_at + 30 WHERE entity_type = 'LINES';
INSERT INTO openline_sessions (line_id, chat_id, user_id, user_code, connector, status, closed, operator_id, answered,
  first_message_id, created_at, modified_at, operator_at, answered_at, closed_at)
SELECT $LINE, chat, client, code, 'benchconn', CASE WHEN open THEN 40 ELSE 60 END, NOT open, op, 1,
  (SELECT MIN(id) FROM messages WHERE chat_id = sc.chat), at, at + 30, at, at + 30, CASE WHEN open THEN 0 ELSE at + 600 END
FROM sc;
UPDATE chats SET entity_data_1 = 'N|NONE|0|N|N|' || (SELECT id FROM openline_sessions WHERE chat_id = chats.id) || '|'
  || created_at || '|$LINE|0|0' WHERE entity_type = 'LINES';
INSERT OR REPLACE INTO openline_turns (line_id, user_id, turn) SELECT $LINE, id, k + 1 FROM ops;
COMMIT;
SQL
}

declare -A P50 P99 MEAN MAX RATE OPEN CLOSED SYSCR
for n in $SIZES; do
  rm -rf "$WORK/run"
  cp -r "$WORK/base" "$WORK/run"
  echo "bench: seeding $n sessions" >&2
  seed_sessions "$WORK/run/imhub.db" "$n"
  OPEN[$n]="$(sqlite3 "$WORK/run/imhub.db" 'SELECT COUNT(*) FROM openline_sessions WHERE closed = 0')"
  CLOSED[$n]="$(sqlite3 "$WORK/run/imhub.db" 'SELECT COUNT(*) FROM openline_sessions WHERE closed = 1')"
  start_imhub "$WORK/run"
  echo "bench: $CLIENTS new clients into a store of $n sessions" >&2
  # The server's read syscalls per new session: a query scanning the store would show here as reads
  # growing with it; page-cache misses as a few more.
  READS_BEFORE="$(awk '/^syscr:/ {print $2}' "/proc/$IMHUB_PID/io")"
  OUT="$(node "$ROOT/bench/openlines_distribution.mjs" measure "$BASE" "$TOKEN" "$LINE" "$CLIENTS" "$WARMUP")"
  READS_AFTER="$(awk '/^syscr:/ {print $2}' "/proc/$IMHUB_PID/io")"
  SYSCR[$n]="$(awk -v a="$READS_BEFORE" -v b="$READS_AFTER" -v c="$((CLIENTS + WARMUP))" 'BEGIN { printf "%.1f", (b - a) / c }')"
  kill -0 "$IMHUB_PID" 2>/dev/null || die "imhub died: $(tail -5 "$WORK/imhub.log")"
  stop_imhub
  P50[$n]="$(json_field p50_ms "$OUT")"
  P99[$n]="$(json_field p99_ms "$OUT")"
  MEAN[$n]="$(json_field mean_ms "$OUT")"
  MAX[$n]="$(json_field max_ms "$OUT")"
  RATE[$n]="$(json_field per_second "$OUT")"
done

FIRST="${SIZES%% *}"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
STAMP="$(date -u +%Y-%m-%dT%H-%M-%SZ)"
COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
DIRTY="$(git -C "$ROOT" status --porcelain 2>/dev/null | grep -q . && echo ' (dirty)' || true)"
CPU="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || echo unknown)"
REPORT="$WORK/report.md"
{
  echo "# imhub benchmark: Open Channels session distribution"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), commit $COMMIT$DIRTY"
  echo "- machine: $(nproc) cores, $CPU, $(uname -sr); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- one line, $OPERATORS operators, QUEUE_TYPE evenly, MAX_CHAT 50; $CLIENTS new clients per size, one after"
  echo "  another (after $WARMUP uncounted), each one imconnector.send.messages that creates the connector user, the"
  echo "  LINES chat and the session and distributes it; the store seeded with sqlite3 before each run"
  echo
  echo "| sessions in the store | open | closed | p50 ms | p99 ms | mean ms | max ms | sessions/s | p50 / first | mean / first | read syscalls per session |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for n in $SIZES; do
    echo "| $n | ${OPEN[$n]} | ${CLOSED[$n]} | ${P50[$n]} | ${P99[$n]} | ${MEAN[$n]} | ${MAX[$n]} | ${RATE[$n]} |" \
      "$(ratio "${P50[$n]}" "${P50[$FIRST]}") | $(ratio "${MEAN[$n]}" "${MEAN[$FIRST]}") | ${SYSCR[$n]} |"
  done
  echo
  echo "Each figure is the whole REST call (HTTP, the durable commit, the outbox events); client and server share"
  echo "the machine. Flat means the ratios stay near 1.0 as the store grows."
} >"$REPORT"
mkdir -p "$RESULTS"
cp "$REPORT" "$RESULTS/openlines-distribution-latest.md"
cp "$REPORT" "$RESULTS/openlines-distribution-$STAMP.md"
cat "$REPORT"
echo "bench: written to bench/results/openlines-distribution-latest.md and bench/results/openlines-distribution-$STAMP.md" >&2
