// Workloads grouped into operators on the spatial models: the decoder and encoder layers lowered
// onto the cloud configs (the attention rewritten as FuseMax's cascade, every other operator a
// phase of its own), their counts derived by hand, and both fidelities within 2% of each other.
#include <gtest/gtest.h>

#include <cmath>

#include "ModelTestSupport.h"
#include "arch/spatial/OperatorLowering.h"
#include "workloads/analysis/OpCounts.h"

namespace cascade::arch {
namespace {

using testing_support::evaluate;
using testing_support::source_path;

TEST(OperatorLowering, LayersRunOnFuseMaxAndUnfusedAtBothFidelities) {
  // The cycle fidelity agrees with the analytical one within 2%, as on every reproduction point.
  for (const char* arch : {"fusemax_cloud", "unfused_cloud"})
    for (const char* layer : {"gpt2_small_layer", "llama2_7b_layer", "bert_base_layer"}) {
      const std::string workload = std::string("transformers/") + layer + ".pbtxt";
      const sim::Result analytical = evaluate(arch, workload, {});
      const sim::Result cycle = evaluate(arch, workload, {}, Fidelity::Cycle);
      EXPECT_GT(analytical.cycles, 0u) << arch << " " << layer;
      EXPECT_LE(std::abs(static_cast<double>(cycle.cycles) / static_cast<double>(analytical.cycles) - 1), 0.02)
          << arch << " " << layer << ": " << cycle.cycles << " vs " << analytical.cycles;
    }
}

TEST(OperatorLowering, GptLayerOnFuseMax) {
  const ArchConfig config = ArchConfig::load(source_path("configs/arch/fusemax_cloud.pbtxt"));
  const auto cascade = workloads::load_workload_file(source_path("workloads/library/transformers/gpt2_small_layer.pbtxt"));
  const auto lowered = lower_operators(config, cascade, AttentionLowering::kFuseMaxCascade);
  ASSERT_TRUE(lowered.has_value());
  EXPECT_TRUE(lowered->mask_ignored);
  // The attention is FuseMax's cascade over chunks of 256 keys, writing the operator's output.
  for (const char* gone : {"QK", "MX", "SN", "SD", "SNV"}) EXPECT_EQ(lowered->cascade.writer_of(gone), -1) << gone;
  for (const char* fusemax : {"BQK", "LM", "RM", "SLN", "SLD", "SLNV", "PRM", "SPD", "RD", "SPNV", "RNV", "AV"})
    EXPECT_GE(lowered->cascade.writer_of(fusemax), 0) << fusemax;
  EXPECT_EQ(lowered->cascade.einsums[static_cast<size_t>(lowered->cascade.writer_of("BQK"))].to_string(),
            "BQK[b,h,m1,m0,p] = Q[b,h,p,e] * K[b,h,m1*M0+m0,e]");
  // One phase per operator, the attention where its operator was.
  const ArchConfig lowered_config(lowered->config_text, lowered->config_file);
  std::vector<std::string> phases;
  for (const auto& p : lowered_config.proto().mapping().phase()) phases.push_back(p.name());
  EXPECT_EQ(phases, (std::vector<std::string>{"ln_1", "c_attn", "attention", "attn_c_proj", "residual1", "ln_2",
                                              "c_fc", "gelu", "mlp_c_proj", "residual2"}));
  // FuseMax visits every key chunk: the score's MACs are B H M P E = 96 x 1024^2 x 64 (unmasked,
  // against 96 x 1024 x 1025 / 2 x 64 as written), the value product's the same with F = 64.
  const auto sizes = workloads::bind_shapes(lowered->cascade, {});
  const auto macs = [&](const char* t) {
    return workloads::count_ops(lowered->cascade.einsums[static_cast<size_t>(lowered->cascade.writer_of(t))],
                                lowered->cascade, sizes).of("mac");
  };
  EXPECT_EQ(macs("BQK"), 96ull * 1024 * 1024 * 64);
  EXPECT_EQ(macs("SLNV"), 96ull * 1024 * 1024 * 64);
  const sim::Result r = evaluate("fusemax_cloud", "transformers/gpt2_small_layer.pbtxt", {});
  EXPECT_EQ(r.phases.size(), 10u);
  EXPECT_EQ(r.stats.at("attention.mask_ignored"), 1);
}

TEST(OperatorLowering, WorkloadsTheMappingNamesAreNotLowered) {
  const ArchConfig config = ArchConfig::load(source_path("configs/arch/fusemax_cloud.pbtxt"));
  const auto bert = workloads::load_workload_file(source_path("workloads/library/transformers/bert_base.pbtxt"));
  EXPECT_FALSE(lower_operators(config, bert, AttentionLowering::kFuseMaxCascade).has_value());
}

TEST(OperatorLowering, MoreThanOneAttentionIsAnError) {
  // Two attention operators (a score and a value product each): FuseMax's mapping has one
  // attention phase to run one of them.
  const std::string text = R"pb(name: "two"
rank { name: "M" size: 256 }
rank { name: "P" equal_to: "M" }
rank { name: "E" size: 64 }
tensor { name: "Q" ranks: ["E", "P"] type: BF16 }
tensor { name: "K" ranks: ["E", "M"] type: BF16 }
tensor { name: "V" ranks: ["E", "M"] type: BF16 }
tensor { name: "S1" ranks: ["M", "P"] type: BF16 }
tensor { name: "O1" ranks: ["E", "P"] type: BF16 }
tensor { name: "S2" ranks: ["M", "P"] type: BF16 }
tensor { name: "O2" ranks: ["E", "P"] type: BF16 }
einsum: "S1[m,p] = Q[e,p] * K[e,m]"
einsum: "O1[e,p] = S1[m,p] * V[e,m]"
einsum: "S2[m,p] = O1[e,p] * K[e,m]"
einsum: "O2[e,p] = S2[m,p] * V[e,m]"
operator { name: "a1" kind: ATTENTION einsum: ["S1", "O1"] }
operator { name: "a2" kind: ATTENTION einsum: ["S2", "O2"] }
)pb";
  const ArchConfig config = ArchConfig::load(source_path("configs/arch/fusemax_cloud.pbtxt"));
  try {
    lower_operators(config, workloads::parse_workload_text(text, "two.pbtxt"), AttentionLowering::kFuseMaxCascade);
    ADD_FAILURE() << "accepted";
  } catch (const base::InputError& e) {
    EXPECT_EQ(std::string(e.what()), "two.pbtxt:17:1: error: operator 'a2' cannot be lowered onto the arrays: a "
                                     "workload with more than one ATTENTION operator");
  }
}

}  // namespace
}  // namespace cascade::arch
