#!/usr/bin/env bash
# Builds omnigate and its web console and runs the whole test suite (the console's in Debian's chromium) against
# fresh private servers (MariaDB, Mosquitto, Dovecot, SMTP, OpenLDAP, clamd), on ports and in a var dir of their own so it
# never clashes with scripts/run.sh. Extra arguments go to ctest (e.g. -R Config).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
started_at=$SECONDS
phase=setup
phase_started=$SECONDS
# Says how long the phase that ends took (where a run's time goes), and starts the next.
begin() {
  echo "test: $phase took $((SECONDS - phase_started))s"
  phase=$1
  phase_started=$SECONDS
}
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
export OMNIGATE_CLAMD_SOCKET=$repo/var/test/clamd/clamd.sock
export OMNIGATE_SERVICES=$services
export OMNIGATE_PLUGIN_DIR=$repo/build/plugins
export OMNIGATE_TEST_PLUGIN_DIR=$repo/build/tests/plugins
export OMNIGATE_BINARY=$repo/build/core/omnigate

# The sanitizer and fuzzer builds that run beside ctest (their own process group, so that all of them stop).
builds=""

# shellcheck disable=SC2317  # only reached through the trap
finish() {
  local rc=$? elapsed=$((SECONDS - started_at))
  trap - EXIT
  [ -z "$builds" ] || kill -- "-$builds" 2>/dev/null || true
  "$services" stop all >/dev/null || echo "test: warning: could not stop the test services" >&2
  if [ "$rc" -eq 0 ]; then
    echo "test: $phase took $((SECONDS - phase_started))s"
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
begin build
[ -f build/CMakeCache.txt ] || cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j2
begin console
"$repo/scripts/console.sh"

begin services
# Servers left by an aborted earlier run must be stopped before their data dir is wiped under them.
"$services" stop all >/dev/null
rm -rf "$OMNIGATE_VAR_DIR"
"$services" start all

begin ctest
status=0
if [ $# -eq 0 ]; then
  # The unit tests first, with the machine to themselves: some of them time what a peer sees within a second,
  # and a compiler beside them (even at the lowest priority) made one of those miss.
  ctest --test-dir build --output-on-failure -j1 --timeout 600 -L unit || status=$?
  # The rest mostly waits on servers, sockets and timers (the tests and the daemons they start used 3.6
  # CPU-minutes of a 12.9-minute run, measured with time(1)), so the sanitizer and fuzzer trees build beside it at
  # the lowest priority. Built cold, those trees took 18 minutes here, which ran after ctest before.
  # A session of its own (to stop it whole) is a scheduling group of its own too, and the kernel shares the CPU
  # between groups before nice counts: the group itself is made nice 19, or the builds take half of it.
  builds_log=$OMNIGATE_VAR_DIR/sanitizer-builds.log
  setsid -w bash -c '
    echo 19 >/proc/self/autogroup 2>/dev/null || true
    nice -n 19 "$1/scripts/sanitize.sh" thread --build-only &&
      nice -n 19 "$1/scripts/sanitize.sh" address --build-only &&
      nice -n 19 "$1/scripts/fuzz.sh" --build-only' _ "$repo" >"$builds_log" 2>&1 &
  builds=$!
  ctest --test-dir build --output-on-failure -j1 --timeout 600 -LE unit || status=$?
else
  ctest --test-dir build --output-on-failure -j1 --timeout 600 "$@" || status=$?
fi
[ "$status" -eq 0 ] || exit "$status"

if [ $# -eq 0 ]; then
  begin sanitizer-builds
  if ! wait "$builds"; then
    tail -n 60 "$builds_log" >&2
    echo "test: building the sanitizer and fuzzer trees failed (the whole log: $builds_log)" >&2
    exit 1
  fi
  builds=""
  # The tests whose code runs on several threads at once, again under ThreadSanitizer, while the servers that the
  # write batcher's and the outbox relay's tests need are still up; then every unit test under AddressSanitizer and
  # UBSan, each in the tree built above (build-tsan, build-asan).
  begin tsan
  "$repo/scripts/sanitize.sh" thread
  begin asan+ubsan
  "$repo/scripts/sanitize.sh" address
  # The parsers of what strangers send (webhooks, mail) under libFuzzer, bounded: OMNIGATE_FUZZ_SECONDS per target.
  # Ten seconds each keeps the whole run inside its time budget; a longer hunt is scripts/fuzz.sh 600.
  begin fuzz
  "$repo/scripts/fuzz.sh" "${OMNIGATE_FUZZ_SECONDS:-10}"
fi
