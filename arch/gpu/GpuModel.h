#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "arch/gpu/GpuArchConfig.h"
#include "arch/gpu/KernelTimer.h"
#include "arch/gpu/OccupancyCalculator.h"
#include "configs/kernel.pb.h"

namespace cascade::arch::gpu {

// The GPU model of one part (configs/arch/gpu/<name>.pbtxt): a kernel's occupancy by NVIDIA's
// rules, then its runtime and energy by the block scheduler and the timing model (KernelTimer.h).
class GpuModel {
 public:
  explicit GpuModel(GpuArchConfig config);

  struct Estimate {
    Occupancy occupancy;
    KernelTiming timing;
  };
  // Throws InputError for a bad kernel description (problem(), OccupancyCalculator) or one that
  // cannot launch (no block fits an SM).
  // With `record_schedule`, the timing holds the block scheduler's cohort spans and samples (for a
  // timeline); the estimate is the same either way.
  Estimate estimate(const config::Kernel& kernel, bool record_schedule = false) const;

  // What makes a kernel description meaningless on this GPU, if anything, with the field at fault:
  // a number that is NaN, infinite or negative; a grid or block dimension beyond CUDA's
  // (grid x < 2^31, y and z < 2^16; block x and y up to 1024, z up to 64); tensor work of a data
  // type the GPU has no tensor rate for; exponentials or shared-memory traffic where the config
  // gives no rate; a peak fraction above 1; more than 10^6 exposed round trips.
  struct Problem {
    std::vector<base::TextProtoFile::Step> path;
    std::string message;
  };
  std::optional<Problem> problem(const config::Kernel& kernel) const;

  // The GPU mapping of a GEMM C[m,n] = A[m,k] * B[k,n] (batched `batch` times) in `dtype`: one
  // thread block per output tile (split along K when the tiles cannot fill a wave); tensor-core
  // or FP32 flops of the padded tiles; DRAM traffic each operand and the result once (L2 absorbs
  // the re-reads), L2 traffic the operand re-reads across tiles. Of the config's gemm_tiles for the
  // type, the one this model finds fastest, as the library's heuristics pick theirs. Every
  // dimension must be at least 1 and the grid within CUDA's limits (an InputError otherwise).
  config::Kernel gemm_kernel(uint64_t m, uint64_t n, uint64_t k, uint64_t batch,
                             const std::string& dtype) const;
  config::Kernel gemm_kernel_with(const config::GemmTile& tile, uint64_t m, uint64_t n, uint64_t k,
                                  uint64_t batch, const std::string& dtype) const;
  // The launches of a library GEMM call, in order: the GEMM's kernel (gemm_kernel; the tile whose
  // whole call this model finds fastest) and, where it splits K, the kernel that sums the slices'
  // partial results (split_k_reduction_kernel), as cuBLAS launches it after the GEMM.
  std::vector<config::Kernel> gemm_call(uint64_t m, uint64_t n, uint64_t k, uint64_t batch,
                                        const std::string& dtype) const;

  // Kernels launched one after another by one call (a split-K GEMM and its reduction), as a pair of
  // events around the call times them: the first launch's estimate (its occupancy, launch and host
  // overheads), each later launch's device time and the GPU's back-to-back gap before it added to
  // the times, its period to the period and its energy to the energy. Throws as estimate().
  Estimate estimate_call(const std::vector<config::Kernel>& launches) const;

  const GpuArchConfig& config() const { return config_; }
  const GpuTiming& timing() const { return timing_; }
  // The part of L2 that holds a kernel's reused data: l2_bytes x timing.l2_usable_fraction (0: all).
  double usable_l2_bytes() const;

 private:
  // The occupancy of a kernel's launch configuration and resources.
  Occupancy occupancy_of(const config::Kernel& kernel) const;

  // The call of one tile: its GEMM kernel and, where it splits K, the reduction.
  std::vector<config::Kernel> gemm_call_with(const config::GemmTile& tile, uint64_t m, uint64_t n, uint64_t k,
                                             uint64_t batch, const std::string& dtype) const;

  GpuArchConfig config_;
  OccupancyCalculator occupancy_;
  GpuTiming timing_;
};

// The bytes of an element of a kernel data type: 4 for fp32 and tf32 (TF32 is stored as fp32), 1 for
// fp8, 2 for the 16-bit types.
double dtype_element_bytes(const std::string& dtype);

// The kernel that sums a split-K GEMM's FP32 partial results: `split` slices of the C[m, n] of each
// of `batch` GEMMs, read once (4 bytes an element each), summed by one thread an output element
// (blocks of 512 threads, as cuBLAS's splitKreduce_kernel launches them), each thread's loads of
// its slices independent (ILP = split, at most 64); C written once in `dtype` (4 bytes for fp32
// and tf32, 1 for fp8, else 2). Named `gemm_name`_splitk_reduce. Throws InputError for a split
// below 2, a zero dimension, or a grid beyond CUDA's (2^31 - 1 blocks).
config::Kernel split_k_reduction_kernel(const std::string& gemm_name, uint64_t m, uint64_t n, uint64_t batch,
                                        uint64_t split, const std::string& dtype);

}  // namespace cascade::arch::gpu
