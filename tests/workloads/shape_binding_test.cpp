// Shape binding: sizes from the file, from --set overrides, from equal_to and from partitions.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "workloads/analysis/ShapeBinding.h"
#include "workloads/analysis/WorkloadAnalysis.h"
#include "workloads/parser/WorkloadLoader.h"

namespace cascade::workloads {
namespace {

const char* kText =
    "name: \"t\"\n"
    "rank { name: \"M\" size: 4096 }\n"
    "rank { name: \"P\" equal_to: \"M\" }\n"
    "partition { rank: \"M\" outer: \"M1\" inner: \"M0\" inner_size: 256 }\n"
    "tensor { name: \"A\" ranks: [\"M\", \"P\"] type: FP32 }\n";

TEST(ShapeBinding, SizesFromFileEqualToAndPartition) {
  const RankSizes s = bind_shapes(parse_workload_text(kText, "t"), {});
  EXPECT_EQ(s.of("M"), 4096u);
  EXPECT_EQ(s.of("P"), 4096u);
  EXPECT_EQ(s.of("M0"), 256u);
  EXPECT_EQ(s.of("M1"), 16u);
}

TEST(ShapeBinding, OverridesWin) {
  const Cascade c = parse_workload_text(kText, "t");
  const RankSizes s = bind_shapes(c, {{"M", 65536}, {"M0", 512}});
  EXPECT_EQ(s.of("P"), 65536u);  // P follows the overridden M
  EXPECT_EQ(s.of("M1"), 128u);
  EXPECT_EQ(bind_shapes(c, {{"P", 8}}).of("P"), 8u);  // an equal_to rank can be set on its own
}

TEST(ShapeBinding, DerivedRankCannotBeSet) {
  const Cascade c = parse_workload_text(kText, "t");
  EXPECT_THROW(bind_shapes(c, {{"M1", 2}}), base::InputError);
  EXPECT_THROW(bind_shapes(c, {{"M", 0}}), base::InputError);
}

TEST(ShapeBinding, ParsesSetOverrides) {
  std::map<std::string, uint64_t> o;
  parse_size_override("M=1048576", o);
  EXPECT_EQ(o.at("M"), 1048576u);
  for (const char* bad : {"M", "M=", "=4", "M=-4", "M=4k", "M=99999999999999999999"}) {
    SCOPED_TRACE(bad);
    EXPECT_THROW(parse_size_override(bad, o), base::InputError);
  }
}

TEST(ShapeBinding, OverflowIsAnErrorNotAWrap) {
  const Cascade c = parse_workload_text(kText, "t");
  EXPECT_THROW(checked_mul(1ull << 40, 1ull << 30, c, "x", "y"), base::InputError);
  EXPECT_EQ(checked_mul(1ull << 40, 1ull << 20, c, "x", "y"), 1ull << 60);
}

}  // namespace
}  // namespace cascade::workloads

namespace cascade::workloads {
namespace {

std::string analysis_error(const std::string& text, const std::map<std::string, uint64_t>& sizes) {
  try {
    analyze_workload(parse_workload_text(text, "w.pbtxt"), sizes);
  } catch (const base::InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(CountsNeverWrap, SumsOfOperationsAndBytes) {
  // Three FP64 inputs of M = 2^60 elements: 2^63 bytes each, each fits; their sum does not fit 64
  // bits (the operations, 5 x 2^60, do).
  const std::string text =
      "name: \"w\"\nrank { name: \"M\" }\n"
      "tensor { name: \"A\" ranks: [\"M\"] type: FP64 }\ntensor { name: \"B\" ranks: [\"M\"] type: FP64 }\n"
      "tensor { name: \"C\" ranks: [\"M\"] type: FP64 }\ntensor { name: \"D\" ranks: [\"M\"] type: INT8 }\n"
      "tensor { name: \"E\" ranks: [\"M\"] type: INT8 }\n"
      "einsum: \"D[m] = A[m] + B[m] + C[m]\"\neinsum: \"E[m] = D[m] + D[m] + D[m] + D[m]\"\n";
  EXPECT_EQ(analysis_error(text, {{"M", uint64_t{1} << 60}}),
            "w.pbtxt: error: the bytes of the input tensors overflow 64 bits at these rank sizes");
  // At M = 2^62 - 1 the adds: 2 and 3 per point, each Einsum's count fits (3 x (2^62 - 1) < 2^64),
  // the cascade's total, 5 x (2^62 - 1), does not (the counts come before the bytes).
  EXPECT_EQ(analysis_error(text, {{"M", (uint64_t{1} << 62) - 1}}),
            "w.pbtxt: error: the count of 'add' operations overflows 64 bits at these rank sizes");
  EXPECT_EQ(analysis_error(text, {{"M", uint64_t{1} << 40}}), "no error");
}

}  // namespace
}  // namespace cascade::workloads

namespace cascade::workloads {
namespace {

// Self-attention reads one sequence along its queries and its keys: a rank declared equal to
// another (P equal_to M) may be indexed by the other's variable, as long as their sizes stay equal.
const char* kSelfAttention = R"pb(name: "s"
rank { name: "M" size: 8 }
rank { name: "P" equal_to: "M" }
rank { name: "N" size: 8 }
tensor { name: "X" ranks: ["P"] type: BF16 }
tensor { name: "K" ranks: ["M"] type: BF16 }
einsum: "K[m] = X[m]"
)pb";

TEST(ShapeBinding, EqualRanksIndexEachOtherAtEqualSizes) {
  const Cascade c = parse_workload_text(kSelfAttention, "s.pbtxt");
  EXPECT_NO_THROW(bind_shapes(c, {}));
  EXPECT_NO_THROW(bind_shapes(c, {{"M", 16}}));  // P follows
  try {
    bind_shapes(c, {{"P", 4}});
    ADD_FAILURE() << "unequal sizes accepted";
  } catch (const base::InputError& e) {
    EXPECT_EQ(e.message(), "index 'm' ranges over M = 8 but addresses rank P = 4 of tensor 'X' (ranks declared "
                           "equal must keep equal sizes)");
  }
  // A rank of the same size but not declared equal is still the wrong rank.
  std::string other = kSelfAttention;
  other.replace(other.find("\"K[m] = X[m]\""), 13, "\"K[m] = X[n]\"");
  EXPECT_THROW(parse_workload_text(other, "s.pbtxt"), base::InputError);
}

}  // namespace
}  // namespace cascade::workloads
