# Helpers shared by the bench scripts (sourced; they define die() first, and WORK before the
# helpers that use it run: by hand or with make_work_dir).

# A free loopback port: bind to 0 and read what the kernel gave (released before use; the
# window for a collision is tiny and a clash makes the server fail to start, which is caught).
free_port() {
  if command -v python3 >/dev/null; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
  else
    node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
  fi
}

wait_http() {  # url, pid, name, [seconds: 10; a server under valgrind needs more]
  for _ in $(seq $((${4:-10} * 10))); do
    curl -sf -o /dev/null "$1" && return 0
    kill -0 "$2" 2>/dev/null || die "$3 exited during start-up (see $WORK)"
    sleep 0.1
  done
  die "$3 did not answer on $1"
}

# A scratch directory WORK for a script that starts its own servers (their pids in PIDS): on exit,
# also after Ctrl-C, each pid is stopped and the directory removed.
make_work_dir() {  # name
  WORK="$(mktemp -d "${TMPDIR:-/tmp}/imhub-$1.XXXXXX")"
  PIDS=()
  trap remove_work_dir EXIT
  trap 'exit 130' INT TERM
}
remove_work_dir() {
  local rc=$?
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  rm -rf "$WORK"
  exit $rc
}

# Stops a process this script started, by its pid: TERM, up to 5 s to finish, then KILL.
stop_pid() {
  [ -n "$1" ] || return 0
  kill -TERM "$1" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# CPU time (utime + stime, in clock ticks) of the given pids and all their descendants, read from
# /proc/PID/stat, with the time of descendants that have exited and been waited for (cutime +
# cstime): a PostgreSQL backend of a client that disconnected (pgbench's) is gone by the time the
# run ends, and its work would otherwise vanish from the figure. Per request it survives a busy
# machine better than a rate: other load stretches the wall clock, not the work done. A process's
# name may hold spaces and parentheses, so the fields are counted after the last ')': state is then
# $1, ppid $2, utime $12, stime $13, cutime $14, cstime $15.
cpu_ticks() {  # pid...
  local roots="$*"
  [ -n "$roots" ] || { echo 0; return; }
  # A process may exit between the glob and the read: cat then fails, which is no error here.
  { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v roots="$roots" '
    {
      pid = $1; line = $0; sub(/^.*\) /, "", line); split(line, f, " ")
      parent[pid] = f[2]; ticks[pid] = f[12] + f[13] + f[14] + f[15]
    }
    END {
      n = split(roots, r, " "); for (i = 1; i <= n; i++) keep[r[i]] = 1
      # Descendants: repeat until no process is added (a tree is a few levels deep).
      do { added = 0; for (p in parent) if (!(p in keep) && (parent[p] in keep)) { keep[p] = 1; added = 1 } } while (added)
      for (p in keep) if (p in ticks) sum += ticks[p]
      print sum + 0
    }'
}
CLK_TCK="$(getconf CLK_TCK 2>/dev/null || echo 100)"

# Microseconds of CPU per request: ticks used over requests completed.
cpu_us_per() {  # ticks requests
  awk -v t="$1" -v n="$2" -v hz="$CLK_TCK" 'BEGIN { if (n > 0) printf "%.1f", t * 1000000 / hz / n; else print "-" }'
}

# Percentiles of a file of numbers (one a line): prints p50 p99 max.
percentiles() {  # file
  sort -g "$1" | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "- - -"; exit }
    i50 = int(0.50 * NR + 0.999999); i99 = int(0.99 * NR + 0.999999)
    printf "%s %s %s\n", v[i50], v[i99], v[NR] }'
}

# Serves the data directory $1 with `imhub serve` ($BIN, the config $WORK/imhub.toml, output appended
# to $WORK/imhub.log) on a free loopback port: sets IMHUB_PID, PORT and BASE. stop_imhub stops it.
start_imhub() {  # data dir
  PORT="$(free_port)"
  BASE="http://127.0.0.1:$PORT"
  "$BIN" serve --data "$1" --listen "127.0.0.1:$PORT" --config "$WORK/imhub.toml" >>"$WORK/imhub.log" 2>&1 &
  IMHUB_PID=$!
  wait_http "$BASE/healthz" "$IMHUB_PID" imhub
}
stop_imhub() {
  stop_pid "$IMHUB_PID"
  IMHUB_PID=""
}

# For floods of im.message.add from two binaries side by side (writer_cpu.sh, store_growth.sh):
# `imhub init` in $WORK/NAME, the people and chats bench/run.sh seeds (bench/seed.sh sourced),
# then `imhub serve` with the config $WORK/imhub.toml and EXTRA_ENV on a free loopback port, its
# output in $WORK/NAME.log. Sets SEEDED_PID, SEEDED_BASE, SEEDED_HOOK (the webhook path) and
# SEEDED_DB, and appends the pid to PIDS for the caller's cleanup.
start_seeded_imhub() {  # name binary [extra-env]
  local name="$1" bin="$2" env_extra="${3:-}" dir="$WORK/$1" port
  mkdir -p "$dir"
  SEEDED_HOOK="$("$bin" init --data "$dir" | tail -n1 | sed -n 's/.*"webhook":"\([^"]*\)".*/\1/p')"
  [ -n "$SEEDED_HOOK" ] || { echo "$name: imhub init printed no webhook" >&2; return 1; }
  seed_people "$dir/imhub.db" 1000
  seed_chats "$dir/imhub.db" 100 50 1000
  port="$(free_port)"
  # shellcheck disable=SC2086
  env $env_extra "$bin" serve --data "$dir" --listen "127.0.0.1:$port" --config "$WORK/imhub.toml" \
    >"$WORK/$name.log" 2>&1 &
  SEEDED_PID=$!
  PIDS+=("$SEEDED_PID")
  SEEDED_BASE="http://127.0.0.1:$port"
  # shellcheck disable=SC2034  # read by the caller
  SEEDED_DB="$dir/imhub.db"
  wait_http "$SEEDED_BASE/healthz" "$SEEDED_PID" "imhub ($name)"
}
