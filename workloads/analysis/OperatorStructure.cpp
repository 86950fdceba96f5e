#include "workloads/analysis/OperatorStructure.h"

#include <algorithm>
#include <cctype>

#include "base/CheckedMath.h"
#include "workloads/analysis/OpCounts.h"

namespace cascade::workloads {
std::set<std::string> reduced_variables(const Einsum& e) {
  const std::set<std::string> out = e.output.variables();
  std::set<std::string> reduced;
  for (const auto& v : e.variables())
    if (!out.count(v)) reduced.insert(v);
  return reduced;
}

std::optional<GemmRoles> gemm_roles(const Cascade& c, const Einsum& e) {
  const bool product_of_two = e.rhs->kind == Expr::Kind::Binary && e.rhs->op == '*' &&
                              e.rhs->args[0]->kind == Expr::Kind::Access &&
                              e.rhs->args[1]->kind == Expr::Kind::Access;
  if (!product_of_two || reduced_variables(e).empty() || e.reduction.op != ReduceOp::Sum) return std::nullopt;
  GemmRoles g{e.rhs->args[0]->access.tensor, e.rhs->args[1]->access.tensor, {}, {}, {}, {}};
  const std::set<std::string> a = e.rhs->args[0]->access.variables(), b = e.rhs->args[1]->access.variables(),
                              out = e.output.variables();
  for (const auto& v : e.variables()) {
    const bool in_a = a.count(v), in_b = b.count(v), in_c = out.count(v);
    if (in_a && in_b && in_c) g.batch.insert(v);
    else if (in_a && in_c) g.m.insert(v);
    else if (in_b && in_c) g.n.insert(v);
    else if (in_a && in_b) g.k.insert(v);
    else
      throw base::InputError(c.file, e.pos, "Einsum '" + e.output.tensor + "': rank '" + v +
                                                "' fits no GEMM role (batch, M, N or K)");
  }
  return g;
}

AttentionStructure attention_structure(const Cascade& c, const std::vector<size_t>& einsums) {
  const auto fail = [&](const std::string& message) {
    throw base::InputError(c.file, c.einsums[einsums.front()].pos, "attention: " + message);
  };
  std::optional<std::pair<size_t, GemmRoles>> score;
  for (size_t i : einsums)
    if (auto g = gemm_roles(c, c.einsums[i]); g && !score) score.emplace(i, *g);
  if (!score) fail("no score GEMM (a sum of a product of queries and keys)");
  const GemmRoles& s = score->second;
  AttentionStructure a;
  a.score = score->first;
  a.q = s.a, a.k = s.b;
  a.batch = s.batch, a.queries = s.m, a.keys = s.n, a.qk_embed = s.k;
  a.mask = c.einsums[a.score].conditions;
  std::set<std::string> inside, outside, read_inside, read_outside;
  for (size_t i : einsums) inside.insert(c.einsums[i].output.tensor);
  for (size_t i = 0; i < c.einsums.size(); ++i) {
    std::vector<const Access*> reads;
    c.einsums[i].rhs->collect_accesses(reads);
    const bool in_group = std::find(einsums.begin(), einsums.end(), i) != einsums.end();
    for (const auto* r : reads) (in_group ? read_inside : read_outside).insert(r->tensor);
  }
  for (const auto& t : read_inside)
    if (!inside.count(t) && t != a.q && t != a.k) outside.insert(t);
  if (outside.size() != 1)
    fail("the group must read one tensor besides the score's queries and keys (the values), it reads " +
         std::to_string(outside.size()));
  a.v = *outside.begin();
  for (const auto& rank : c.find_tensor(a.v)->ranks) {
    const std::string var = variable_of_rank(rank);
    if (!a.keys.count(var) && !a.batch.count(var)) a.v_embed.insert(var);
  }
  std::vector<std::string> outputs;
  for (const auto& t : inside)
    if (read_outside.count(t) || !read_inside.count(t)) outputs.push_back(t);
  if (outputs.size() != 1)
    fail("the group must write one tensor that is used outside it (the attention's output), it writes " +
         std::to_string(outputs.size()));
  a.output = outputs.front();
  return a;
}

std::optional<GridEncodingStructure> grid_encoding_structure(const Cascade& c, const std::vector<size_t>& einsums,
                                                             const RankSizes& sizes) {
  for (size_t i : einsums) {
    std::vector<const Access*> reads;
    c.einsums[i].rhs->collect_accesses(reads);
    for (const Access* a : reads) {
      const Tensor* t = c.find_tensor(a->tensor);
      if (a->gathered_position() < 0 || !t->extent || !t->extent->grid) continue;
      const TensorExtent& x = *t->extent;
      GridEncodingStructure g;
      g.einsum = i;
      g.table = t->name;
      g.grid = *x.grid;
      g.levels = sizes.of(x.along);
      g.corners = uint64_t{1} << x.grid->dims;
      g.table_rank_size = sizes.of(x.rank);
      g.features = 1;
      for (const auto& r : t->ranks)
        if (r != x.rank && r != x.along) g.features = checked_mul(g.features, sizes.of(r), c, "the entries of", t->name);
      g.level_entries = extent_sizes(c, *t, sizes);
      g.entry_bytes = static_cast<int>(g.features) * element_bytes(t->type);
      uint64_t per_query = 0;
      const uint64_t points = iteration_points(c.einsums[i], c, sizes);
      if (__builtin_mul_overflow(g.levels * g.corners, g.features, &per_query) || points % per_query != 0)
        return std::nullopt;  // levels (at most 64, extent_sizes) x corners (at most 256) fits
      g.queries = points / per_query;
      return g;
    }
  }
  return std::nullopt;
}

std::vector<MlpLayer> mlp_layers(const Cascade& c, const std::vector<size_t>& einsums, const RankSizes& sizes) {
  const auto product = [&](const std::set<std::string>& vars) {
    uint64_t n = 1;
    for (const auto& v : vars) n = checked_mul(n, sizes.of_variable(v), c, "the layers of the MLP writing", c.einsums[einsums.front()].output.tensor);
    return n;
  };
  std::vector<MlpLayer> layers;
  std::vector<std::set<std::string>> neurons;  // per layer
  for (size_t i : einsums) {
    const auto g = gemm_roles(c, c.einsums[i]);
    if (!g) continue;
    std::set<std::string> rows = g->m;
    rows.insert(g->batch.begin(), g->batch.end());
    const uint64_t m = product(rows), k = product(g->k), n = product(g->n);
    const auto at = std::find(neurons.begin(), neurons.end(), g->n);
    if (at == neurons.end()) {
      neurons.push_back(g->n);
      layers.push_back({m, k, n});
      continue;
    }
    MlpLayer& layer = layers[static_cast<size_t>(at - neurons.begin())];
    if (layer.rows != m)
      throw base::InputError(c.file, c.einsums[einsums.front()].pos,
                             "the MLP's layer writing " + c.einsums[i].output.tensor + " has GEMMs of different rows (" +
                                 std::to_string(layer.rows) + " and " + std::to_string(m) + ")");
    const auto inputs = base::checked_add(layer.inputs, k);
    if (!inputs)
      throw base::InputError(c.file, c.einsums[i].pos, "the inputs of " + c.einsums[i].output.tensor + " overflow 64 bits");
    layer.inputs = *inputs;
  }
  if (layers.empty())
    throw base::InputError(c.file, c.einsums[einsums.front()].pos, "an MLP operator without a GEMM");
  return layers;
}

}  // namespace cascade::workloads
