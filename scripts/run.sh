#!/usr/bin/env bash
# Brings up the whole omnigate system on this machine: packages, build, private MariaDB + Mosquitto, then the
# daemon in the foreground. Ctrl-C stops the daemon and the services this script started.
# Extra arguments are passed to the daemon.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

export OMNIGATE_VAR_DIR=${OMNIGATE_VAR_DIR:-$repo/var}
export OMNIGATE_HTTP_PORT=${OMNIGATE_HTTP_PORT:-8080}
export OMNIGATE_DB_PORT=${OMNIGATE_DB_PORT:-3307}
export OMNIGATE_DB_NAME=${OMNIGATE_DB_NAME:-omnigate}
export OMNIGATE_DB_USER=${OMNIGATE_DB_USER:-omnigate}
export OMNIGATE_DB_PASSWORD=${OMNIGATE_DB_PASSWORD:-omnigate}
export OMNIGATE_MQTT_PORT=${OMNIGATE_MQTT_PORT:-1884}
export OMNIGATE_MQTT_WS_PORT=${OMNIGATE_MQTT_WS_PORT:-9001}
export OMNIGATE_MQTT_TLS_PORT=${OMNIGATE_MQTT_TLS_PORT:-8884}
# The broker takes no anonymous client: the daemon's account (config/omnigate.yaml reads the same variables) and a
# read-only observer for you. Demo defaults, fine because every listener is on 127.0.0.1.
mqtt_note=""
if [ -z "${OMNIGATE_MQTT_PASSWORD:-}" ] || [ -z "${OMNIGATE_MQTT_OBSERVER_PASSWORD:-}" ]; then
  mqtt_note="(demo defaults: set your own with OMNIGATE_MQTT_PASSWORD / OMNIGATE_MQTT_OBSERVER_PASSWORD)"
fi
export OMNIGATE_MQTT_USER=${OMNIGATE_MQTT_USER:-omnigate}
export OMNIGATE_MQTT_PASSWORD=${OMNIGATE_MQTT_PASSWORD:-omnigate-demo-mqtt}
export OMNIGATE_MQTT_OBSERVER_USER=${OMNIGATE_MQTT_OBSERVER_USER:-observer}
export OMNIGATE_MQTT_OBSERVER_PASSWORD=${OMNIGATE_MQTT_OBSERVER_PASSWORD:-observer-demo-mqtt}
export OMNIGATE_PLUGIN_DIR=$repo/build/plugins
services=$repo/scripts/services.sh

"$repo/scripts/setup.sh"
[ -f build/CMakeCache.txt ] || cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j2
binary=$repo/build/core/omnigate
[ -x "$binary" ] || { echo "run: $binary was not built" >&2; exit 1; }
"$repo/scripts/console.sh"

started=()
daemon_pid=
# shellcheck disable=SC2317  # only reached through the trap
cleanup() {
  local rc=$? i
  trap - EXIT INT TERM
  if [ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null; then
    echo "run: stopping omnigate (pid $daemon_pid)"
    kill -TERM "$daemon_pid" 2>/dev/null || true
    for ((i = 0; i < 200; i++)); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$daemon_pid" 2>/dev/null || true
    wait "$daemon_pid" 2>/dev/null || true
  fi
  # Reverse order: the broker goes before the database, as services.sh does for 'all'.
  for ((i = ${#started[@]} - 1; i >= 0; i--)); do "$services" stop "${started[i]}" || rc=1; done
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Services that were already running (e.g. from another terminal) are used but left running on exit.
for s in mariadb mosquitto dovecot smtp clamd; do
  if "$services" status "$s" >/dev/null; then
    echo "run: $s already running, leaving it running on exit"
  else
    started+=("$s")
  fi
  "$services" start "$s"
done

admin_note="(from OMNIGATE_ADMIN_TOKEN)"
if [ -z "${OMNIGATE_ADMIN_TOKEN:-}" ]; then
  admin_note="(demo default: set your own with OMNIGATE_ADMIN_TOKEN=... scripts/run.sh)"
  export OMNIGATE_ADMIN_TOKEN=demo-admin-token
fi
# The demo people of config/omnigate.yaml (auth.users); the passwords work only while the daemon is on loopback.
demo_password() { local v="${!1:-}"; echo "${v:-$2}"; }
admin_password=$(demo_password OMNIGATE_DEMO_ADMIN_PASSWORD demo-admin-password)
supervisor_password=$(demo_password OMNIGATE_DEMO_SUPERVISOR_PASSWORD demo-supervisor-password)
operator_password=$(demo_password OMNIGATE_DEMO_OPERATOR_PASSWORD demo-operator-password)
http=http://127.0.0.1:$OMNIGATE_HTTP_PORT
cat <<EOF

omnigate is starting:
  Web console       $http/console/  (sign in as one of the people below)
  Chat widget demo  $http/console/widget-demo.html  (a site with the web chat widget, account demo)
  HTTP API          $http
  MQTT              mqtt://127.0.0.1:$OMNIGATE_MQTT_PORT  observer $OMNIGATE_MQTT_OBSERVER_USER, password $OMNIGATE_MQTT_OBSERVER_PASSWORD
  MQTT (WebSockets) ws://127.0.0.1:$OMNIGATE_MQTT_WS_PORT
  MQTT (TLS)        mqtts://127.0.0.1:$OMNIGATE_MQTT_TLS_PORT  CA $OMNIGATE_VAR_DIR/mosquitto/tls/ca.crt
  MQTT daemon       user $OMNIGATE_MQTT_USER $mqtt_note
  MariaDB           mysql://$OMNIGATE_DB_USER@127.0.0.1:$OMNIGATE_DB_PORT/$OMNIGATE_DB_NAME
  IMAP (demo mail)  imap://127.0.0.1:${OMNIGATE_IMAP_PORT:-1143}/INBOX  user demo@omnigate.test, password demo-password
  SMTP (demo mail)  smtp://127.0.0.1:${OMNIGATE_SMTP_PORT:-2525}
  WhatsApp webhook  $http/webhooks/whatsapp/demo  (Graph API: ${OMNIGATE_WA_GRAPH_URL:-https://graph.facebook.com})
  VK Callback API   $http/webhooks/vk/demo  (VK API: ${OMNIGATE_VK_API_URL:-https://api.vk.com/method})
  SIP (voice)       sip:${OMNIGATE_SIP_ADDRESS:-127.0.0.1:5060}  (UDP and TCP)
  Antivirus         clamd at $OMNIGATE_VAR_DIR/clamd/clamd.sock  (scans every file; knows the EICAR test file only)
  Admin token       $OMNIGATE_ADMIN_TOKEN $admin_note

People who sign in (at $http/console/, or POST $http/api/v1/auth/login):
  admin       $admin_password   business administrator: users, catalogs, routing, tokens, audit
  supervisor  $supervisor_password   supervisor: every queue, interaction and operator
  ivanov      $operator_password   operator ivanov
  petrova     $operator_password   operator petrova

Try, from other terminals (README.md explains what you see):
  curl -s -X POST $http/api/v1/auth/login -H 'Content-Type: application/json' \\
    -d '{"login":"ivanov","password":"$operator_password"}'

  mosquitto_sub -h 127.0.0.1 -p $OMNIGATE_MQTT_PORT -u $OMNIGATE_MQTT_OBSERVER_USER -P '$OMNIGATE_MQTT_OBSERVER_PASSWORD' -t 'omnigate/v1/#' -v

  TOKEN=\$(curl -s -X POST $http/api/v1/webchat/demo/sessions \\
    -H 'Content-Type: application/json' -d '{"name":"Anna"}' | sed -E 's/.*"token":"([^"]+)".*/\\1/')
  curl -s -X POST $http/api/v1/webchat/demo/messages \\
    -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' -d '{"text":"Hello, where is my order?"}'

Press Ctrl-C to stop.
EOF

# Started in the background and waited for, rather than as a plain foreground command: bash defers traps until
# a foreground command ends, so a SIGTERM to this script would otherwise not reach the daemon.
"$binary" --config config/omnigate.yaml "$@" &
daemon_pid=$!
rc=0
wait "$daemon_pid" || rc=$?
daemon_pid=
echo "run: omnigate exited with status $rc"
exit "$rc"
