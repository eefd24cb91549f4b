#!/usr/bin/env bash
# The live chat's benchmark (issue 14), with bench/openlines.mjs as the driver:
#
#   1. VISITORS (1,000) concurrent website visitors, live-chat auth as the widget uses it, write
#      into one line with OPERATORS (20) operators, each connected to the push server; the time
#      from a visitor's im.message.add to the operator's messageChat frame, p50/p99, first with
#      every visitor writing once every PERIOD_MS (5000: people type), then saturated (every
#      visitor writes again as soon as its message reached the operator): messages/s end to end;
#   2. the cost of opening a session (LINES chat, session, the queue's pick) with SMALL (100) and
#      with LARGE (100,000) sessions in the store, seeded with sqlite3 into the stopped store: the
#      first message of FIRST (200) new visitors each, p50/p99 and the server's CPU time per new
#      session (utime + stime of its process, which a busy machine does not inflate as it does the
#      wall clock). Flat means LARGE costs what SMALL does.
#
# Builds nothing: expects build/imhub (or $IMHUB_BINARY), node, npm, sqlite3 and curl (the `ws`
# package comes from bench/push with npm ci). Writes bench/results/openlines-latest.md and a dated
# copy, prints the report.
# Knobs (environment): VISITORS (1000), OPERATORS (20), LOAD_SECONDS (10; not SECONDS, which is bash's own clock), SMALL (100), LARGE (100000),
# FIRST (200), PERIOD_MS (5000), IMHUB_BINARY. A quick look: VISITORS=50 OPERATORS=5 LOAD_SECONDS=3 LARGE=5000 FIRST=30
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${IMHUB_BINARY:-$ROOT/build/imhub}"
VISITORS="${VISITORS:-1000}"
OPERATORS="${OPERATORS:-20}"
SECONDS_LOAD="${LOAD_SECONDS:-10}"
SMALL="${SMALL:-100}"
LARGE="${LARGE:-100000}"
FIRST="${FIRST:-200}"
PERIOD_MS="${PERIOD_MS:-5000}"
RESULTS="$ROOT/bench/results"

die() { echo "bench/openlines: $*" >&2; exit 1; }
[ -x "$BIN" ] || die "$BIN not found; run 'make build' first"
for tool in node npm sqlite3 curl; do command -v "$tool" >/dev/null || die "$tool not found (make bench installs it)"; done
ulimit -Sn "$(ulimit -Hn)" 2>/dev/null || true
( cd "$ROOT/bench/push" && { npm ci --no-audit --no-fund --silent || npm install --no-audit --no-fund --silent; } ) >&2 \
  || die "npm ci in bench/push failed"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/imhub-bench-openlines.XXXXXX")"
IMHUB_PID=""
cleanup() {
  local rc=$?
  # Only the process this script started, by its pid.
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
[livechat]
registers_per_minute = 1000000
messages_per_minute = 1000000
EOF

# A store with OPERATORS operators (webhooks in DIR/hooks) and one line of them (evenly, no
# welcome text, no chat limit), served; sets LINE (run in this shell: it starts imhub).
LINE=""
make_store() {  # dir
  local dir="$1" webhook ids="" id
  webhook="$("$BIN" init --data "$dir" 2>/dev/null | tail -n1 | sed -n 's/.*"webhook":"\([^"]*\)".*/\1/p')"
  : >"$dir/hooks"
  for i in $(seq "$OPERATORS"); do
    id="$("$BIN" user add --name "Operator" --last-name "$i" --data "$dir" | sed -n 's/.*"user_id":\([0-9]*\).*/\1/p')"
    "$BIN" webhook add --user "$id" --scope im,imopenlines,pull,pull_channel --data "$dir" |
      sed -n 's/.*"webhook":"\([^"]*\)".*/\1/p' >>"$dir/hooks"
    ids="$ids${ids:+,}{\"ENTITY_TYPE\":\"user\",\"ENTITY_ID\":$id}"
  done
  start_imhub "$dir"
  LINE="$(curl -sf -H 'Content-Type: application/json' "$BASE${webhook}imopenlines.config.add" \
    -d "{\"PARAMS\":{\"LINE_NAME\":\"Bench\",\"WELCOME_MESSAGE\":\"N\",\"QUEUE_TYPE\":\"evenly\",\"QUEUE\":[$ids]}}" |
    sed -n 's/.*"result":\([0-9]*\).*/\1/p')"
  [ -n "$LINE" ] || die "the line was not created (see $WORK/imhub.log)"
}

# COUNT closed sessions of `line` with their LINES chats and clients, written into the stopped store.
seed_sessions() {  # db line count
  sqlite3 "$1" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $3)
INSERT INTO users (login, name, xml_id, external_auth_id, date_register, timestamp_x)
SELECT 'seeded_client_' || i, 'Client ' || i, 'seeded|' || i, 'imconnector', strftime('%s', 'now'), strftime('%s', 'now') FROM n;
INSERT INTO chats (type, title, author_id, entity_type, entity_id, entity_data_1, entity_data_3, created_at)
SELECT 'L', name || ' - Bench', id, 'LINES', 'seeded|$2|' || id || '|' || id, 'N|NONE|0|N|N|0|0|$2|0|0', 'N',
  strftime('%s', 'now') FROM users WHERE login LIKE 'seeded_client_%';
INSERT INTO chat_members (chat_id, user_id, joined_at)
SELECT id, author_id, strftime('%s', 'now') FROM chats WHERE entity_id LIKE 'seeded|%';
INSERT INTO openline_sessions (line_id, chat_id, user_id, user_code, connector, status, closed, operator_id, answered,
  created_at, modified_at, closed_at)
SELECT $2, id, author_id, entity_id, 'seeded', 60, 1, 0, 1, strftime('%s', 'now'), strftime('%s', 'now'),
  strftime('%s', 'now') FROM chats WHERE entity_id LIKE 'seeded|%';
COMMIT;
SQL
}

REPORT="$WORK/report.md"
STAMP="$(date -u +%Y-%m-%dT%H-%M-%SZ)"

# ---- 1. load ------------------------------------------------------------------------------------
mkdir -p "$WORK/load"
make_store "$WORK/load"
LOAD_JSON="$(node "$ROOT/bench/openlines.mjs" load "$BASE" "$LINE" "$WORK/load/hooks" "$VISITORS" "$SECONDS_LOAD" "$PERIOD_MS")"
stop_imhub

# ---- 2. opening sessions with SMALL and LARGE sessions stored -----------------------------------
first_with() {  # sessions in the store; prints the driver's JSON into $WORK/first-N.json
  local dir="$WORK/first-$1"
  mkdir -p "$dir"
  make_store "$dir"
  stop_imhub
  seed_sessions "$dir/imhub.db" "$LINE" "$1"
  start_imhub "$dir"
  local cpu0 cpu1
  cpu0="$(cpu_ticks "$IMHUB_PID")"
  node "$ROOT/bench/openlines.mjs" first "$BASE" "$LINE" "$FIRST" >"$dir.json"
  cpu1="$(cpu_ticks "$IMHUB_PID")"
  # µs of server CPU per new session (clock ticks → µs), beside the driver's figures.
  echo "$(( (cpu1 - cpu0) * 1000000 / $(getconf CLK_TCK) / FIRST ))" >"$dir.cpu"
  stop_imhub
}
first_with "$SMALL"
first_with "$LARGE"
SMALL_JSON="$(cat "$WORK/first-$SMALL.json")"
LARGE_JSON="$(cat "$WORK/first-$LARGE.json")"

# A field of the driver's JSON by its dotted path ("paced.p50_ms").
field() { node -e "console.log(process.argv[2].split('.').reduce((o,k)=>o[k],JSON.parse(process.argv[1])))" "$1" "$2"; }
ratio() { node -e "console.log((Number(process.argv[2])/Number(process.argv[1])).toFixed(2))" "$1" "$2"; }
SMALL_CPU="$(cat "$WORK/first-$SMALL.cpu")"
LARGE_CPU="$(cat "$WORK/first-$LARGE.cpu")"
{
  echo "# Live chat benchmark ($STAMP)"
  echo
  echo "imhub $("$BIN" --version 2>/dev/null | head -n1 || true), $(nproc) cores, shared machine."
  echo
  echo "## $VISITORS visitors, $OPERATORS operators, ${SECONDS_LOAD} s a phase"
  echo
  echo "Sessions opened per second (every visitor's first message): $(field "$LOAD_JSON" sessions_opened_per_s)."
  echo
  echo "| Phase | messages | messages/s end to end | im.message.add → operator's push p50 | p99 | max |"
  echo "|---|---|---|---|---|---|"
  for phase in paced saturated; do
    label="$phase"
    [ "$phase" = paced ] && label="paced: one message per visitor every $PERIOD_MS ms ($(field "$LOAD_JSON" offered_per_s)/s offered)"
    [ "$phase" = saturated ] && label="saturated: each visitor writes again once heard (latency = queueing)"
    echo "| $label | $(field "$LOAD_JSON" $phase.messages) | $(field "$LOAD_JSON" $phase.messages_per_s) | $(field "$LOAD_JSON" $phase.p50_ms) ms | $(field "$LOAD_JSON" $phase.p99_ms) ms | $(field "$LOAD_JSON" $phase.max_ms) ms |"
  done
  echo
  echo "## Opening a session (LINES chat, session, the queue's pick), $FIRST new visitors"
  echo
  echo "| Sessions in the store | p50 | p99 | server CPU per new session |"
  echo "|---|---|---|---|"
  echo "| $SMALL | $(field "$SMALL_JSON" first_p50_ms) ms | $(field "$SMALL_JSON" first_p99_ms) ms | $SMALL_CPU µs |"
  echo "| $LARGE | $(field "$LARGE_JSON" first_p50_ms) ms | $(field "$LARGE_JSON" first_p99_ms) ms | $LARGE_CPU µs |"
  echo "| ratio | $(ratio "$(field "$SMALL_JSON" first_p50_ms)" "$(field "$LARGE_JSON" first_p50_ms)") | | $(ratio "$SMALL_CPU" "$LARGE_CPU") |"
} >"$REPORT"

mkdir -p "$RESULTS"
cp "$REPORT" "$RESULTS/openlines-latest.md"
cp "$REPORT" "$RESULTS/openlines-$STAMP.md"
cat "$REPORT"
echo
echo "bench/openlines: written to bench/results/openlines-latest.md and bench/results/openlines-$STAMP.md" >&2
