# shellcheck shell=bash
# Local MongoDB-wire-compatible server for development: de.bwaldvogel:mongo-java-server
# (version pinned in deploy/local/mongo/pom.xml) run by our own LocalMongoServer.java,
# bound to 127.0.0.1 only.
#
# Sourced by deploy/local/infra.sh. Expects REPO_ROOT and LOCAL_DIR to be exported.
# Defines: mongo_install, mongo_start, mongo_wait_ready, mongo_stop, mongo_status.
#
# Variables (read on every call):
#   MONGO_PORT            port on 127.0.0.1                       (default 27018)
#   MONGO_BACKEND         h2 (durable, $LOCAL_DIR/data/mongo) | memory   (default h2)
#   MONGO_OPLOG           1 = enable mongo-java-server's experimental oplog, so change
#                         streams / watch() work                  (default 0)
#   MONGO_SCRUB_INTERVAL_SECONDS  h2 backend: seconds between checks for writes; after writes, in
#                         the first quiet moment (2 s without a write, at most 30 s later), the data
#                         file's stale pages are rewritten and freed blocks zeroed, so erased or
#                         deleted documents leave no copy in it (0 = never; default 1)
#   MONGO_JAVA_OPTS       extra JVM options                       (default -Xmx2g: the secondary
#                         indexes live in the heap, ~10 million name keys at 100,000 clients)
#   LOCAL_MONGO_SECONDARY_INDEXES  0 = build no non-unique index, every query not on a unique
#                         index's exact keys scans, as mongo-java-server alone does (default 1)
#   LOCAL_MONGO_UNIQUE_INDEXES_IN_MEMORY  0 = keep unique indexes in H2's maps, as mongo-java-server
#                         does (H2 compares their keys by serialising them); default 1: in memory,
#                         built again from the documents on start
#   LOCAL_MONGO_VERIFY_INDEXES     1 = answer every query an index served by a scan as well and
#                         log any difference (counts only) to the server's log (default 0)
#   MONGO_READY_TIMEOUT   seconds mongo_wait_ready waits          (default 180: the secondary
#                         indexes are built on start, ~50 s for 100,000 client cards)
#   MONGO_STOP_TIMEOUT    seconds mongo_stop waits after TERM     (default 20)
#
# Connection string: mongodb://127.0.0.1:${MONGO_PORT}/<db>?directConnection=true
#
# Reports MongoDB 5.0 with maxWireVersion 13 (LocalMongoServer.WIRE_VERSION_OF_5_0), so pymongo
# 4.20 connects (it refuses the library's own 8); tools/bench/read-model-server-pymongo.py checks it.
#
# Known gaps vs MongoDB (mongo-java-server 1.47.0, checked with mongoose 8 / driver 6):
# no sessions/transactions (driver: "Current topology does not support sessions"), no change
# streams unless MONGO_OPLOG=1, non-unique secondary indexes are built by our own code
# (LocalSecondaryIndexes.java, h2 backend only; equality lookups on their first one or two
# keys, no range scans, no index order: every query still sorts its candidates), TTL
# indexes never expire documents, collation is ignored, no $text search, no
# $setWindowFields, no pipeline-style updates, no explain, no capped collections,
# $jsonSchema validators are not enforced.
#
# Functions never call exit; they return non-zero with a message on stderr.
# mongo_status returns 0 when running, 3 when not running.

_MONGO_SH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

_mongo_err() { echo "mongo: $*" >&2; }

# Sets the _mongo_* path variables from the current environment.
_mongo_vars() {
  if [[ -z "${LOCAL_DIR:-}" ]]; then
    _mongo_err "LOCAL_DIR is not set"
    return 1
  fi
  _mongo_port="${MONGO_PORT:-27018}"
  _mongo_backend="${MONGO_BACKEND:-h2}"
  _mongo_src_dir="${REPO_ROOT:+$REPO_ROOT/deploy/local/mongo}"
  _mongo_src_dir="${_mongo_src_dir:-$_MONGO_SH_DIR}"
  _mongo_bin_dir="$LOCAL_DIR/bin/mongo"
  _mongo_classes="$_mongo_bin_dir/classes"
  _mongo_cp_file="$_mongo_bin_dir/classpath.txt"
  _mongo_stamp="$_mongo_bin_dir/install.stamp"
  _mongo_data="$LOCAL_DIR/data/mongo"
  _mongo_log="$LOCAL_DIR/logs/mongo.log"
  _mongo_pid_file="$LOCAL_DIR/run/mongo.pid"
}

# Fingerprint of everything the install depends on.
_mongo_fingerprint() {
  {
    cat "$_mongo_src_dir/pom.xml" "$_mongo_src_dir"/*.java
    java -version 2>&1
  } | sha256sum | cut -d' ' -f1
}

_mongo_is_installed() {
  [[ -f "$_mongo_stamp" && -f "$_mongo_cp_file" && -f "$_mongo_classes/LocalMongoServer.class" ]] || return 1
  [[ "$(cat "$_mongo_stamp")" == "$(_mongo_fingerprint)" ]] || return 1
  local jar jars
  # (the file has no trailing newline, so read's status is non-zero at EOF)
  IFS=: read -r -a jars <"$_mongo_cp_file" || [[ ${#jars[@]} -gt 0 ]] || return 1
  for jar in "${jars[@]}"; do
    [[ -f "$jar" ]] || return 1
  done
  return 0
}

mongo_install() {
  _mongo_vars || return 1
  local tool
  for tool in java javac mvn sha256sum; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      _mongo_err "'$tool' not found on PATH (needs a JDK 17+ and Maven)"
      return 1
    fi
  done
  if _mongo_is_installed; then
    echo "mongo: already installed (mongo-java-server, classes in $_mongo_bin_dir)"
    return 0
  fi
  mkdir -p "$_mongo_bin_dir" || return 1
  echo "mongo: resolving mongo-java-server jars with Maven (cached in ~/.m2) ..."
  local mvn_log="$_mongo_bin_dir/mvn.log" cp_tmp="$_mongo_cp_file.tmp"
  if ! mvn -B -q -f "$_mongo_src_dir/pom.xml" dependency:build-classpath \
        -Dmdep.outputFile="$cp_tmp" >"$mvn_log" 2>&1; then
    # Retry offline in case the registry is unreachable but ~/.m2 is warm.
    if ! mvn -B -q -o -f "$_mongo_src_dir/pom.xml" dependency:build-classpath \
          -Dmdep.outputFile="$cp_tmp" >>"$mvn_log" 2>&1; then
      _mongo_err "Maven could not resolve the classpath; see $mvn_log:"
      tail -n 20 "$mvn_log" >&2 || true
      return 1
    fi
  fi
  if [[ ! -s "$cp_tmp" ]]; then
    _mongo_err "Maven produced an empty classpath; see $mvn_log"
    return 1
  fi
  mv -f "$cp_tmp" "$_mongo_cp_file" || return 1
  echo "mongo: compiling LocalMongoServer.java and LocalSecondaryIndexes.java ..."
  rm -rf "$_mongo_classes"
  mkdir -p "$_mongo_classes" || return 1
  if ! javac -nowarn -d "$_mongo_classes" -cp "$(cat "$_mongo_cp_file")" \
        "$_mongo_src_dir"/*.java >>"$mvn_log" 2>&1; then
    _mongo_err "javac failed; see $mvn_log:"
    tail -n 20 "$mvn_log" >&2 || true
    return 1
  fi
  _mongo_fingerprint >"$_mongo_stamp" || return 1
  echo "mongo: installed (classes in $_mongo_bin_dir)"
}

# Prints the pid if our server process is alive, else returns 1.
_mongo_running_pid() {
  [[ -f "$_mongo_pid_file" ]] || return 1
  local pid
  pid="$(cat "$_mongo_pid_file" 2>/dev/null)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  _mongo_is_our_process "$pid" || return 1
  echo "$pid"
}

# Guard against pid reuse: the process must be our Java main class.
_mongo_is_our_process() {
  local cmdline
  cmdline="$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null)" || return 1
  [[ "$cmdline" == *LocalMongoServer* ]]
}

mongo_start() {
  _mongo_vars || return 1
  local pid
  if pid="$(_mongo_running_pid)"; then
    echo "mongo: already running (pid $pid) on 127.0.0.1:$_mongo_port"
    return 0
  fi
  if [[ -f "$_mongo_pid_file" ]]; then
    echo "mongo: removing stale pid file $_mongo_pid_file"
    rm -f "$_mongo_pid_file"
  fi
  if ! _mongo_is_installed; then
    mongo_install || return 1
  fi
  if port_open "$_mongo_port"; then
    _mongo_err "port 127.0.0.1:$_mongo_port is already in use by another process (set MONGO_PORT)"
    return 1
  fi
  local backend_args extra_args=()
  [[ "${MONGO_OPLOG:-0}" == 1 ]] && extra_args+=(--oplog)
  case "$_mongo_backend" in
    h2) backend_args=(--data-dir "$_mongo_data" --scrub-interval-seconds "${MONGO_SCRUB_INTERVAL_SECONDS:-1}") ;;
    memory) backend_args=(--in-memory) ;;
    *)
      _mongo_err "MONGO_BACKEND must be 'h2' or 'memory', not '$_mongo_backend'"
      return 1
      ;;
  esac
  mkdir -p "$_mongo_data" "$(dirname "$_mongo_log")" "$(dirname "$_mongo_pid_file")" || return 1
  echo "mongo: starting on 127.0.0.1:$_mongo_port (backend $_mongo_backend), log $_mongo_log"
  # shellcheck disable=SC2086 # MONGO_JAVA_OPTS is a list of options
  nohup java ${MONGO_JAVA_OPTS:--Xmx2g} \
    -Dorg.slf4j.simpleLogger.showDateTime=true \
    -Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd\'T\'HH:mm:ss.SSS \
    -Dorg.slf4j.simpleLogger.log.de.bwaldvogel.mongo.wire.MongoWireProtocolHandler=warn \
    -cp "$_mongo_classes:$(cat "$_mongo_cp_file")" \
    LocalMongoServer --host 127.0.0.1 --port "$_mongo_port" "${backend_args[@]}" "${extra_args[@]}" \
    </dev/null >>"$_mongo_log" 2>&1 &
  pid=$!
  echo "$pid" >"$_mongo_pid_file"
  # Wait (briefly) until the forked shell has exec'd java, so that the pid-identity
  # check in _mongo_running_pid holds from now on.
  local i
  for ((i = 0; i < 50; i++)); do
    _mongo_is_our_process "$pid" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
}

mongo_wait_ready() {
  _mongo_vars || return 1
  local timeout="${MONGO_READY_TIMEOUT:-180}" start=$SECONDS pid
  while ((SECONDS - start < timeout)); do
    if ! pid="$(_mongo_running_pid)"; then
      _mongo_err "server process is not running (it exited or was never started); last log lines of $_mongo_log:"
      tail -n 30 "$_mongo_log" >&2 2>/dev/null || true
      return 1
    fi
    if port_open "$_mongo_port"; then
      echo "mongo: ready on mongodb://127.0.0.1:$_mongo_port (pid $pid, $((SECONDS - start))s)"
      return 0
    fi
    sleep 0.5
  done
  _mongo_err "not ready on 127.0.0.1:$_mongo_port after ${timeout}s; last log lines of $_mongo_log:"
  tail -n 30 "$_mongo_log" >&2 2>/dev/null || true
  return 1
}

mongo_stop() {
  _mongo_vars || return 1
  local pid timeout="${MONGO_STOP_TIMEOUT:-20}"
  if ! pid="$(_mongo_running_pid)"; then
    rm -f "$_mongo_pid_file"
    echo "mongo: not running"
    return 0
  fi
  terminate_process mongo "$pid" "$timeout" || return 1
  rm -f "$_mongo_pid_file"
  echo "mongo: stopped"
}

mongo_status() {
  _mongo_vars || return 1
  local pid
  if pid="$(_mongo_running_pid)"; then
    echo "mongo: running (pid $pid) mongodb://127.0.0.1:$_mongo_port backend=$_mongo_backend data=$_mongo_data"
    return 0
  fi
  if _mongo_is_installed; then
    echo "mongo: stopped (installed; port $_mongo_port)"
  else
    echo "mongo: stopped (not installed)"
  fi
  return 3
}
