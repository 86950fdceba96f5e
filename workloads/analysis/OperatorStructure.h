#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "workloads/analysis/ShapeBinding.h"
#include "workloads/ir/Cascade.h"

namespace cascade::workloads {

// The roles of a GEMM-shaped Einsum (the sum of a product of two tensors with a reduced variable)
// in a batched GEMM C = A x B, A being the first operand: batch = the variables all three share, m =
// the output's variables only A has, n = those only B has, k = the reduced ones.
struct GemmRoles {
  std::string a, b;
  std::set<std::string> batch, m, n, k;
  GemmRoles swapped() const { return {b, a, batch, n, m, k}; }
};
// Nothing if the Einsum is not GEMM-shaped; an InputError at the Einsum if a variable fits no role
// (a product of a tensor with itself, a variable only one operand has that the output lacks).
std::optional<GemmRoles> gemm_roles(const Cascade& cascade, const Einsum& einsum);

// The variables an Einsum reduces: those of its iteration space that its output lacks.
std::set<std::string> reduced_variables(const Einsum& einsum);

// The structure of an attention: a group of Einsums (an ATTENTION operator) in any of its 1-, 2- or
// 3-pass forms. Its first GEMM-shaped Einsum is the score S = Q x K; `batch` = the variables Q, K
// and S share, `queries` = those only Q and S have, `keys` = only K and S, `qk_embed` = the
// score's reduced ones; V is the one other tensor the group reads from outside, `v_embed` its
// variables that are neither keys nor batch (named by its ranks' variables); the output is what the
// group writes that is read outside it or left as a result (exactly one); `mask` the score's
// conditions. Throws InputError at the group's first Einsum when the group is not of this shape.
struct AttentionStructure {
  size_t score = 0;
  std::string q, k, v, output;
  std::set<std::string> batch, queries, keys, qk_embed, v_embed;
  std::vector<Condition> mask;
};
AttentionStructure attention_structure(const Cascade& cascade, const std::vector<size_t>& einsums);

// The structure of a grid encoding at bound sizes: an ENCODING operator with an Einsum that
// gathers from a table laid out as a multi-resolution grid (a tensor ragged along its levels by a
// MultiResolutionGrid, the grid_encoding block's). The queries are the gathering Einsum's points
// over its levels, corners (2^dims) and features; each level's entries are the table's extents.
struct GridEncodingStructure {
  size_t einsum = 0;            // the gathering Einsum
  std::string table;            // the gathered tensor
  MultiResolutionGrid grid;
  uint64_t queries = 0, levels = 0, corners = 0, features = 0, table_rank_size = 0;
  std::vector<uint64_t> level_entries;
  int entry_bytes = 0;          // one entry's features: features x the table's element bytes
};
// The layers of a fully fused MLP (an MLP operator): its GEMM-shaped Einsums grouped by the neurons
// they write (the output's variables only the weights have), in cascade order; a layer's rows are
// the GEMMs' M and batch, its inputs the sum of their reduced sizes (a concatenated input's parts).
// Throws InputError at the group's first Einsum when a layer's GEMMs have different rows, or the
// group has no GEMM.
struct MlpLayer {
  uint64_t rows = 0, inputs = 0, outputs = 0;
};
std::vector<MlpLayer> mlp_layers(const Cascade& cascade, const std::vector<size_t>& einsums, const RankSizes& sizes);

// Nothing when no Einsum of the group gathers from such a table, or the gathering Einsum's points
// are not queries x levels x corners x features.
std::optional<GridEncodingStructure> grid_encoding_structure(const Cascade& cascade, const std::vector<size_t>& einsums,
                                                             const RankSizes& sizes);

}  // namespace cascade::workloads
