# Helpers shared by the bench scripts (sourced; they define die() and WORK first).

# A free loopback port: bind to 0 and read what the kernel gave (released before use; the
# window for a collision is tiny and a clash makes the server fail to start, which is caught).
free_port() {
  if command -v python3 >/dev/null; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
  else
    node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
  fi
}

wait_http() {  # url, pid, name
  for _ in $(seq 100); do
    curl -sf -o /dev/null "$1" && return 0
    kill -0 "$2" 2>/dev/null || die "$3 exited during start-up (see $WORK)"
    sleep 0.1
  done
  die "$3 did not answer on $1"
}

# Stops a process this script started, by its pid: TERM, up to 5 s to finish, then KILL.
stop_pid() {
  [ -n "$1" ] || return 0
  kill -TERM "$1" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# CPU time a process has used so far (utime + stime, in clock ticks: getconf CLK_TCK a second).
# Per request it survives a busy machine better than a rate: other load slows the wall clock,
# not the work done.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
