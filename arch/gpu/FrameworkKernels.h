#pragma once

#include <cstdint>
#include <string>

#include "configs/kernel.pb.h"

namespace cascade::arch::gpu {

// The kernels a framework (PyTorch) launches for operators other than GEMMs and attention, as the
// Kineto importer and the cascade mapping both describe them, so that a traced operator and the
// same operator written as Einsums get the same kernel.

// PyTorch's vectorized element-wise kernel (aten/src/ATen/native/cuda/CUDALoops.cuh,
// vectorized_elementwise_kernel<8, ...>): 8 elements a thread in 16-byte accesses, 128 threads a
// block; every input read once and the output written once; `flops` on the FP32 units; a thread
// loads its vector of each of its `inputs` at once before it computes (Little's law: that many
// accesses in flight, at least 1). Throws InputError for a grid beyond CUDA's (2^31 - 1 blocks).
config::Kernel vectorized_elementwise_kernel(const std::string& name, double elements, double read_bytes,
                                             double write_bytes, double flops, uint32_t inputs);

// PyTorch's vectorized_layer_norm_kernel (aten/src/ATen/native/cuda/layer_norm_kernel.cu): one
// block of 128 threads per row, 4-element vectors. It reads the row and runs Welford's update per
// element, combines the threads' sums by warp shuffles and across the 4 warps through shared
// memory, then reads the row again with gamma and beta (from L2) and writes it normalised, with
// mean and rstd (fp32) per row. Nsight Compute on the H100 (validation/traces/h100/ncu_layer_norm.csv,
// 768 columns) counts 1867 warp instructions a row, 77.8 thread instructions an element, with the
// schedulers issuing 89% of the time: the kernel is bound by instruction issue, each instruction
// an FMA's issue slot (2 flops). Throws InputError for more rows than CUDA's grid holds.
config::Kernel layer_norm_kernel(const std::string& name, double rows, double cols, double element_bytes);

}  // namespace cascade::arch::gpu
