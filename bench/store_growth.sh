#!/usr/bin/env bash
# The p99 of durable im.message.add as one store grows under back-to-back floods, for two imhub
# binaries in interleaved rounds of the same run: each binary keeps its own store, seeded as
# bench/run.sh seeds it, and round after round both grow by about 10 MB. A round's row gives the
# rate, p50 and p99 (wrk -c64) and the database and WAL sizes after it.
#
#   bash bench/store_growth.sh BEFORE_BINARY [AFTER_BINARY]     (AFTER defaults to build/imhub)
#
# Knobs (environment): ROUNDS (7), WRK_DURATION (8s), WRK_CONNECTIONS (64), BEFORE_ENV / AFTER_ENV.
# Writes bench/results/store-growth-<UTC stamp>.md and prints it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BEFORE="${1:?usage: store_growth.sh BEFORE_BINARY [AFTER_BINARY]}"
AFTER="${2:-$ROOT/build/imhub}"
ROUNDS="${ROUNDS:-7}"
DURATION="${WRK_DURATION:-8s}"
CONNS="${WRK_CONNECTIONS:-64}"

die() { echo "store_growth: $*" >&2; exit 1; }
for b in "$BEFORE" "$AFTER"; do [ -x "$b" ] || die "$b is not an executable"; done
command -v wrk >/dev/null || die "wrk not found (make bench installs it)"

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
# shellcheck source=bench/seed.sh
. "$ROOT/bench/seed.sh"
make_work_dir store-growth

printf '[log]\naccess_log = false\nlevel = "warn"\n' >"$WORK/imhub.toml"

declare -A URL DB ROW
start() {  # name binary extra-env
  start_seeded_imhub "$@" || die "$1 did not start"
  URL[$1]="$SEEDED_BASE${SEEDED_HOOK}im.message.add"
  DB[$1]=$SEEDED_DB
}
mb() { awk -v b="$(stat -c %s "$1" 2>/dev/null || echo 0)" 'BEGIN { printf "%.0f", b / 1048576 }'; }

start before "$BEFORE" "${BEFORE_ENV:-}"
start after "$AFTER" "${AFTER_ENV:-}"

for round in $(seq "$ROUNDS"); do
  # Alternate who goes first, so a drift in the machine's load does not favour one side.
  if [ $((round % 2)) -eq 1 ]; then order=(before after); else order=(after before); fi
  for name in "${order[@]}"; do
    echo "store_growth: round $round, $name" >&2
    out="$(wrk -t2 -c"$CONNS" -d"$DURATION" --latency -s "$ROOT/bench/message_add.lua" "${URL[$name]}" -- 1 100 2 1000)"
    ROW[$name:$round]="$(awk '/^Requests\/sec:/ {r = $2} $1 == "50%" {p50 = $2} $1 == "99%" {p99 = $2}
      END {printf "%.0f | %s | %s", r, p50, p99}' <<<"$out") | $(mb "${DB[$name]}") | $(mb "${DB[$name]}-wal")"
  done
done

mkdir -p "$ROOT/bench/results"
stamp="$(date -u +%Y-%m-%dT%H-%M-%SZ)"
report="$ROOT/bench/results/store-growth-$stamp.md"
{
  echo "# p99 as the store grows: im.message.add floods into one store"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S') UTC, commit $(git -C "$ROOT" rev-parse --short HEAD)"
  echo "- machine: $(nproc) cores, shared"
  echo "- load: wrk -t2 -c$CONNS -d$DURATION a round, bench/message_add.lua (100 group chats of 50, 1,000 dialogs);"
  echo "  $ROUNDS interleaved rounds, each binary on its own store, which grows from round to round"
  echo "- BEFORE: $BEFORE ${BEFORE_ENV:-}"
  echo "- AFTER: $AFTER ${AFTER_ENV:-}"
  echo
  echo "| round | binary | msg/s | p50 | p99 | database MB after | WAL MB after |"
  echo "|---:|---|---:|---:|---:|---:|---:|"
  for round in $(seq "$ROUNDS"); do
    for name in before after; do echo "| $round | $name | ${ROW[$name:$round]} |"; done
  done
} >"$report"
cat "$report"
