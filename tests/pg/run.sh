#!/usr/bin/env bash
# Runs a command against a private PostgreSQL server (start.sh), stopped afterwards whatever the
# command's outcome; the command sees IMHUB_TEST_STORE=postgres and IMHUB_TEST_PG_URL, which
# tests/integration/harness.mjs turns into a fresh database per test server.
#   tests/pg/run.sh node --test --test-concurrency=1 tests/integration/im_chat.test.mjs
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
url=$("$here/start.sh")
trap '"$here/stop.sh" "$url"' EXIT
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
export IMHUB_TEST_STORE=postgres IMHUB_TEST_PG_URL="$url" IMHUB_TEST_PG_PSQL="$bin/psql"
"$@"
