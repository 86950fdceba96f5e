#!/usr/bin/env bash
# Quick start, step 1 of 2, on a fresh Debian 12 machine as root: install the Debian packages that
# are missing, build Cascade in ./build, and run the main job on the default example: a sweep of the
# GPT-2 small decoder layer on FuseMax and on the calibrated H100 from 512 to 4096 tokens (cycles,
# seconds, energy per point as CSV) and a chart of their times (PNG and SVG), under build/quickstart/.
set -euo pipefail
cd "$(dirname "$0")"

packages=(
  build-essential cmake ninja-build pkg-config git
  libsystemc-dev                      # the cycle-level engine (sim/systemc)
  libboost-program-options-dev        # the CLI
  libboost-mpi-dev openmpi-bin        # sweeps across MPI ranks (cascade sweep --mpi)
  libprotobuf-dev protobuf-compiler   # schemas of workloads, configs and records (configs/)
  pybind11-dev python3 python3-dev    # the `cascade` Python module
  libgtest-dev libgmock-dev           # tests
  libbenchmark-dev                    # bench/
  gnuplot-nox                         # plots/
  clang libclang-rt-14-dev            # the libFuzzer target (docs/fuzzing.md)
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCASCADE_WERROR="${CASCADE_WERROR:-OFF}"
cmake --build build -j2

mkdir -p build/quickstart
./build/cascade sweep configs/sweeps/gpt2_fusemax_vs_h100.pbtxt -o build/quickstart/gpt2_sweep.csv
./build/cascade chart build/quickstart/gpt2_sweep.csv --x rank.M --y seconds --log \
  --plot build/quickstart/gpt2_seconds
