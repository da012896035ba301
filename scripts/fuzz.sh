#!/usr/bin/env bash
# Builds the libFuzzer targets in tests/fuzz with clang and runs each for a bounded time, starting from its seed
# corpus in tests/fuzz/corpus/<name>. A crash, leak or sanitizer report fails the run and leaves the input that
# caused it in build-fuzz/artifacts. Usage: scripts/fuzz.sh [seconds per target, default 20] [target names…];
# scripts/fuzz.sh --build-only builds the targets and stops (scripts/test.sh builds while ctest runs).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${1:-20}
shift || true
build=$repo/build-fuzz

cmake -S "$repo/tests/fuzz" -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$build" -j2
[ "$seconds" = --build-only ] && exit 0

if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(find "$build" -maxdepth 1 -type f -executable -name 'fuzz_*' -printf '%f\n' | sed 's/^fuzz_//' | sort)
fi
[ ${#targets[@]} -gt 0 ] || { echo "fuzz: no targets built" >&2; exit 1; }

mkdir -p "$build/artifacts"
for name in "${targets[@]}"; do
  # Findings go to a scratch corpus: the seeds in git stay the hand-written ones.
  work=$build/corpus/$name
  mkdir -p "$work"
  seeds=$repo/tests/fuzz/corpus/$name
  echo "fuzz: $name for ${seconds}s"
  "$build/fuzz_$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$build/artifacts/$name-" "$work" ${seeds:+$( [ -d "$seeds" ] && echo "$seeds")} \
    2>"$build/$name.log" || { tail -n 40 "$build/$name.log" >&2; echo "fuzz: $name FAILED (log: $build/$name.log)" >&2; exit 1; }
  grep -E '^stat::number_of_executed_units' "$build/$name.log" | sed "s/^/fuzz: $name /"
done
echo "fuzz: ${#targets[@]} targets passed"
