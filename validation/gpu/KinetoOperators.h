#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "arch/gpu/GpuModel.h"
#include "configs/trace.pb.h"

namespace cascade::validation {

// One input of a traced operator: its dimensions and its type as the trace names them; a tensor
// list (aten::cat's) is one input per tensor.
struct TracedInput {
  std::vector<double> shape;  // [] for a scalar or a zero-dimensional tensor
  std::string type;           // "c10::BFloat16", "float", "Scalar", ...
  bool tensor = false;        // a tensor of a known element type (scalars and empty slots are not)
  double element_bytes = 0;   // of a tensor
};

// The inputs of a Kineto run (MeasuredRun.input_shapes and input_types). A tensor whose element type
// the trace does not give (a tensor list's; any input of a trace without types) has 2-byte
// elements. Empty if the shapes are no list of whole dimensions from 0 to 2^40; `zero` is set where
// a tensor has a dimension of 0.
std::vector<TracedInput> traced_inputs(const config::MeasuredRun& run, bool& zero);

// How the GPU model describes a kernel that a framework operator launched.
struct TracedKernel {
  std::string kind;  // the case's class: "gemm", "attention_lib", "elementwise", "reduction"
  std::function<config::Kernel(const arch::gpu::GpuModel&)> describe;
};

// A Kineto run described from its operator, its inputs and the launch the trace recorded:
//  - GEMMs (aten::addmm, aten::mm, aten::bmm) by shape and type, as the library tiles them; the
//    split-K reduction a library launches beside its GEMM as a pass over the partial sums;
//  - attention by family, head dimension and sequence lengths; the reduction a split-KV decode
//    kernel launches after it as a pass over the partial outputs;
//  - layer norm as PyTorch's vectorized kernel;
//  - every other operator from first principles, at the recorded launch: an element-wise pass that
//    reads each tensor input once and writes the broadcast output in the first input's type (a
//    reduction kernel writes one element per row of its last dimension; a concatenation copies its
//    tensors), issuing the instructions an element Nsight Compute counts in its kind of kernel.
// nullopt, with `why`, where the run cannot be described (no operator, a dimension of 0, more than
// 2^40 elements, a launch shape that cannot be).
std::optional<TracedKernel> describe_traced_kernel(const config::MeasuredRun& run, std::string& why);

}  // namespace cascade::validation
