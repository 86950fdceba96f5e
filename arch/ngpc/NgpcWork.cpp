#include "arch/ngpc/NgpcWork.h"

#include <set>

#include "workloads/analysis/OpCounts.h"

namespace cascade::arch::ngpc {
namespace {

using workloads::Cascade;
using workloads::RankSizes;

uint64_t product_of(const std::set<std::string>& vars, const Cascade& c, const RankSizes& sizes, const std::string& what) {
  uint64_t n = 1;
  for (const auto& v : vars) n = workloads::checked_mul(n, sizes.of_variable(v), c, "the NGPC's", what);
  return n;
}

[[noreturn]] void fail(const Cascade& c, const workloads::Operator& op, const std::string& message) {
  throw base::InputError(c.file, op.pos, "operator '" + op.name + "' on the NGPC: " + message);
}

// A layer's GEMMs read either one activation (a packed layer: their outputs add up) or the parts
// of a concatenated input (the same outputs: their inputs add up), all over the same rows.
MlpLayerWork layer_of(const Cascade& c, const workloads::Operator& op, const RankSizes& sizes) {
  struct Gemm {
    std::string activation;
    uint64_t rows, k, n;
  };
  std::vector<Gemm> gemms;
  for (size_t i : op.einsums) {
    const auto g = workloads::gemm_roles(c, c.einsums[i]);
    if (!g) continue;
    std::set<std::string> row_vars = g->m;
    row_vars.insert(g->batch.begin(), g->batch.end());
    gemms.push_back({g->a, product_of(row_vars, c, sizes, op.name), product_of(g->k, c, sizes, op.name),
                     product_of(g->n, c, sizes, op.name)});
  }
  if (gemms.empty()) fail(c, op, "a LINEAR operator without a GEMM");
  MlpLayerWork layer;
  layer.name = op.name;
  layer.queries = gemms.front().rows;
  bool one_activation = true;
  for (const Gemm& g : gemms) {
    if (g.rows != layer.queries)
      fail(c, op, "its GEMMs have different rows (" + std::to_string(layer.queries) + " and " + std::to_string(g.rows) + ")");
    one_activation = one_activation && g.activation == gemms.front().activation;
  }
  for (const Gemm& g : gemms) {
    if (one_activation ? g.k != gemms.front().k : g.n != gemms.front().n)
      fail(c, op, one_activation ? "GEMMs of one activation must reduce the same inputs"
                                 : "GEMMs of a concatenated input must have the same outputs");
    layer.inputs = one_activation ? g.k : layer.inputs + g.k;
    layer.outputs = one_activation ? layer.outputs + g.n : g.n;
  }
  return layer;
}

}  // namespace

NgpcWork ngpc_work(const Cascade& c, const RankSizes& sizes) {
  NgpcWork work;
  std::vector<const workloads::Operator*> ngpc_operator_of(c.einsums.size(), nullptr);
  for (const auto& op : c.operators) {
    if (op.kind == workloads::OperatorKind::Linear) {
      work.layers.push_back(layer_of(c, op, sizes));
    } else if (op.kind == workloads::OperatorKind::Mlp) {
      for (const auto& l : workloads::mlp_layers(c, op.einsums, sizes)) work.layers.push_back({op.name, l.rows, l.inputs, l.outputs});
    } else if (op.kind == workloads::OperatorKind::Encoding) {
      if (auto g = workloads::grid_encoding_structure(c, op.einsums, sizes)) {
        work.grids.push_back({op.name, *g});
      } else {
        // Its queries: its last Einsum's output elements over that tensor's last rank.
        const std::string& out = c.einsums[op.einsums.back()].output.tensor;
        const workloads::Tensor* t = c.find_tensor(out);
        const double last = t->ranks.empty() ? 1.0 : static_cast<double>(sizes.of(t->ranks.back()));
        work.other_encodings.push_back({op.name, static_cast<uint64_t>(workloads::tensor_elements(c, out, sizes) / last)});
      }
    } else {
      continue;
    }
    work.ngpc_operators.push_back(op.name);
    auto& totals = work.per_operator[op.name];
    for (size_t i : op.einsums) {
      ngpc_operator_of[i] = &op;
      totals.ops += static_cast<double>(workloads::count_ops(c.einsums[i], c, sizes).total());
    }
  }
  // The tensors that cross between the two sides, and the NGPC operators that read or write them.
  std::map<std::string, std::set<std::string>> to_ngpc, to_gpu;  // tensor -> NGPC operators
  for (size_t i = 0; i < c.einsums.size(); ++i) {
    std::vector<const workloads::Access*> reads;
    c.einsums[i].rhs->collect_accesses(reads);
    for (const auto* a : reads) {
      const int w = c.writer_of(a->tensor);
      if (w < 0) continue;
      const workloads::Operator* writer = ngpc_operator_of[static_cast<size_t>(w)];
      if (ngpc_operator_of[i] && !writer) to_ngpc[a->tensor].insert(ngpc_operator_of[i]->name);
      if (!ngpc_operator_of[i] && writer) to_gpu[a->tensor].insert(writer->name);
    }
  }
  for (const auto* crossing : {&to_ngpc, &to_gpu})
    for (const auto& [t, ops] : *crossing) {
      const double bytes = workloads::tensor_bytes(c, t, sizes);
      (crossing == &to_ngpc ? work.input_bytes : work.output_bytes) += bytes;
      for (const auto& op : ops) work.per_operator[op].crossing_bytes += bytes;
    }
  return work;
}

}  // namespace cascade::arch::ngpc
