# shellcheck shell=bash
# Process helpers shared by the component scripts (kafka.sh, mongo.sh, minio.sh).
# Sourced; functions return non-zero with a message on stderr, never exit.

# True when something accepts TCP connections on 127.0.0.1:<port>.
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# terminate_process <name> <pid> <seconds>: SIGTERM (so the server shuts down cleanly), wait up
# to <seconds>, then SIGKILL, so that a stop never leaves a stray process behind.
terminate_process() {
  local name="$1" pid="$2" timeout="$3" start
  echo "$name: stopping (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  start=$SECONDS
  while kill -0 "$pid" 2>/dev/null && ((SECONDS - start < timeout)); do
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "$name: still running after ${timeout}s, sending KILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
    start=$SECONDS
    while kill -0 "$pid" 2>/dev/null && ((SECONDS - start < 5)); do
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "$name: could not kill pid $pid" >&2
      return 1
    fi
  fi
}
