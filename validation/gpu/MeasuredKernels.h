#pragma once

#include <string>
#include <vector>

#include "arch/gpu/GpuModel.h"
#include "configs/kernel.pb.h"
#include "validation/gpu/TraceTable.h"

namespace cascade::validation {

// One timed kernel of the harness's kernels.csv with the Kernel description the model takes:
// STREAM-like and FMA kernels from their launch configuration and work (their vector width and
// independent loads read off the harness's kernels), cuBLAS GEMMs through the model's GEMM call
// of (M, N, K, batch, dtype): the events around the call time all its launches (a split-K GEMM and
// its reduction).
struct MeasuredKernel {
  std::string name, kind, dtype;
  std::vector<config::Kernel> launches;  // in order; the first is named as the row
  double measured_s = 0;     // median of the timed runs
  double energy_j = 0;       // per launch, 0 if not measured
};

// The largest GEMM dimension a trace row may give (M, N, K): far beyond any measured GEMM.
inline constexpr uint64_t kMaxGemmDimension = uint64_t{1} << 32;

// A row's launch: its grid, block, regs and smem columns, each within CUDA's limits (an InputError
// at the row's line otherwise).
void set_launch(const TraceTable& table, size_t row, config::Kernel& kernel);

// Rows of classes "stream", "fma" and "gemm"; other classes (idle, launch) are left out. A row
// whose numbers are not what its columns mean is an InputError at its line.
std::vector<MeasuredKernel> measured_kernels(const TraceTable& table, const arch::gpu::GpuModel& model);

}  // namespace cascade::validation
