#!/usr/bin/env bash
# Cascade CUDA measurement harness: the memory probes (memory_probe.cu: lone sectors and streams at
# each level; neural_probe.cu: neural.cu's point-major hash grid; ngpc_probe.cu grids: ngpc.cu's
# level-major grid encodings at 2^18, 2^20 and 2^22 points), timed with CUDA events, then each
# kernel once under Nsight Compute for its L1, L2 and DRAM counters.
# Writes to "$OUT" (default ./cuda_out): memory_probes.tgz (every CSV and the log) and
# memory_probes.log. Run from the repository root:  bash validation/cuda/run_h200_memory_probes.sh
# Never changes clocks, power limits or any GPU setting (ncu --clock-control none); nvidia-smi
# only queries.
set -u -o pipefail
SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${OUT:-$PWD/cuda_out}"
mkdir -p "$OUT"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/cascade_memory_probes.XXXXXX")"
LOG="$WORK/memory_probes.log"
exec > >(tee "$LOG") 2>&1
NVCC="${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}"
NCU="${NCU:-$(command -v ncu || echo /usr/local/cuda/bin/ncu)}"
echo "date_utc: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
nvidia-smi --query-gpu=name,driver_version,pstate,clocks.sm,clocks.max.sm,clocks.mem,temperature.gpu,power.draw,power.limit --format=csv
"$NCU" --version | tail -n 1
FLAGS=(-O3 -gencode=arch=compute_90,code=sm_90 -std=c++17)
for p in memory_probe neural_probe ngpc_probe; do
  "$NVCC" "${FLAGS[@]}" -o "$WORK/$p" "$SRC/$p.cu" -ldl -lpthread 2>&1 | grep -E "error" && exit 1
done
echo "---- timed (CUDA events)"
"$WORK/memory_probe" gather "$WORK/memory_probe_gather.csv"
"$WORK/memory_probe" stream "$WORK/memory_probe_stream.csv"
"$WORK/neural_probe" hash "$WORK/neural_probe_hash.csv"
"$WORK/ngpc_probe" grids "$WORK/ngpc_probe_grids_sizes.csv" --log2n 18,20,22
# The counters this GPU's Nsight Compute knows, of those wanted.
WANT="gpu__time_duration.sum sm__cycles_elapsed.avg.per_second lts__cycles_elapsed.avg.per_second
lts__cycles_elapsed.sum lts__cycles_elapsed.avg smsp__inst_executed.sum sm__warps_active.avg.pct_of_peak_sustained_active
smsp__average_warp_latency_per_inst_issued.ratio dram__bytes_read.sum dram__bytes_write.sum
l1tex__t_requests_pipe_lsu_mem_global_op_ld.sum l1tex__t_sectors_pipe_lsu_mem_global_op_ld.sum
l1tex__t_sectors_pipe_lsu_mem_global_op_ld_lookup_hit.sum l1tex__data_pipe_lsu_wavefronts.sum
l1tex__data_pipe_lsu_wavefronts_mem_lg.sum l1tex__m_xbar2l1tex_read_sectors.sum l1tex__throughput.avg.pct_of_peak_sustained_active
lts__t_requests_srcunit_tex_op_read.sum lts__t_sectors_srcunit_tex_op_read.sum lts__t_sectors_op_read.sum
lts__t_sectors_op_read_lookup_hit.sum lts__t_sectors_op_read_lookup_miss.sum lts__t_sectors_op_write.sum
lts__t_sectors_srcunit_ltcfabric.sum lts__t_sectors_srcunit_ltcfabric_op_read.sum lts__t_tag_requests.sum
lts__t_sectors.avg.pct_of_peak_sustained_elapsed lts__t_tag_requests.avg.pct_of_peak_sustained_elapsed
lts__throughput.avg.pct_of_peak_sustained_elapsed dram__throughput.avg.pct_of_peak_sustained_elapsed
lts__d_sectors_fill_device.sum lts__d_sectors_fill_sysmem.sum"
"$NCU" --query-metrics --chip gh100 2>/dev/null | awk '{print $1}' | sort -u > "$WORK/known.txt"
METRICS=""
for m in $WANT; do
  if grep -qx "${m%%.*}" "$WORK/known.txt"; then METRICS="$METRICS${METRICS:+,}$m"; else echo "not on this GPU: $m"; fi
done
echo "metrics: $METRICS"
profile() {  # name regex command...
  local name=$1 regex=$2
  shift 2
  {
    echo "# program: $* --once under Nsight Compute ($("$NCU" --version | tail -n 1); --clock-control none -k regex:$regex)"
    echo "# gpu_name: $(nvidia-smi --query-gpu=name --format=csv,noheader), driver $(nvidia-smi --query-gpu=driver_version --format=csv,noheader)"
    echo "# date_utc: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    "$NCU" --clock-control none -k "regex:$regex" --csv --page raw --metrics "$METRICS" "$@" --once
  } > "$WORK/$name" 2> "$WORK/$name.err" || echo "ncu failed for $name (rc $?)"
}
echo "---- Nsight Compute"
profile memory_probe_gather_ncu.csv gather_k "$WORK/memory_probe" gather "$WORK/x.csv"
profile memory_probe_stream_ncu.csv stream_k "$WORK/memory_probe" stream "$WORK/x.csv"
profile neural_probe_hash_ncu.csv hashgrid_fwd "$WORK/neural_probe" hash "$WORK/x.csv"
profile ngpc_probe_grids_sizes_ncu.csv grid_encode "$WORK/ngpc_probe" grids "$WORK/x.csv" --log2n 18,20,22
nvidia-smi --query-gpu=name,pstate,clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv
ls -la "$WORK"
cp "$LOG" "$OUT/memory_probes.log"
tar -C "$WORK" -czf "$OUT/memory_probes.tgz" $(cd "$WORK" && ls *.csv *.err *.log 2>/dev/null | grep -v '^x.csv$')
