#!/usr/bin/env bash
# bench/campaign: a WhatsApp campaign to 100,000 clients against a Graph API fake that the bench serves itself,
# with bench/run.sh's ingest load once before the campaign and once while it sends. Builds, starts a private
# MariaDB + Mosquitto and the daemon on ports of its own under var/bench-campaign (wiped first), runs
# build/bench/omnigate_campaign_bench against them and stops everything again.
#   bench/campaign/run.sh                          # 100,000 recipients at 6,000 a minute, campaigns.workers 4
#   bench/campaign/run.sh --workers 16 --rate 30000 --recipients 20000   # --workers: campaigns.workers
# The rest of the options go to omnigate_campaign_bench (--help).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo"

# Own ports and var dir: never the run.sh, test or other benchmarks' servers.
export OMNIGATE_REPO=$repo
export OMNIGATE_VAR_DIR=$repo/var/bench-campaign
export OMNIGATE_HTTP_PORT=31080
export OMNIGATE_DB_PORT=31306
export OMNIGATE_DB_NAME=omnigate_campaign_bench
export OMNIGATE_DB_USER=omnigate
export OMNIGATE_DB_PASSWORD=omnigate_campaign_bench
export OMNIGATE_MQTT_PORT=31883
export OMNIGATE_MQTT_WS_PORT=31901
# The broker takes no anonymous client: services.sh creates the daemon's account and the observer the bench's
# event subscriber signs in with.
export OMNIGATE_MQTT_USER=omnigate
export OMNIGATE_MQTT_PASSWORD=omnigate-campaign-bench-mqtt
export OMNIGATE_MQTT_OBSERVER_USER=observer
export OMNIGATE_MQTT_OBSERVER_PASSWORD=observer-campaign-bench-mqtt
graph_port=31090
services=$repo/scripts/services.sh
var_dir=$OMNIGATE_VAR_DIR
daemon_log=$var_dir/omnigate.log
admin_token=bench-admin-token-not-secret

workers=4
bench_args=()
while [ $# -gt 0 ]; do
  case $1 in
    --workers) workers=${2:?--workers needs a number}; shift 2 ;;
    *) bench_args+=("$1"); shift ;;
  esac
done

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
    "$services" stop all >/dev/null || { echo "bench/campaign: could not stop the bench services" >&2; rc=1; }
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "bench/campaign: installing what is missing and building"
"$repo/scripts/setup.sh"
[ -f build/CMakeCache.txt ] || cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j2 --target omnigate omnigate_webchat omnigate_whatsapp omnigate_campaign_bench

echo "bench/campaign: starting MariaDB and Mosquitto under $var_dir"
"$services" stop all >/dev/null
rm -rf "$var_dir"
mkdir -p "$var_dir"
services_started=1
"$services" start mariadb
"$services" start mosquitto

config=$var_dir/omnigate.yaml
cat >"$config" <<YAML
# Written by bench/campaign/run.sh for one run: bench/run.sh's web chat account for the ingest load, and a
# WhatsApp account whose Graph API is the bench's fake.
instance: bench-campaign
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
  token: $admin_token
auth:
  token_secret: bench-campaign-token-secret-0123456789abcdef
database:
  host: 127.0.0.1
  port: $OMNIGATE_DB_PORT
  name: $OMNIGATE_DB_NAME
  user: $OMNIGATE_DB_USER
  password: $OMNIGATE_DB_PASSWORD
  pool_size: 8
mqtt:
  url: tcp://127.0.0.1:$OMNIGATE_MQTT_PORT
  username: $OMNIGATE_MQTT_USER
  password: $OMNIGATE_MQTT_PASSWORD
plugins:
  directory: $repo/build/plugins
campaigns:
  workers: $workers
  max_rate_per_minute: 60000
channels:
  - type: webchat
    id: demo
    settings:
      token_secret: bench-webchat-secret-not-secret
      token_ttl_seconds: 86400
  - type: whatsapp
    id: bench
    settings:
      phone_number_id: "100000000000002"
      app_secret: bench-whatsapp-secret-not-secret
      verify_token: bench-whatsapp-verify-not-secret
      access_token: bench-whatsapp-token-not-secret
      graph_url: http://127.0.0.1:$graph_port
YAML

echo "bench/campaign: starting omnigate (log: $daemon_log)"
"$repo/build/core/omnigate" --config "$config" >"$daemon_log" 2>&1 &
daemon_pid=$!
ready=0
for ((i = 0; i < 600; i++)); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$OMNIGATE_HTTP_PORT/readyz" 2>/dev/null; then ready=1; break; fi
  kill -0 "$daemon_pid" 2>/dev/null || break
  sleep 0.1
done
if [ "$ready" -ne 1 ]; then
  echo "bench/campaign: omnigate did not become ready; tail of $daemon_log:" >&2
  tail -n 30 "$daemon_log" >&2
  exit 1
fi

rc=0
"$repo/build/bench/omnigate_campaign_bench" \
  --http-port "$OMNIGATE_HTTP_PORT" --mqtt-port "$OMNIGATE_MQTT_PORT" --db-port "$OMNIGATE_DB_PORT" \
  --db-name "$OMNIGATE_DB_NAME" --db-user "$OMNIGATE_DB_USER" --db-password "$OMNIGATE_DB_PASSWORD" \
  --daemon-pid "$daemon_pid" --graph-port "$graph_port" --admin-token "$admin_token" --account bench \
  --workers "$workers" ${bench_args[@]+"${bench_args[@]}"} || rc=$?
# The daemon logs only warnings and errors here: whatever it logged during the run is part of the result.
if [ -s "$daemon_log" ]; then
  echo "bench/campaign: the daemon logged $(wc -l <"$daemon_log") line(s); the last 20:"
  tail -n 20 "$daemon_log"
else
  echo "bench/campaign: the daemon logged nothing at warning or above"
fi
exit "$rc"
