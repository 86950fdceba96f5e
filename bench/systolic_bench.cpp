// Speed of the systolic-array timing against SCALE-Sim v2 (validation/scalesim/): the tile-granular
// cycle mode (a GEMM's tiles on the cycle engine) and the vectorised PE-level model, on GEMMs of the
// comparison. SCALE-Sim's wall time for each is in validation/scalesim/scalesim_gemm_cycles.csv.
#include <benchmark/benchmark.h>

#include <cstdint>

#include "arch/systolic/SystolicTileProgram.h"
#include "arch/systolic/VectorisedPeArray.h"

namespace {

using namespace cascade::arch;

IntMatrix filled(std::uint64_t rows, std::uint64_t cols) {
  IntMatrix m(rows, cols);
  for (std::size_t i = 0; i < m.values.size(); ++i) m.values[i] = static_cast<std::int64_t>(i % 7) - 3;
  return m;
}

Dataflow dataflow_of(std::int64_t d) {
  return d == 0 ? Dataflow::OutputStationary : d == 1 ? Dataflow::WeightStationary : Dataflow::InputStationary;
}

// Arguments: array side, M, N, K, dataflow (0 OS, 1 WS, 2 IS); Pipelined tiles, as compared.
void BM_SystolicTileGranular(benchmark::State& state) {
  const auto side = static_cast<std::uint64_t>(state.range(0));
  const SystolicArrayConfig config{side, side, dataflow_of(state.range(4)), TileOverlap::Pipelined};
  for (auto _ : state)
    benchmark::DoNotOptimize(simulate_systolic_tiles(config, static_cast<std::uint64_t>(state.range(1)),
                                                     static_cast<std::uint64_t>(state.range(2)),
                                                     static_cast<std::uint64_t>(state.range(3))));
}

void BM_SystolicPeLevelVectorised(benchmark::State& state) {
  const auto side = static_cast<std::uint64_t>(state.range(0));
  const SystolicArrayConfig config{side, side, dataflow_of(state.range(4)), TileOverlap::Pipelined};
  const IntMatrix a = filled(static_cast<std::uint64_t>(state.range(1)), static_cast<std::uint64_t>(state.range(3)));
  const IntMatrix b = filled(static_cast<std::uint64_t>(state.range(3)), static_cast<std::uint64_t>(state.range(2)));
  std::uint64_t cycles = 0;
  for (auto _ : state) cycles = simulate_systolic_gemm_vectorised(config, a, b).total_cycles;
  state.counters["cycles"] = static_cast<double>(cycles);
  state.counters["PE_cycles_per_s"] = benchmark::Counter(static_cast<double>(cycles * side * side),
                                                         benchmark::Counter::kIsIterationInvariantRate);
}

// SCALE-Sim's GEMMs (topologies/GEMM_mnk/test_mnk_input.csv: 128 x 64 x 256; transformer_partial.csv
// SD_MatMul_QK_00: 128 x 64 x 128) and BERT-base's attention scores at 512 tokens (512 x 512 x 64).
void Gemms(benchmark::internal::Benchmark* b) {
  for (const std::int64_t side : {8, 32, 128, 256})
    for (const std::int64_t dataflow : {0, 1, 2}) {
      b->Args({side, 128, 64, 256, dataflow});
      b->Args({side, 512, 512, 64, dataflow});
    }
  b->Unit(benchmark::kMillisecond);
}

BENCHMARK(BM_SystolicTileGranular)->Apply(Gemms);
BENCHMARK(BM_SystolicPeLevelVectorised)->Apply(Gemms);

}  // namespace
