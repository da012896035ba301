#!/usr/bin/env bash
# bench/console: what the web console costs its users. Builds the daemon and the console, starts a private MariaDB
# + Mosquitto and the daemon on ports of its own under var/bench-console (wiped first), runs measure.mjs in
# Debian's chromium (headless, through playwright-core) and stops everything again.
#   bench/console/run.sh                          # 10 sign-ins, 5,000 interactions in the unified queue
#   bench/console/run.sh --runs 20 --queue 10000  # options go to measure.mjs
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo"

# Own ports and var dir: never the run.sh, test or other benchmarks' servers.
export OMNIGATE_REPO=$repo
export OMNIGATE_VAR_DIR=$repo/var/bench-console
export OMNIGATE_HTTP_PORT=29180
export OMNIGATE_DB_PORT=26306
export OMNIGATE_DB_NAME=omnigate_console_bench
export OMNIGATE_DB_USER=omnigate
export OMNIGATE_DB_PASSWORD=omnigate_console_bench
export OMNIGATE_MQTT_PORT=26883
export OMNIGATE_MQTT_WS_PORT=26901
export OMNIGATE_MQTT_USER=omnigate
export OMNIGATE_MQTT_PASSWORD=omnigate-console-bench-mqtt
services=$repo/scripts/services.sh
var_dir=$OMNIGATE_VAR_DIR
daemon_log=$var_dir/omnigate.log

daemon_pid=
services_started=0
# shellcheck disable=SC2317  # only reached through the trap
cleanup() {
  local rc=$? i
  trap - EXIT INT TERM
  if [ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null; then
    kill -TERM "$daemon_pid" 2>/dev/null || true
    for ((i = 0; i < 200; i++)); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$daemon_pid" 2>/dev/null || true
    wait "$daemon_pid" 2>/dev/null || true
  fi
  if [ "$services_started" -eq 1 ]; then
    "$services" stop all >/dev/null || { echo "bench/console: could not stop the bench services" >&2; rc=1; }
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "bench/console: installing what is missing and building"
"$repo/scripts/setup.sh"
[ -f build/CMakeCache.txt ] || cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j2 --target omnigate all_plugins
"$repo/scripts/console.sh"

echo "bench/console: starting MariaDB and Mosquitto under $var_dir"
"$services" stop all >/dev/null
rm -rf "$var_dir"
mkdir -p "$var_dir"
services_started=1
"$services" start mariadb
"$services" start mosquitto

config=$var_dir/omnigate.yaml
cat >"$config" <<YAML
# Written by bench/console/run.sh for one run.
instance: bench-console
log_level: warning
http:
  host: 127.0.0.1
  port: $OMNIGATE_HTTP_PORT
  # Thousands of visitors from one address fill the queue: the per-address limits would stop the filling.
  rate_limits:
    webchat_sessions: {burst: 1000000, per_minute: 1000000}
    webchat_messages: {burst: 1000000, per_minute: 1000000}
admin:
  token: bench-admin-token-not-secret
database:
  host: 127.0.0.1
  port: $OMNIGATE_DB_PORT
  name: $OMNIGATE_DB_NAME
  user: $OMNIGATE_DB_USER
  password: $OMNIGATE_DB_PASSWORD
mqtt:
  url: tcp://127.0.0.1:$OMNIGATE_MQTT_PORT
  username: $OMNIGATE_MQTT_USER
  password: $OMNIGATE_MQTT_PASSWORD
  websocket_url: ws://127.0.0.1:$OMNIGATE_MQTT_WS_PORT
plugins:
  directory: $repo/build/plugins
console:
  directory: $repo/console/dist
channels:
  - type: webchat
    id: bench
    settings:
      token_secret: bench-webchat-secret-not-secret-0123
auth:
  token_secret: bench-console-token-secret-not-secret-0123456789
  users:
    - {login: operator, roles: [operator], operator: bench-operator, password: bench-operator-password}
    - {login: supervisor, roles: [supervisor], password: bench-supervisor-password}
routing:
  queues:
    - {id: bench, name: Bench, sources: [{channel: webchat}]}
  operator_groups:
    - {id: bench-team, name: Bench team, queues: [bench]}
  operators:
    - {id: bench-operator, name: Bench operator, capacities: {webchat: 5}, groups: [bench-team]}
YAML

echo "bench/console: starting omnigate (log: $daemon_log)"
"$repo/build/core/omnigate" --config "$config" >"$daemon_log" 2>&1 &
daemon_pid=$!
ready=0
for ((i = 0; i < 600; i++)); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$OMNIGATE_HTTP_PORT/readyz" 2>/dev/null; then ready=1; break; fi
  kill -0 "$daemon_pid" 2>/dev/null || break
  sleep 0.1
done
if [ "$ready" -ne 1 ]; then
  echo "bench/console: omnigate did not become ready; tail of $daemon_log:" >&2
  tail -n 30 "$daemon_log" >&2
  exit 1
fi

node "$repo/bench/console/measure.mjs" --url "http://127.0.0.1:$OMNIGATE_HTTP_PORT" --account bench "$@"
