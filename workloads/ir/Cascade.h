#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "workloads/ir/Expr.h"
#include "base/InputError.h"

namespace cascade::workloads {

enum class ElementType { FP32, FP16, BF16, FP8, INT8, INT16, INT32, FP64 };
int element_bytes(ElementType type);
std::string to_string(ElementType type);

struct Rank {
  std::string name;
  std::optional<uint64_t> size;  // unset: must come from equal_to or --set
  std::string equal_to;
  base::SourcePos pos;
  bool operator==(const Rank& o) const {
    return name == o.name && size == o.size && equal_to == o.equal_to;
  }
};

// rank = outer x inner, e.g. M = M1 x M0.
struct Partition {
  std::string rank, outer, inner;
  std::optional<uint64_t> inner_size;
  base::SourcePos pos;
  bool operator==(const Partition& o) const {
    return rank == o.rank && outer == o.outer && inner == o.inner && inner_size == o.inner_size;
  }
};

// The levels of a multi-resolution grid (tiny-cuda-nn's grid encodings, Mueller et al. 2022):
// level l has resolution res_l = ceil(base_resolution * per_level_scale^l - 1) + 1 and
// next_multiple(res_l^dims, 8) entries; a hashed level holds at most the table rank's size.
struct MultiResolutionGrid {
  uint32_t dims = 3;
  uint64_t base_resolution = 16;
  double per_level_scale = 2.0;
  bool hashed = true;
  bool operator==(const MultiResolutionGrid& o) const {
    return dims == o.dims && base_resolution == o.base_resolution && per_level_scale == o.per_level_scale &&
           hashed == o.hashed;
  }
};

// A rank whose extent depends on the position along another of the tensor's ranks (a ragged
// tensor): rank `rank` holds sizes[i] positions at position i of rank `along` (the table of level i
// of a multi-resolution grid), given as a list or by a grid's levels.
struct TensorExtent {
  std::string rank;
  std::string along;
  std::vector<uint64_t> sizes;             // one per position of `along`, each at most rank's size
  std::optional<MultiResolutionGrid> grid;  // or the sizes from a grid's levels
  base::SourcePos pos;
  bool operator==(const TensorExtent& o) const {
    return rank == o.rank && along == o.along && sizes == o.sizes && grid == o.grid;
  }
};

struct Tensor {
  std::string name;
  std::vector<std::string> ranks;
  ElementType type = ElementType::FP32;
  std::optional<double> initial;  // value at position 0 of a recurrent rank
  std::string initial_text;       // as written
  std::optional<TensorExtent> extent;
  base::SourcePos pos;
  bool operator==(const Tensor& o) const {
    return name == o.name && ranks == o.ranks && type == o.type && initial == o.initial && extent == o.extent;
  }
};
bool is_integer(ElementType type);

// How a framework groups Einsums into one operation (configs/workload.proto OperatorKind).
enum class OperatorKind { Linear, Attention, Normalization, Elementwise, Encoding, Mlp };
std::string to_string(OperatorKind kind);

struct Operator {
  std::string name;
  OperatorKind kind = OperatorKind::Elementwise;
  std::vector<size_t> einsums;  // indices into Cascade::einsums, ascending
  base::SourcePos pos;
  bool operator==(const Operator& o) const { return name == o.name && kind == o.kind && einsums == o.einsums; }
};

// A validated cascade of extended Einsums: the workload IR every model consumes. Sizes are not
// bound here (see ShapeBinding), so one Cascade serves every sequence length.
struct Cascade {
  std::string name;
  std::string description;
  std::string file;  // where it was read from ("" if built in code)
  std::vector<Rank> ranks;
  std::vector<Partition> partitions;
  std::vector<Tensor> tensors;
  std::vector<Einsum> einsums;
  std::vector<Operator> operators;  // each Einsum in at most one

  const Rank* find_rank(const std::string& name) const;
  const Tensor* find_tensor(const std::string& name) const;
  const Partition* find_partition_of(const std::string& rank) const;    // rank = outer x inner
  const Partition* find_partition_making(const std::string& rank) const;  // rank is outer or inner
  // Index of the Einsum that writes `tensor`, or -1 for an input.
  int writer_of(const std::string& tensor) const;
  // Position k of `tensor` is recurrent if its writer writes it at a shifted index (X[m+1] = ...);
  // such a rank holds size + 1 values, the initial one at 0.
  bool is_recurrent_position(const std::string& tensor, size_t k) const;
  // The root rank of a partition family: M for M, M1, M0 (and for parts of parts).
  std::string root_rank(const std::string& rank) const;

  // The operator grouping Einsum `einsum`, or nullptr.
  const Operator* operator_of(size_t einsum) const;
  bool equals(const Cascade& o) const;
};

}  // namespace cascade::workloads
