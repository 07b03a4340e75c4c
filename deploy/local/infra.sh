#!/usr/bin/env bash
# Local infrastructure without Docker: a Kafka broker (Maven Central jars), a MongoDB-wire-
# compatible server (mongo-java-server, Maven Central) and MinIO (Go module proxy). Everything
# is installed from package registries, cached, bound to 127.0.0.1, and kept under .local/.
#
#   deploy/local/infra.sh install            install whatever is missing (cached, idempotent)
#   deploy/local/infra.sh start              install, start every server, wait until each answers,
#                                            create the Kafka topics of the contract, wait until
#                                            producers and consumer groups work
#   deploy/local/infra.sh stop               stop every server (no stray processes)
#   deploy/local/infra.sh status             one line per server; exit 0 only if all run
#   deploy/local/infra.sh clean              stop, then delete data and logs (keeps installs)
#
# Ports (127.0.0.1): KAFKA_PORT=19092 KAFKA_CONTROLLER_PORT=19093 MONGO_PORT=27018
#                    MINIO_PORT=19000 MINIO_CONSOLE_PORT=19001
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LOCAL_DIR="${LOCAL_DIR:-$REPO_ROOT/.local}"
export REPO_ROOT LOCAL_DIR
mkdir -p "$LOCAL_DIR"/{data,logs,run,bin}

COMPONENTS=(kafka mongo minio)
# shellcheck source=lib/processes.sh
source "$REPO_ROOT/deploy/local/lib/processes.sh"
for component in "${COMPONENTS[@]}"; do
  # shellcheck source=/dev/null
  source "$REPO_ROOT/deploy/local/$component/$component.sh"
done

step() { printf '\n==> %s\n' "$*"; }

install_all() {
  for component in "${COMPONENTS[@]}"; do
    step "install $component"
    "${component}_install"
  done
}

start_all() {
  install_all
  for component in "${COMPONENTS[@]}"; do
    step "start $component"
    "${component}_start"
  done
  for component in "${COMPONENTS[@]}"; do
    step "wait for $component"
    "${component}_wait_ready"
  done
  step "create Kafka topics (libs/contracts), wait for consumer groups"
  create_topics
  step "status"
  status_all || true
}

# The topic list lives once, in TypeScript (libs/contracts); node_modules must be installed.
# It returns once a probe message round-trips through a new consumer group (a cold broker creates
# __consumer_offsets on the first group), or fails after KAFKA_READY_TIMEOUT_MS (60 s).
create_topics() {
  if [[ ! -x "$REPO_ROOT/node_modules/.bin/node" ]]; then
    echo "node_modules is missing: run 'npm ci' first (npm start / npm test do it for you)" >&2
    return 1
  fi
  (cd "$REPO_ROOT" && PATH="$REPO_ROOT/node_modules/.bin:$PATH" node -r @swc-node/register tools/kafka/create-topics.ts)
}

stop_all() {
  local failed=0
  # Reverse order: nothing should still be writing to a server that is gone.
  for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do
    "${COMPONENTS[i]}_stop" || failed=1
  done
  return "$failed"
}

status_all() {
  local all_running=0
  for component in "${COMPONENTS[@]}"; do
    "${component}_status" || all_running=1
  done
  return "$all_running"
}

clean_all() {
  stop_all || true
  rm -rf "$LOCAL_DIR/data" "$LOCAL_DIR/logs" "$LOCAL_DIR/run"
  echo "removed data and logs under $LOCAL_DIR (installed servers are kept)"
}

case "${1:-}" in
  install) install_all ;;
  start) start_all ;;
  stop) stop_all ;;
  status) status_all ;;
  clean) clean_all ;;
  create-topics) create_topics ;;
  *)
    sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
