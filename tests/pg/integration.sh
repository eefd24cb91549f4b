#!/usr/bin/env bash
# Runs integration test files against a private PostgreSQL server (run.sh), each file on its own,
# and prints one line per file: "file pass N fail M" (the TAP totals), then the totals; exits 1
# when a file failed (its log is printed) or ended without totals.
#   tests/pg/integration.sh                       every tests/integration/*.test.mjs
#   tests/pg/integration.sh im_chat.test.mjs …    those
# Logs: $IMHUB_PG_LOGS (default a temporary directory, printed).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../integration"
files=("$@")
[ ${#files[@]} -eq 0 ] && files=(*.test.mjs)
logs=${IMHUB_PG_LOGS:-$(mktemp -d "${TMPDIR:-/tmp}/imhub-pg-logs.XXXXXX")}
mkdir -p "$logs"
echo "logs in $logs" >&2
export PG_FILES="${files[*]}" PG_LOGS="$logs"
"$here/run.sh" bash -c '
  total_pass=0; total_fail=0; bad=0
  for f in $PG_FILES; do
    timeout ${PG_FILE_TIMEOUT:-300} node --test --test-concurrency=1 --test-reporter=tap "$f" >"$PG_LOGS/$f.log" 2>&1
    status=$?
    pass=$(grep -E "^# pass " "$PG_LOGS/$f.log" | awk "{print \$3}")
    fail=$(grep -E "^# fail " "$PG_LOGS/$f.log" | awk "{print \$3}")
    echo "$f pass ${pass:-?} fail ${fail:-?}"
    if [ "$status" -ne 0 ] || [ -z "$pass" ] || [ "${fail:-1}" != 0 ]; then
      bad=1
      echo "---- $f on PostgreSQL failed (exit $status); its log:"
      grep -vE "^\s*(ok|# Subtest)" "$PG_LOGS/$f.log" | tail -80
      echo "----"
    fi
    total_pass=$((total_pass + ${pass:-0})); total_fail=$((total_fail + ${fail:-0}))
  done
  echo "total pass $total_pass fail $total_fail"
  exit $bad
'
