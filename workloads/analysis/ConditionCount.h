#pragma once

#include <cstdint>
#include <string>

namespace cascade::workloads {

// The integer points (x, y) of a box cut by a band on their difference: x in [x_lo, x_hi], y in
// [y_lo, y_hi], x - y in [d_lo, d_hi] (an Einsum's conditions on two index variables: `m <= p` is
// m - p in [-inf, 0]). kNoBound stands for an unbounded side of the band.
struct PairRegion {
  static constexpr int64_t kNoBound = INT64_MAX;
  int64_t x_lo = 0, x_hi = -1, y_lo = 0, y_hi = -1;
  int64_t d_lo = -kNoBound, d_hi = kNoBound;
};

// Narrows [lo, hi] by `op value`, a comparison ("<", "<=", ">", ">=", "==") of x - y (or of one
// variable) with a constant.
void narrow(const std::string& op, int64_t value, int64_t& lo, int64_t& hi);
// The comparison with its sides exchanged: ">" for "<", ">=" for "<=", "==" for "==".
std::string mirrored(const std::string& op);

// How many points the region holds, in closed form (no loop over the points): the per-y counts are
// piecewise linear in y, summed segment by segment. The count of a box of 2^62 x 2^62 points does
// not fit 64 bits: returns false then.
bool count_region_points(const PairRegion& r, uint64_t& count);
// How many x have at least one y in the region.
uint64_t count_region_xs(const PairRegion& r);
// The same region with the roles of x and y exchanged.
PairRegion swapped(const PairRegion& r);

}  // namespace cascade::workloads
