#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "workloads/ir/Cascade.h"

namespace cascade::workloads {

// The largest size a rank may have (2^62, in a file or with --set): a recurrent rank of this size
// still has room for its initial position, and every product of sizes is checked.
inline constexpr uint64_t kMaxRankSize = uint64_t{1} << 62;

// Sizes of every rank of a cascade, the partition parts included.
class RankSizes {
 public:
  uint64_t of(const std::string& rank) const { return sizes_.at(rank); }
  uint64_t of_variable(const std::string& var) const { return of(rank_of_variable(var)); }
  const std::map<std::string, uint64_t>& all() const { return sizes_; }
  void set(const std::string& rank, uint64_t size) { sizes_[rank] = size; }

 private:
  std::map<std::string, uint64_t> sizes_;
};

// Gives every rank a size: `overrides` (from --set R=N) first, then the file's size, then
// equal_to; partition parts from inner_size (or an override of the inner rank) and
// outer = rank / inner. Throws base::InputError for an unknown or derived rank in `overrides`, an
// unbound rank, a partition size that does not divide, and a constant index past its rank's end.
RankSizes bind_shapes(const Cascade& cascade, const std::map<std::string, uint64_t>& overrides);

// Parses "M=4096" into overrides; throws base::InputError naming the bad text, a size of 0 or
// above kMaxRankSize, or a rank given twice.
void parse_size_override(const std::string& text, std::map<std::string, uint64_t>& overrides);

// The values `tensor` holds at these sizes: the product of its ranks' sizes, a recurrent rank
// holding one more (its initial value), a ragged rank the sum of its extents along its `along`
// rank. Throws base::InputError past 2^64 (tensor_elements: as a double).
uint64_t tensor_element_count(const Cascade& cascade, const Tensor& tensor, const RankSizes& sizes);
double tensor_elements(const Cascade& cascade, const std::string& tensor, const RankSizes& sizes);

// Level `level`'s grid scale as tiny-cuda-nn computes it (encodings/grid.h): N_min x b^level - 1;
// positions map to scale x + 0.5, and the level's resolution is ceil(scale) + 1.
double grid_level_scale(const MultiResolutionGrid& grid, uint64_t level);

// The bytes `tensor` holds at these sizes (tensor_elements x its element's bytes), as a double.
double tensor_bytes(const Cascade& cascade, const std::string& tensor, const RankSizes& sizes);

// The extents of a ragged tensor's rank, one per position of its `along` rank: the listed sizes,
// or a multi-resolution grid's level sizes (hashed levels capped at the rank's size). Throws
// base::InputError if the list does not match the along rank's size, a size exceeds the rank's,
// a dense level does not fit the rank, or a grid has over 64 levels.
std::vector<uint64_t> extent_sizes(const Cascade& cascade, const Tensor& tensor, const RankSizes& sizes);

// a * b, or a base::InputError ("<what> <name> overflows 64 bits ...") if it does not fit 64 bits.
uint64_t checked_mul(uint64_t a, uint64_t b, const Cascade& cascade, const char* what,
                     const std::string& name);

}  // namespace cascade::workloads
