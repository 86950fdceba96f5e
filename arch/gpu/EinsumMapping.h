#pragma once

#include <string>

#include "arch/gpu/GpuModel.h"
#include "configs/kernel.pb.h"
#include "workloads/analysis/ShapeBinding.h"
#include "workloads/ir/Cascade.h"

namespace cascade::arch::gpu {

// The GPU mapping of one Einsum of a bound cascade, as a framework would launch it:
//  - a sum of a product of two tensors (C[b,m,n] = A[b,m,k] * B[b,k,n], any number of ranks in each
//    role) is a batched GEMM: batch = the ranks all three share, M = the output ranks only A has,
//    N = those only B has, K = the reduced ranks (GpuModel::gemm_kernel);
//  - anything else is an element-wise (or reducing) kernel in the style of PyTorch's vectorized
//    kernels: 8 elements per thread in 16-byte accesses, 128 threads per block, one pass over every
//    tensor it reads and writes, its operations on the FP32 units.
// Throws InputError for an Einsum whose ranks do not fit the GEMM roles (a product of a tensor
// with itself, a rank in only one operand that the output lacks).
config::Kernel map_einsum_to_gpu(const GpuModel& model, const workloads::Cascade& cascade,
                                 size_t einsum, const workloads::RankSizes& sizes,
                                 const std::string& dtype);

}  // namespace cascade::arch::gpu
