// Speed of the hardware models (issue 3's targets): the cycle-level FuseMax model on BERT-Base
// attention at 64K tokens (< 10 s on one core) and 1M tokens (< 60 s), and the analytical model's
// design points per second (>= 10,000 per core).
#include <benchmark/benchmark.h>

#include "arch/ModelRegistry.h"
#include "workloads/analysis/ShapeBinding.h"
#include "workloads/parser/WorkloadLoader.h"

namespace {

using namespace cascade;

struct Setup {
  arch::ArchConfig config =
      arch::ArchConfig::load(std::string(CASCADE_SOURCE_DIR) + "/configs/arch/fusemax_cloud.pbtxt");
  std::unique_ptr<arch::Model> model = arch::ModelRegistry::builtin().create(config);
  workloads::Cascade bert = workloads::load_workload_file(
      std::string(CASCADE_SOURCE_DIR) + "/workloads/library/transformers/bert_base.pbtxt");
};

const Setup& setup() {
  static const Setup s;
  return s;
}

// The whole BERT-Base layer (its attention is 94% of the cycles at 64K) at the cycle fidelity.
void BM_FuseMaxCycleBertBase(benchmark::State& state) {
  const auto& s = setup();
  const auto sizes = workloads::bind_shapes(s.bert, {{"M", static_cast<uint64_t>(state.range(0))}});
  for (auto _ : state) {
    const auto r = s.model->evaluate(s.bert, sizes, arch::Fidelity::Cycle);
    benchmark::DoNotOptimize(r.cycles);
    state.counters["cycles"] = static_cast<double>(r.cycles);
  }
}
BENCHMARK(BM_FuseMaxCycleBertBase)->Arg(65536)->Arg(1 << 20)->Unit(benchmark::kMillisecond);

// One design point: bind a sequence length and evaluate analytically.
void BM_FuseMaxAnalyticalDesignPoint(benchmark::State& state) {
  const auto& s = setup();
  uint64_t m = 1024;
  for (auto _ : state) {
    const auto sizes = workloads::bind_shapes(s.bert, {{"M", m}});
    benchmark::DoNotOptimize(s.model->evaluate(s.bert, sizes, arch::Fidelity::Analytical).cycles);
    m = m == (1u << 20) ? 1024 : m * 2;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_FuseMaxAnalyticalDesignPoint);

}  // namespace
