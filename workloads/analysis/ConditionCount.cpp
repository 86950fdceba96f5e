#include "workloads/analysis/ConditionCount.h"

#include <algorithm>
#include <vector>

namespace cascade::workloads {
namespace {

using i128 = __int128;

// For each y of [r.y_lo, r.y_hi], the x it pairs with form the interval
// [max(x_lo, y + d_lo), min(x_hi, y + d_hi)]; its length is linear in y between the points where
// either end switches from the box's bound to the band's. Sums over y either the lengths or
// (indicator) 1 for every non-empty interval.
i128 sum_over_y(const PairRegion& r, bool indicator) {
  if (r.y_lo > r.y_hi || r.x_lo > r.x_hi) return 0;
  const bool has_lo = r.d_lo != -PairRegion::kNoBound, has_hi = r.d_hi != PairRegion::kNoBound;
  const i128 y_end = static_cast<i128>(r.y_hi) + 1;
  std::vector<i128> cuts = {r.y_lo, y_end};
  // y + d_lo exceeds x_lo from y = x_lo - d_lo + 1; y + d_hi stays below x_hi up to y = x_hi - d_hi.
  if (has_lo) cuts.push_back(static_cast<i128>(r.x_lo) - r.d_lo + 1);
  if (has_hi) cuts.push_back(static_cast<i128>(r.x_hi) - r.d_hi + 1);
  std::sort(cuts.begin(), cuts.end());
  const auto length = [&](i128 y) {
    const i128 lo = has_lo ? std::max<i128>(r.x_lo, y + r.d_lo) : r.x_lo;
    const i128 hi = has_hi ? std::min<i128>(r.x_hi, y + r.d_hi) : r.x_hi;
    return hi - lo + 1;
  };
  i128 total = 0;
  for (size_t i = 0; i + 1 < cuts.size(); ++i) {
    const i128 s = std::max<i128>(cuts[i], r.y_lo), e = std::min<i128>(cuts[i + 1], y_end);
    if (s >= e) continue;
    // Linear on [s, e): f(y) = f(s) + a (y - s), a in {-1, 0, 1}.
    const i128 f0 = length(s);
    const i128 a = e - s > 1 ? length(s + 1) - f0 : 0;
    // The y of the segment where f > 0: all, none, or a prefix or suffix.
    i128 first = s, last = e - 1;  // inclusive
    if (a == 0) {
      if (f0 <= 0) continue;
    } else if (a > 0) {
      if (f0 <= 0) first = s + (1 - f0);  // f(first) = 1
    } else {
      if (f0 <= 0) continue;
      last = std::min(last, s + f0 - 1);  // f(last) = 1
    }
    if (first > last) continue;
    const i128 n = last - first + 1;
    if (indicator) {
      total += n;
    } else {
      const i128 f_first = f0 + a * (first - s), f_last = f0 + a * (last - s);
      total += (f_first + f_last) * n / 2;
    }
  }
  return total;
}

}  // namespace

void narrow(const std::string& op, int64_t value, int64_t& lo, int64_t& hi) {
  if (op == "<") hi = std::min(hi, value - 1);
  if (op == "<=" || op == "==") hi = std::min(hi, value);
  if (op == ">") lo = std::max(lo, value + 1);
  if (op == ">=" || op == "==") lo = std::max(lo, value);
}

std::string mirrored(const std::string& op) {
  return op == "<" ? ">" : op == "<=" ? ">=" : op == ">" ? "<" : op == ">=" ? "<=" : op;
}

PairRegion swapped(const PairRegion& r) {
  PairRegion s;
  s.x_lo = r.y_lo, s.x_hi = r.y_hi, s.y_lo = r.x_lo, s.y_hi = r.x_hi;
  s.d_lo = r.d_hi == PairRegion::kNoBound ? -PairRegion::kNoBound : -r.d_hi;
  s.d_hi = r.d_lo == -PairRegion::kNoBound ? PairRegion::kNoBound : -r.d_lo;
  return s;
}

bool count_region_points(const PairRegion& r, uint64_t& count) {
  const i128 n = sum_over_y(r, false);
  if (n > static_cast<i128>(UINT64_MAX)) return false;
  count = static_cast<uint64_t>(n);
  return true;
}

uint64_t count_region_xs(const PairRegion& r) { return static_cast<uint64_t>(sum_over_y(swapped(r), true)); }

}  // namespace cascade::workloads
