// The fidelity ladder: the cycle-level models (tile-granular SystemC, sim/engine) against the
// analytical closed forms at every point of the FuseMax reproduction, and fast-forward against
// simulating every round.
#include <gtest/gtest.h>

#include "ModelTestSupport.h"
#include "validation/fusemax/ArtifactPoints.h"

namespace cascade::arch {
namespace {

using testing_support::evaluate;
using testing_support::source_path;

TEST(FidelityAgreement, CycleWithinTwoPercentOfAnalyticalAtEveryReproductionPoint) {
  for (const auto& point : validation::load_artifact_points(
           source_path("validation/fusemax/artifact_points.csv"))) {
    for (const char* arch : {"fusemax_cloud", "flat_cloud", "unfused_cloud"}) {
      SCOPED_TRACE(std::string(arch) + " " + point.workload + " M=" + std::to_string(point.seq_len));
      const std::string workload = "transformers/" + point.workload + ".pbtxt";
      const auto analytical = evaluate(arch, workload, {{"M", point.seq_len}}, Fidelity::Analytical);
      const auto cycle = evaluate(arch, workload, {{"M", point.seq_len}}, Fidelity::Cycle);
      EXPECT_NEAR(static_cast<double>(cycle.cycles) / static_cast<double>(analytical.cycles), 1.0, 0.02);
      EXPECT_NEAR(static_cast<double>(cycle.phases.at("attention").first) /
                      static_cast<double>(analytical.phases.at("attention").first),
                  1.0, 0.02);
      // Energy does not depend on timing.
      EXPECT_DOUBLE_EQ(cycle.total_energy_pj(), analytical.total_energy_pj());
    }
  }
}

sim::Result run_cycle(const std::string& arch, const std::string& workload,
                      const std::map<std::string, uint64_t>& sizes, bool fast_forward) {
  const ArchConfig config = ArchConfig::load(source_path("configs/arch/" + arch + ".pbtxt"));
  auto model = ModelRegistry::builtin().create(config);
  model->set_fast_forward(fast_forward);
  const auto cascade = workloads::load_workload_file(source_path("workloads/library/" + workload));
  return model->evaluate(cascade, workloads::bind_shapes(cascade, sizes), Fidelity::Cycle);
}

TEST(FidelityAgreement, FastForwardChangesNoCycle) {
  const struct {
    const char* arch;
    const char* workload;
    std::map<std::string, uint64_t> sizes;
  } cases[] = {
      {"fusemax_cloud", "attention/attention_fusemax.pbtxt", {{"M", 4096}}},
      {"fusemax_cloud", "attention/attention_fusemax.pbtxt", {{"M", 8192}, {"E", 128}, {"F", 128}}},
      {"fusemax_cloud", "transformers/bert_base.pbtxt", {{"M", 1024}}},
      {"flat_cloud", "transformers/bert_base.pbtxt", {{"M", 1024}}},
      {"unfused_cloud", "attention/attention_fusemax.pbtxt", {{"M", 2048}}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.arch) + " " + c.workload);
    const auto fast = run_cycle(c.arch, c.workload, c.sizes, true);
    const auto full = run_cycle(c.arch, c.workload, c.sizes, false);
    EXPECT_EQ(fast.cycles, full.cycles);
    for (const auto& [name, phase] : full.phases) EXPECT_EQ(fast.phases.at(name).first, phase.first) << name;
    for (const auto& [unit, busy] : full.busy_cycles) EXPECT_DOUBLE_EQ(fast.busy_cycles.at(unit), busy);
    // And fast-forward did skip: fewer rounds simulated than the program has.
    double simulated = 0, rounds = 0;
    for (const auto& [key, value] : fast.stats) {
      if (key.size() > 17 && key.substr(key.size() - 17) == ".rounds_simulated") simulated += value;
      if (key.size() > 7 && key.substr(key.size() - 7) == ".rounds") rounds += value;
    }
    EXPECT_LT(simulated, rounds);
  }
}

}  // namespace
}  // namespace cascade::arch
