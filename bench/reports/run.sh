#!/usr/bin/env bash
# bench/reports: a month of a large contact centre (1,000,000 interactions with their status histories, queue
# visits, topics and ratings; 50 queues, 500 operators with their status histories; 10,000 waiting now) seeded into
# a private MariaDB under var/bench-reports (wiped first), the aggregates rebuilt from it by
# `omnigate --rebuild-stats`, then every report over the month and the online snapshot timed against the daemon.
#   bench/reports/run.sh                          # the whole run: seeding, rebuild, measuring
#   bench/reports/run.sh --reuse                  # measure again on the month seeded by the last run (rebuilt again)
#   bench/reports/run.sh --interactions 100000    # a smaller centre; also --waiting N, --days N
#   bench/reports/run.sh --json /tmp/reports.json # also --repetitions N, --snapshots N
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo"

# Own ports and var dir: never the run.sh, test or other bench servers (or their data).
export OMNIGATE_REPO=$repo
export OMNIGATE_VAR_DIR=$repo/var/bench-reports
export OMNIGATE_HTTP_PORT=28280
export OMNIGATE_DB_PORT=27306
export OMNIGATE_DB_NAME=omnigate_reports_bench
export OMNIGATE_DB_USER=omnigate
export OMNIGATE_DB_PASSWORD=omnigate_reports_bench
export OMNIGATE_MQTT_PORT=27883
export OMNIGATE_MQTT_WS_PORT=27901
export OMNIGATE_MQTT_USER=omnigate
export OMNIGATE_MQTT_PASSWORD=omnigate-reports-bench-mqtt
services=$repo/scripts/services.sh
var_dir=$OMNIGATE_VAR_DIR
daemon_log=$var_dir/omnigate.log
seeded_mark=$var_dir/seeded
admin_token='bench-admin-token-not-secret'
utc_offset=+03:00
utc_offset_minutes=180
bench=$repo/build/bench/omnigate_reports_bench

reuse=0
seed_args=()
measure_args=()
while [ $# -gt 0 ]; do
  case $1 in
    --reuse) reuse=1 ;;
    --interactions | --waiting | --days) seed_args+=("$1" "$2"); shift ;;
    --json | --repetitions | --snapshots) measure_args+=("$1" "$2"); shift ;;
    -h | --help) sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/reports: unknown option $1 (--help lists them)" >&2; exit 2 ;;
  esac
  shift
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
    "$services" stop all >/dev/null || { echo "bench/reports: could not stop the bench services" >&2; rc=1; }
  fi
  if [ "$rc" -ne 0 ]; then
    echo "bench/reports: failed; logs: $daemon_log, $var_dir/mariadb/error.log, $var_dir/mosquitto/mosquitto.log" >&2
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "bench/reports: installing what is missing and building"
"$repo/scripts/setup.sh"
[ -f build/CMakeCache.txt ] || cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j2 --target omnigate omnigate_reports_bench

# Servers left by an aborted earlier run must be stopped before their data dir is wiped under them.
"$services" stop all >/dev/null
if [ "$reuse" -eq 1 ] && [ ! -f "$seeded_mark" ]; then
  echo "bench/reports: --reuse, but no seeded month under $var_dir: seeding one" >&2
  reuse=0
fi
if [ "$reuse" -eq 0 ]; then
  rm -rf "$var_dir"
fi
mkdir -p "$var_dir"
services_started=1
echo "bench/reports: starting MariaDB and Mosquitto under $var_dir"
"$services" start mariadb
"$services" start mosquitto

config=$var_dir/omnigate.yaml
cat >"$config" <<YAML
# Written by bench/reports/run.sh for one run.
instance: bench-reports
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
stats:
  # The snapshot is timed per REST call: the publisher's own every few seconds would land in those figures.
  interval_seconds: 3600
  utc_offset: "$utc_offset"
YAML

seconds_since() { awk -v from="$1" -v to="$(date +%s%N)" 'BEGIN { printf "%.1f", (to - from) / 1e9 }'; }

seed_seconds=0
if [ "$reuse" -eq 0 ]; then
  started=$(date +%s%N)
  "$bench" seed --utc-offset-minutes "$utc_offset_minutes" "${seed_args[@]}"
  seed_seconds=$(seconds_since "$started")
  touch "$seeded_mark"
fi

echo "bench/reports: omnigate --rebuild-stats (load $(cut -d' ' -f1-3 /proc/loadavg))"
started=$(date +%s%N)
"$repo/build/core/omnigate" --config "$config" --rebuild-stats | sed -u 's/^/  rebuild: /'
rebuild_seconds=$(seconds_since "$started")

echo "bench/reports: starting omnigate (log: $daemon_log)"
"$repo/build/core/omnigate" --config "$config" >"$daemon_log" 2>&1 &
daemon_pid=$!
ready=0
for ((i = 0; i < 600; i++)); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$OMNIGATE_HTTP_PORT/readyz" 2>/dev/null; then ready=1; break; fi
  kill -0 "$daemon_pid" 2>/dev/null || break
  sleep 0.1
done
if [ "$ready" -ne 1 ]; then
  echo "bench/reports: omnigate did not become ready; tail of $daemon_log:" >&2
  tail -n 30 "$daemon_log" >&2
  exit 1
fi
# Its start-up work (the first snapshot published, the catalogs' events) done before anything is timed.
sleep 2

"$bench" measure --http-port "$OMNIGATE_HTTP_PORT" --token "$admin_token" --utc-offset-minutes "$utc_offset_minutes" \
  --daemon-pid "$daemon_pid" --db-pid "$(cat "$var_dir/mariadb/mariadbd.pid")" \
  --seed-seconds "$seed_seconds" --rebuild-seconds "$rebuild_seconds" "${measure_args[@]}"
