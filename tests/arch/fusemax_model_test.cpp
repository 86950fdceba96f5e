// The FuseMax model's analytical fidelity against hand derivations from the paper's dataflow
// (docs/fusemax-model.md Sec. 3) and the artifact's stored results.
#include <gtest/gtest.h>

#include "ModelTestSupport.h"

namespace cascade::arch {
namespace {

using testing_support::evaluate;

// Per 256-key chunk of a 256-query tile, with E = F: the 2D array runs QK (E cycles), LM (1),
// SLN (6 MACs + 1 add = 7), SLD (1), SLNV (F); the 1D array RM (1), PRM (7), SPD (1), SPNV (F),
// RD (1), RNV (F), and the division AV (F) once per tile. The waterfall
//   max(QK+LM, RD+RNV+AV) + RM + max(SLN+SLD, PRM+SPD) + max(SLNV, SPNV)
// over T query tiles and M1 chunks is T*[max(M1(E+1), M1(F+1)+F) + M1 + 8 M1 + F M1]
// = T*((2F + 10) M1 + F).
uint64_t waterfall_cycles(uint64_t tiles, uint64_t chunks, uint64_t f) {
  return tiles * ((2 * f + 10) * chunks + f);
}

TEST(FuseMaxModel, AttentionCyclesFollowTheWaterfall) {
  // BERT-Base at 1K: T = B*H*P/256 = 64*12*4 = 3072 tiles, M1 = 4 chunks, F = 64.
  const auto r = evaluate("fusemax_cloud", "transformers/bert_base.pbtxt", {{"M", 1024}});
  EXPECT_EQ(r.phases.at("attention").first, waterfall_cycles(3072, 4, 64));
  EXPECT_EQ(waterfall_cycles(3072, 4, 64), 1892352u);  // the artifact's 0.0020131404 s x 940 MHz
  // XLM at 1K: T = 64*16*4 = 4096, F = 128.
  const auto x = evaluate("fusemax_cloud", "transformers/xlm.pbtxt", {{"M", 1024}});
  EXPECT_EQ(x.phases.at("attention").first, waterfall_cycles(4096, 4, 128));
}

TEST(FuseMaxModel, TwoDArrayUtilizationApproachesOne) {
  // 2D busy per chunk 2E + 9 = 137 of (2F + 10) = 138 cycles, less the F-cycle tail per tile:
  // 137*M1 / (138*M1 + 64): 0.8896 at 1K, 0.9926 at 1M (paper: ~89% rising to ~99%).
  const auto at = [](uint64_t m) {
    return evaluate("fusemax_cloud", "transformers/bert_base.pbtxt", {{"M", m}})
        .stats.at("attention.utilization.array2d");
  };
  EXPECT_NEAR(at(1024), 137.0 * 4 / (138.0 * 4 + 64), 1e-9);
  EXPECT_NEAR(at(1u << 20), 137.0 * 4096 / (138.0 * 4096 + 64), 1e-9);
  EXPECT_GT(at(1u << 20), 0.99);
}

TEST(FuseMaxModel, BufferKeepsP1QueryTilesAndRereadsKAndV) {
  // Per query Q, RM, RD, RNV hold E + 1 + 1 + F = 130 values (260 B); one 256-key chunk of K and V
  // 256*(E+F)*2 = 65536 B. P1 <= (16 MiB - 65536) / (260*256) = 251.08; at 64K there are 256
  // query tiles and the largest divisor of 256 up to 251 is 128: K and V are read twice.
  const auto r = evaluate("fusemax_cloud", "transformers/bert_base.pbtxt", {{"M", 65536}});
  EXPECT_EQ(r.stats.at("attention.p1"), 128);
  EXPECT_EQ(r.stats.at("attention.kv_rereads"), 2);
  // DRAM traffic of the attention phase: 2 B * B*H * [P*E + P*F + 2*M*(E+F)] (Q, AV, and K and V
  // twice) = 38654705664 B, the artifact's stored value.
  EXPECT_DOUBLE_EQ(r.stats.at("attention.dram_bytes"),
                   2.0 * 64 * 12 * (65536.0 * 64 * 2 + 2 * 65536.0 * 128));
  EXPECT_DOUBLE_EQ(r.stats.at("attention.dram_bytes"), 38654705664.0);
}

TEST(FuseMaxModel, RestOfTheLayerIsOneGemmPerPhase) {
  // BERT at 1K: the Q projection is B*P*D*H*E = 64*1024*768*768 MACs on 65536 PEs = 589824
  // cycles; it reads 2 B*(B*P*D + D*H*E) and writes 2 B*B*P*H*E, far below 589824 cycles of DRAM
  // time (400 GiB/s at 940 MHz = 456.9 B per cycle), so it is compute-bound.
  const auto r = evaluate("fusemax_cloud", "transformers/bert_base.pbtxt", {{"M", 1024}});
  EXPECT_EQ(r.phases.at("q").first, 589824u);
  EXPECT_EQ(r.phases.at("ffn1").first, 4 * 589824u);  // S = 4 * D
  EXPECT_EQ(r.cycles, 1892352u + 4 * 589824u + 2 * 4 * 589824u);  // the artifact's 7077888 + attention
}

TEST(FuseMaxModel, AttentionOnlyWorkloadSkipsTheLayerPhases) {
  // The library's attention cascade (B = H = 1, no projections): only the staged attention runs;
  // its K and V reshapes (BK, BV) are phases of their own with no operations.
  const auto r = evaluate("fusemax_cloud", "attention/attention_fusemax.pbtxt", {{"M", 4096}});
  EXPECT_EQ(r.phases.count("ffn1"), 0u);
  EXPECT_EQ(r.phases.at("attention").first, waterfall_cycles(16, 16, 64));
}

TEST(FuseMaxModel, EnergyCountsEveryMacOfTheTwoDArray) {
  // Per score the 2D array does E + F MACs (QK, SLNV) and 6 for the exponential: 134 at E = F = 64.
  const auto r = evaluate("fusemax_cloud", "attention/attention_fusemax.pbtxt", {{"M", 1024}});
  EXPECT_DOUBLE_EQ(r.action_counts.at({"array2d", "mac"}), 1024.0 * 1024 * 134);
  EXPECT_DOUBLE_EQ(r.energy_pj.at({"array2d", "mac"}), 1024.0 * 1024 * 134 * 17.1645);
}

}  // namespace
}  // namespace cascade::arch
