#!/usr/bin/env bash
# Promotes a standby tests/pg/start_standby.sh started (given its URL) and waits until it accepts writes.
set -euo pipefail
url=${1:?usage: tests/pg/promote.sh URL}
port=${url##*:}
port=${port%%/*}
dir=$(cat "${TMPDIR:-/tmp}/imhub-pg-port-$port")
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as=()
[ "$(id -u)" -eq 0 ] && as=(runuser -u nobody --)
"${as[@]}" "$bin/pg_ctl" -D "$dir/data" -w -t 30 promote >/dev/null
