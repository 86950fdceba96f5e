// Speed of design-space sweeps (docs/sweeps.md): the 65,536 points of bench/sweeps/fusemax_64k.pbtxt
// (analytical FuseMax) evaluated, formatted and appended to a results file with a checkpoint after
// every batch, on 1 and 2 threads (items/s = points per second, wall clock). The million-point run
// of bench/sweeps/fusemax_1m.pbtxt through the CLI is timed by hand (docs/benchmarks.md).
#include <benchmark/benchmark.h>

#include <filesystem>

#include "app/sweep/SweepRunner.h"
#include "base/OutputFile.h"

namespace {

using namespace cascade;

void BM_SweepAnalyticalFuseMax(benchmark::State& state) {
  const app::SweepSpec spec =
      app::SweepSpec::load(std::string(CASCADE_SOURCE_DIR) + "/bench/sweeps/fusemax_64k.pbtxt", CASCADE_SOURCE_DIR);
  const base::TempDir dir;
  app::SweepRunOptions options;
  options.csv = dir.path() + "/results.csv";
  options.threads = static_cast<unsigned>(state.range(0));
  app::SweepTeam alone;
  uint64_t points = 0;
  for (auto _ : state) {
    points += app::run_sweep(spec, options, alone).counts.next;
    std::filesystem::remove(options.csv);
  }
  state.SetItemsProcessed(static_cast<int64_t>(points));
}
BENCHMARK(BM_SweepAnalyticalFuseMax)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
