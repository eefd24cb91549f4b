#!/usr/bin/env bash
# Instructions per im.recent.get / im.recent.list call, counted by callgrind on a server serving
# bench/recent.sh's "200 chats" store: a count, unlike a rate, does not move with the load of a
# shared machine. Each target is called a few times to warm the caches, then the counters are
# zeroed, CALLS calls are made, and the dump's total (every thread of the server) is divided by
# CALLS. Users: 1 (150 group chats of 50 members + 50 dialogs) and 51 (one dialog and 5 groups).
# The last target counts a call that follows a change: before each of CHANGED calls user 2 posts
# into one of user 1's chats (not counted), so user 1's kept list is dropped and rebuilt.
#
# Usage: bench/recent_callgrind.sh BINARY [CALLS]   Knobs: KEEP (set: keep the store and dumps).
# Prints "target Ir/call" lines; the dumps (for callgrind_annotate) are in the work directory.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${1:?usage: bench/recent_callgrind.sh BINARY [CALLS]}"
CALLS="${2:-20}"
die() { echo "recent callgrind: $*" >&2; exit 1; }
command -v valgrind >/dev/null || die "valgrind not found"
WORK="$(mktemp -d /tmp/imhub-recent-cg.XXXXXX)"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
# shellcheck source=bench/seed.sh
source "$ROOT/bench/seed.sh"
PID=""
cleanup() {
  stop_pid "$PID"
  [ -n "${KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

"$BIN" init --data "$WORK/s" >/dev/null 2>&1
seed_people "$WORK/s/imhub.db" 2000 >/dev/null
seed_chats "$WORK/s/imhub.db" 150 50 50 >/dev/null
seed_messages "$WORK/s/imhub.db" 20000 >/dev/null
sqlite3 "$WORK/s/imhub.db" "INSERT INTO chat_members (chat_id, user_id, joined_at)
  SELECT id, 51, strftime('%s', 'now') FROM chats WHERE type = 'C' AND id <= 5;"
hook() { "$BIN" webhook add --data "$WORK/s" --user "$1" --scope im | sed -n 's/.*"webhook":"\([^"]*\)".*/\1/p'; }
HOOK1="$(hook 1)"
HOOK51="$(hook 51)"
HOOK2="$(hook 2)"
cat >"$WORK/imhub.toml" <<'EOF'
[log]
level = "warn"
[tls]
listen = "off"
[web]
root = "off"
[rate_limit]
enabled = false
EOF
PORT="$(free_port)"
valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.out" \
  "$BIN" serve --data "$WORK/s" --listen "127.0.0.1:$PORT" --config "$WORK/imhub.toml" >"$WORK/serve.log" 2>&1 &
PID=$!
for _ in $(seq 600); do
  curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break
  kill -0 "$PID" 2>/dev/null || die "server exited (see $WORK/serve.log)"
  sleep 0.2
done

n=0
for t in "1:im.recent.get" "1:im.recent.list?LIMIT=200" "1:im.recent.list" "51:im.recent.get" "51:im.recent.list"; do
  user="${t%%:*}"; method="${t#*:}"
  hook_var="HOOK$user"
  url="http://127.0.0.1:$PORT${!hook_var}$method"
  for _ in 1 2 3; do curl -sf -o "$WORK/answer" "$url" || die "$t failed"; done
  callgrind_control -z "$PID" >/dev/null 2>&1
  for _ in $(seq "$CALLS"); do curl -sf -o /dev/null "$url"; done
  n=$((n + 1))
  callgrind_control -d "user$user-$n" "$PID" >/dev/null 2>&1
  dump="$(ls -t "$WORK"/cg.out.* | head -1)"
  total="$(awk '/^(summary|totals):/ {print $2; exit}' "$dump")"
  cp "$dump" "$WORK/dump-$n"
  printf '%-32s %12.0f Ir/call  (%s bytes, dump %s)\n' "user $user $method" "$(awk -v t="$total" -v n="$CALLS" \
    'BEGIN {print t / n}')" "$(wc -c <"$WORK/answer")" "$WORK/dump-$n"
done

# After a change: a message into chat 1 (uncounted), then one counted call, CHANGED times.
url="http://127.0.0.1:$PORT${HOOK1}im.recent.get"
post="http://127.0.0.1:$PORT${HOOK2}im.message.add?DIALOG_ID=chat1&MESSAGE=news"
sum=0
for i in $(seq "${CHANGED:-5}"); do
  curl -sf -o /dev/null "$post" || die "im.message.add failed"
  sleep 2  # what the message sets off after its answer (push, previews) is not counted
  callgrind_control -z "$PID" >/dev/null 2>&1
  curl -sf -o "$WORK/answer" "$url"
  callgrind_control -d "changed-$i" "$PID" >/dev/null 2>&1
  dump="$(ls -t "$WORK"/cg.out.* | head -1)"
  cp "$dump" "$WORK/dump-changed-$i"
  sum=$((sum + $(awk '/^(summary|totals):/ {print $2; exit}' "$dump")))
done
printf '%-32s %12.0f Ir/call  (%s bytes, dumps %s)\n' "user 1 im.recent.get after a message" \
  "$(awk -v t="$sum" -v n="${CHANGED:-5}" 'BEGIN {print t / n}')" "$(wc -c <"$WORK/answer")" "$WORK/dump-changed-*"
