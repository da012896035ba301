#!/usr/bin/env bash
# Builds tests in a tree of their own with gcc's sanitizers and runs them there; any report fails the run.
#   scripts/sanitize.sh address  every unit test (ctest -L unit) under AddressSanitizer + UBSan, in build-asan
#   scripts/sanitize.sh thread   the tests whose code runs on several threads at once, under ThreadSanitizer, in
#                                build-tsan; the write batcher's, the outbox relay's and directory sign-in's need
#                                MariaDB, Mosquitto and slapd, so scripts/test.sh runs this while its servers are up.
# Only the targets those tests need are built. `--build-only` after the kind builds them and stops (scripts/test.sh
# builds while ctest runs); any other extra arguments go to ctest.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
kind=${1:?usage: scripts/sanitize.sh address|thread [--build-only | ctest arguments…]}
shift
build_only=false
if [ "${1:-}" = --build-only ]; then
  build_only=true
  shift
fi

case $kind in
  address)
    build=$repo/build-asan
    sanitizers=address,undefined
    targets=(unit_tests)
    select=(-L unit)
    # This one loads every plugin into one process: with the voice plugin's libsofia-sip among them, gcc 12's
    # LeakSanitizer crashes scanning the dynamic TLS of the loaded libraries (a fault of the sanitizer runtime: each
    # plugin alone is clean; use_tls=0 only trades the crash for glibc's own DTV counted as a leak). It runs with
    # AddressSanitizer and UBSan, leak checking off.
    no_leak_check='^PluginLibrary\.EveryBuiltPluginLoadsAndIsNamedAfterItsFile$'
    # Leaks count too; UBSan's checks abort at once (-fno-sanitize-recover), with the stack that led there.
    export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1
    export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
    ;;
  thread)
    build=$repo/build-tsan
    sanitizers=thread
    # The write batcher (group commit from many callers), the outbox relay (writers' offers against the MQTT
    # callbacks), the WebSocket hub (its thread against upgrading and pushing threads; the hub's other tests time
    # slow peers in real time, which ThreadSanitizer's slowdown would upset), the web chat plugin (sockets
    # opening and closing while operators send) and directory sign-ins on several threads at once.
    targets=(core_db_mariadb_tests bus_fault_tests core_http_tests webchat_tests core_auth_ldap_tests)
    select=(-R '^(WriteBatcher|OutboxRelay|WebSocketHubTest\.VisitorsComeAndGo|WebchatPlugin|LdapDirectoryTest\.Conc)')
    export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=$repo/tests/sanitizers/tsan.supp
    ;;
  *)
    echo "sanitize: unknown kind '$kind' (address or thread)" >&2
    exit 2
    ;;
esac

# Debug (-O0): with ASan and UBSan, webchat_plugin.cpp took 19 s to compile at -O2 and 3 s at -O0 (measured here),
# and these tests run for seconds; the sanitizers find the same races, overflows and undefined behaviour either way.
[ -f "$build/CMakeCache.txt" ] ||
  cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DOMNIGATE_SANITIZE="$sanitizers" >/dev/null
cmake --build "$build" -j2 --target "${targets[@]}"
$build_only && exit 0
if [ -n "${no_leak_check:-}" ]; then
  ctest --test-dir "$build" --output-on-failure -j1 --timeout 600 "${select[@]}" -E "$no_leak_check" "$@"
  ASAN_OPTIONS=${ASAN_OPTIONS/detect_leaks=1/detect_leaks=0} \
    ctest --test-dir "$build" --output-on-failure -j1 --timeout 600 -R "$no_leak_check" "$@"
else
  ctest --test-dir "$build" --output-on-failure -j1 --timeout 600 "${select[@]}" "$@"
fi
