#!/usr/bin/env bash
# bench/templates: the response-template search at 10,000 templates, in process and through GET /api/v1/templates.
# Builds, starts a private MariaDB + Mosquitto and the daemon on ports of its own under var/bench-templates (wiped
# first), runs build/bench/omnigate_templates_bench against them and stops everything again.
#   bench/templates/run.sh                                   # 10,000 templates, 2,000 searches
#   bench/templates/run.sh --templates 20000 --queries 500   # options go to omnigate_templates_bench
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo"

# Own ports and var dir: never the run.sh, test or other benchmarks' servers.
export OMNIGATE_REPO=$repo
export OMNIGATE_VAR_DIR=$repo/var/bench-templates
export OMNIGATE_HTTP_PORT=28480
export OMNIGATE_DB_PORT=22306
export OMNIGATE_DB_NAME=omnigate_templates_bench
export OMNIGATE_DB_USER=omnigate
export OMNIGATE_DB_PASSWORD=omnigate_templates_bench
export OMNIGATE_MQTT_PORT=22883
export OMNIGATE_MQTT_WS_PORT=22901
# The broker takes no anonymous client: services.sh creates the daemon's account with these.
export OMNIGATE_MQTT_USER=omnigate
export OMNIGATE_MQTT_PASSWORD=omnigate-templates-bench-mqtt
services=$repo/scripts/services.sh
var_dir=$OMNIGATE_VAR_DIR
daemon_log=$var_dir/omnigate.log
admin_token=bench-admin-token-not-secret

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
    "$services" stop all >/dev/null || { echo "bench/templates: could not stop the bench services" >&2; rc=1; }
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "bench/templates: installing what is missing and building"
"$repo/scripts/setup.sh"
[ -f build/CMakeCache.txt ] || cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j2 --target omnigate omnigate_templates_bench

echo "bench/templates: starting MariaDB and Mosquitto under $var_dir"
"$services" stop all >/dev/null
rm -rf "$var_dir"
mkdir -p "$var_dir"
services_started=1
"$services" start mariadb
"$services" start mosquitto

config=$var_dir/omnigate.yaml
cat >"$config" <<YAML
# Written by bench/templates/run.sh for one run.
instance: bench-templates
log_level: warning
http:
  host: 127.0.0.1
  port: $OMNIGATE_HTTP_PORT
admin:
  token: $admin_token
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
plugins:
  directory: $repo/build/plugins
YAML

echo "bench/templates: starting omnigate (log: $daemon_log)"
"$repo/build/core/omnigate" --config "$config" >"$daemon_log" 2>&1 &
daemon_pid=$!
ready=0
for ((i = 0; i < 600; i++)); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$OMNIGATE_HTTP_PORT/readyz" 2>/dev/null; then ready=1; break; fi
  kill -0 "$daemon_pid" 2>/dev/null || break
  sleep 0.1
done
if [ "$ready" -ne 1 ]; then
  echo "bench/templates: omnigate did not become ready; tail of $daemon_log:" >&2
  tail -n 30 "$daemon_log" >&2
  exit 1
fi

"$repo/build/bench/omnigate_templates_bench" --port "$OMNIGATE_HTTP_PORT" --admin-token "$admin_token" "$@"
