#!/usr/bin/env bash
# OpenAPI-driven contract tests of the four services with schemathesis (--checks all): every answer
# as the service's document says (statuses, bodies, headers, methods), schema-valid requests
# accepted, schema-violating ones refused, no 5xx.
#
#   tools/fuzz/run.sh            (npm run fuzz)  needs the local servers: npm run infra start
#
# Installs schemathesis (pinned) into a venv under .local/fuzz (cached, idempotent), starts the
# clients, visits, media and consent services as real processes on their own loopback ports, with their
# own database, event store file, Kafka topic prefix and photo bucket (so the run sees nobody's data and nobody
# sees its), waits until they are ready, runs schemathesis against each service's /docs/json with
# every check (the expected answers that differ from schemathesis' defaults, with their reasons:
# tools/fuzz/schemathesis-checks.toml), prints a table per service, stops what it started (also on
# failure or Ctrl-C) and exits non-zero on any failed check or 5xx.
#
# Knobs (environment): FUZZ_MAX_EXAMPLES (per operation and phase, default 25: every check on every answer, in a few minutes), FUZZ_CHECKS (default all),
# FUZZ_SERVICE_TIMEOUT (seconds per service, default 300: the clients service has 27 operations), FUZZ_SEED (default random),
# FUZZ_CLIENTS_PORT / FUZZ_VISITS_PORT / FUZZ_MEDIA_PORT / FUZZ_CONSENT_PORT (3101 / 3102 / 3103 / 3104), PYTHON.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LOCAL_DIR="${LOCAL_DIR:-$REPO_ROOT/.local}"
cd "$REPO_ROOT"
# shellcheck source=/dev/null
set -a && source "$REPO_ROOT/deploy/local/local.env" && set +a
export PATH="$REPO_ROOT/node_modules/.bin:$PATH"
export KAFKAJS_NO_PARTITIONER_WARNING=1
export NODE_OPTIONS="${NODE_OPTIONS:-} --disable-warning=TimeoutNegativeWarning --disable-warning=ExperimentalWarning"

SCHEMATHESIS_VERSION=4.32.5
# Every package pinned (tools/fuzz/requirements.txt); a new list gets a new venv.
REQUIREMENTS="$REPO_ROOT/tools/fuzz/requirements.txt"
MAX_EXAMPLES="${FUZZ_MAX_EXAMPLES:-25}"
SERVICE_TIMEOUT="${FUZZ_SERVICE_TIMEOUT:-300}"
SEED="${FUZZ_SEED:-$RANDOM$RANDOM}"
CHECKS="${FUZZ_CHECKS:-all}"
PYTHON="${PYTHON:-python3}"
VENV="$LOCAL_DIR/fuzz/venv-$(sha256sum "$REQUIREMENTS" | cut -c1-12)"

RUN_ID="fuzz-$(date +%Y%m%d%H%M%S)-$$"
RUN_DIR="$LOCAL_DIR/fuzz/runs/$RUN_ID"
# The run's own corner of the shared servers (names: a-z, 0-9, "." "_" "-").
export KAFKA_TOPIC_PREFIX="$RUN_ID."
FUZZ_DATABASE="salon_${RUN_ID//-/_}"
# The media service's photos go to a bucket of the run's own (removed with the topics and database).
export MEDIA_BUCKET="$RUN_ID"
MONGO_BASE="${MONGO_URL%%\?*}"
FUZZ_MONGO_URL="${MONGO_BASE%/*}/$FUZZ_DATABASE${MONGO_URL#"$MONGO_BASE"}"
TENANT="fuzz-chain"
# Not fuzzed: the health routes take no input, and /health/ready answers 503 by design while a
# worker is behind (which the not_a_server_error check would count as a failure).
EXCLUDE_PATHS='^/health/'

# name:port of the services, in start order (the visits service admits bookings through the clients
# service, the media service sets photo references through it). The seed reads the first three by index.
SERVICES=("clients-service:${FUZZ_CLIENTS_PORT:-3101}" "visits-service:${FUZZ_VISITS_PORT:-3102}" "consent-service:${FUZZ_CONSENT_PORT:-3104}" "media-service:${FUZZ_MEDIA_PORT:-3103}")
PIDS=()
TOPICS_CREATED=0

step() { printf '\n==> %s\n' "$*"; }

ensure_schemathesis() {
  # The stamp is written last: a half-finished install is done again.
  if [[ -f "$VENV/.installed" ]] && "$VENV/bin/schemathesis" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
    return 0
  fi
  step "install schemathesis $SCHEMATHESIS_VERSION into $VENV ($("$PYTHON" --version 2>&1))"
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --no-input -r "$REQUIREMENTS"
  touch "$VENV/.installed"
  "$VENV/bin/schemathesis" --version
}

port_of() { echo "${1##*:}"; }
name_of() { echo "${1%%:*}"; }

start_services() {
  local entry name port clients_port
  clients_port="$(port_of "${SERVICES[0]}")"
  for entry in "${SERVICES[@]}"; do
    name="$(name_of "$entry")" port="$(port_of "$entry")"
    if curl -s -o /dev/null "http://127.0.0.1:$port/health/live"; then
      echo "port $port is taken by another process; choose another with FUZZ_$(echo "${name%%-*}" | tr '[:lower:]' '[:upper:]')_PORT" >&2
      return 1
    fi
    echo "start $name on 127.0.0.1:$port (log: $RUN_DIR/$name.log)"
    # Thousands of requests with one token: rate limits the run never reaches (a 429 tells nothing about 5xx).
    # The ops port (port + 10) says why a service is not ready, should it not become so.
    env PORT="$port" OPS_PORT="$((port + 10))" HOST=127.0.0.1 MONGO_URL="$FUZZ_MONGO_URL" EVENTSTORE_PATH="$RUN_DIR/eventstore/events.db" \
      CLIENTS_SERVICE_URL="http://127.0.0.1:$clients_port" LOG_LEVEL=warn \
      RATE_LIMIT_PER_USER=1000000 RATE_LIMIT_PER_TENANT=1000000 RATE_LIMIT_EXPENSIVE_PER_USER=1000000 \
      RATE_LIMIT_EXPENSIVE_PER_TENANT=1000000 RATE_LIMIT_BULK_PER_USER=1000000 RATE_LIMIT_BULK_PER_TENANT=1000000 \
      node -r @swc-node/register "apps/$name/src/main.ts" >"$RUN_DIR/$name.log" 2>&1 &
    PIDS+=("$!")
  done
  local index
  for index in "${!SERVICES[@]}"; do
    wait_until_ready "$(name_of "${SERVICES[index]}")" "$(port_of "${SERVICES[index]}")" "${PIDS[index]}"
  done
}

wait_until_ready() {
  local name="$1" port="$2" pid="$3" deadline=$((SECONDS + 90))
  until curl -fsS -o /dev/null "http://127.0.0.1:$port/health/ready" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "$name exited; the end of its log:" >&2
      tail -n 30 "$RUN_DIR/$name.log" >&2
      return 1
    fi
    if ((SECONDS > deadline)); then
      echo "$name is not ready after 90 s:" >&2
      curl -sS "http://127.0.0.1:$((port + 10))/health/ready" >&2 || true
      return 1
    fi
    sleep 0.5
  done
  echo "$name ready on 127.0.0.1:$port"
}

# Only the processes this script started, by pid; then the run's topics and database.
clean_up() {
  local status=$? pid
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  # A service takes up to ~10 s to leave its Kafka consumer groups.
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null && echo "killed pid $pid (it did not stop within 30 s of SIGTERM)" >&2
    wait "$pid" 2>/dev/null || true
  done
  if ((TOPICS_CREATED)); then
    MONGO_URL="$FUZZ_MONGO_URL" node -r @swc-node/register tools/fuzz/environment.ts clean || true
  fi
  rm -rf "$RUN_DIR/eventstore"
  exit "$status"
}

fuzz_service() {
  local name="$1" port="$2" token="$3"
  local report="$RUN_DIR/$name"
  step "schemathesis: $name (http://127.0.0.1:$port/docs/json, ≤ $MAX_EXAMPLES examples per operation and phase, seed $SEED)"
  curl -fsS "http://127.0.0.1:$port/docs/json" -o "$RUN_DIR/$name.openapi.json"
  local status=0
  # One worker: hypothesis parses lambdas with ast.parse, which is not thread-safe on some
  # CPython 3.11 releases ("AST constructor recursion depth mismatch").
  # From .local/fuzz: schemathesis records every failing case in .schemathesis/ of its working
  # directory (not the repository's); `schemathesis replay` there re-sends them.
  (cd "$LOCAL_DIR/fuzz" && timeout --kill-after=10 "$SERVICE_TIMEOUT" "$VENV/bin/schemathesis" \
    --config-file "$RUN_DIR/schemathesis.toml" run "http://127.0.0.1:$port/docs/json" \
    --checks "$CHECKS" \
    --exclude-path-regex "$EXCLUDE_PATHS" \
    --max-examples "$MAX_EXAMPLES" \
    --seed "$SEED" \
    --continue-on-failure \
    --workers 1 \
    --request-timeout 10 \
    --header "Authorization: Bearer $token" \
    --generation-database none \
    --report har,junit --report-dir "$report" \
    --no-color) >"$report.out" 2>&1 || status=$?
  # Schemathesis closes its output the way pytest does ("== 2 warnings in 46.02s =="), which a reader of
  # the test command's closing lines takes for a test run that executed nothing: its output stays in
  # the run's folder, shown here only when it failed. The summary table below carries the counts.
  if ((status != 0)); then
    # The failures' summary, without schemathesis' pytest-style closing line (see below).
    sed -n '/^=* SUMMARY =*$/,$p' "$report.out" | grep -Ev '^=+ .* in [0-9.]+s =+$' | grep -Ev '^=+ SUMMARY =+$' || true
    echo "$name: failing cases, with a curl to reproduce each: $report.out"
  else
    echo "$name: schemathesis finished without failure (output: $report.out)"
  fi
  if ((status == 124 || status == 137)); then
    echo "$name: schemathesis did not finish within $SERVICE_TIMEOUT s" >&2
  fi
  return "$status"
}

main() {
  mkdir -p "$RUN_DIR"
  # Reports of the last five runs are kept.
  find "$LOCAL_DIR/fuzz/runs" -mindepth 1 -maxdepth 1 -type d | sort | head -n -5 | xargs -r rm -rf
  ensure_schemathesis
  trap clean_up EXIT INT TERM
  step "topics with prefix $KAFKA_TOPIC_PREFIX"
  TOPICS_CREATED=1
  node -r @swc-node/register tools/kafka/create-topics.ts
  step "start the services (database $FUZZ_DATABASE, event store $RUN_DIR/eventstore)"
  start_services
  local token
  token="$(node -r @swc-node/register tools/dev-token.ts --tenant "$TENANT" --roles owner --user fuzzer --expires 1h)"
  step "seed: clients, visits and consent records for the fuzzer to find"
  FUZZ_TOKEN="$token" FUZZ_CLIENTS_URL="http://127.0.0.1:$(port_of "${SERVICES[0]}")" \
    FUZZ_VISITS_URL="http://127.0.0.1:$(port_of "${SERVICES[1]}")" FUZZ_CONSENT_URL="http://127.0.0.1:$(port_of "${SERVICES[2]}")" \
    node -r @swc-node/register tools/fuzz/seed.ts >"$RUN_DIR/schemathesis.toml"
  cat "$RUN_DIR/schemathesis.toml"
  # The checks' expected answers, each with its reason (README.md, Contract tests).
  cat "$REPO_ROOT/tools/fuzz/schemathesis-checks.toml" >>"$RUN_DIR/schemathesis.toml"
  local failed=0 entry
  for entry in "${SERVICES[@]}"; do
    fuzz_service "$(name_of "$entry")" "$(port_of "$entry")" "$token" || failed=1
  done
  step "summary (reports: $RUN_DIR)"
  node -r @swc-node/register tools/fuzz/summary.ts "$RUN_DIR" "$EXCLUDE_PATHS" "${SERVICES[@]%%:*}" || failed=1
  if ((failed)); then
    echo "fuzz: FAILED (a check failed, a 5xx, or schemathesis did not finish; see above and $RUN_DIR)" >&2
    return 1
  fi
  echo "fuzz: every check passed ($CHECKS), no server error"
}

main "$@"
