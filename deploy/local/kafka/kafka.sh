# shellcheck shell=bash
# Local single-node Apache Kafka (KRaft mode, combined broker + controller) for
# development, run straight from its Maven Central jars (version pinned in
# deploy/local/kafka/pom.xml), bound to 127.0.0.1 only.
#
# Sourced by deploy/local/infra.sh. Expects REPO_ROOT and LOCAL_DIR to be exported.
# Defines: kafka_install, kafka_start, kafka_wait_ready, kafka_stop, kafka_status.
#
# Variables (read on every call):
#   KAFKA_PORT              PLAINTEXT listener on 127.0.0.1          (default 19092)
#   KAFKA_CONTROLLER_PORT   KRaft CONTROLLER listener on 127.0.0.1   (default 19093)
#   KAFKA_HEAP_OPTS         JVM heap options                         (default -Xms256m -Xmx512m)
#   KAFKA_JAVA_OPTS         extra JVM options                        (default none)
#   KAFKA_READY_TIMEOUT     seconds kafka_wait_ready waits           (default 90)
#   KAFKA_STOP_TIMEOUT      seconds kafka_stop waits after TERM      (default 30)
#
# Files:
#   $LOCAL_DIR/kafka/classpath.txt      resolved runtime classpath (jars stay in ~/.m2)
#   $LOCAL_DIR/kafka/server.properties  rendered from server.properties.template
#   $LOCAL_DIR/data/kafka               log dir + KRaft metadata (formatted on first start)
#   $LOCAL_DIR/logs/kafka.log           broker output
#   $LOCAL_DIR/run/kafka.pid
#
# Bootstrap servers: 127.0.0.1:${KAFKA_PORT}
#
# Functions never call exit; they return non-zero with a message on stderr.
# kafka_status returns 0 when running, 3 when not running.

_KAFKA_SH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

_kafka_err() { echo "kafka: $*" >&2; }

# Sets the _kafka_* variables from the current environment.
_kafka_vars() {
  if [[ -z "${LOCAL_DIR:-}" ]]; then
    _kafka_err "LOCAL_DIR is not set"
    return 1
  fi
  _kafka_port="${KAFKA_PORT:-19092}"
  _kafka_ctl_port="${KAFKA_CONTROLLER_PORT:-19093}"
  _kafka_src_dir="${REPO_ROOT:+$REPO_ROOT/deploy/local/kafka}"
  _kafka_src_dir="${_kafka_src_dir:-$_KAFKA_SH_DIR}"
  _kafka_home="$LOCAL_DIR/kafka"
  _kafka_cp_file="$_kafka_home/classpath.txt"
  _kafka_config="$_kafka_home/server.properties"
  _kafka_data="$LOCAL_DIR/data/kafka"
  _kafka_log="$LOCAL_DIR/logs/kafka.log"
  _kafka_pid_file="$LOCAL_DIR/run/kafka.pid"
}

# True when the classpath file is newer than the pom and every jar in it still
# exists (~/.m2 may have been wiped).
_kafka_is_installed() {
  [[ -s "$_kafka_cp_file" && "$_kafka_cp_file" -nt "$_kafka_src_dir/pom.xml" ]] || return 1
  local jar jars
  IFS=: read -r -a jars <"$_kafka_cp_file" || true
  ((${#jars[@]} > 0)) || return 1
  for jar in "${jars[@]}"; do
    [[ -f "$jar" ]] || return 1
  done
}

kafka_install() {
  _kafka_vars || return 1
  local tool
  for tool in java mvn; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      _kafka_err "'$tool' not found on PATH (needs Java 17+ and Maven)"
      return 1
    fi
  done
  if _kafka_is_installed; then
    echo "kafka: already installed (classpath $_kafka_cp_file)"
    return 0
  fi
  mkdir -p "$_kafka_home" || return 1
  echo "kafka: resolving Kafka jars with Maven (cached in ~/.m2) ..."
  local mvn_log="$_kafka_home/mvn.log" cp_tmp="$_kafka_cp_file.tmp"
  if ! mvn -B -q -f "$_kafka_src_dir/pom.xml" dependency:build-classpath \
        -Dmdep.outputFile="$cp_tmp" >"$mvn_log" 2>&1; then
    # Retry offline in case the registry is unreachable but ~/.m2 is warm.
    if ! mvn -B -q -o -f "$_kafka_src_dir/pom.xml" dependency:build-classpath \
          -Dmdep.outputFile="$cp_tmp" >>"$mvn_log" 2>&1; then
      _kafka_err "Maven could not resolve the classpath; see $mvn_log:"
      tail -n 20 "$mvn_log" >&2
      return 1
    fi
  fi
  if [[ ! -s "$cp_tmp" ]]; then
    _kafka_err "Maven produced an empty classpath; see $mvn_log"
    return 1
  fi
  mv -f "$cp_tmp" "$_kafka_cp_file" || return 1
  echo "kafka: installed ($(tr ':' '\n' <"$_kafka_cp_file" | grep -o 'kafka_2\.13-[^/]*\.jar' || echo 'kafka jars'))"
}

# Runs a Java main class from the Kafka classpath in the foreground, logging at
# WARN (the tools are chatty at INFO). Usage: _kafka_tool <main-class> [args...]
# e.g. _kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server 127.0.0.1:19092 --list
_kafka_tool() {
  _kafka_vars || return 1
  _kafka_is_installed || kafka_install >&2 || return 1
  java -Xmx256m -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
    -Dkafka.log.level=WARN -Dlog4j2.configurationFile="$_kafka_src_dir/log4j2.properties" \
    -cp "$(<"$_kafka_cp_file")" "$@"
}

# True when /proc says pid is our broker: kafka.Kafka started with our config
# file (guards against pid reuse and against brokers of other checkouts).
_kafka_is_our_pid() {
  local cmdline
  [[ "$1" =~ ^[0-9]+$ ]] || return 1
  cmdline="$(tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline")" || return 1
  [[ "$cmdline" == *" kafka.Kafka $_kafka_config "* ]]
}

# Prints the pid of our running broker, else returns 1. Falls back to scanning
# /proc when the pid file is missing or stale, so a broker whose pid file was
# lost is still found (and can be stopped) instead of blocking the ports; the
# pid file is then rewritten.
_kafka_running_pid() {
  local pid
  if [[ -f "$_kafka_pid_file" ]]; then
    pid="$(cat 2>/dev/null <"$_kafka_pid_file")" || pid=""
    if _kafka_is_our_pid "$pid"; then
      echo "$pid"
      return 0
    fi
  fi
  local d
  for d in /proc/[0-9]*; do
    pid="${d#/proc/}"
    if _kafka_is_our_pid "$pid"; then
      { [[ -d "${_kafka_pid_file%/*}" ]] && echo "$pid" >"$_kafka_pid_file"; } 2>/dev/null || true
      echo "$pid"
      return 0
    fi
  done
  return 1
}

# Renders the config template into $LOCAL_DIR/kafka/server.properties.
_kafka_render_config() {
  local tmp="$_kafka_config.tmp"
  sed -e "s|@KAFKA_PORT@|$_kafka_port|g" \
      -e "s|@KAFKA_CONTROLLER_PORT@|$_kafka_ctl_port|g" \
      -e "s|@KAFKA_DATA_DIR@|$_kafka_data|g" \
      "$_kafka_src_dir/server.properties.template" >"$tmp" || return 1
  mv -f "$tmp" "$_kafka_config"
}

# Formats the storage directory once (KRaft needs meta.properties and a
# bootstrap checkpoint before the first start).
_kafka_format_storage() {
  [[ -f "$_kafka_data/meta.properties" ]] && return 0
  local cluster_id out
  echo "kafka: formatting storage in $_kafka_data (first start)"
  cluster_id="$(_kafka_tool kafka.tools.StorageTool random-uuid 2>&1)" || {
    _kafka_err "could not generate a cluster id: $cluster_id"
    return 1
  }
  cluster_id="$(tail -n 1 <<<"$cluster_id")"
  # No --standalone: that flag is for a dynamic quorum (controller.quorum.bootstrap.servers);
  # with static controller.quorum.voters the tool refuses it.
  if ! out="$(_kafka_tool kafka.tools.StorageTool format --config "$_kafka_config" \
        --cluster-id "$cluster_id" 2>&1)"; then
    _kafka_err "storage format failed:"
    echo "$out" >&2
    return 1
  fi
}

kafka_start() {
  _kafka_vars || return 1
  local pid
  if pid="$(_kafka_running_pid)"; then
    echo "kafka: already running (pid $pid) on 127.0.0.1:$_kafka_port"
    return 0
  fi
  if [[ -f "$_kafka_pid_file" ]]; then
    echo "kafka: removing stale pid file $_kafka_pid_file"
    rm -f "$_kafka_pid_file"
  fi
  _kafka_is_installed || kafka_install || return 1
  local port
  for port in "$_kafka_port" "$_kafka_ctl_port"; do
    if port_open "$port"; then
      _kafka_err "port 127.0.0.1:$port is already in use by another process (set KAFKA_PORT / KAFKA_CONTROLLER_PORT)"
      return 1
    fi
  done
  mkdir -p "$_kafka_home" "$_kafka_data" "$(dirname "$_kafka_log")" "$(dirname "$_kafka_pid_file")" || return 1
  _kafka_render_config || return 1
  _kafka_format_storage || return 1

  echo "kafka: starting on 127.0.0.1:$_kafka_port (controller 127.0.0.1:$_kafka_ctl_port), log $_kafka_log"
  echo "=== kafka_start $(date -Is) ===" >>"$_kafka_log"
  # JVM flags follow Kafka's kafka-run-class.sh / kafka-server-start.sh, minus the
  # GC log file and JMX. log4j2's own shutdown hook is disabled: it would stop
  # logging before Kafka's shutdown hook has logged the shutdown. The config path
  # must stay the first argument after kafka.Kafka: _kafka_is_our_pid matches on it.
  # shellcheck disable=SC2086 # KAFKA_HEAP_OPTS / KAFKA_JAVA_OPTS are option lists
  nohup java ${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m} \
    -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$_kafka_src_dir/log4j2.properties" \
    -Dlog4j2.shutdownHookEnabled=false \
    ${KAFKA_JAVA_OPTS:-} \
    -cp "$(<"$_kafka_cp_file")" \
    kafka.Kafka "$_kafka_config" \
    </dev/null >>"$_kafka_log" 2>&1 &
  echo $! >"$_kafka_pid_file"
}

kafka_wait_ready() {
  _kafka_vars || return 1
  local timeout="${KAFKA_READY_TIMEOUT:-90}" start=$SECONDS pid out=""
  while ((SECONDS - start < timeout)); do
    if ! pid="$(_kafka_running_pid)"; then
      _kafka_err "broker process is not running (it exited or was never started); last log lines of $_kafka_log:"
      tail -n 40 "$_kafka_log" >&2 2>/dev/null
      return 1
    fi
    # The port opens only once the broker has registered with the controller;
    # then ask for real: BrokerApiVersionsCommand sends Metadata + ApiVersions and
    # lists the broker only if the cluster metadata knows it (i.e. it is unfenced).
    if port_open "$_kafka_port" &&
       out="$(_kafka_tool org.apache.kafka.tools.BrokerApiVersionsCommand \
               --bootstrap-server "127.0.0.1:$_kafka_port" 2>&1)" &&
       grep -q "^127.0.0.1:$_kafka_port (id: 1" <<<"$out"; then
      echo "kafka: ready on 127.0.0.1:$_kafka_port (pid $pid, $((SECONDS - start))s)"
      return 0
    fi
    sleep 0.5
  done
  _kafka_err "not ready on 127.0.0.1:$_kafka_port after ${timeout}s; last log lines of $_kafka_log:"
  [[ -n "$out" ]] && { echo "--- last api-versions check ---"; tail -n 5 <<<"$out"; } >&2
  tail -n 40 "$_kafka_log" >&2 2>/dev/null
  return 1
}

kafka_stop() {
  _kafka_vars || return 1
  local pid timeout="${KAFKA_STOP_TIMEOUT:-30}"
  if ! pid="$(_kafka_running_pid)"; then
    rm -f "$_kafka_pid_file"
    echo "kafka: not running"
    return 0
  fi
  # SIGTERM runs Kafka's shutdown hook (controlled shutdown, flush, clean
  # shutdown marker, so the next start skips log recovery).
  terminate_process kafka "$pid" "$timeout" || return 1
  rm -f "$_kafka_pid_file"
  echo "kafka: stopped"
}

kafka_status() {
  _kafka_vars || return 1
  local pid
  if pid="$(_kafka_running_pid)"; then
    echo "kafka: running (pid $pid) bootstrap 127.0.0.1:$_kafka_port controller 127.0.0.1:$_kafka_ctl_port data=$_kafka_data"
    return 0
  fi
  if _kafka_is_installed; then
    echo "kafka: stopped (installed; port $_kafka_port)"
  else
    echo "kafka: stopped (not installed)"
  fi
  return 3
}
