#!/usr/bin/env bash
# Cascade CUDA measurement harness driver (validation/cuda/).
# Builds occupancy, waves and kernels into a temp folder, runs them, and writes to "$OUT":
#   occupancy.csv, waves.csv, block_schedule.csv, kernels.csv, harness.log
# Run from anywhere (normally the repository root):  bash validation/cuda/run_h100.sh
# Env: OUT (output folder; default ./cuda_out), HARNESS_BUDGET_S (total seconds, default 450),
#      ENERGY_S (energy window per kernel, default 1.0), NVCC (default nvcc / /usr/local/cuda/bin/nvcc).
# Never changes clocks, power limits or any GPU setting; nvidia-smi is only used to query.
set -u -o pipefail

T0=$(date +%s)
SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${OUT:-$PWD/cuda_out}"
BUDGET="${HARNESS_BUDGET_S:-450}"
ENERGY_S="${ENERGY_S:-1.0}"
mkdir -p "$OUT"
LOG="$OUT/harness.log"
: > "$LOG"

elapsed() { echo $(( $(date +%s) - T0 )); }
say() { echo "[$(printf '%4d' "$(elapsed)")s] $*"; }

main() {
  local rc_all=0
  say "harness: $(grep -o 'HARNESS_VERSION "[^"]*"' "$SRC/common.cuh" | cut -d'"' -f2)"
  say "src=$SRC out=$OUT budget=${BUDGET}s energy_window=${ENERGY_S}s date_utc=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  NVCC="${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}"
  CUDA_BIN="$(dirname "$NVCC")"
  "$NVCC" --version | tail -n 2
  if command -v nvidia-smi >/dev/null 2>&1; then
    say "GPU state at start (query only):"
    nvidia-smi --query-gpu=name,driver_version,pstate,clocks.sm,clocks.max.sm,clocks.mem,temperature.gpu,power.draw,power.limit \
      --format=csv 2>&1 || true
  fi

  # ---------------------------------------------------------------- build (parallel)
  BUILD="$(mktemp -d "${TMPDIR:-/tmp}/cascade_cuda_build.XXXXXX")"
  local FLAGS=(-O3 -gencode=arch=compute_90,code=sm_90 -std=c++17 -Xptxas -v)
  say "build into $BUILD"
  "$NVCC" "${FLAGS[@]}" -o "$BUILD/occupancy" "$SRC/occupancy.cu" -ldl -lpthread > "$BUILD/occupancy.build.txt" 2>&1 &
  local p1=$!
  "$NVCC" "${FLAGS[@]}" -o "$BUILD/waves" "$SRC/waves.cu" -ldl -lpthread > "$BUILD/waves.build.txt" 2>&1 &
  local p2=$!
  "$NVCC" "${FLAGS[@]}" -o "$BUILD/kernels" "$SRC/kernels.cu" -lcublas -ldl -lpthread > "$BUILD/kernels.build.txt" 2>&1 &
  local p3=$!
  local ok_occ=1 ok_wav=1 ok_ker=1
  wait $p1 || ok_occ=0
  wait $p2 || ok_wav=0
  wait $p3 || ok_ker=0
  for b in occupancy waves kernels; do
    echo "---- $b: nvcc ${FLAGS[*]} (ptxas registers per kernel)"
    grep -E "error|Compiling entry|Used [0-9]+ registers|spill" "$BUILD/$b.build.txt" \
      | sed -E 's/ptxas info    : //' | paste - - - 2>/dev/null | sed -E 's/Compiling entry function //' | cut -c1-200
    grep -E "error" "$BUILD/$b.build.txt" && cat "$BUILD/$b.build.txt"
  done
  [ $ok_occ = 1 ] || { say "BUILD FAILED: occupancy"; rc_all=1; }
  [ $ok_wav = 1 ] || { say "BUILD FAILED: waves"; rc_all=1; }
  [ $ok_ker = 1 ] || { say "BUILD FAILED: kernels"; rc_all=1; }
  if [ -x "$CUDA_BIN/cuobjdump" ] || command -v cuobjdump >/dev/null 2>&1; then
    local CUOBJ="$CUDA_BIN/cuobjdump"; [ -x "$CUOBJ" ] || CUOBJ=cuobjdump
    for b in occupancy waves kernels; do
      [ -x "$BUILD/$b" ] && { echo "---- cuobjdump --dump-resource-usage $b"; "$CUOBJ" --dump-resource-usage "$BUILD/$b" 2>&1 | grep -E "Function|REG" | paste - - | sed -E 's/ +/ /g' | cut -c1-220; }
    done
  fi
  say "build done"

  # ---------------------------------------------------------------- 1. occupancy (~5-15 s)
  if [ $ok_occ = 1 ]; then
    say "1/3 occupancy -> $OUT/occupancy.csv"
    timeout 120 "$BUILD/occupancy" "$OUT/occupancy.csv" || { say "occupancy exited with $?"; rc_all=1; }
  fi

  # ---------------------------------------------------------------- 2. waves (~20-40 s)
  if [ $ok_wav = 1 ]; then
    say "2/3 waves -> $OUT/waves.csv, $OUT/block_schedule.csv"
    timeout 150 "$BUILD/waves" "$OUT/waves.csv" "$OUT/block_schedule.csv" || { say "waves exited with $?"; rc_all=1; }
  fi

  # ---------------------------------------------------------------- 3. kernels (rest of the budget, ~220-300 s)
  if [ $ok_ker = 1 ]; then
    local left=$(( BUDGET - $(elapsed) - 10 ))
    [ $left -lt 60 ] && left=60
    say "3/3 kernels -> $OUT/kernels.csv (deadline ${left}s)"
    timeout $(( left + 60 )) "$BUILD/kernels" "$OUT/kernels.csv" --deadline-s "$left" --energy-s "$ENERGY_S" \
      || { say "kernels exited with $?"; rc_all=1; }
  fi

  if command -v nvidia-smi >/dev/null 2>&1; then
    say "GPU state at end (query only):"
    nvidia-smi --query-gpu=name,pstate,clocks.sm,clocks.mem,temperature.gpu,power.draw,power.limit --format=csv 2>&1 || true
  fi
  rm -rf "$BUILD"

  # ---------------------------------------------------------------- summary
  echo
  echo "==================== SUMMARY ($(elapsed) s total) ===================="
  for f in occupancy waves block_schedule kernels; do
    if [ -f "$OUT/$f.csv" ]; then
      printf '%-20s %8d data rows  %8d bytes\n' "$f.csv" "$(grep -v '^#' "$OUT/$f.csv" | tail -n +2 | wc -l)" "$(wc -c < "$OUT/$f.csv")"
    else
      printf '%-20s MISSING\n' "$f.csv"
    fi
  done
  grep -h "^SUMMARY" "$LOG" || true
  local nfail; nfail=$(grep -c "^CHECK FAIL" "$LOG" || true)
  echo "correctness check failures: ${nfail:-0}"
  grep "^CHECK FAIL" "$LOG" | head -20 || true
  if [ -f "$OUT/occupancy.csv" ]; then
    awk -F, '!/^#/ && $1!="kernel" && $9!="ok" {e[$9]++} END {for (k in e) printf "occupancy calls failing with %s: %d\n", k, e[k]}' "$OUT/occupancy.csv"
  fi
  if [ -f "$OUT/waves.csv" ]; then
    echo "waves (kernel grid -> median ms) at wave boundaries:"
    awk -F, '!/^#/ && $1!="grid" { W=$4; g=$1; if (g==W || g==W+1 || g==2*W || g==2*W+1) printf "  %-9s grid %5d (%.3f waves) %8.4f ms\n", $9, g, $10, $5 }' "$OUT/waves.csv"
  fi
  if [ -f "$OUT/kernels.csv" ]; then
    awk -F, '
      /^#/ {next}
      $1=="name" {for (i=1;i<=NF;i++) c[$i]=i; next}
      {
        cls=$c["class"]; dt=$c["dtype"];
        if (cls=="idle") printf "  %-12s avg power %s W (ss %s W)\n", $1, $c["avg_power_w"], $c["ss_power_w"];
        if (cls=="stream" && $c["gbps"]+0 > bw) {bw=$c["gbps"]+0; bwn=$1}
        if (cls=="fma" && $c["tflops"]+0 > fm) {fm=$c["tflops"]+0; fmn=$1}
        if (cls=="gemm" && $c["tflops"]+0 > g[dt]) {g[dt]=$c["tflops"]+0; gn[dt]=$1; gp[dt]=$c["avg_power_w"]}
        if ($c["energy_window_s"]!="") ne++
        if ($c["avg_power_w"]+0 > pmax) {pmax=$c["avg_power_w"]+0; pn=$1}
      }
      END {
        printf "  best stream   %8.1f GB/s   (%s)\n", bw, bwn;
        printf "  best fma      %8.2f TFLOP/s (%s)\n", fm, fmn;
        for (d in g) printf "  best gemm %-4s %8.1f TFLOP/s (%s, %s W)\n", d, g[d], gn[d], gp[d];
        printf "  rows with energy: %d; highest avg power %.0f W (%s)\n", ne, pmax, pn;
      }' "$OUT/kernels.csv"
  fi
  echo "outputs in $OUT:"; ls -l "$OUT"
  return $rc_all
}

main 2>&1 | tee -a "$LOG"
exit "${PIPESTATUS[0]}"
