#!/usr/bin/env bash
# Builds omnigate and its web console and runs the whole test suite (the console's in Debian's chromium) against
# fresh private servers (MariaDB, Mosquitto, Dovecot, SMTP, OpenLDAP), on ports and in a var dir of their own so it
# never clashes with scripts/run.sh. Extra arguments go to ctest (e.g. -R Config).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
started_at=$SECONDS
phase=setup
services=$repo/scripts/services.sh

# Fixed on purpose (not defaults): tests must never reach the run.sh servers. Exported so that tests, the daemon
# they spawn and their own calls to $OMNIGATE_SERVICES all see the same servers.
export OMNIGATE_REPO=$repo
export OMNIGATE_VAR_DIR=$repo/var/test
export OMNIGATE_HTTP_PORT=18080
export OMNIGATE_DB_PORT=13306
export OMNIGATE_DB_NAME=omnigate_test
export OMNIGATE_DB_USER=omnigate
export OMNIGATE_DB_PASSWORD=omnigate_test
export OMNIGATE_MQTT_PORT=11883
export OMNIGATE_MQTT_WS_PORT=19001
export OMNIGATE_MQTT_TLS_PORT=18884
# The broker's accounts (services.sh creates them): the daemon's own and a read-only observer for the tests.
export OMNIGATE_MQTT_USER=omnigate-test
export OMNIGATE_MQTT_PASSWORD=omnigate-test-mqtt
export OMNIGATE_MQTT_OBSERVER_USER=observer-test
export OMNIGATE_MQTT_OBSERVER_PASSWORD=observer-test-mqtt
export OMNIGATE_IMAP_PORT=11143
export OMNIGATE_SMTP_PORT=12525
export OMNIGATE_LDAP_PORT=11389
export OMNIGATE_LDAPS_PORT=11636
export OMNIGATE_LDAP_BIND_PASSWORD=omnigate-reader-test
export OMNIGATE_SERVICES=$services
export OMNIGATE_PLUGIN_DIR=$repo/build/plugins
export OMNIGATE_TEST_PLUGIN_DIR=$repo/build/tests/plugins
export OMNIGATE_BINARY=$repo/build/core/omnigate

# shellcheck disable=SC2317  # only reached through the trap
finish() {
  local rc=$? elapsed=$((SECONDS - started_at))
  trap - EXIT
  "$services" stop all >/dev/null || echo "test: warning: could not stop the test services" >&2
  if [ "$rc" -eq 0 ]; then
    echo "test: PASSED in $((elapsed / 60))m$((elapsed % 60))s"
  else
    echo "test: FAILED in $phase (status $rc) after $((elapsed / 60))m$((elapsed % 60))s"
  fi
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$repo/scripts/setup.sh"
phase=build
[ -f build/CMakeCache.txt ] || cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j2
phase=console
"$repo/scripts/console.sh"

phase=services
# Servers left by an aborted earlier run must be stopped before their data dir is wiped under them.
"$services" stop all >/dev/null
rm -rf "$OMNIGATE_VAR_DIR"
"$services" start all

phase=ctest
ctest --test-dir build --output-on-failure -j1 --timeout 600 "$@"

if [ $# -eq 0 ]; then
  # The tests whose code runs on several threads at once, again under ThreadSanitizer, while the servers that the
  # write batcher's and the outbox relay's tests need are still up; then every unit test under AddressSanitizer and
  # UBSan. Each builds the targets it needs in a tree of its own (build-tsan, build-asan).
  phase=tsan
  "$repo/scripts/sanitize.sh" thread
  phase=asan+ubsan
  "$repo/scripts/sanitize.sh" address
  # The parsers of what strangers send (webhooks, mail) under libFuzzer, bounded: OMNIGATE_FUZZ_SECONDS per target.
  # Ten seconds each keeps the whole run inside its time budget; a longer hunt is scripts/fuzz.sh 600.
  phase=fuzz
  "$repo/scripts/fuzz.sh" "${OMNIGATE_FUZZ_SECONDS:-10}"
fi
