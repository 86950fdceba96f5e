#!/usr/bin/env bash
# Cascade CUDA measurement harness, the neural kernels (validation/cuda/neural.cu, sdpa_timing.py).
# Builds neural.cu into a temp folder, runs it, then (if python3 + torch are there) sdpa_timing.py.
# Writes to "$OUT": neural.csv, sdpa.csv, neural.log. Total under 4 minutes (NEURAL_BUDGET_S, default 220).
# Run from anywhere (normally the repository root):  bash validation/cuda/run_h100_neural.sh
# Env: OUT (default ./cuda_out), NEURAL_BUDGET_S (default 220), ENERGY_S (energy window, default 1.0),
#      NVCC (default nvcc / /usr/local/cuda/bin/nvcc), SKIP_SDPA=1 to skip the torch part.
# Never changes clocks, power limits or any GPU setting; nvidia-smi is only used to query.
set -u -o pipefail

T0=$(date +%s)
SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${OUT:-$PWD/cuda_out}"
BUDGET="${NEURAL_BUDGET_S:-220}"
ENERGY_S="${ENERGY_S:-1.0}"
mkdir -p "$OUT"
LOG="$OUT/neural.log"
: > "$LOG"

elapsed() { echo $(( $(date +%s) - T0 )); }
say() { echo "[$(printf '%4d' "$(elapsed)")s] $*"; }

main() {
  local rc_all=0
  say "harness: $(grep -o 'HARNESS_VERSION "[^"]*"' "$SRC/common.cuh" | cut -d'"' -f2) (neural)"
  say "src=$SRC out=$OUT budget=${BUDGET}s energy_window=${ENERGY_S}s date_utc=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  NVCC="${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}"
  CUDA_BIN="$(dirname "$NVCC")"
  "$NVCC" --version | tail -n 2
  if command -v nvidia-smi >/dev/null 2>&1; then
    say "GPU state at start (query only):"
    nvidia-smi --query-gpu=name,driver_version,pstate,clocks.sm,clocks.max.sm,clocks.mem,temperature.gpu,power.draw,power.limit \
      --format=csv 2>&1 || true
  fi

  # ---------------------------------------------------------------- build
  BUILD="$(mktemp -d "${TMPDIR:-/tmp}/cascade_neural_build.XXXXXX")"
  local FLAGS=(-O3 -gencode=arch=compute_90,code=sm_90 -std=c++17 -Xptxas -v)
  say "build into $BUILD"
  local ok_nn=1
  "$NVCC" "${FLAGS[@]}" -o "$BUILD/neural" "$SRC/neural.cu" -ldl -lpthread > "$BUILD/neural.build.txt" 2>&1 || ok_nn=0
  echo "---- neural: nvcc ${FLAGS[*]} (ptxas registers per kernel)"
  grep -E "error|Compiling entry|Used [0-9]+ registers|spill" "$BUILD/neural.build.txt" \
    | sed -E 's/ptxas info    : //' | paste - - - 2>/dev/null | sed -E 's/Compiling entry function //' | cut -c1-200
  grep -E "error|warning" "$BUILD/neural.build.txt" && cat "$BUILD/neural.build.txt"
  [ $ok_nn = 1 ] || { say "BUILD FAILED: neural"; rc_all=1; }
  if [ $ok_nn = 1 ]; then
    local CUOBJ="$CUDA_BIN/cuobjdump"; [ -x "$CUOBJ" ] || CUOBJ="$(command -v cuobjdump || true)"
    if [ -n "$CUOBJ" ]; then
      echo "---- cuobjdump --dump-resource-usage neural"
      "$CUOBJ" --dump-resource-usage "$BUILD/neural" 2>&1 | grep -E "Function|REG" | paste - - | sed -E 's/ +/ /g' | cut -c1-220
    fi
  fi
  say "build done"

  # ---------------------------------------------------------------- 1. neural.cu (~60-120 s)
  local sdpa_reserve=70
  [ "${SKIP_SDPA:-0}" = 1 ] && sdpa_reserve=0
  if [ $ok_nn = 1 ]; then
    local left=$(( BUDGET - $(elapsed) - sdpa_reserve - 10 ))
    [ $left -lt 60 ] && left=60
    say "1/2 neural -> $OUT/neural.csv (deadline ${left}s)"
    timeout $(( left + 40 )) "$BUILD/neural" "$OUT/neural.csv" --deadline-s "$left" --energy-s "$ENERGY_S" \
      || { say "neural exited with $?"; rc_all=1; }
  fi

  # ---------------------------------------------------------------- 2. torch SDPA (~30-60 s)
  if [ "${SKIP_SDPA:-0}" != 1 ]; then
    if command -v python3 >/dev/null 2>&1 && python3 -c "import torch; assert torch.cuda.is_available()" 2>/dev/null; then
      local left=$(( BUDGET - $(elapsed) - 15 ))
      [ $left -lt 30 ] && left=30
      say "2/2 sdpa_timing.py -> $OUT/sdpa.csv (deadline ${left}s)"
      timeout $(( left + 30 )) python3 "$SRC/sdpa_timing.py" "$OUT" --energy-s "$ENERGY_S" --deadline-s "$left" \
        || { say "sdpa_timing.py exited with $?"; rc_all=1; }
    else
      say "2/2 sdpa: python3 with CUDA torch not available, skipped"
    fi
  fi

  if command -v nvidia-smi >/dev/null 2>&1; then
    say "GPU state at end (query only):"
    nvidia-smi --query-gpu=name,pstate,clocks.sm,clocks.mem,temperature.gpu,power.draw,power.limit --format=csv 2>&1 || true
  fi
  rm -rf "$BUILD"

  # ---------------------------------------------------------------- summary
  echo
  echo "==================== SUMMARY neural ($(elapsed) s total) ===================="
  for f in neural sdpa; do
    if [ -f "$OUT/$f.csv" ]; then
      printf '%-12s %6d data rows  %8d bytes\n' "$f.csv" "$(grep -v '^#' "$OUT/$f.csv" | tail -n +2 | wc -l)" "$(wc -c < "$OUT/$f.csv")"
    else
      printf '%-12s MISSING\n' "$f.csv"
    fi
  done
  grep -h "^SUMMARY" "$LOG" || true
  local nfail; nfail=$(grep -c "^CHECK FAIL" "$LOG" || true)
  echo "correctness check failures: ${nfail:-0}"
  grep "^CHECK FAIL" "$LOG" | head -20 || true
  for f in neural sdpa; do
    [ -f "$OUT/$f.csv" ] || continue
    awk -F, '
      /^#/ {next}
      $1=="name" {for (i=1;i<=NF;i++) c[$i]=i; next}
      {
        printf "  %-36s %-13s %10s ms %9s TFLOP/s %8s GB/s  E %-10s J  %7s W  %s\n", $1, $c["class"], $c["median_ms"],
          $c["tflops"], $c["gbps"], $c["energy_j_per_launch"], $c["avg_power_w"], substr($c["check"], 1, 4)
      }' "$OUT/$f.csv"
  done
  echo "outputs in $OUT:"; ls -l "$OUT"
  return $rc_all
}

main 2>&1 | tee -a "$LOG"
exit "${PIPESTATUS[0]}"
