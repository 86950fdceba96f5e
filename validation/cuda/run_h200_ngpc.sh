#!/usr/bin/env bash
# Cascade CUDA measurement harness, NGPC workloads (validation/cuda/ngpc.cu): the instant-ngp /
# tiny-cuda-nn kernels of the NGPC paper's applications (grid encodings, fully fused MLPs, a NeRF
# inference step), timed with CUDA events, energy from NVML's total-energy counter.
# Builds ngpc.cu into a temp folder and runs it. Writes to "$OUT": ngpc.csv and ngpc.log.
# Run from anywhere (normally the repository root):  bash validation/cuda/run_h200_ngpc.sh
# Env: OUT (default ./cuda_out), NGPC_BUDGET_S (whole script, default 300 s; rows that would not fit
#      are skipped and logged as SKIP), ENERGY_S (energy window, default 1.2 s so that every window
#      lasts at least 1 s), NGPC_PARTS (default grid,mlp,nerf,grid24), NVCC (default nvcc from PATH,
#      else /usr/local/cuda/bin/nvcc).
# Never changes clocks, power limits or any GPU setting; nvidia-smi is only used to query.
set -u -o pipefail

T0=$(date +%s)
SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${OUT:-$PWD/cuda_out}"
BUDGET="${NGPC_BUDGET_S:-300}"
ENERGY_S="${ENERGY_S:-1.2}"
PARTS="${NGPC_PARTS:-grid,mlp,nerf,grid24}"
mkdir -p "$OUT"
LOG="$OUT/ngpc.log"
: > "$LOG"

elapsed() { echo $(( $(date +%s) - T0 )); }
say() { echo "[$(printf '%4d' "$(elapsed)")s] $*"; }

main() {
  local rc_all=0
  say "harness: $(grep -o 'HARNESS_VERSION "[^"]*"' "$SRC/common.cuh" | cut -d'"' -f2) (ngpc)"
  say "src=$SRC out=$OUT budget=${BUDGET}s energy_window=${ENERGY_S}s parts=$PARTS date_utc=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  NVCC="${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}"
  CUDA_BIN="$(dirname "$NVCC")"
  "$NVCC" --version | tail -n 2
  if command -v nvidia-smi >/dev/null 2>&1; then
    say "GPU state at start (query only):"
    nvidia-smi --query-gpu=name,driver_version,pstate,clocks.sm,clocks.max.sm,clocks.mem,temperature.gpu,power.draw,power.limit \
      --format=csv 2>&1 || true
  fi

  # ---------------------------------------------------------------- build
  BUILD="$(mktemp -d "${TMPDIR:-/tmp}/cascade_ngpc_build.XXXXXX")"
  local FLAGS=(-O3 -gencode=arch=compute_90,code=sm_90 -std=c++17 -Xptxas -v)
  say "build into $BUILD"
  local ok=1
  "$NVCC" "${FLAGS[@]}" -o "$BUILD/ngpc" "$SRC/ngpc.cu" -ldl -lpthread > "$BUILD/ngpc.build.txt" 2>&1 || ok=0
  echo "---- ngpc: nvcc ${FLAGS[*]} (ptxas registers per kernel)"
  grep -E "error|Compiling entry|Used [0-9]+ registers|spill" "$BUILD/ngpc.build.txt" \
    | sed -E 's/ptxas info    : //' | paste - - - 2>/dev/null | sed -E 's/Compiling entry function //' | cut -c1-200
  grep -E "error|warning" "$BUILD/ngpc.build.txt" && cat "$BUILD/ngpc.build.txt"
  [ $ok = 1 ] || { say "BUILD FAILED: ngpc"; rc_all=1; }
  if [ $ok = 1 ]; then
    local CUOBJ="$CUDA_BIN/cuobjdump"; [ -x "$CUOBJ" ] || CUOBJ="$(command -v cuobjdump || true)"
    if [ -n "$CUOBJ" ]; then
      echo "---- cuobjdump --dump-resource-usage ngpc"
      "$CUOBJ" --dump-resource-usage "$BUILD/ngpc" 2>&1 | grep -E "Function|REG" | paste - - | sed -E 's/ +/ /g' | cut -c1-220
    fi
  fi
  say "build done"

  # ---------------------------------------------------------------- run (~2-3 min at ENERGY_S=1.2)
  if [ $ok = 1 ]; then
    local left=$(( BUDGET - $(elapsed) - 20 ))
    [ $left -lt 60 ] && left=60
    say "ngpc -> $OUT/ngpc.csv (deadline ${left}s)"
    timeout $(( left + 60 )) "$BUILD/ngpc" "$OUT/ngpc.csv" --deadline-s "$left" --energy-s "$ENERGY_S" --parts "$PARTS" \
      || { say "ngpc exited with $?"; rc_all=1; }
  fi

  if command -v nvidia-smi >/dev/null 2>&1; then
    say "GPU state at end (query only):"
    nvidia-smi --query-gpu=name,pstate,clocks.sm,clocks.mem,temperature.gpu,power.draw,power.limit --format=csv 2>&1 || true
  fi
  rm -rf "$BUILD"

  # ---------------------------------------------------------------- summary
  echo
  echo "==================== SUMMARY ngpc ($(elapsed) s total) ===================="
  if [ -f "$OUT/ngpc.csv" ]; then
    printf '%-12s %6d data rows  %8d bytes\n' ngpc.csv "$(grep -v '^#' "$OUT/ngpc.csv" | tail -n +2 | wc -l)" "$(wc -c < "$OUT/ngpc.csv")"
  else
    printf '%-12s MISSING\n' ngpc.csv
  fi
  grep -h "^SUMMARY" "$LOG" || true
  local nfail; nfail=$(grep -c "^CHECK FAIL" "$LOG" || true)
  echo "correctness check failures: ${nfail:-0}"
  grep "^CHECK FAIL" "$LOG" | head -20 || true
  grep "^SKIP" "$LOG" | head -20 || true
  if [ -f "$OUT/ngpc.csv" ]; then
    awk -F, '
      /^#/ {next}
      $1=="name" {for (i=1;i<=NF;i++) c[$i]=i; next}
      {
        printf "  %-40s %-13s %10s ms %9s TFLOP/s %8s GB/s  E %-10s J  ss %7s W  %s\n", $1, $c["class"], $c["median_ms"],
          $c["tflops"], $c["gbps"], $c["energy_j_per_launch"], $c["ss_power_w"], substr($c["check"], 1, 4)
      }' "$OUT/ngpc.csv"
  fi
  echo "outputs in $OUT:"; ls -l "$OUT"
  return $rc_all
}

main 2>&1 | tee -a "$LOG"
exit "${PIPESTATUS[0]}"
