#!/usr/bin/env bash
# im.recent.get / im.recent.list before and after, interleaved: two binaries on two copies of the
# same seeded store, measured in turns (ROUNDS rounds of every target on each binary), so the
# noise of a shared machine falls on both alike. Per target and binary: requests/s and p50 from
# wrk -c8, and the server's CPU time per completed call (utime + stime from /proc/PID/stat over
# the requests wrk finished). Prints a Markdown table of medians and after/before ratios.
#
# Stores: "200 chats" is user 1 in 150 group chats of 50 members and 50 dialogs at 20k messages
# (2,000 users); "bench reader" is bench/run.sh's reads store (10k users, 100 group chats of 50,
# 1,000 dialogs of user 1, 10k messages in the group chats) read as its reader, user 2.
#
# Usage: bench/recent.sh AFTER_BINARY BEFORE_BINARY   (AFTER defaults to build/imhub when given as "")
# Knobs: ROUNDS (5), DURATION (4s), WRK_THREADS (2), KEEP (set: keep the stores and logs in /tmp).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AFTER="${1:-$ROOT/build/imhub}"
BEFORE="${2:-}"
ROUNDS="${ROUNDS:-5}"
DURATION="${DURATION:-4s}"
THREADS="${WRK_THREADS:-2}"
die() { echo "recent bench: $*" >&2; exit 1; }
[ -n "$BEFORE" ] || die "usage: bench/recent.sh AFTER_BINARY BEFORE_BINARY (e.g. a build of an older commit)"
for b in "$AFTER" "$BEFORE"; do [ -x "$b" ] || die "$b not found"; done
command -v wrk >/dev/null || die "wrk not found"
WORK="$(mktemp -d /tmp/imhub-recent-bench.XXXXXX)"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
# shellcheck source=bench/seed.sh
source "$ROOT/bench/seed.sh"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  [ -n "${KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

hook_of() { "$AFTER" webhook add --data "$1" --user "$2" --scope im | sed -n 's/.*"webhook":"\([^"]*\)".*/\1/p'; }

# Seeded once with the new binary (its migrations run first), then copied for the old one.
seed_store() {  # dir users groups members dialogs messages [in_first_chats]
  "$AFTER" init --data "$1" >/dev/null
  seed_people "$1/imhub.db" "$2" >/dev/null
  seed_chats "$1/imhub.db" "$3" "$4" "$5" >/dev/null
  seed_messages "$1/imhub.db" "$6" ${7:+"$7"} >/dev/null
}
echo "recent bench: seeding in $WORK" >&2
seed_store "$WORK/s200" 2000 150 50 50 20000
seed_store "$WORK/reader" 10000 100 50 1000 10000 100
HOOK_s200="$(hook_of "$WORK/s200" 1)"
HOOK_reader="$(hook_of "$WORK/reader" 2)"
for s in s200 reader; do cp -r "$WORK/$s" "$WORK/$s-before"; done

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

declare -A PORT
start() {  # name binary dir
  local port; port="$(free_port)"
  "$2" serve --data "$3" --listen "127.0.0.1:$port" --config "$WORK/imhub.toml" >>"$WORK/$1.log" 2>&1 &
  PIDS+=($!)
  eval "PID_$1=$!"
  PORT[$1]=$port
  wait_http "http://127.0.0.1:$port/healthz" "$!" "$1"
}
start s200_after "$AFTER" "$WORK/s200"
start s200_before "$BEFORE" "$WORK/s200-before"
start reader_after "$AFTER" "$WORK/reader"
start reader_before "$BEFORE" "$WORK/reader-before"

to_ms() {  # wrk's latency (us, ms, s) in milliseconds
  awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; printf "%.3f", n }'
}
TCK="$(getconf CLK_TCK)"
declare -A RPS P50 CPU
targets=("s200:im.recent.get" "s200:im.recent.list?LIMIT=200" "s200:im.recent.list" "reader:im.recent.get")
for r in $(seq "$ROUNDS"); do
  for t in "${targets[@]}"; do
    store="${t%%:*}"; method="${t#*:}"
    hook_var="HOOK_$store"
    for side in before after; do
      name="${store}_$side"; pid_var="PID_$name"; pid="${!pid_var}"
      url="http://127.0.0.1:${PORT[$name]}${!hook_var}$method"
      curl -sf -o /dev/null "$url" || die "$name $method failed"
      c0="$(cpu_ticks "$pid")"
      out="$(wrk -t"$THREADS" -c8 -d"$DURATION" --latency "$url")"
      c1="$(cpu_ticks "$pid")"
      n="$(awk '/requests in/ {print $1}' <<<"$out")"
      RPS[$t:$side:$r]="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
      P50[$t:$side:$r]="$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")"
      CPU[$t:$side:$r]="$(awk -v c="$((c1 - c0))" -v n="$n" -v hz="$TCK" 'BEGIN {printf "%.0f", c / hz * 1e6 / n}')"
      echo "recent bench: round $r $t $side: ${RPS[$t:$side:$r]} req/s, p50 ${P50[$t:$side:$r]} ms, ${CPU[$t:$side:$r]} µs CPU/call" >&2
    done
  done
done

median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR] = $1} END {
  if (NR % 2) m = v[(NR + 1) / 2]; else m = (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f\n", m }'; }
series() {  # array target side
  local -n arr="$1"; local r out=""
  for r in $(seq "$ROUNDS"); do out+="${arr[$2:$3:$r]} "; done
  echo "$out"
}
ratio_series() {  # array target: after/before per round
  local -n arr="$1"; local r out=""
  for r in $(seq "$ROUNDS"); do out+="$(awk -v a="${arr[$2:after:$r]}" -v b="${arr[$2:before:$r]}" \
    'BEGIN {printf "%.3f", a / b}') "; done
  echo "$out"
}
echo "| target | req/s before | req/s after | × | p50 ms before | p50 ms after | CPU µs/call before | CPU µs/call after | CPU × less |"
echo "|---|---|---|---|---|---|---|---|---|"
for t in "${targets[@]}"; do
  cpu_less="$(for r in $(seq "$ROUNDS"); do awk -v a="${CPU[$t:after:$r]}" -v b="${CPU[$t:before:$r]}" \
    'BEGIN {printf "%.3f ", b / a}'; done | median)"
  echo "| $t | $(series RPS "$t" before | median) | $(series RPS "$t" after | median) |" \
    "$(ratio_series RPS "$t" | median) | $(series P50 "$t" before | median) | $(series P50 "$t" after | median) |" \
    "$(series CPU "$t" before | median) | $(series CPU "$t" after | median) | $cpu_less |"
done
