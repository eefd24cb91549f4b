#!/usr/bin/env bash
# CPU per durable im.message.add for two imhub binaries, in interleaved rounds of the same run:
# the writer thread's utime+stime (/proc/PID/task/TID/stat, the thread named imhub-writer) and the
# whole process's, each divided by the messages written in the round (the growth of
# MAX(messages.id)). CPU time survives a noisy, shared machine far better than requests/s.
#
#   bash bench/writer_cpu.sh BEFORE_BINARY [AFTER_BINARY]     (AFTER defaults to build/imhub)
#
# Each binary gets its own store seeded as bench/run.sh seeds it (100 group chats of 50 members,
# 1,000 private dialogs; bench/message_add.lua writes to both in turn). Knobs (environment):
# ROUNDS (3), WRK_DURATION (10s), WRK_CONNECTIONS (64), WRK_THREADS (2), and BEFORE_ENV /
# AFTER_ENV: extra environment for one server, e.g. AFTER_ENV="LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libmimalloc.so.2"
# or AFTER_ENV="MALLOC_ARENA_MAX=2" to compare allocators with one binary (pass it twice).
# Writes bench/results/writer-cpu-<UTC stamp>.md and writer-cpu-latest.md and prints the table.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BEFORE="${1:?usage: writer_cpu.sh BEFORE_BINARY [AFTER_BINARY]}"
AFTER="${2:-$ROOT/build/imhub}"
ROUNDS="${ROUNDS:-3}"
DURATION="${WRK_DURATION:-10s}"
CONNS="${WRK_CONNECTIONS:-64}"
THREADS="${WRK_THREADS:-2}"
RESULTS="$ROOT/bench/results"
TICK="$(getconf CLK_TCK)"

die() { echo "writer_cpu: $*" >&2; exit 1; }
for b in "$BEFORE" "$AFTER"; do [ -x "$b" ] || die "$b is not an executable"; done
command -v wrk >/dev/null || die "wrk not found (make bench installs it)"
command -v sqlite3 >/dev/null || die "sqlite3 not found"

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
# shellcheck source=bench/seed.sh
. "$ROOT/bench/seed.sh"
make_work_dir writer-cpu

cat >"$WORK/imhub.toml" <<EOF
[log]
access_log = false
level = "warn"
EOF

declare -A PID BASE HOOK DB
start() {  # name binary extra-env
  start_seeded_imhub "$@" || die "$1 did not start"
  PID[$1]=$SEEDED_PID
  BASE[$1]=$SEEDED_BASE
  HOOK[$1]=$SEEDED_HOOK
  DB[$1]=$SEEDED_DB
}

writer_tid() {  # pid
  local t
  for t in /proc/"$1"/task/*; do
    [ "$(cat "$t/comm" 2>/dev/null)" = imhub-writer ] && { basename "$t"; return 0; }
  done
  die "no thread named imhub-writer in $1 (a binary older than the thread names?)"
}
# utime + stime in clock ticks, from a stat line (the name in parentheses may hold spaces).
ticks() { sed 's/^.*) //' "$1" | awk '{print $12 + $13}'; }
max_id() { sqlite3 "$1" 'SELECT COALESCE(MAX(id), 0) FROM messages'; }
metric() {  # base name: a counter from /metrics (0 when the binary has none)
  curl -s "$1/metrics" | awk -v n="$2" '$1 == n {v = $2} END {print v + 0}'
}

start before "$BEFORE" "${BEFORE_ENV:-}"
start after "$AFTER" "${AFTER_ENV:-}"

declare -A W_US P_US RPS P99 MSGS SYNCS CKPT UNITS ALL_FSYNC WAL_MB
DURATION_S="$(awk -v d="$DURATION" 'BEGIN { n = d + 0; if (d ~ /m$/) n *= 60; print n }')"
PERF=""
command -v perf >/dev/null && perf stat -e syscalls:sys_enter_fdatasync true >/dev/null 2>&1 && PERF=1
to_ms() {
  awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; printf "%.2f", n }'
}
measure() {  # name round
  local name="$1" key="$1:$2" pid="${PID[$1]}" tid w0 p0 m0 u0 n0 out secs
  tid="$(writer_tid "$pid")"
  w0="$(ticks "/proc/$pid/task/$tid/stat")"; p0="$(ticks "/proc/$pid/stat")"; m0="$(max_id "${DB[$name]}")"
  u0="$(metric "${BASE[$name]}" imhub_store_commit_units_sum)"; n0="$(metric "${BASE[$name]}" imhub_store_commit_units_count)"
  echo "writer_cpu: round $2, $name: wrk -t$THREADS -c$CONNS -d$DURATION" >&2
  # The fsyncs of each thread, where perf may count system calls: the syncer's make commits
  # durable; the checkpointer makes two per checkpoint (the WAL, then the database file).
  local perf_pid=""
  if [ -n "$PERF" ]; then
    perf stat --per-thread -x, -e syscalls:sys_enter_fdatasync,syscalls:sys_enter_fsync -p "$pid" \
      -o "$WORK/perf-$key" -- sleep "$DURATION_S" 2>/dev/null &
    perf_pid=$!
  fi
  out="$(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s "$ROOT/bench/message_add.lua" \
    "${BASE[$name]}${HOOK[$name]}im.message.add" -- 1 100 2 1000)"
  [ -n "$perf_pid" ] && wait "$perf_pid" 2>/dev/null
  ALL_FSYNC[$key]="-"; SYNCS[$key]="-"; CKPT[$key]="-"
  if [ -n "$perf_pid" ]; then
    # Lines: <thread name>-<tid>,<count>,,<event>,...
    ALL_FSYNC[$key]="$(awk -F, -v s="$DURATION_S" '$2 ~ /^[0-9]+$/ {n += $2} END {printf "%.0f", n / s}' "$WORK/perf-$key")"
    SYNCS[$key]="$(awk -F, -v s="$DURATION_S" '$1 ~ /^imhub-syncer-/ && $2 ~ /^[0-9]+$/ {n += $2} END {printf "%.0f", n / s}' "$WORK/perf-$key")"
    CKPT[$key]="$(awk -F, '$1 ~ /^imhub-ckpt-/ && $2 ~ /^[0-9]+$/ {n += $2} END {printf "%.0f", n / 2}' "$WORK/perf-$key")"
  fi
  WAL_MB[$key]="$(awk -v b="$(stat -c %s "${DB[$name]}-wal" 2>/dev/null || echo 0)" 'BEGIN { printf "%.0f", b / 1048576 }')"
  local w1 p1 m1 u1 n1
  w1="$(ticks "/proc/$pid/task/$tid/stat")"; p1="$(ticks "/proc/$pid/stat")"; m1="$(max_id "${DB[$name]}")"
  u1="$(metric "${BASE[$name]}" imhub_store_commit_units_sum)"; n1="$(metric "${BASE[$name]}" imhub_store_commit_units_count)"
  secs="$DURATION_S"
  MSGS[$key]=$((m1 - m0))
  [ "${MSGS[$key]}" -gt 0 ] || die "$name wrote no messages in round $2"
  W_US[$key]="$(awk -v t=$((w1 - w0)) -v hz="$TICK" -v n="${MSGS[$key]}" 'BEGIN { printf "%.2f", t / hz * 1e6 / n }')"
  P_US[$key]="$(awk -v t=$((p1 - p0)) -v hz="$TICK" -v n="${MSGS[$key]}" 'BEGIN { printf "%.2f", t / hz * 1e6 / n }')"
  RPS[$key]="$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' <<<"$out")"
  P99[$key]="$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")"
  UNITS[$key]="$(awk -v a="$u0" -v b="$u1" -v c="$n0" -v d="$n1" 'BEGIN { if (d > c) printf "%.1f", (b - a) / (d - c); else print "-" }')"
}

for round in $(seq "$ROUNDS"); do
  # Alternate who goes first, so a drift in the machine's load does not favour one side.
  if [ $((round % 2)) -eq 1 ]; then order=(before after); else order=(after before); fi
  for name in "${order[@]}"; do measure "$name" "$round"; done
done
for name in before after; do kill -0 "${PID[$name]}" 2>/dev/null || die "$name died: $(tail -5 "$WORK/$name.log")"; done

median() { tr ' ' '\n' | grep -v '^-*$' | sort -g | awk '{v[NR] = $1} END {
  if (NR == 0) { print "-"; exit } if (NR % 2) m = v[(NR + 1) / 2]; else m = (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f\n", m }'; }
rounds_of() {  # array name
  local -n arr="$1"; local r out=""
  for r in $(seq "$ROUNDS"); do out+="${arr[$2:$r]} "; done
  echo "${out% }"
}

STAMP="$(date -u +%Y-%m-%dT%H-%M-%SZ)"
REPORT="$WORK/report.md"
{
  echo "# Writer CPU per message: im.message.add"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "- machine: $(nproc) cores, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), shared"
  echo "- load: wrk -t$THREADS -c$CONNS -d$DURATION, bench/message_add.lua (100 group chats of 50, 1,000 dialogs), $ROUNDS interleaved rounds; medians"
  echo "- BEFORE: $BEFORE${BEFORE_ENV:+ ($BEFORE_ENV)}"
  echo "- AFTER: $AFTER${AFTER_ENV:+ ($AFTER_ENV)}"
  echo
  echo "| binary | writer µs/msg | process µs/msg | msg/s | p99 ms | commit fsyncs/s | all fsyncs/s | checkpoints/round | units/commit | WAL MB after | writer µs per round | process µs per round |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"
  for name in before after; do
    echo "| ${name^^} | $(rounds_of W_US "$name" | median) | $(rounds_of P_US "$name" | median) | $(rounds_of RPS "$name" | median) |" \
      "$(rounds_of P99 "$name" | median) | $(rounds_of SYNCS "$name" | median) | $(rounds_of ALL_FSYNC "$name" | median) |" \
      "$(rounds_of CKPT "$name" | median) | $(rounds_of UNITS "$name" | median) | $(rounds_of WAL_MB "$name" | median) |" \
      "$(rounds_of W_US "$name") | $(rounds_of P_US "$name") |"
  done
  echo
  echo "Every answer follows the fdatasync that covers its commit. CPU is utime+stime at the kernel's $TICK Hz tick;"
  echo "messages are the growth of MAX(messages.id) over the round. fsyncs are counted per thread with perf (fdatasync"
  echo "and fsync system calls; - where perf may not trace): commit fsyncs are the syncer thread's, all fsyncs the process's,"
  echo "checkpoints half the checkpointer thread's (each syncs the WAL and the database). Units/commit from /metrics."
  echo "WAL MB: the -wal file after the round."
} >"$REPORT"
mkdir -p "$RESULTS"
cp "$REPORT" "$RESULTS/writer-cpu-$STAMP.md"
cp "$REPORT" "$RESULTS/writer-cpu-latest.md"
cat "$REPORT"
