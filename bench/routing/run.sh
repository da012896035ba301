#!/usr/bin/env bash
# bench/routing: 10,000 queued interactions and 500 ready operators in a fresh private MariaDB (var/bench-routing,
# wiped first); the daemon's distributor hands them all out and the run prints the time and the cost per decision.
#   bench/routing/run.sh                       # longest idle, 10,000 x 500, capacity 20
#   bench/routing/run.sh --mode round_robin    # options go to omnigate_routing_bench (--help for all)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo"

# Own ports and var dir: never the run.sh, test or throughput-bench servers.
export OMNIGATE_REPO=$repo
export OMNIGATE_VAR_DIR=$repo/var/bench-routing
export OMNIGATE_DB_PORT=24306
export OMNIGATE_DB_NAME=omnigate_routing_bench
export OMNIGATE_DB_USER=omnigate
export OMNIGATE_DB_PASSWORD=omnigate_routing_bench
export OMNIGATE_MQTT_PORT=24883
export OMNIGATE_MQTT_WS_PORT=24901
services=$repo/scripts/services.sh

for arg in "$@"; do
  if [ "$arg" = --help ] || [ "$arg" = -h ]; then
    [ -f build/CMakeCache.txt ] || cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build build -j2 --target omnigate_routing_bench >/dev/null
    exec "$repo/build/bench/omnigate_routing_bench" --help
  fi
done

echo "bench/routing: installing what is missing and building"
"$repo/scripts/setup.sh"
[ -f build/CMakeCache.txt ] || cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j2 --target omnigate_routing_bench

echo "bench/routing: starting MariaDB under $OMNIGATE_VAR_DIR"
"$services" stop mariadb >/dev/null
rm -rf "$OMNIGATE_VAR_DIR"
mkdir -p "$OMNIGATE_VAR_DIR"
trap '"$services" stop mariadb >/dev/null || echo "bench/routing: could not stop MariaDB" >&2' EXIT
"$services" start mariadb

"$repo/build/bench/omnigate_routing_bench" "$@"
