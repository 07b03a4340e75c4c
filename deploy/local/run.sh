#!/usr/bin/env bash
# The two commands of README.md, and the way back:
#   npm start   -> deploy/local/run.sh start   install what is missing, start the servers, the services and the console
#   npm test    -> deploy/local/run.sh test    install what is missing, start the servers, run every check
#   npm stop    -> deploy/local/run.sh stop    stop the services and the servers
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LOCAL_DIR="${LOCAL_DIR:-$REPO_ROOT/.local}"
INFRA="$REPO_ROOT/deploy/local/infra.sh"
export REPO_ROOT LOCAL_DIR
cd "$REPO_ROOT"

# shellcheck source=/dev/null
set -a && source "$REPO_ROOT/deploy/local/local.env" && set +a
# kafkajs 2.2 trips Node 24's negative-timeout warning on every request (harmless, noisy), and
# node:sqlite still prints an experimental warning: both would bury real output.
# kafkajs 2 warns on every producer that its default partitioner changed in 2.0 (we rely on the new one).
export KAFKAJS_NO_PARTITIONER_WARNING=1
export NODE_OPTIONS="${NODE_OPTIONS:-} --disable-warning=TimeoutNegativeWarning --disable-warning=ExperimentalWarning"

# name:port-variable pairs of the services npm start runs.
# In start order: the visits service admits bookings through the clients service, the media
# service sets photo references through it (its readiness includes MinIO).
SERVICES=(clients-service:CLIENTS_SERVICE_PORT visits-service:VISITS_SERVICE_PORT media-service:MEDIA_SERVICE_PORT consent-service:CONSENT_SERVICE_PORT)

step() { printf '\n==> %s\n' "$*"; }

# Dependencies, and Node 24: the `node` devDependency puts a Node 24 binary in node_modules/.bin,
# which then comes first on PATH, whatever Node the machine has.
ensure_dependencies() {
  local stamp="$REPO_ROOT/node_modules/.package-lock.json"
  if [[ ! -x "$REPO_ROOT/node_modules/.bin/node" || ! -f "$stamp" || "$REPO_ROOT/package-lock.json" -nt "$stamp" ]]; then
    step "npm ci (machine node $(node -v 2>/dev/null || echo none))"
    # `npm ci` installs exactly what package-lock.json lists and never rewrites it. The lock lists
    # every platform's optional builds (e.g. unrs-resolver's), so it is the same on every machine;
    # after changing dependencies, commit the lock that `npm install` wrote.
    npm ci --no-audit --no-fund
  fi
  export PATH="$REPO_ROOT/node_modules/.bin:$PATH"
  local version
  version="$(node -v)"
  if [[ "$version" != v24.* ]]; then
    echo "Expected Node 24 from node_modules/.bin, got $version; try 'npm ci'" >&2
    return 1
  fi
  echo "node $version"
}

# CLIENTS_SERVICE_PORT -> CLIENTS_SERVICE_OPS_PORT (local.env): the service's ops port.
ops_port_var() { echo "${1%_PORT}_OPS_PORT"; }

service_env() {
  local name="$1" port_var="$2" ops_var
  ops_var="$(ops_port_var "$port_var")"
  echo "PORT=${!port_var} OPS_PORT=${!ops_var} HOST=127.0.0.1 EVENTSTORE_PATH=$EVENTSTORE_DIR/events.db"
}

start_services() {
  mkdir -p "$LOCAL_DIR/run" "$LOCAL_DIR/logs"
  local entry name port_var pid_file
  for entry in "${SERVICES[@]}"; do
    name="${entry%%:*}" port_var="${entry##*:}" pid_file="$LOCAL_DIR/run/$name.pid"
    if [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
      echo "$name already running (pid $(cat "$pid_file"))"
      continue
    fi
    step "start $name on 127.0.0.1:${!port_var}"
    # shellcheck disable=SC2046
    env $(service_env "$name" "$port_var") \
      nohup node -r @swc-node/register "apps/$name/src/main.ts" >>"$LOCAL_DIR/logs/$name.log" 2>&1 &
    echo $! >"$pid_file"
  done
  local ops_var
  for entry in "${SERVICES[@]}"; do
    name="${entry%%:*}" port_var="${entry##*:}" ops_var="$(ops_port_var "$port_var")"
    wait_until_ready "$name" "http://127.0.0.1:${!port_var}/health/ready" "http://127.0.0.1:${!ops_var}/health/ready"
  done
}

wait_until_ready() {
  local name="$1" url="$2" ops_url="$3" deadline=$((SECONDS + 60))
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    if ! kill -0 "$(cat "$LOCAL_DIR/run/$name.pid")" 2>/dev/null; then
      echo "$name exited; the end of $LOCAL_DIR/logs/$name.log:" >&2
      tail -n 30 "$LOCAL_DIR/logs/$name.log" >&2
      return 1
    fi
    if ((SECONDS > deadline)); then
      echo "$name is not ready after 60 s ($ops_url):" >&2
      curl -sS "$ops_url" >&2 || true
      return 1
    fi
    sleep 0.5
  done
  echo "$name ready: $url (OpenAPI: ${url%/health/ready}/docs; details: $ops_url)"
}

stop_services() {
  local entry name pid_file pid
  for entry in "${SERVICES[@]}"; do
    name="${entry%%:*}" pid_file="$LOCAL_DIR/run/$name.pid"
    [[ -f "$pid_file" ]] || continue
    pid="$(cat "$pid_file")"
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
      echo "stopped $name"
    fi
    rm -f "$pid_file"
  done
}

# The front-desk console: vite builds the single-page app into dist/apps/console, and its small
# server (apps/console/server) serves it on 127.0.0.1:CONSOLE_PORT with a same-origin proxy to the
# services and the development sign-in.
build_console() {
  step "build the console (vite)"
  vite build --config apps/console/vite.config.ts --logLevel warn
}

start_console() {
  local pid_file="$LOCAL_DIR/run/console.pid" url="http://127.0.0.1:$CONSOLE_PORT/"
  if [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    echo "console already running (pid $(cat "$pid_file"))"
  else
    build_console
    step "start the console on $url"
    nohup node -r @swc-node/register apps/console/server/main.ts >>"$LOCAL_DIR/logs/console.log" 2>&1 &
    echo $! >"$pid_file"
  fi
  local deadline=$((SECONDS + 30))
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    if ! kill -0 "$(cat "$pid_file")" 2>/dev/null || ((SECONDS > deadline)); then
      echo "the console did not start; the end of $LOCAL_DIR/logs/console.log:" >&2
      tail -n 30 "$LOCAL_DIR/logs/console.log" >&2
      return 1
    fi
    sleep 0.5
  done
  echo "console ready: $url (sign in with a chain and a role)"
}

stop_console() {
  local pid_file="$LOCAL_DIR/run/console.pid"
  [[ -f "$pid_file" ]] || return 0
  kill -TERM "$(cat "$pid_file")" 2>/dev/null && echo "stopped the console"
  rm -f "$pid_file"
}

run_tests() {
  ensure_dependencies
  # The chart check's tools (Go builds: minutes when cold) install at the lowest CPU priority while
  # the other steps run; its step waits for them.
  mkdir -p "$LOCAL_DIR/logs"
  local chart_tools_log="$LOCAL_DIR/logs/helm-tools.log" chart_tools_pid
  nice -n 19 bash "$REPO_ROOT/deploy/helm/check.sh" install >"$chart_tools_log" 2>&1 &
  chart_tools_pid=$!
  # Chromium (Debian's) for the console's browser tests, installed meanwhile when missing.
  local chromium_log="$LOCAL_DIR/logs/chromium-install.log" chromium_pid
  nice -n 19 bash "$REPO_ROOT/deploy/local/chromium.sh" >"$chromium_log" 2>&1 &
  chromium_pid=$!
  # Servers this run starts, it also stops (even on failure); servers a developer already
  # runs (npm start) are left running.
  local started_here=0
  if ! "$INFRA" status >/dev/null 2>&1; then
    started_here=1
    trap '"$INFRA" stop' EXIT
  fi
  "$INFRA" start
  step "typecheck (the services and tools, then the console's browser code)"
  tsc -p tsconfig.json --noEmit
  tsc -p apps/console/tsconfig.json --noEmit
  step "lint (nx, with module boundaries)"
  nx run-many -t lint --outputStyle=static
  build_console
  step "wait for Chromium (the console's browser tests)"
  wait "$chromium_pid" || { cat "$chromium_log" >&2; return 1; }
  cat "$chromium_log"
  step "jest (unit and integration tests against the local servers, the console's in Chromium)"
  local summary="$LOCAL_DIR/test-summary.txt"
  rm -f "$summary"
  TEST_SUMMARY_FILE="$summary" jest --ci
  step "contract tests (schemathesis --checks all against the four running services)"
  bash "$REPO_ROOT/tools/fuzz/run.sh"
  step "helm chart (helm template | kubeconform -strict, default and production values)"
  wait "$chart_tools_pid" || { cat "$chart_tools_log" >&2; return 1; }
  cat "$chart_tools_log"
  bash "$REPO_ROOT/deploy/helm/check.sh"
  if ((started_here)); then
    step "stop the servers this run started"
    trap - EXIT
    "$INFRA" stop
  fi
  # CI reads the closing lines of a run for its test count: Jest's line comes last.
  step "summary"
  cat "$summary"
}

case "${1:-}" in
  start)
    ensure_dependencies
    "$INFRA" start
    start_services
    start_console
    step "up: the console is http://127.0.0.1:$CONSOLE_PORT/ . Stop everything with: npm stop"
    ;;
  stop)
    stop_console
    stop_services
    "$INFRA" stop
    ;;
  test) run_tests ;;
  status)
    "$INFRA" status || true
    for entry in "${SERVICES[@]}"; do
      name="${entry%%:*}"
      if [[ -f "$LOCAL_DIR/run/$name.pid" ]] && kill -0 "$(cat "$LOCAL_DIR/run/$name.pid")" 2>/dev/null; then
        echo "$name: running (pid $(cat "$LOCAL_DIR/run/$name.pid"))"
      else
        echo "$name: stopped"
      fi
    done
    ;;
  *)
    sed -n '2,5p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
