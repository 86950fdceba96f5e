#pragma once

#include <string>
#include <vector>

#include "arch/gpu/FusedKernels.h"
#include "arch/gpu/GpuModel.h"
#include "configs/kernel.pb.h"
#include "workloads/analysis/ShapeBinding.h"
#include "workloads/ir/Cascade.h"

namespace cascade::arch::gpu {

// The GPU mapping of a bound cascade: the kernels a framework launches for it, one per operator
// (workloads' Operator groups; an Einsum outside every operator is an operator of its own), in
// cascade order. By operator kind:
//  - LINEAR: its GEMMs read one activation (the tensor they all read, or else each one's first
//    operand) with the same rows, reduced ranks and batch; they run as one library GEMM whose N is
//    the sum of theirs (a packed projection), the element-wise Einsums of their outputs (bias,
//    activation) in its epilogue, as cuBLASLt fuses them; a GEMM that splits K is followed by its
//    reduction kernel (GpuModel::gemm_call), a kernel of the same operator named <name>_splitk_reduce;
//  - ATTENTION: one flash-attention kernel of the config's mapping.attention_family
//    (attention_dims);
//  - NORMALIZATION: one row-normalisation kernel (layer_norm_kernel) over the rows and the reduced
//    feature ranks of its first reduction;
//  - ELEMENTWISE, and an Einsum of its own that is not a GEMM: one vectorized element-wise kernel
//    reading every tensor that comes from outside the operator and writing every tensor used
//    outside it (or left as a result);
//  - a GEMM Einsum of its own: a library GEMM call (map_einsum_to_gpu, and the reduction of a split
//    one after it).
// The data type of a kernel is its output tensor's. Throws InputError at the workload's operator
// (or Einsum) for one whose Einsums do not have its kind's shape.
struct MappedKernel {
  std::string name;             // the operator's name, or the tensor a lone Einsum writes
  std::string op_kind;          // "linear", "attention", "normalization", "elementwise", "gemm"
  std::vector<size_t> einsums;  // into the cascade's Einsums
  config::Kernel kernel;
};
std::vector<MappedKernel> map_cascade_to_gpu(const GpuModel& model, const workloads::Cascade& cascade,
                                             const workloads::RankSizes& sizes);

// The attention problem of a group of Einsums (an ATTENTION operator) in any of its 1-, 2- or 3-pass
// forms: its first GEMM-shaped Einsum is the score S = Q x K; batch = the ranks Q, K and S share (B
// and H, as one batch); queries = the ranks only Q and S have; keys = only K and S; qk_embed = the
// score's reduced ranks; v_embed = the ranks of V (the one other tensor the group reads from
// outside) that are neither keys nor batch.
AttentionDims attention_dims(const workloads::Cascade& cascade, const std::vector<size_t>& einsums,
                             const workloads::RankSizes& sizes);

// The GPU mapping of one Einsum of a bound cascade, as a framework would launch it:
//  - a sum of a product of two tensors (C[b,m,n] = A[b,m,k] * B[b,k,n], any number of ranks in each
//    role) is a batched GEMM: batch = the ranks all three share, M = the output ranks only A has,
//    N = those only B has, K = the reduced ranks (GpuModel::gemm_kernel: the GEMM's own kernel);
//  - anything else is a vectorized element-wise (or reducing) kernel (vectorized_elementwise_kernel)
//    over its iteration space, reading each input once and writing its output once.
// Throws InputError for an Einsum whose ranks do not fit the GEMM roles (a product of a tensor
// with itself, a rank in only one operand that the output lacks).
config::Kernel map_einsum_to_gpu(const GpuModel& model, const workloads::Cascade& cascade,
                                 size_t einsum, const workloads::RankSizes& sizes,
                                 const std::string& dtype);

// The kernel data type of a tensor element type: "bf16", "fp16", "fp32", "fp8"; others have no GPU
// mapping (an InputError naming the tensor).
std::string gpu_dtype(const workloads::Cascade& cascade, const std::string& tensor);

}  // namespace cascade::arch::gpu
