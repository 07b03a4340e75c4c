# shellcheck shell=bash
# Local S3-compatible object store for development: MinIO built from source with
# `go install` (pinned pseudo-version below), bound to 127.0.0.1 only.
#
# Sourced by deploy/local/infra.sh. Expects REPO_ROOT and LOCAL_DIR to be exported.
# Defines: minio_install, minio_start, minio_wait_ready, minio_stop, minio_status.
#
# Variables (read on every call):
#   MINIO_PORT            S3 API port on 127.0.0.1      (default 19000)
#   MINIO_CONSOLE_PORT    web console port on 127.0.0.1 (default 19001)
#   MINIO_ROOT_USER       access key                    (default minioadmin)
#   MINIO_ROOT_PASSWORD   secret key                    (default minioadmin)
#   MINIO_READY_TIMEOUT   seconds minio_wait_ready waits (default 60)
#   MINIO_STOP_TIMEOUT    seconds minio_stop waits after TERM (default 20)
#
# Endpoint: http://127.0.0.1:${MINIO_PORT}  (path-style; region us-east-1)
#
# Functions never call exit; they return non-zero with a message on stderr.
# minio_status returns 0 when running, 3 when not running.

MINIO_MODULE="github.com/minio/minio"
MINIO_VERSION="v0.0.0-20260212201848-7aac2a2c5b7c"

_minio_err() { echo "minio: $*" >&2; }

_minio_vars() {
  if [[ -z "${LOCAL_DIR:-}" ]]; then
    _minio_err "LOCAL_DIR is not set"
    return 1
  fi
  _minio_port="${MINIO_PORT:-19000}"
  _minio_console_port="${MINIO_CONSOLE_PORT:-19001}"
  _minio_bin="$LOCAL_DIR/bin/minio"
  _minio_data="$LOCAL_DIR/data/minio"
  _minio_certs="$LOCAL_DIR/data/minio-certs" # empty: plain HTTP (keeps ~/.minio untouched)
  _minio_log="$LOCAL_DIR/logs/minio.log"
  _minio_pid_file="$LOCAL_DIR/run/minio.pid"
}

# True if the binary exists and was built from the pinned module version
# (`minio --version` only says DEVELOPMENT.GOGET for go-install builds, so ask `go version -m`).
_minio_is_installed() {
  [[ -x "$_minio_bin" ]] || return 1
  command -v go >/dev/null 2>&1 || return 0 # no Go toolchain to check with: trust the binary
  local info
  info="$(go version -m "$_minio_bin" 2>/dev/null)" || return 1
  [[ "$info" == *$'\tmod\t'"$MINIO_MODULE"$'\t'"$MINIO_VERSION"$'\t'* ]]
}

minio_install() {
  _minio_vars || return 1
  if ! command -v go >/dev/null 2>&1; then
    _minio_err "'go' not found on PATH (needs Go >= 1.24)"
    return 1
  fi
  if _minio_is_installed; then
    echo "minio: already installed ($MINIO_MODULE@$MINIO_VERSION at $_minio_bin)"
    return 0
  fi
  mkdir -p "$LOCAL_DIR/bin" || return 1
  local build_log="$LOCAL_DIR/bin/minio-build.log"
  echo "minio: building $MINIO_MODULE@$MINIO_VERSION with go install"
  echo "minio:   (cold: several minutes and ~1 GB of module/build cache; log $build_log) ..."
  local start=$SECONDS
  # Build into a temporary GOBIN and move into place, so an interrupted build never
  # leaves a half-written binary behind.
  local tmp_bin="$LOCAL_DIR/bin/.minio-build"
  rm -rf "$tmp_bin"
  mkdir -p "$tmp_bin" || return 1
  if ! GOBIN="$tmp_bin" go install "$MINIO_MODULE@$MINIO_VERSION" >"$build_log" 2>&1; then
    _minio_err "go install failed after $((SECONDS - start))s; last lines of $build_log:"
    tail -n 30 "$build_log" >&2 || true
    rm -rf "$tmp_bin"
    return 1
  fi
  mv -f "$tmp_bin/minio" "$_minio_bin" || return 1
  rm -rf "$tmp_bin"
  if ! _minio_is_installed; then
    _minio_err "built binary $_minio_bin does not report $MINIO_MODULE $MINIO_VERSION"
    return 1
  fi
  echo "minio: installed $_minio_bin in $((SECONDS - start))s"
}

_minio_is_our_process() {
  local cmdline
  cmdline="$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null)" || return 1
  [[ "$cmdline" == *minio*server* ]]
}

# Prints the pid if our server process is alive, else returns 1.
_minio_running_pid() {
  [[ -f "$_minio_pid_file" ]] || return 1
  local pid
  pid="$(cat "$_minio_pid_file" 2>/dev/null)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  _minio_is_our_process "$pid" || return 1
  echo "$pid"
}

minio_start() {
  _minio_vars || return 1
  local pid
  if pid="$(_minio_running_pid)"; then
    echo "minio: already running (pid $pid) on http://127.0.0.1:$_minio_port"
    return 0
  fi
  if [[ -f "$_minio_pid_file" ]]; then
    echo "minio: removing stale pid file $_minio_pid_file"
    rm -f "$_minio_pid_file"
  fi
  if ! _minio_is_installed; then
    minio_install || return 1
  fi
  local port
  for port in "$_minio_port" "$_minio_console_port"; do
    if port_open "$port"; then
      _minio_err "port 127.0.0.1:$port is already in use by another process (set MINIO_PORT / MINIO_CONSOLE_PORT)"
      return 1
    fi
  done
  mkdir -p "$_minio_data" "$_minio_certs" "$(dirname "$_minio_log")" "$(dirname "$_minio_pid_file")" || return 1
  echo "minio: starting on http://127.0.0.1:$_minio_port (console 127.0.0.1:$_minio_console_port), log $_minio_log"
  MINIO_ROOT_USER="${MINIO_ROOT_USER:-minioadmin}" \
    MINIO_ROOT_PASSWORD="${MINIO_ROOT_PASSWORD:-minioadmin}" \
    MINIO_UPDATE=off \
    nohup "$_minio_bin" server "$_minio_data" \
    --address "127.0.0.1:$_minio_port" \
    --console-address "127.0.0.1:$_minio_console_port" \
    --certs-dir "$_minio_certs" \
    </dev/null >>"$_minio_log" 2>&1 &
  pid=$!
  echo "$pid" >"$_minio_pid_file"
  local i
  for ((i = 0; i < 50; i++)); do
    _minio_is_our_process "$pid" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
}

minio_wait_ready() {
  _minio_vars || return 1
  local timeout="${MINIO_READY_TIMEOUT:-60}" start=$SECONDS pid
  while ((SECONDS - start < timeout)); do
    if ! pid="$(_minio_running_pid)"; then
      _minio_err "server process is not running (it exited or was never started); last log lines of $_minio_log:"
      tail -n 30 "$_minio_log" >&2 2>/dev/null || true
      return 1
    fi
    if curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$_minio_port/minio/health/ready" 2>/dev/null; then
      echo "minio: ready on http://127.0.0.1:$_minio_port (pid $pid, $((SECONDS - start))s)"
      return 0
    fi
    sleep 0.5
  done
  _minio_err "not ready on http://127.0.0.1:$_minio_port after ${timeout}s; last log lines of $_minio_log:"
  tail -n 30 "$_minio_log" >&2 2>/dev/null || true
  return 1
}

minio_stop() {
  _minio_vars || return 1
  local pid timeout="${MINIO_STOP_TIMEOUT:-20}"
  if ! pid="$(_minio_running_pid)"; then
    rm -f "$_minio_pid_file"
    echo "minio: not running"
    return 0
  fi
  terminate_process minio "$pid" "$timeout" || return 1
  rm -f "$_minio_pid_file"
  echo "minio: stopped"
}

minio_status() {
  _minio_vars || return 1
  local pid
  if pid="$(_minio_running_pid)"; then
    echo "minio: running (pid $pid) http://127.0.0.1:$_minio_port console http://127.0.0.1:$_minio_console_port data=$_minio_data"
    return 0
  fi
  if _minio_is_installed; then
    echo "minio: stopped (installed; port $_minio_port)"
  else
    echo "minio: stopped (not installed)"
  fi
  return 3
}
