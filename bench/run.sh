#!/usr/bin/env bash
# One command for omnigate's benchmark: builds, starts a private MariaDB + Mosquitto and the daemon on bench ports
# under var/bench (wiped first, so every run starts from an empty database), runs build/bench/omnigate_bench
# against them and stops everything again. Arguments go to omnigate_bench:
#   bench/run.sh                                  # highest rate for 20 s
#   bench/run.sh --rate 1000 --json /tmp/b.json   # fixed offered rate (the latency target), figures as JSON
#   options: --duration S  --rate N  --clients N  --threads N  --json FILE  (omnigate_bench --help for all)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

# Own ports and var dir: a benchmark must never touch the run.sh or test servers (or their data).
export OMNIGATE_REPO=$repo
export OMNIGATE_VAR_DIR=$repo/var/bench
export OMNIGATE_HTTP_PORT=28080
export OMNIGATE_DB_PORT=23306
export OMNIGATE_DB_NAME=omnigate_bench
export OMNIGATE_DB_USER=omnigate
export OMNIGATE_DB_PASSWORD=omnigate_bench
export OMNIGATE_MQTT_PORT=21883
export OMNIGATE_MQTT_WS_PORT=29001
export OMNIGATE_MQTT_USER=omnigate
export OMNIGATE_MQTT_PASSWORD=omnigate-bench-mqtt
export OMNIGATE_MQTT_OBSERVER_USER=observer
export OMNIGATE_MQTT_OBSERVER_PASSWORD=observer-bench-mqtt
export OMNIGATE_SERVICES=$repo/scripts/services.sh
export OMNIGATE_PLUGIN_DIR=$repo/build/plugins
export OMNIGATE_BINARY=$repo/build/core/omnigate
services=$OMNIGATE_SERVICES
var_dir=$OMNIGATE_VAR_DIR
daemon_log=$var_dir/omnigate.log

daemon_pid=
services_started=0
# shellcheck disable=SC2317  # only reached through the trap
cleanup() {
  local rc=$? i
  trap - EXIT INT TERM
  if [ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null; then
    echo "bench: stopping omnigate (pid $daemon_pid)"
    kill -TERM "$daemon_pid" 2>/dev/null || true
    for ((i = 0; i < 200; i++)); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$daemon_pid" 2>/dev/null || true
    wait "$daemon_pid" 2>/dev/null || true
  fi
  if [ "$services_started" -eq 1 ]; then
    "$services" stop all || { echo "bench: warning: could not stop the bench services" >&2; rc=1; }
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for arg in "$@"; do
  if [ "$arg" = --help ] || [ "$arg" = -h ]; then
    [ -f build/CMakeCache.txt ] || cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build build -j2 --target omnigate_bench >/dev/null
    exec "$repo/build/bench/omnigate_bench" --help
  fi
done

echo "bench: installing what is missing and building"
"$repo/scripts/setup.sh"
[ -f build/CMakeCache.txt ] || cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j2 --target omnigate omnigate_webchat omnigate_whatsapp omnigate_bench

echo "bench: starting MariaDB and Mosquitto under $var_dir"
# Servers left by an aborted earlier run must be stopped before their data dir is wiped under them.
"$services" stop all >/dev/null
rm -rf "$var_dir"
mkdir -p "$var_dir"
services_started=1
# Only what the load needs: the mail servers would take run.sh's ports.
"$services" start mariadb
"$services" start mosquitto

config=$var_dir/omnigate.yaml
# The bench's own WhatsApp account: the generator signs its webhooks with this secret (--channel whatsapp).
wa_app_secret=bench-whatsapp-secret-not-secret
wa_phone_number_id=100000000000001
cat >"$config" <<YAML
# Written by bench/run.sh for one run: the demo configuration on bench ports, logging only warnings.
instance: bench
log_level: warning
http:
  host: 127.0.0.1
  port: $OMNIGATE_HTTP_PORT
  max_threads: 64
  max_queued: 1024
  # The load comes from one address: per-client limits would throttle the benchmark, not measure the daemon.
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
  pool_size: 8
${OMNIGATE_BENCH_WRITERS:+  writers: $OMNIGATE_BENCH_WRITERS}
mqtt:
  url: tcp://127.0.0.1:$OMNIGATE_MQTT_PORT
  username: $OMNIGATE_MQTT_USER
  password: $OMNIGATE_MQTT_PASSWORD
plugins:
  directory: $OMNIGATE_PLUGIN_DIR
channels:
  - type: webchat
    id: demo
    settings:
      token_secret: bench-webchat-secret-not-secret
      token_ttl_seconds: 86400
  - type: whatsapp
    id: demo
    settings:
      phone_number_id: "$wa_phone_number_id"
      app_secret: $wa_app_secret
      verify_token: bench-whatsapp-verify-not-secret
      access_token: bench-whatsapp-token-not-secret
      # Text messages need no Graph API call; nothing listens here.
      graph_url: http://127.0.0.1:9
YAML

echo "bench: starting omnigate (log: $daemon_log)"
"$OMNIGATE_BINARY" --config "$config" >"$daemon_log" 2>&1 &
daemon_pid=$!
ready=0
for ((i = 0; i < 600; i++)); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$OMNIGATE_HTTP_PORT/readyz" 2>/dev/null; then ready=1; break; fi
  kill -0 "$daemon_pid" 2>/dev/null || break
  sleep 0.1
done
if [ "$ready" -ne 1 ]; then
  echo "bench: omnigate did not become ready; tail of $daemon_log:" >&2
  tail -n 30 "$daemon_log" >&2
  exit 1
fi

"$repo/build/bench/omnigate_bench" \
  --http-port "$OMNIGATE_HTTP_PORT" --mqtt-port "$OMNIGATE_MQTT_PORT" --db-port "$OMNIGATE_DB_PORT" \
  --db-name "$OMNIGATE_DB_NAME" --db-user "$OMNIGATE_DB_USER" --db-password "$OMNIGATE_DB_PASSWORD" \
  --daemon-pid "$daemon_pid" \
  --whatsapp-secret "$wa_app_secret" --whatsapp-phone-number-id "$wa_phone_number_id" \
  --db-pid "$(cat "$var_dir/mariadb/mariadbd.pid")" --broker-pid "$(cat "$var_dir/mosquitto/mosquitto.pid")" \
  "$@"
