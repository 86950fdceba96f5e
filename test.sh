#!/usr/bin/env bash
# Quick start, step 2 of 2: build (configuring ./build if setup.sh has not) and run every test
# through ctest.
set -euo pipefail
cd "$(dirname "$0")"
[ -f build/build.ninja ] || cmake -S . -B build -G Ninja -DCASCADE_WERROR="${CASCADE_WERROR:-OFF}"
cmake --build build -j2
ctest --test-dir build --output-on-failure -j2
