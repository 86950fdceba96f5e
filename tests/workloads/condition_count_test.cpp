// Conditions on an Einsum's iteration space (`where m <= p`): the closed-form count of a box cut
// by a band on x - y against enumerating every point, and the counts of masked Einsums by hand.
#include <gtest/gtest.h>

#include <random>

#include "workloads/analysis/ConditionCount.h"
#include "workloads/analysis/OpCounts.h"
#include "workloads/parser/WorkloadLoader.h"
#include "workloads/parser/WorkloadPrinter.h"

namespace cascade::workloads {
namespace {

uint64_t enumerate_points(const PairRegion& r, bool xs_only) {
  uint64_t n = 0;
  for (int64_t x = r.x_lo; x <= r.x_hi; ++x) {
    bool any = false;
    for (int64_t y = r.y_lo; y <= r.y_hi; ++y) {
      const int64_t d = x - y;
      if (d < r.d_lo || d > r.d_hi) continue;
      any = true;
      if (!xs_only) ++n;
    }
    if (xs_only && any) ++n;
  }
  return n;
}

TEST(ConditionCount, ClosedFormEqualsEnumeration) {
  // 20,000 random boxes and bands, each side bounded or not, up to 40 x 40 points.
  std::mt19937 random(7);
  std::uniform_int_distribution<int64_t> coord(-5, 40), offset(-45, 45), coin(0, 3);
  for (int i = 0; i < 20000; ++i) {
    PairRegion r;
    r.x_lo = coord(random), r.x_hi = coord(random), r.y_lo = coord(random), r.y_hi = coord(random);
    if (coin(random)) r.d_lo = offset(random);
    if (coin(random)) r.d_hi = offset(random);
    uint64_t points = 0;
    ASSERT_TRUE(count_region_points(r, points));
    ASSERT_EQ(points, enumerate_points(r, false)) << i;
    ASSERT_EQ(count_region_xs(r), enumerate_points(r, true)) << i;
  }
}

TEST(ConditionCount, LargeCausalTriangleInClosedForm) {
  // m <= p over M = P = 2^31: sum_{p} (p + 1) = 2^31 (2^31 + 1) / 2.
  PairRegion r;
  r.x_hi = r.y_hi = (int64_t{1} << 31) - 1;
  r.d_hi = 0;
  uint64_t points = 0;
  ASSERT_TRUE(count_region_points(r, points));
  EXPECT_EQ(points, (uint64_t{1} << 30) * ((uint64_t{1} << 31) + 1));
  // A box of 2^62 x 2^62 points does not fit 64 bits.
  r.x_hi = r.y_hi = (int64_t{1} << 62) - 1;
  r.d_hi = PairRegion::kNoBound;
  EXPECT_FALSE(count_region_points(r, points));
}

const char* kMasked = R"pb(name: "masked"
rank { name: "M" size: 1024 }
rank { name: "P" equal_to: "M" }
rank { name: "E" size: 64 }
tensor { name: "Q" ranks: ["E", "P"] type: BF16 }
tensor { name: "K" ranks: ["E", "M"] type: BF16 }
tensor { name: "QK" ranks: ["M", "P"] type: BF16 }
tensor { name: "SW" ranks: ["M", "P"] type: BF16 }
tensor { name: "MX" ranks: ["P"] type: BF16 }
tensor { name: "SN" ranks: ["M", "P"] type: BF16 }
einsum: "QK[m,p] = Q[e,p] * K[e,m] where m <= p"
einsum: "SW[m,p] = Q[e,p] * K[e,m] where p >= m and m > p - 128"
einsum: "MX[p] = max[m](QK[m,p]) where m <= p"
einsum: "SN[m,p] = exp(QK[m,p] - MX[p] * 2) where m <= p"
)pb";

TEST(Conditions, CausalAndSlidingWindowCountsByHand) {
  const Cascade c = parse_workload_text(kMasked, "masked.pbtxt");
  const auto sizes = bind_shapes(c, {});
  const auto count = [&](const char* tensor) { return count_ops(c.einsums[static_cast<size_t>(c.writer_of(tensor))], c, sizes); };
  // Causal: M (M + 1) / 2 = 524,800 (m, p) pairs, 64 MACs each: a little over half of M^2 x 64.
  const uint64_t causal = 1024ull * 1025 / 2;
  EXPECT_EQ(count("QK").of("mac"), causal * 64);
  // A 128-wide window (p - 128 < m <= p): the first 128 queries see p + 1 keys, the rest 128:
  // 128 * 129 / 2 + (1024 - 128) * 128 = 8,256 + 114,688.
  EXPECT_EQ(count("SW").of("mac"), (8256ull + 114688) * 64);
  EXPECT_EQ(count("MX").of("max"), causal);
  // SN: sub and exp per kept (m, p); MX[p] * 2 varies with p only: once per query that has a key.
  const OpCounts sn = count("SN");
  EXPECT_EQ(sn.of("exp"), causal);
  EXPECT_EQ(sn.of("sub"), causal);
  EXPECT_EQ(sn.of("mul"), 1024u);
}

TEST(Conditions, PrintAndParseBack) {
  const Cascade c = parse_workload_text(kMasked, "masked.pbtxt");
  EXPECT_EQ(c.einsums[1].to_string(), "SW[m,p] = Q[e,p] * K[e,m] where p >= m and m > p - 128");
  const Cascade again = parse_workload_text(print_workload(c), "printed");
  EXPECT_TRUE(c.equals(again));
  Cascade changed = again;
  changed.einsums[0].conditions[0].op = "<";
  EXPECT_FALSE(c.equals(changed));
}

std::string error_of(const std::string& einsum) {
  const std::string text = std::string(kMasked).substr(0, std::string(kMasked).find("einsum:")) + "einsum: \"" + einsum + "\"\n";
  try {
    parse_workload_text(text, "bad.pbtxt");
  } catch (const base::InputError& e) {
    return e.message();
  }
  return "(accepted)";
}

TEST(Conditions, Malformed) {
  EXPECT_EQ(error_of("QK[m,p] = Q[e,p] * K[e,m] where m < q"),
            "condition 'm < q': 'q' is no index variable of QK");
  EXPECT_EQ(error_of("QK[m,p] = Q[e,p] * K[e,m] where m <= p and e < m and p > 1"),
            "conditions may relate at most two index variables (found 3)");
  EXPECT_EQ(error_of("QK[m,p] = Q[e,p] * K[e,m] where m <= m"), "condition 'm <= m' compares 'm' with itself");
  EXPECT_EQ(error_of("QK[m,p] = Q[e,p] * K[e,m] where m ~ p"), "unexpected character '~' in Einsum");
  EXPECT_EQ(error_of("QK[m,p] = Q[e,p] * K[e,m] where m = p"),
            "expected a comparison (<, <=, >, >=, ==) in a condition, found '='");
  EXPECT_EQ(error_of("QK[m,p] = Q[e,p] * K[e,m] where m < p + 1.5"),
            "expected a whole number from 0 to 2^62 in a condition, found number '1.5'");
  EXPECT_EQ(error_of("QK[m,p] = Q[e,p] * K[e,m] where m < 9999999999999999999"),
            "expected a whole number from 0 to 2^62 in a condition, found number '9999999999999999999'");
  EXPECT_EQ(error_of("QK[m,p] = Q[e,p] * K[e,m] where"),
            "expected an index variable starting a condition (e.g. m <= p), found end of expression");
}

}  // namespace
}  // namespace cascade::workloads
