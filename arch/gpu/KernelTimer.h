#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "arch/gpu/BlockScheduler.h"
#include "configs/kernel.pb.h"

namespace cascade::arch::gpu {

// The free parameters of the GPU runtime and energy model, uncalibrated: from datasheets and
// first principles (each value's source is in the GPU config that fills this). `cascade gpu
// calibrate` fits them on measured runs (validation/gpu/Calibration.h).
struct GpuTiming {
  uint32_t sms = 0;
  double sm_clock_hz = 0;
  uint32_t schedulers_per_sm = 4;          // warp schedulers (sub-partitions) per SM
  double fp32_flops_per_s = 0;             // whole GPU, an FMA counting 2
  std::map<std::string, double> tensor_flops_per_s;  // whole GPU, dense, by data type
  double sfu_ops_per_s = 0;                // whole GPU
  double smem_bytes_per_s_per_sm = 0;
  double dram_bytes_per_s = 0;
  double l2_bytes_per_s = 0;
  double dram_latency_s = 0;               // a load's round trip, for Little's law
  uint32_t fma_latency_cycles = 4;         // dependent FMA issue distance
  double issue_knee_exponent = 0;          // how gradually issue saturates (0: the hard knee)
  double tensor_warps_to_saturate = 8;     // resident warps that keep the tensor cores busy
  double warp_mma_efficiency = 1;          // of the tensor rate, for work issued as mma.sync
  std::map<std::string, double> family_efficiency;  // of the compute rates, by kernel family
  std::map<std::string, double> family_watts;       // power beside the actions, by kernel family
  double launch_overhead_s = 0;            // launch to first block, and last block to completion
  double idle_power_w = 0;
  double busy_power_w = 0;                 // above idle, while the kernel runs
  double pj_per_fp32_flop = 0, pj_per_tensor_flop = 0, pj_per_dram_byte = 0, pj_per_l2_byte = 0;
  double pj_per_smem_byte = 0, pj_per_sfu_op = 0;
  double back_to_back_gap_s = 0;           // between kernels launched back to back
  double launch_issue_s = 0;               // the host's time to issue one launch
  double block_launch_s = 0;               // the work distributor's interval between block starts
  double kernel_floor_s = 0;               // an empty kernel's device time
  double idle_dram_latency_s = 0;          // a lone load's round trip on an idle GPU (0: dram_latency_s)
  double first_launch_s = 0;               // added to a kernel launched after a different one
  double l2_lone_sector_bytes = 64;        // a tag lookup's L2 time, in bytes at l2_bytes_per_s
  double dram_lone_sector_bytes = 64;      // a lone sector read's DRAM time, in bytes at dram_bytes_per_s
};
// The most parts a kernel's grid may run in turn (config::Kernel.phases).
inline constexpr int kMaxKernelPhases = 64;
// What a lone sector read from DRAM moves (KernelWork.dram_sector_reads): a 64-byte DRAM access.
inline constexpr double kLoneSectorDramBytes = 64;

struct KernelTiming {
  double seconds = 0;            // launch overhead + makespan
  double makespan_s = 0;
  double device_s = 0;           // the kernel's device time, as a profiler sees it: the makespan, floored
  double in_pass_s = 0;          // device_s where a different kernel ran before (first_launch_s added)
  uint64_t blocks = 0;
  uint32_t threads_per_block = 0;
  uint32_t blocks_per_sm = 0;
  uint64_t waves = 0;
  double achieved_occupancy = 0;  // time-averaged resident warps / maximum warps per SM
  // Launched back to back, one launch every period_s: the makespan and the GPU's gap between
  // kernels, or the host's work per call (library or framework work and issuing the launch) where
  // that is longer.
  double period_s = 0;
  double energy_j = 0;            // per launch back to back: power x period + per-action energies
  double compute_bound_fraction = 0;  // of a full-wave block: compute time / max(compute, memory)
  // With record_schedule: the block scheduler's cohort spans and samples (BlockScheduler.h).
  std::vector<CohortSpan> spans;
  std::vector<ScheduleSample> samples;
  uint64_t spans_dropped = 0;
};

// Times one launch: per-block work is the kernel's work over its blocks; the block scheduler runs
// them wave by wave with the rates of this model:
//  - compute: a block alone would take its FP32 flops / (the SM's FP32 rate) plus its SFU
//    operations / (the SM's SFU rate) plus its shared-memory bytes / (the SM's shared-memory
//    bandwidth) plus its tensor flops / (the SM's tensor rate, times warp_mma_efficiency for
//    mma.sync work), over the peak fraction and the kernel family's efficiency; resident warps hide
//    latency, so the SM nears full rate only with warps x ILP well beyond schedulers x FMA latency
//    (FP32: a knee as gradual as issue_knee_exponent) or warps >= tensor_warps_to_saturate
//    (tensor); an SM's rate is shared by its resident blocks;
//  - memory: every access passes through L2 and DRAM serves the misses, at once: the longer of the
//    DRAM bytes at DRAM bandwidth (a lone sector read counting as dram_lone_sector_bytes) and all
//    bytes at L2 bandwidth with the tag lookups beyond them (a lone sector's request, and each
//    fill of what DRAM returns, l2_lone_sector_bytes each with its data); DRAM bandwidth is
//    shared by every resident block and capped per SM by Little's law on the reads (resident warps
//    x ILP x 32 lanes x bytes per access / latency);
//  - each block first waits its exposed DRAM round trips; with serial phases the first wave takes
//    its memory time plus its compute time; the work distributor starts a block at most every
//    block_launch_s; a kernel that reads DRAM lasts at least one idle round trip; a kernel of
//    one-trip blocks (KernelWork.lockstep_waves) whose waves take longer to compute than their
//    loads' round trip runs its waves in step: each its round trip, then its compute;
//  - a kernel with phases (Kernel.phases) takes at least the sum of its phases' makespans, each
//    phase's work on an equal share of the blocks;
//  - the device time is the makespan, at least an empty kernel's (kernel_floor_s), with its
//    threads' dependent DRAM round trips (at least one) beside it for a kernel that reads DRAM; in a
//    pass, after a different kernel, first_launch_s more.
// Energy per launch among launches back to back: (idle + busy + the family's power) x period plus
// the per-action energies (FP32 and tensor flops, DRAM, L2 and shared-memory bytes, SFU
// operations).
KernelTiming time_kernel(const GpuTiming& gpu, const config::Kernel& kernel, uint32_t blocks_per_sm,
                         uint32_t max_warps_per_sm, bool record_schedule = false);

uint64_t grid_blocks(const config::Kernel& kernel);
uint32_t block_threads(const config::Kernel& kernel);

}  // namespace cascade::arch::gpu
