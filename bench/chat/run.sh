#!/usr/bin/env bash
# bench/chat: a message of the internal chat to a group of 500 (docs/chat.md). Builds, starts a private MariaDB +
# Mosquitto and the daemon on ports of their own under var/bench-chat (wiped first), seeds the members (500
# operators, each with a user), runs build/bench/omnigate_chat_bench against them and stops everything again.
#   bench/chat/run.sh                         # 500 members, 30 messages timed to each group
#   bench/chat/run.sh --members 200 --sends 50  # options go to omnigate_chat_bench (--members also seeds)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo"

# Own ports and var dir: never the run.sh, test or other benchmarks' servers.
export OMNIGATE_REPO=$repo
export OMNIGATE_VAR_DIR=$repo/var/bench-chat
export OMNIGATE_HTTP_PORT=30180
export OMNIGATE_DB_PORT=30306
export OMNIGATE_DB_NAME=omnigate_chat_bench
export OMNIGATE_DB_USER=omnigate
export OMNIGATE_DB_PASSWORD=omnigate_chat_bench
export OMNIGATE_MQTT_PORT=30883
export OMNIGATE_MQTT_WS_PORT=30901
# The broker takes no anonymous client: services.sh creates the daemon's account with these.
export OMNIGATE_MQTT_USER=omnigate
export OMNIGATE_MQTT_PASSWORD=omnigate-chat-bench-mqtt
# The members' listeners connect as the read-only observer: 500 sign-ins would cost 500 argon2id checks, and the
# topics they listen on are the members' own all the same.
export OMNIGATE_MQTT_OBSERVER_USER=observer
export OMNIGATE_MQTT_OBSERVER_PASSWORD=observer-chat-bench-mqtt
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
    "$services" stop all >/dev/null || { echo "bench/chat: could not stop the bench services" >&2; rc=1; }
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "bench/chat: installing what is missing and building"
"$repo/scripts/setup.sh"
[ -f build/CMakeCache.txt ] || cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j2 --target omnigate omnigate_chat_bench

echo "bench/chat: starting MariaDB and Mosquitto under $var_dir"
"$services" stop all >/dev/null
rm -rf "$var_dir"
mkdir -p "$var_dir"
services_started=1
"$services" start mariadb
"$services" start mosquitto

config=$var_dir/omnigate.yaml
cat >"$config" <<YAML
# Written by bench/chat/run.sh for one run.
instance: bench-chat
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
auth:
  token_secret: bench-chat-token-secret-not-secret-0123456789
YAML

echo "bench/chat: starting omnigate (log: $daemon_log)"
"$repo/build/core/omnigate" --config "$config" >"$daemon_log" 2>&1 &
daemon_pid=$!
ready=0
for ((i = 0; i < 600; i++)); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$OMNIGATE_HTTP_PORT/readyz" 2>/dev/null; then ready=1; break; fi
  kill -0 "$daemon_pid" 2>/dev/null || break
  sleep 0.1
done
if [ "$ready" -ne 1 ]; then
  echo "bench/chat: omnigate did not become ready; tail of $daemon_log:" >&2
  tail -n 30 "$daemon_log" >&2
  exit 1
fi

# The members straight into the database the daemon migrated: making 500 users over REST would hash 500
# passwords (argon2id, some 90 s on two cores) that nobody uses; members need no sign-in to be sent to.
members=500
for ((i = 1; i <= $#; i++)); do
  if [ "${!i}" = --members ]; then j=$((i + 1)); members=${!j}; fi
done
echo "bench/chat: seeding $members members"
mariadb --no-defaults --socket="$var_dir/mariadb/sock" -u root "$OMNIGATE_DB_NAME" <<SQL
INSERT INTO operators (id, name, capacities, status_since, created_at, updated_at)
  SELECT CONCAT('bench-op-', seq), CONCAT('Operator ', seq), '{}', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3),
         UTC_TIMESTAMP(3) FROM seq_1_to_$members;
INSERT INTO users (login, display_name, roles, operator_id, created_at, updated_at)
  SELECT CONCAT('bench-', seq), CONCAT('Operator ', seq), 'operator', CONCAT('bench-op-', seq), UTC_TIMESTAMP(3),
         UTC_TIMESTAMP(3) FROM seq_1_to_$members;
SQL

"$repo/build/bench/omnigate_chat_bench" --port "$OMNIGATE_HTTP_PORT" --mqtt-port "$OMNIGATE_MQTT_PORT" \
  --admin-token "$admin_token" "$@"
