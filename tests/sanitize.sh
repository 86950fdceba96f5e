#!/usr/bin/env bash
# The sanitizer run (docs/fuzzing.md), which CI makes after the quick start: every test again in a
# clang build with AddressSanitizer and UndefinedBehaviorSanitizer (any report fails it), then each
# libFuzzer target over its committed corpus and fuzzing for CASCADE_FUZZ_SECONDS more (default 20).
# Writes only under build-sanitize/.
set -euo pipefail
cd "$(dirname "$0")/.."

CC=clang CXX=clang++ cmake -S . -B build-sanitize -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCASCADE_SANITIZE=ON -DCASCADE_WERROR="${CASCADE_WERROR:-OFF}"
cmake --build build-sanitize -j"$(nproc)"
ctest --test-dir build-sanitize --output-on-failure -j"$(nproc)"

seconds="${CASCADE_FUZZ_SECONDS:-20}"
artifacts=build-sanitize/fuzz-artifacts
mkdir -p "$artifacts"
for corpus in tests/fuzz/corpus/*/; do
  target=$(basename "$corpus")
  # New inputs go to a scratch folder; the committed corpus is only read.
  scratch="build-sanitize/fuzz-new/$target"
  mkdir -p "$scratch"
  log="build-sanitize/fuzz-new/$target.log"
  if ! "build-sanitize/tests/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$artifacts/$target-" "$scratch" "$corpus" > "$log" 2>&1; then
    tail -n 60 "$log"
    echo "fuzz: $target FAILED (input in $artifacts)"
    exit 1
  fi
  echo "fuzz: $target: $(grep -h -E '^stat::(number_of_executed_units|peak_rss_mb)' "$log" | tr '\n' ' ')"
done
