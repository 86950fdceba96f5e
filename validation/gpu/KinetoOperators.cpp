#include "validation/gpu/KinetoOperators.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>

#include "arch/gpu/FrameworkKernels.h"
#include "arch/gpu/FusedKernels.h"
#include "arch/gpu/KernelTimer.h"
#include "base/InputError.h"
#include "base/Json.h"

namespace cascade::validation {
namespace {

// The largest tensor dimension read from a trace, and the most elements an operator's input may
// have: beyond them products of dimensions lose integer exactness in a double.
constexpr double kMaxTraceDimension = static_cast<double>(uint64_t{1} << 40);

// The bytes of one element of a tensor type as the PyTorch profiler names it; 0 for what is no
// tensor type (Scalar, ScalarList, TensorList, an empty slot).
double bytes_of(const std::string& type) {
  static const std::map<std::string, double> bytes = {
      {"c10::BFloat16", 2}, {"c10::Half", 2},      {"float", 4},          {"double", 8},
      {"long int", 8},      {"int", 4},            {"short int", 2},      {"bool", 1},
      {"unsigned char", 1}, {"signed char", 1},    {"c10::Float8_e4m3fn", 1}, {"c10::Float8_e5m2", 1}};
  const auto it = bytes.find(type);
  return it == bytes.end() ? 0 : it->second;
}

// Where the trace does not say what a tensor holds (a tensor list's tensors; every input of a trace
// recorded without types), its elements are taken as 2 bytes (bf16 or fp16, the types of the
// layers traced).
constexpr double kUntypedElementBytes = 2;

double elements(const std::vector<double>& shape) {
  double n = 1;
  for (double d : shape) n *= d;
  return n;
}

// NumPy's broadcast of the tensors' shapes (aligned at their last dimension): the output's elements.
double broadcast_elements(const std::vector<TracedInput>& inputs) {
  std::vector<double> out;
  for (const auto& in : inputs) {
    if (!in.tensor) continue;
    if (in.shape.size() > out.size()) out.insert(out.begin(), in.shape.size() - out.size(), 1.0);
    for (size_t i = 0; i < in.shape.size(); ++i) {
      double& o = out[out.size() - in.shape.size() + i];
      o = std::max(o, in.shape[i]);
    }
  }
  return elements(out);
}

// Thread instructions an element of PyTorch's element-wise kernels, as Nsight Compute counts them
// in the decoder layers' kernels on the H200 (validation/traces/h200/ncu_decoder.csv: warp
// instructions x 32 / elements; sm_90 code, the same on the H100). The strided kernels
// (elementwise_kernel<128, U> and the unrolled kernel: broadcasts, transposed views, casts) compute
// each operand's offset dimension by dimension: 44.5 to 70.7 an element over the seven measured
// (a negation of [1, 32, 2048, 64] 44.5, a broadcast multiply of 4 dimensions 55.7, a cast 51.8,
// grouped-query attention's repeated K 66.5), 59 on average. The vectorized kernel: 2.9 to 3.7 an
// input (a cast 2.9, pow 3.5, add and multiply 7.3-7.4 for two), and SiLU's and GELU's exponential
// or tanh with their arithmetic 21-23 more (24.3 and 26.4 measured). A tensor-list concatenation
// 88.3 an element (8.5 vectorized). PyTorch's reduce_kernel (mean of a row): 552 warp instructions a
// warp at 128 elements a thread (2048 rows of 4096) and 227 at 8 (one row of 4096 in one block of
// 512), 2.71 an element and 205 a thread beside them (its indexing, the block-wide reduction across
// warps and through shared memory, the output).
constexpr double kStridedInstructions = 59, kVectorizedPerInput = 3.5, kTranscendentalInstructions = 22;
constexpr double kConcatInstructions = 88.3, kVectorizedConcatInstructions = 8.5;
constexpr double kReducePerElement = 2.71, kReducePerThread = 205;

// The first whole number after `prefix` in a kernel's name (a template argument), or 0.
uint32_t template_argument(const std::string& name, const std::string& prefix) {
  const size_t at = name.find(prefix);
  if (at == std::string::npos) return 0;
  const char* p = name.c_str() + at + prefix.size();
  char* end = nullptr;
  const long v = std::strtol(p, &end, 10);
  return end != p && v > 0 && v <= 64 ? static_cast<uint32_t>(v) : 0;
}

// What PyTorch's element-wise kernel of this name does for each output element: its thread
// instructions (above), and how each thread loads (PyTorch's Loops.cuh and CUDALoops.cuh), every
// input's loads at once: the vectorized kernel (vectorized_elementwise_kernel<V, ...>) loads all of
// its `per_thread` elements, V at a time, before it computes; the plain one
// (elementwise_kernel<128, U, ...>) takes its U elements one after another, each one's loads after
// the previous one's store (the compiler cannot move a load above a store it may alias); the
// unrolled one loads its elements at once, except where it casts (memory::LoadWithCast): each load
// sits in a switch over the source type and is converted inside it, so the next load issues once
// this one's data is back; other kernels as the vectorized one at 16 bytes.
struct ElementwiseCode {
  double instructions;
  uint32_t ilp;
  double access_bytes;
  double dependent_accesses;  // KernelWork.dependent_accesses: a thread's accesses one after another
};
ElementwiseCode elementwise_code(const std::string& kernel, const std::string& op, size_t inputs,
                                 double element_bytes, double per_thread) {
  const auto has = [&](const char* part) { return kernel.find(part) != std::string::npos; };
  ElementwiseCode c{0, 1, 16, 1};
  if (has("CatArrayBatchedCopy_vectorized")) {
    c.instructions = kVectorizedConcatInstructions;
  } else if (has("CatArrayBatchedCopy")) {
    c.instructions = kConcatInstructions;
  } else if (has("unrolled_elementwise_kernel") || has("::elementwise_kernel<")) {
    c.instructions = kStridedInstructions;
  } else {
    static const char* const transcendental[] = {"aten::silu", "aten::gelu", "aten::sigmoid", "aten::tanh",
                                                 "aten::exp", "aten::erf", "aten::log"};
    const bool costly =
        std::find(std::begin(transcendental), std::end(transcendental), op) != std::end(transcendental);
    c.instructions = kVectorizedPerInput * static_cast<double>(inputs) + (costly ? kTranscendentalInstructions : 0);
  }
  const double loads = static_cast<double>(std::max<size_t>(1, inputs));
  if (const uint32_t v = template_argument(kernel, "vectorized_elementwise_kernel<"); v > 0) {
    c.access_bytes = v * element_bytes;
    c.ilp = static_cast<uint32_t>(std::clamp(loads * std::round(per_thread / v), 1.0, 64.0));
  } else if (has("unrolled_elementwise_kernel")) {
    c.access_bytes = element_bytes;
    if (has("LoadWithCast")) {
      c.dependent_accesses = std::ceil(per_thread) * loads;
    } else {
      c.ilp = static_cast<uint32_t>(std::min(64.0, 4 * loads));
    }
  } else if (const uint32_t u = template_argument(kernel, "::elementwise_kernel<128, "); u > 0) {
    c.ilp = static_cast<uint32_t>(std::min(64.0, loads)), c.access_bytes = element_bytes;
    c.dependent_accesses = std::min<double>(u, std::ceil(per_thread));
  }
  return c;
}

// A kernel described once, whatever the model.
TracedKernel fixed(const std::string& kind, config::Kernel k) {
  return TracedKernel{kind, [k = std::move(k)](const arch::gpu::GpuModel&) { return k; }};
}

// A pass over memory at the launch the trace recorded: `read` and `written` bytes from and to DRAM,
// its FP32 issue slots as flops, each thread's loads `ilp` independent accesses of `access_bytes`;
// `one_trip` where each thread loads all its data at once before it computes
// (KernelWork.lockstep_waves).
TracedKernel traced_pass(const config::MeasuredRun& run, const std::string& kind, double read, double written,
                         double flops, uint32_t ilp, double access_bytes, double dependent_accesses = 1,
                         double instructions_after_loads = 0, bool one_trip = false) {
  config::Kernel k = run.kernel();
  k.set_kind(kind);
  auto* w = k.mutable_work();
  w->Clear();
  w->set_dram_bytes(read + written);
  w->set_dram_write_bytes(written);
  w->set_fp32_flops(flops);
  w->set_ilp(std::max<uint32_t>(1, ilp));
  w->set_bytes_per_access(static_cast<uint32_t>(std::clamp(access_bytes, 1.0, 16.0)));
  w->set_dependent_accesses(std::clamp(dependent_accesses, 1.0, 1e6));
  w->set_instructions_after_loads(std::clamp(instructions_after_loads, 0.0, 1e9));
  w->set_lockstep_waves(one_trip);
  return fixed(kind, std::move(k));
}

}  // namespace

std::vector<TracedInput> traced_inputs(const config::MeasuredRun& run, bool& zero) {
  zero = false;
  const std::string& text = run.input_shapes();
  if (text.empty()) return {};
  base::JsonValue v;
  try {
    v = base::parse_json(text, "Input Dims");
  } catch (const base::InputError&) {
    return {};
  }
  if (!v.is_array()) return {};
  std::vector<TracedInput> out;
  const auto shape_of = [&](const base::JsonValue& list, std::vector<double>& shape) {
    for (const auto& d : list.items) {
      if (!d.is_number() || d.number != std::floor(d.number) || d.number < 0 || d.number > kMaxTraceDimension)
        return false;
      shape.push_back(d.number);
    }
    return true;
  };
  for (size_t i = 0; i < v.items.size(); ++i) {
    const auto& input = v.items[i];
    const std::string type = i < static_cast<size_t>(run.input_types_size()) ? run.input_types(static_cast<int>(i)) : "";
    if (!input.is_array()) return {};
    if (!input.items.empty() && input.items[0].is_array()) {
      // A tensor list: one input per tensor.
      for (const auto& t : input.items) {
        TracedInput in{{}, type, true, kUntypedElementBytes};
        if (!t.is_array() || !shape_of(t, in.shape)) return {};
        out.push_back(std::move(in));
      }
      continue;
    }
    TracedInput in{{}, type, false, bytes_of(type)};
    if (!shape_of(input, in.shape)) return {};
    if (run.input_types_size() == 0 && !in.shape.empty()) in.element_bytes = kUntypedElementBytes;
    in.tensor = in.element_bytes > 0;
    out.push_back(std::move(in));
  }
  for (const auto& in : out)
    if (in.tensor && !in.shape.empty() && elements(in.shape) == 0) zero = true;
  return out;
}

std::optional<TracedKernel> describe_traced_kernel(const config::MeasuredRun& run, std::string& why) {
  const std::string op = run.operator_name();
  const std::string& name = run.name();
  if (op.empty()) {
    why = "no GPU description for a kernel without its operator";
    return std::nullopt;
  }
  bool zero = false;
  const std::vector<TracedInput> in = traced_inputs(run, zero);
  if (zero) {
    why = "operator '" + op + "' has an input with a dimension of 0";
    return std::nullopt;
  }
  std::vector<const TracedInput*> tensors;
  for (const auto& i : in)
    if (i.tensor) tensors.push_back(&i);
  for (const auto* t : tensors)
    if (elements(t->shape) > kMaxTraceDimension) {
      why = "operator '" + op + "' has an input of more than 2^40 elements";
      return std::nullopt;
    }
  if (tensors.empty()) {
    why = "no GPU description for operator '" + op + "': it has no tensor input";
    return std::nullopt;
  }
  const std::string dtype = run.dtype().empty() ? "bf16" : run.dtype();
  const double element = tensors[0]->element_bytes;

  // GEMMs: C[m, n] = A[m, k] B[k, n] (addmm's bias first; bmm's batch first).
  const bool addmm = op == "aten::addmm" || op == "aten::_addmm_activation";
  if (addmm || op == "aten::mm" || op == "aten::bmm") {
    const size_t a = addmm ? 1 : 0, rank = op == "aten::bmm" ? 3 : 2;
    if (tensors.size() >= a + 2 && tensors[a]->shape.size() == rank && tensors[a + 1]->shape.size() == rank) {
      const auto& A = tensors[a]->shape;
      const auto& B = tensors[a + 1]->shape;
      const uint64_t batch = rank == 3 ? static_cast<uint64_t>(A[0]) : 1;
      const auto m = static_cast<uint64_t>(A[rank - 2]), k = static_cast<uint64_t>(A[rank - 1]),
                 n = static_cast<uint64_t>(B[rank - 1]);
      if (name.find("splitKreduce") != std::string::npos) {
        // cuBLAS's reduction of a split-K GEMM's partial sums (fp32), at least two of them, into C.
        const double c = static_cast<double>(batch * m) * static_cast<double>(n);
        return traced_pass(run, "reduction", 2 * c * 4, c * element, c, 1, 16);
      }
      return TracedKernel{"gemm", [m, n, k, batch, dtype](const arch::gpu::GpuModel& model) {
                            return model.gemm_kernel(m, n, k, batch, dtype);
                          }};
    }
  }
  // Attention: Q, K, V are (batch, heads, seq, embed), except for the flash and efficient backends'
  // operators, which take (batch, seq, heads, embed).
  if (op.find("attention") != std::string::npos && tensors.size() >= 3 && tensors[0]->shape.size() == 4 &&
      tensors[1]->shape.size() == 4 && tensors[2]->shape.size() == 4) {
    const bool seq_second = op == "aten::_flash_attention_forward" || op == "aten::_efficient_attention_forward";
    const size_t h = seq_second ? 2 : 1, s = seq_second ? 1 : 2;
    const auto& q = tensors[0]->shape;
    arch::gpu::AttentionDims d{static_cast<uint64_t>(q[0]), static_cast<uint64_t>(q[h]),
                               static_cast<uint64_t>(tensors[1]->shape[s]), static_cast<uint64_t>(q[s]),
                               static_cast<uint64_t>(q[3]), static_cast<uint64_t>(tensors[2]->shape[3])};
    if (name.find("reduction") != std::string::npos) {
      // A split-KV (decode) kernel's partial outputs (fp32), at least two a query, combined.
      const double o = static_cast<double>(d.batch * d.heads) * static_cast<double>(d.queries * d.v_embed);
      return traced_pass(run, "reduction", 2 * o * 4, o * element, 2 * o, 1, 16);
    }
    // A causal mask (keys up to the query's own index, aligned at the first key, as PyTorch's
    // is_causal): the argument's place in each backend's operator.
    const auto value = [&](int i) { return i < run.concrete_inputs_size() ? run.concrete_inputs(i) : std::string(); };
    if ((op == "aten::_cudnn_attention_forward" && value(10) == "True") ||
        (op == "aten::_flash_attention_forward" && value(8) == "True") ||
        (op == "aten::_efficient_attention_forward" && value(9) == "1")) {
      d.masked = true;
      d.key_minus_query_hi = 0;
    }
    const auto family = arch::gpu::attention_kernel_of(name).value_or(arch::gpu::AttentionKernel::kFlashAttention2);
    const config::Kernel launched = run.kernel();
    return TracedKernel{"attention_lib", [d, family, dtype, launched](const arch::gpu::GpuModel& model) {
                          // The family's work, with the launch shape and resources the trace recorded.
                          config::Kernel k = arch::gpu::attention_kernel(d, dtype, family,
                                                                         model.config().proto().sm_count());
                          *k.mutable_grid() = launched.grid();
                          *k.mutable_block() = launched.block();
                          k.set_registers_per_thread(launched.registers_per_thread());
                          k.set_dynamic_smem_bytes(launched.dynamic_smem_bytes());
                          // The busiest block of the blocks the trace launched.
                          k.mutable_work()->set_busiest_block_factor(
                              arch::gpu::attention_busiest_block_factor(d, family, k.grid().x()));
                          return k;
                        }};
  }
  if (op == "aten::native_layer_norm" && !tensors[0]->shape.empty()) {
    // Rows of the last dimension (rows within the grid: n is below 2^40 and rows = n / cols).
    const double n = elements(tensors[0]->shape), cols = tensors[0]->shape.back(), rows = n / cols;
    if (rows > (1u << 31) - 1) {
      why = "layer norm of " + std::to_string(rows) + " rows, beyond CUDA's grid";
      return std::nullopt;
    }
    return fixed("elementwise", arch::gpu::layer_norm_kernel(op, rows, cols, element));
  }
  if (op == "aten::add_") {
    // The description the measured element-wise kernels were calibrated with: both inputs read
    // once and the output written once, one add an element.
    const double n = elements(tensors[0]->shape);
    return fixed("elementwise", arch::gpu::vectorized_elementwise_kernel(op, n, 2 * n * element, n * element, n, 2));
  }

  // From first principles, at the recorded launch.
  double read = 0, loaded_element = element;  // the first input read sets the loads' size
  size_t inputs_read = 0;
  for (size_t i = tensors.size(); i-- > 0;) {
    // A copy or fill writes its first input without reading it.
    const bool written_only = i == 0 && (op == "aten::copy_" || op == "aten::fill_" || op == "aten::zero_");
    if (written_only) continue;
    read += elements(tensors[i]->shape) * tensors[i]->element_bytes;
    loaded_element = tensors[i]->element_bytes;
    ++inputs_read;
  }
  // The threads the trace's launch ran.
  const double threads = static_cast<double>(arch::gpu::grid_blocks(run.kernel())) *
                         arch::gpu::block_threads(run.kernel());
  // Each thread instruction an FMA's issue slot (2 flops), as the layer norm's description counts.
  if (name.find("reduce_kernel") != std::string::npos) {
    // PyTorch's reduce_kernel over the last dimension (mean, sum, max of a row): every element in,
    // one element out a row. Along a contiguous row it takes the vectorized path
    // (Reduce.cuh input_vectorized_thread_reduce_impl): a loop whose trip loads one 16-byte vector
    // and adds it into the accumulators, so the next trip's load issues once this one's data is
    // back: one access in flight a thread.
    // Its loads, then the block's reduction (its per-thread instructions) on what they brought.
    const auto& x = tensors[0]->shape;
    const double n = elements(x), rows = x.empty() || x.back() == 0 ? 1 : n / x.back();
    const double trips = std::ceil(n * element / 16 / threads);
    return traced_pass(run, "reduction", read, rows * element,
                       2 * (kReducePerElement * n + kReducePerThread * threads), 1, 16, trips, kReducePerThread);
  }
  const bool concatenation = name.find("CatArrayBatchedCopy") != std::string::npos;
  // Each tensor copied into its place in the output, or the inputs' broadcast.
  const double out = concatenation ? read / element : broadcast_elements(in);
  if (out > kMaxTraceDimension) {
    why = "operator '" + op + "' has an output of more than 2^40 elements";
    return std::nullopt;
  }
  const ElementwiseCode code = elementwise_code(name, op, inputs_read, loaded_element, out / threads);
  // The vectorized kernel's thread loads its elements at once, then computes, then stores: one trip.
  return traced_pass(run, "elementwise", read, out * element, 2 * code.instructions * out, code.ilp,
                     code.access_bytes, code.dependent_accesses, 0,
                     template_argument(name, "vectorized_elementwise_kernel<") > 0);
}

}  // namespace cascade::validation
