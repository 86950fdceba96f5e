// Speed of the hardware models:
//  - BM_FuseMaxCycleBertBase: the cycle-level FuseMax model on a BERT-Base layer at 64K tokens
//    (target < 10 s on one core) and 1M tokens (< 60 s);
//  - BM_FuseMaxAnalyticalDesignPoint: one analytical design point of FuseMax (fusemax_cloud) on
//    BERT-Base, binding a sequence length M and evaluating it with an evaluation cache kept across
//    points, as a sweep worker does (target >= 100,000 points per second per core);
//  - BM_SweepDesignPoint: a whole sweep point, the model built from the parsed config with
//    array2d.rows, array2d.cols and global_buffer.capacity_bytes overridden (ArchTemplate), then
//    bound and evaluated analytically with the worker's cache (target >= 30,000 per second per core).
#include <benchmark/benchmark.h>

#include "arch/ArchTemplate.h"
#include "arch/ModelRegistry.h"
#include "base/TextProtoFile.h"
#include "workloads/analysis/ShapeBinding.h"
#include "workloads/parser/WorkloadLoader.h"

namespace {

using namespace cascade;

const std::string kFuseMaxCloud = std::string(CASCADE_SOURCE_DIR) + "/configs/arch/fusemax_cloud.pbtxt";

struct Setup {
  arch::ArchConfig config = arch::ArchConfig::load(kFuseMaxCloud);
  std::unique_ptr<arch::Model> model = arch::ModelRegistry::builtin().create(config);
  arch::ArchTemplate arch_template{base::TextProtoFile::read(kFuseMaxCloud), kFuseMaxCloud};
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

// One design point: bind a sequence length (1K to 1M) and evaluate analytically with the cache.
void BM_FuseMaxAnalyticalDesignPoint(benchmark::State& state) {
  const auto& s = setup();
  arch::EvaluationCache cache;
  uint64_t m = 1024;
  for (auto _ : state) {
    const auto sizes = workloads::bind_shapes(s.bert, {{"M", m}});
    benchmark::DoNotOptimize(s.model->evaluate(s.bert, sizes, arch::Fidelity::Analytical, &cache).cycles);
    m = m == (1u << 20) ? 1024 : m * 2;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_FuseMaxAnalyticalDesignPoint);

// One sweep point: a model of the config with its array shape and buffer size overridden, bound
// and evaluated analytically; the config is parsed once, the cache kept by the worker.
void BM_SweepDesignPoint(benchmark::State& state) {
  const auto& s = setup();
  arch::EvaluationCache cache;
  const char* sides[] = {"64", "128", "256", "512"};
  const char* buffers[] = {"8388608", "16777216", "33554432"};
  uint64_t i = 0, m = 1024;
  for (auto _ : state) {
    const auto model = s.arch_template.instantiate({{"array2d.rows", sides[i % 4]},
                                                    {"array2d.cols", sides[(i / 4) % 4]},
                                                    {"global_buffer.capacity_bytes", buffers[i % 3]}});
    const auto sizes = workloads::bind_shapes(s.bert, {{"M", m}});
    benchmark::DoNotOptimize(model->evaluate(s.bert, sizes, arch::Fidelity::Analytical, &cache).cycles);
    ++i;
    m = m == (1u << 20) ? 1024 : m * 2;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_SweepDesignPoint);

}  // namespace
