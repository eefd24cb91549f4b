#!/usr/bin/env bash
# What one request costs the server on the io path, in counts that do not move with the load of a
# shared machine: instructions (callgrind, every thread of the server) and system calls (perf's
# raw_syscalls tracepoint on a native run) per request, for server.time, profile and
# im.message.add as bench/run.sh sends them (keep-alive, one request in flight per connection;
# bench/keepalive_load.mjs), on a store seeded as bench/run.sh seeds it.
#
#   bench/io_callgrind.sh BINARY [REQUESTS]      Knobs: CONNS (16), KEEP (keep the dumps), NO_SYSCALLS
#
# Each target is warmed with a few hundred requests, then the counters are zeroed, REQUESTS
# (default 2000) requests are made and the totals divided by REQUESTS. Prints one line per target;
# the callgrind dumps (callgrind_annotate) stay in the work directory with KEEP set.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${1:?usage: bench/io_callgrind.sh BINARY [REQUESTS]}"
REQUESTS="${2:-2000}"
CONNS="${CONNS:-16}"
die() { echo "io callgrind: $*" >&2; exit 1; }
command -v valgrind >/dev/null || die "valgrind not found"
WORK="$(mktemp -d /tmp/imhub-io-cg.XXXXXX)"
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

HOOK="$("$BIN" init --data "$WORK/s" | tail -n1 | sed -n 's/.*"webhook":"\([^"]*\)".*/\1/p')"
[ -n "$HOOK" ] || die "imhub init printed no webhook"
seed_people "$WORK/s/imhub.db" 1000 >/dev/null
seed_chats "$WORK/s/imhub.db" 100 50 1000 >/dev/null
cat >"$WORK/imhub.toml" <<'EOF'
[log]
access_log = false
level = "warn"
EOF
LOAD=(node "$ROOT/bench/keepalive_load.mjs")
TARGETS=("server.time:" "profile:" "im.message.add:message_add")

serve() {  # command prefix...
  PORT="$(free_port)"
  "$@" "$BIN" serve --data "$WORK/s" --listen "127.0.0.1:$PORT" --config "$WORK/imhub.toml" >"$WORK/serve.log" 2>&1 &
  PID=$!
  wait_http "http://127.0.0.1:$PORT/healthz" "$PID" "imhub (see $WORK/serve.log)" 120
}

# Instructions: callgrind over the whole process, a dump per thread (--separate-threads), so the
# io threads (the HTTP path, and the fibers that run request handlers on them) can be told from the
# writer, the syncer and the push publisher, whose work per request depends on how requests
# happened to group under callgrind's slowed clock. Each target's dumps hold only its requests.
serve valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$WORK/cg.out"
dump_no=0
for t in "${TARGETS[@]}"; do
  name="${t%%:*}"; kind="${t#*:}"
  url="http://127.0.0.1:$PORT${HOOK}$name"
  "${LOAD[@]}" "$url" 300 "$CONNS" "$kind" || die "$name failed while warming"
  callgrind_control -z "$PID" >/dev/null 2>&1
  "${LOAD[@]}" "$url" "$REQUESTS" "$CONNS" "$kind" || die "$name failed"
  callgrind_control -d "$name" "$PID" >/dev/null 2>&1
  dump_no=$((dump_no + 1))
  mkdir -p "$WORK/dump-$name"
  for _ in $(seq 50); do compgen -G "$WORK/cg.out.$dump_no-*" >/dev/null && break; sleep 0.1; done
  sleep 0.5  # every thread's file written
  mv "$WORK"/cg.out."$dump_no"-* "$WORK/dump-$name/"
  total=0 io=0
  for f in "$WORK/dump-$name"/*; do
    ir="$(awk '/^(summary|totals):/ {print $2; exit}' "$f")"
    total=$((total + ${ir:-0}))
    # An io thread: it ran the server's coroutines (a thread's outer frames are not in a dump whose
    # period they did not return in).
    grep -q 'HttpServer::Impl::' "$f" && io=$((io + ${ir:-0}))
  done
  printf '%-16s %10.0f Ir/request, io threads %10.0f  (dumps %s)\n' "$name" \
    "$(awk -v t="$total" -v n="$REQUESTS" 'BEGIN {print t / n}')" "$(awk -v t="$io" -v n="$REQUESTS" 'BEGIN {print t / n}')" \
    "$WORK/dump-$name"
done
stop_pid "$PID"
PID=""
[ -n "${NO_SYSCALLS:-}" ] && exit 0

# System calls: a native run (valgrind's own would count), every thread of the process.
command -v perf >/dev/null || die "perf not found (NO_SYSCALLS=1 skips the count)"
serve env
for t in "${TARGETS[@]}"; do
  name="${t%%:*}"; kind="${t#*:}"
  url="http://127.0.0.1:$PORT${HOOK}$name"
  "${LOAD[@]}" "$url" 300 "$CONNS" "$kind" || die "$name failed while warming"
  perf stat -x, -e raw_syscalls:sys_enter -p "$PID" -o "$WORK/perf-$name" &
  perf_pid=$!
  sleep 0.5
  "${LOAD[@]}" "$url" "$REQUESTS" "$CONNS" "$kind" || die "$name failed"
  kill -INT "$perf_pid"
  wait "$perf_pid" || true
  calls="$(awk -F, '$3 ~ /sys_enter/ {print $1}' "$WORK/perf-$name")"
  printf '%-16s %10.2f syscalls/request\n' "$name" "$(awk -v t="$calls" -v n="$REQUESTS" 'BEGIN {print t / n}')"
done
