// FLAT and the unfused baseline against hand derivations of their dataflows (docs/fusemax-model.md
// Sec. 4 and 5) at points of the FuseMax paper's evaluation.
#include <gtest/gtest.h>

#include <cmath>

#include "ModelTestSupport.h"

namespace cascade::arch {
namespace {

using testing_support::evaluate;

constexpr double kBytesPerCycle = 400.0 * (1u << 30) / 940e6;

TEST(FlatModel, SoftmaxOnTheOneDArrayBoundsShortSequences) {
  // BERT at 1K: the 1D array makes four passes over B*H*M*P = 64*12*1024*1024 scores with 256 PEs:
  // 4 * 805306368 / 256 = 12582912 cycles (the artifact's 0.0133861 s). The 2D array is busy
  // (E + F) / 256 / 4 of that: 12.5%.
  const auto r = evaluate("flat_cloud", "transformers/bert_base.pbtxt", {{"M", 1024}});
  EXPECT_EQ(r.phases.at("attention").first, 12582912u);
  EXPECT_DOUBLE_EQ(r.stats.at("attention.utilization.array2d"), 0.125);
  EXPECT_DOUBLE_EQ(r.stats.at("attention.utilization.array1d"), 1.0);
}

TEST(FlatModel, ScoreTensorsThroughDramBoundLongSequences) {
  // BERT at 256K, weight-stationary rows of P1 = 1024 queries: per (batch, head) Q once, K and V
  // once per row group (P / P1 = 256 times), AV once, and QK and A each written and read back:
  // P*E + (M*E + M*F)*256 + P*F + 4*M*P values of 2 B, times B*H = 768.
  const double M = 262144, P = 262144;
  const double bytes = 2 * 768 * (P * 64 + (M * 64 + M * 64) * 256 + P * 64 + 4 * M * P);
  const auto r = evaluate("flat_cloud", "transformers/bert_base.pbtxt", {{"M", 262144}});
  EXPECT_DOUBLE_EQ(r.stats.at("attention.dram_bytes"), bytes);
  EXPECT_DOUBLE_EQ(bytes, 435458144206848.0);  // the artifact's stored traffic
  EXPECT_EQ(r.phases.at("attention").first, static_cast<uint64_t>(std::ceil(bytes / kBytesPerCycle)));
}

TEST(FlatModel, NeedsADataflowChoiceForThePoint) {
  try {
    evaluate("flat_cloud", "transformers/bert_base.pbtxt", {{"M", 2048}});
    FAIL() << "evaluated a point without a FLAT choice";
  } catch (const base::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no flat choice for workload 'bert_base' at M=2048"),
              std::string::npos)
        << e.what();
  }
}

TEST(UnfusedModel, EachStepToCompletionThroughDram) {
  // BERT at 1K, per (batch, head) with B*H = 768, 2-byte values, 456.9 B per cycle:
  //   QK: read P*E + M*E, write M*P; memory-bound (its 1024*1024*64/65536 = 1024 MAC cycles are
  //   less than (131072 + 1048576)*2 B / 456.9);
  //   softmax: read and write M*P; compute-bound: 4*M*P/256 = 16384 cycles per head;
  //   AV: read M*P + M*F, write P*F; memory-bound.
  const double bh = 768, M = 1024, P = 1024, E = 64, F = 64;
  const double qk = std::max(bh * 2 * (P * E + M * E + M * P) / kBytesPerCycle, bh * M * P * E / 65536);
  const double sm = std::max(bh * 2 * (2 * M * P) / kBytesPerCycle, bh * 4 * M * P / 256);
  const double av = std::max(bh * 2 * (M * P + M * F + P * F) / kBytesPerCycle, bh * M * P * F / 65536);
  const auto r = evaluate("unfused_cloud", "transformers/bert_base.pbtxt", {{"M", 1024}});
  EXPECT_EQ(r.phases.at("attention").first, static_cast<uint64_t>(std::ceil(qk + sm + av)));
  EXPECT_NEAR(static_cast<double>(r.phases.at("attention").first) / 940e6, 0.02182357659574468,
              1e-8);  // the artifact's stored latency
}

}  // namespace
}  // namespace cascade::arch
