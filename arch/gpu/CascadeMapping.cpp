#include "arch/gpu/CascadeMapping.h"

#include <algorithm>
#include <iterator>
#include <optional>
#include <set>

#include "arch/gpu/FrameworkKernels.h"
#include "arch/gpu/FusedKernels.h"
#include "workloads/analysis/ConditionCount.h"
#include "workloads/analysis/OpCounts.h"
#include "workloads/analysis/OperatorStructure.h"

namespace cascade::arch::gpu {
namespace {

using workloads::Cascade;
using workloads::Einsum;
using workloads::RankSizes;
using Vars = std::set<std::string>;

uint64_t product(const Vars& vars, const Cascade& c, const RankSizes& sizes, const std::string& what) {
  uint64_t n = 1;
  for (const auto& v : vars) n = workloads::checked_mul(n, sizes.of_variable(v), c, "the GPU mapping's", what);
  return n;
}

using Gemm = workloads::GemmRoles;
using workloads::gemm_roles;
using workloads::reduced_variables;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return s;
}

[[noreturn]] void fail_operator(const Cascade& c, const workloads::Operator& op, const std::string& message) {
  throw base::InputError(c.file, op.pos, "operator '" + op.name + "' (" + lower(workloads::to_string(op.kind)) +
                                             "): " + message);
}

// The variables a group's threads take one each where the group walks a recurrence (CNT[p,k+1] =
// CNT[p,k] + ...: each p's k one after another, a thread walking each): the recurrent Einsum's
// other output variables. Empty where no Einsum of the group is recurrent.
Vars walking_threads(const Cascade& c, const std::vector<size_t>& group) {
  for (size_t i : group) {
    const Einsum& e = c.einsums[i];
    if (!e.is_recurrent()) continue;
    Vars threads;
    for (const auto& idx : e.output.indices)
      if (idx.form == workloads::IndexExpr::Form::Variable) threads.insert(idx.var);
    return threads;
  }
  return {};
}

// Whether a walk's threads, each writing its own row of the writer's output (its leading indices
// the threads'), store it scattered: rows longer than a sector are written a few bytes at a time as
// each thread walks, every word a partial-sector store into a line of its lane's own
// (KernelWork.scattered_store_operations); a row of a sector or less a thread writes whole.
bool stores_scattered(const Cascade& c, const Einsum& writer, const Vars& threads, const RankSizes& sizes) {
  const auto& indices = writer.output.indices;
  size_t leading = 0;
  while (leading < indices.size() && indices[leading].form == workloads::IndexExpr::Form::Variable &&
         threads.count(indices[leading].var))
    ++leading;
  if (leading == 0 || leading == indices.size()) return false;
  Vars lanes;
  for (size_t k = 0; k < leading; ++k) lanes.insert(indices[k].var);
  const double lane_stride = workloads::tensor_bytes(c, writer.output.tensor, sizes) /
                             static_cast<double>(product(lanes, c, sizes, writer.output.tensor));
  return lane_stride > kHashGatherSectorBytes;
}

// One vectorized pass over a group of Einsums: it reads what comes from outside the group and
// writes what is used outside it or left as a result. Each element read through a gathered index
// (a table lookup) is a lone 32-byte sector: from the SM's L1 as far as it holds the table, else
// an L2 request, a DRAM sector read where L2 does not hold it either (as a hash grid's level:
// hash_grid_l1_hit_fractions, hash_grid_l2_hit_fractions). A group with a recurrence is a walk, a
// thread per row of it (walking_threads), as instant-ngp marches a ray: its lanes issue their
// lookups alone, a wavefront of L1 each (kLoneSectorL1Bytes), and their stores of rows of their own
// are scattered (stores_scattered): each word one L2 operation where L2 holds what the walk writes,
// two where it does not (the partial sector filled from DRAM to merge, then written back), as
// Nsight Compute counts on the H200's march (validation/cuda/ngpc_probe.cu; validation/gpu's
// description of it).
config::Kernel elementwise_group(const GpuModel& model, const Cascade& c, const std::vector<size_t>& group,
                                 const RankSizes& sizes, const std::string& name) {
  Vars produced, read, used_outside;
  for (size_t i : group) produced.insert(c.einsums[i].output.tensor);
  for (size_t i = 0; i < c.einsums.size(); ++i) {
    std::vector<const workloads::Access*> accesses;
    c.einsums[i].rhs->collect_accesses(accesses);
    const bool inside = std::find(group.begin(), group.end(), i) != group.end();
    for (const auto* a : accesses) (inside ? read : used_outside).insert(a->tensor);
  }
  double read_bytes = 0, write_bytes = 0, flops = 0, elements = 0;
  uint32_t inputs = 0;
  for (const auto& t : read)
    if (!produced.count(t)) read_bytes += workloads::tensor_bytes(c, t, sizes), ++inputs;
  for (const auto& t : produced)
    if (used_outside.count(t) || !read.count(t)) write_bytes += workloads::tensor_bytes(c, t, sizes);
  for (size_t i : group) {
    flops += static_cast<double>(workloads::count_ops(c.einsums[i], c, sizes).total());
    elements = std::max(elements, static_cast<double>(workloads::iteration_points(c.einsums[i], c, sizes)));
  }
  const Vars threads = walking_threads(c, group);
  double scattered_bytes = 0, scattered_words = 0;
  if (!threads.empty())
    for (size_t i : group) {
      const std::string& t = c.einsums[i].output.tensor;
      if ((used_outside.count(t) || !read.count(t)) && stores_scattered(c, c.einsums[i], threads, sizes)) {
        const double bytes = workloads::tensor_bytes(c, t, sizes);
        scattered_bytes += bytes;
        scattered_words += bytes / workloads::element_bytes(c.find_tensor(t)->type);
      }
    }
  // The share of the rows L2 cannot hold (as a gathered table's misses: its usable part over their
  // footprint): their partial sectors are filled from DRAM before each merge.
  const double spilled = 1 - hash_grid_l2_hit_fractions(model, {scattered_bytes})[0];
  read_bytes += spilled * scattered_bytes;
  config::Kernel kernel = vectorized_elementwise_kernel(name, elements, read_bytes, write_bytes, flops, inputs);
  auto& w = *kernel.mutable_work();
  w.set_scattered_store_operations(scattered_words * (1 + spilled));
  // PyTorch's vectorized kernel: each thread loads its elements at once, computes, stores (a walk's
  // threads step through their rows instead).
  w.set_lockstep_waves(threads.empty());
  for (size_t i : group) {
    std::vector<const workloads::Access*> accesses;
    c.einsums[i].rhs->collect_accesses(accesses);
    for (const auto* a : accesses) {
      if (a->gathered_position() < 0 || produced.count(a->tensor)) continue;
      const double lookups = static_cast<double>(workloads::iteration_points(c.einsums[i], c, sizes));
      const double table = workloads::tensor_bytes(c, a->tensor, sizes);
      const double in_l1 = hash_grid_l1_hit_fractions(model, {table}, HashGridOrder::kLevelMajor)[0];
      const double in_l2 = hash_grid_l2_hit_fractions(model, {table})[0];
      const double to_l2 = (1 - in_l1) * lookups, misses = (1 - in_l2) * to_l2;
      const double entry_bytes = workloads::element_bytes(c.find_tensor(a->tensor)->type);
      w.set_smem_bytes(w.smem_bytes() +
                       lookups * (threads.empty() ? gather_l1_bytes_per_lane(entry_bytes) : kLoneSectorL1Bytes));
      w.set_l2_sector_requests(w.l2_sector_requests() + to_l2);
      w.set_l2_bytes(w.l2_bytes() + in_l2 * to_l2 * kHashGatherSectorBytes);
      w.set_dram_bytes(w.dram_bytes() + misses * kLoneSectorDramBytes);
      w.set_dram_sector_reads(w.dram_sector_reads() + misses);
    }
  }
  return kernel;
}

// A library call's launches named for what launched them: the first `name`, the others `name`
// and their own suffix (a split-K reduction's "_splitk_reduce").
void name_call(std::vector<config::Kernel>& call, const std::string& name) {
  const std::string first = call.front().name();
  for (auto& kernel : call) kernel.set_name(name + kernel.name().substr(std::min(first.size(), kernel.name().size())));
}

// The launches of a linear operator: its library GEMM call (the GEMM, and a split-K one's reduction).
std::vector<config::Kernel> linear_call(const GpuModel& model, const Cascade& c, const workloads::Operator& op,
                                        const RankSizes& sizes) {
  std::vector<std::pair<size_t, Gemm>> gemms;
  for (size_t i : op.einsums) {
    if (auto g = gemm_roles(c, c.einsums[i])) {
      gemms.emplace_back(i, *g);
    } else if (!reduced_variables(c.einsums[i]).empty()) {
      fail_operator(c, op, "'" + c.einsums[i].output.tensor +
                               "' reduces but is no GEMM: a linear operator's other Einsums are element-wise epilogues");
    }
  }
  if (gemms.empty()) fail_operator(c, op, "no GEMM-shaped Einsum (a sum of a product of two tensors)");
  // The activation: the tensor every GEMM reads (A x [W1 W2 W3], a packed projection), or, where
  // they share none, each GEMM's first operand (one activation read along different ranks, as
  // self-attention reads its input along the queries and the keys).
  std::string activation;
  for (const std::string& t : {gemms[0].second.a, gemms[0].second.b})
    if (activation.empty() &&
        std::all_of(gemms.begin(), gemms.end(), [&](const auto& g) { return g.second.a == t || g.second.b == t; }))
      activation = t;
  uint64_t m = 0, k = 0, batch = 0, n = 0;
  for (auto& [i, g] : gemms) {
    if (!activation.empty() && g.a != activation) g = g.swapped();
    const std::string& out = c.einsums[i].output.tensor;
    const uint64_t gm = product(g.m, c, sizes, out), gk = product(g.k, c, sizes, out),
                   gb = product(g.batch, c, sizes, out), gn = product(g.n, c, sizes, out);
    if (i == gemms[0].first) {
      m = gm, k = gk, batch = gb;
    } else if (gm != m || gk != k || gb != batch) {
      fail_operator(c, op, "'" + out + "' differs from '" + c.einsums[gemms[0].first].output.tensor +
                               "' in its rows, reduced ranks or batch: packed GEMMs share all three");
    }
    if (__builtin_add_overflow(n, gn, &n)) fail_operator(c, op, "the N of its GEMMs overflows 64 bits");
  }
  std::vector<config::Kernel> call =
      model.gemm_call(m, n, k, batch, gpu_dtype(c, c.einsums[gemms[0].first].output.tensor));
  name_call(call, op.name);
  return call;
}

config::Kernel normalization_kernel(const Cascade& c, const workloads::Operator& op, const RankSizes& sizes) {
  for (size_t i : op.einsums) {
    const Einsum& e = c.einsums[i];
    const Vars reduced = reduced_variables(e);
    if (reduced.empty()) continue;
    const Vars out = e.output.variables();
    std::vector<const workloads::Access*> reads;
    e.rhs->collect_accesses(reads);
    const std::string& input = reads.front()->tensor;
    return layer_norm_kernel(op.name, static_cast<double>(product(out, c, sizes, e.output.tensor)),
                             static_cast<double>(product(reduced, c, sizes, e.output.tensor)),
                             workloads::element_bytes(c.find_tensor(input)->type));
  }
  fail_operator(c, op, "no reduction: a normalisation reduces its rows over a feature rank");
}

// A grid encoding (an ENCODING operator that gathers from a multi-resolution grid's table):
// tcnn's encoding kernel, one thread per (query, level) (hash_grid_encoding_kernel). Nothing for
// another encoding (spherical harmonics: element-wise).
std::optional<config::Kernel> grid_encoding_kernel(const GpuModel& model, const Cascade& c,
                                                   const workloads::Operator& op, const RankSizes& sizes) {
  const auto g = workloads::grid_encoding_structure(c, op.einsums, sizes);
  if (!g || g->features > 4096) return std::nullopt;  // beyond any encoding: element-wise
  HashGridDims d;
  d.points = g->queries;
  d.levels = static_cast<uint32_t>(g->levels);
  d.dims = g->grid.dims;
  d.features = static_cast<uint32_t>(g->features);
  d.table_size = g->table_rank_size;
  d.base_resolution = static_cast<double>(g->grid.base_resolution);
  d.per_level_scale = g->grid.per_level_scale;
  config::Kernel k = hash_grid_encoding_kernel(model, d);
  k.set_name(op.name);
  return k;
}

// A fully fused MLP: input -> hidden layers of one width -> output, one kernel (fused_mlp_kernel).
config::Kernel mlp_kernel(const Cascade& c, const workloads::Operator& op, const RankSizes& sizes) {
  const auto layers = workloads::mlp_layers(c, op.einsums, sizes);
  if (layers.size() < 2) fail_operator(c, op, "a fused MLP needs a hidden layer and an output layer");
  for (size_t l = 1; l < layers.size(); ++l)
    if (layers[l].inputs != layers[0].outputs || layers[l].rows != layers[0].rows ||
        (l + 1 < layers.size() && layers[l].outputs != layers[0].outputs))
      fail_operator(c, op, "a fused MLP's hidden layers have one width and its layers the same rows");
  if (layers[0].inputs > 1024 || layers[0].outputs > 1024 || layers.back().outputs > 1024)
    fail_operator(c, op, "a fused MLP's widths are at most 1024");
  FusedMlpDims d;
  d.rows = layers[0].rows;
  d.inputs = static_cast<uint32_t>(layers[0].inputs);
  d.width = static_cast<uint32_t>(layers[0].outputs);
  d.hidden_layers = static_cast<uint32_t>(layers.size() - 1);
  d.outputs = static_cast<uint32_t>(layers.back().outputs);
  // tiny-cuda-nn writes a network's output feature by feature, as the measured kernel (ngpc.cu) does.
  d.feature_major_output = true;
  config::Kernel k = fused_mlp_kernel(d);
  k.set_name(op.name);
  return k;
}

}  // namespace

std::string gpu_dtype(const Cascade& c, const std::string& tensor) {
  const workloads::Tensor* t = c.find_tensor(tensor);
  switch (t->type) {
    case workloads::ElementType::BF16: return "bf16";
    case workloads::ElementType::FP16: return "fp16";
    case workloads::ElementType::FP32: return "fp32";
    case workloads::ElementType::FP8: return "fp8";
    default:
      throw base::InputError(c.file, t->pos, "tensor '" + tensor + "': the GPU model has no kernels of type " +
                                                 workloads::to_string(t->type) + " (BF16, FP16, FP32, FP8)");
  }
}

AttentionDims attention_dims(const Cascade& c, const std::vector<size_t>& einsums, const RankSizes& sizes) {
  const workloads::AttentionStructure a = workloads::attention_structure(c, einsums);
  const std::string& name = c.einsums[a.score].output.tensor;
  AttentionDims d;
  // A mask on the score: conditions relating its key and its query index (causal: m <= p).
  for (const auto& cond : a.mask) {
    const bool key_first = a.keys.count(cond.var) && a.queries.count(cond.other);
    const bool query_first = a.queries.count(cond.var) && a.keys.count(cond.other);
    if (cond.other.empty() || (!key_first && !query_first) || a.keys.size() != 1 || a.queries.size() != 1)
      throw base::InputError(c.file, c.einsums[a.score].pos,
                             "attention: the score's condition '" + cond.to_string() +
                                 "' must relate its one key index and its one query index (as m <= p)");
    d.masked = true;
    if (key_first)
      workloads::narrow(cond.op, cond.offset, d.key_minus_query_lo, d.key_minus_query_hi);
    else
      workloads::narrow(workloads::mirrored(cond.op), -cond.offset, d.key_minus_query_lo, d.key_minus_query_hi);
  }
  d.batch = product(a.batch, c, sizes, name);
  d.heads = 1;
  d.queries = product(a.queries, c, sizes, name);
  d.keys = product(a.keys, c, sizes, name);
  d.qk_embed = product(a.qk_embed, c, sizes, name);
  d.v_embed = product(a.v_embed, c, sizes, a.v);
  return d;
}

namespace {

// The launches of one Einsum (map_einsum_to_gpu): a GEMM's library call, or its one kernel.
std::vector<config::Kernel> einsum_launches(const GpuModel& model, const Cascade& cascade, size_t einsum,
                                            const RankSizes& sizes, const std::string& dtype) {
  const Einsum& e = cascade.einsums.at(einsum);
  const std::string& name = e.output.tensor;
  if (const auto g = gemm_roles(cascade, e)) {
    std::vector<config::Kernel> call =
        model.gemm_call(product(g->m, cascade, sizes, name), product(g->n, cascade, sizes, name),
                        product(g->k, cascade, sizes, name), product(g->batch, cascade, sizes, name), dtype);
    name_call(call, name);
    return call;
  }
  try {
    config::Kernel kernel = elementwise_group(model, cascade, {einsum}, sizes, name);
    if (!reduced_variables(e).empty()) kernel.set_kind("reduction");
    return {kernel};
  } catch (const base::InputError& error) {
    throw base::InputError(cascade.file, e.pos, "Einsum '" + name + "': " + error.message());
  }
}

}  // namespace

config::Kernel map_einsum_to_gpu(const GpuModel& model, const Cascade& cascade, size_t einsum,
                                 const RankSizes& sizes, const std::string& dtype) {
  return einsum_launches(model, cascade, einsum, sizes, dtype).front();
}

std::vector<MappedKernel> map_cascade_to_gpu(const GpuModel& model, const Cascade& c, const RankSizes& sizes) {
  std::vector<MappedKernel> kernels;
  const std::string& family_text = model.config().proto().mapping().attention_family();
  const AttentionKernel family =
      family_text.empty() ? AttentionKernel::kFlashAttention2 : *attention_family_named(family_text);
  for (size_t i = 0; i < c.einsums.size(); ++i) {
    const workloads::Operator* op = c.operator_of(i);
    if (!op) {
      const std::string& out = c.einsums[i].output.tensor;
      const bool gemm = gemm_roles(c, c.einsums[i]).has_value();
      for (auto& kernel : einsum_launches(model, c, i, sizes, gpu_dtype(c, out)))
        kernels.push_back({kernel.name(), gemm ? "gemm" : "elementwise", {i}, std::move(kernel)});
      continue;
    }
    if (op->einsums.front() != i) continue;  // an operator is launched where its first Einsum is
    MappedKernel k{op->name, lower(workloads::to_string(op->kind)), op->einsums, {}};
    std::vector<config::Kernel> after;  // the operator's launches after its first
    try {
      switch (op->kind) {
        case workloads::OperatorKind::Linear: {
          std::vector<config::Kernel> call = linear_call(model, c, *op, sizes);
          k.kernel = std::move(call.front());
          after.assign(std::make_move_iterator(call.begin() + 1), std::make_move_iterator(call.end()));
          break;
        }
        case workloads::OperatorKind::Attention: {
          const AttentionDims d = attention_dims(c, op->einsums, sizes);
          k.kernel = attention_kernel(d, gpu_dtype(c, c.einsums[i].output.tensor), family,
                                      model.config().proto().sm_count());
          k.kernel.set_name(op->name);
          break;
        }
        case workloads::OperatorKind::Normalization: k.kernel = normalization_kernel(c, *op, sizes); break;
        case workloads::OperatorKind::Encoding:
          if (auto grid = grid_encoding_kernel(model, c, *op, sizes)) {
            k.kernel = *grid;
            break;
          }
          // Another encoding runs as one fused element-wise kernel over its Einsums.
          k.kernel = elementwise_group(model, c, op->einsums, sizes, op->name);
          break;
        case workloads::OperatorKind::Elementwise: k.kernel = elementwise_group(model, c, op->einsums, sizes, op->name); break;
        case workloads::OperatorKind::Mlp: k.kernel = mlp_kernel(c, *op, sizes); break;
      }
    } catch (const base::InputError& error) {
      if (error.file() == c.file && error.pos().line > 0) throw;
      fail_operator(c, *op, error.message());
    }
    kernels.push_back(std::move(k));
    for (auto& kernel : after)
      kernels.push_back({kernel.name(), kernels.back().op_kind, op->einsums, std::move(kernel)});
  }
  return kernels;
}

}  // namespace cascade::arch::gpu
