// The FuseMax paper's headline results, reproduced from the committed artifact points: the
// averages of 24 points (4 models x 6 sequence lengths) within 15% of the paper's abstract.
#include <gtest/gtest.h>

#include "ModelTestSupport.h"
#include "validation/fusemax/FuseMaxReproduction.h"

namespace cascade::validation {
namespace {

TEST(FuseMaxReproduction, HeadlinesWithinFifteenPercentOfThePaper) {
  const auto r = reproduce_fusemax(CASCADE_SOURCE_DIR, arch::Fidelity::Analytical);
  ASSERT_EQ(r.points.size(), 24u);
  ASSERT_EQ(r.headlines.size(), 4u);
  for (const auto& h : r.headlines) EXPECT_TRUE(h.within()) << h.name << ": ours " << h.ours;
}

TEST(FuseMaxReproduction, LatencyMatchesTheArtifactAtEveryPoint) {
  // Our dataflows are the artifact's, so the speedups agree to rounding of whole cycles.
  const auto r = reproduce_fusemax(CASCADE_SOURCE_DIR, arch::Fidelity::Analytical);
  for (const auto& p : r.points) {
    SCOPED_TRACE(p.paper.workload + " " + std::to_string(p.paper.seq_len));
    EXPECT_NEAR(p.attention_speedup_vs_flat() / p.paper_attention_speedup_vs_flat(), 1.0, 1e-3);
    EXPECT_NEAR(p.e2e_speedup_vs_flat() / p.paper_e2e_speedup_vs_flat(), 1.0, 1e-3);
    EXPECT_NEAR(p.fusemax.attention_util_2d, p.paper.fusemax_util_2d, 1e-4);
  }
}

TEST(FuseMaxReproduction, TwoDUtilizationNearOneAtLongSequences) {
  const auto r = reproduce_fusemax(CASCADE_SOURCE_DIR, arch::Fidelity::Analytical);
  for (const auto& p : r.points)
    if (p.paper.seq_len >= 65536) {
      EXPECT_GT(p.fusemax.attention_util_2d, 0.99) << p.paper.workload;
    }
}

}  // namespace
}  // namespace cascade::validation
