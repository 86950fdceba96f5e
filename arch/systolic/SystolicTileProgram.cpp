#include "arch/systolic/SystolicTileProgram.h"

#include <vector>

#include "arch/systolic/SystolicGemmCycles.h"
#include "sim/engine/RoundPipelineSim.h"

namespace cascade::arch {
namespace {

constexpr int kArray = 0, kOutput = 1;

// A dimension cut into blocks of `size`: `full` whole ones, then a partial one of `rest` (0: none).
struct Blocks {
  std::uint64_t full = 0, rest = 0, size = 0;
};
Blocks blocks_of(std::uint64_t extent, std::uint64_t size) { return {extent / size, extent % size, size}; }

}  // namespace

sim::RoundProgram systolic_tile_program(const SystolicArrayConfig& config, std::uint64_t M, std::uint64_t N,
                                        std::uint64_t K) {
  const std::uint64_t tiles = gemm_tile_count(config, M, N, K);  // validates
  sim::RoundProgram program;
  program.units = {"array", "output"};
  if (config.overlap == TileOverlap::Pipelined) {
    // Every tile on the full array's period: one run of identical rounds.
    const std::uint64_t stream = config.dataflow == Dataflow::OutputStationary ? K
                                 : config.dataflow == Dataflow::WeightStationary ? M : N;
    sim::RoundRun run;
    run.count = tiles;
    run.tasks = {{"tile", kArray, systolic_tile_period(config, stream), {}},
                 {"capture", kOutput, 1, {{"tile", 0}}}};
    program.blocks.push_back({{run}, 1});
    return program;
  }
  // Serial: rows of tiles along the outer dimension, tiles along the inner one (SystolicTiles.h).
  Blocks outer, inner;  // outer: the array's rows (OS) or columns (WS, IS); inner: the other
  std::uint64_t stream = 0;
  bool outer_is_rows = false;
  switch (config.dataflow) {
    case Dataflow::OutputStationary:
      outer = blocks_of(M, config.rows), inner = blocks_of(N, config.cols), stream = K, outer_is_rows = true;
      break;
    case Dataflow::WeightStationary:
      outer = blocks_of(N, config.cols), inner = blocks_of(K, config.rows), stream = M;
      break;
    case Dataflow::InputStationary:
      outer = blocks_of(M, config.cols), inner = blocks_of(K, config.rows), stream = N;
      break;
  }
  const auto row_of_tiles = [&](std::uint64_t outer_used) {
    std::vector<sim::RoundRun> runs;
    const std::uint64_t partial = inner.rest ? 1 : 0;
    for (const auto& [count, inner_used] : {std::pair{inner.full, inner.size}, std::pair{partial, inner.rest}}) {
      if (count == 0) continue;
      const std::uint64_t r = outer_is_rows ? outer_used : inner_used;
      const std::uint64_t c = outer_is_rows ? inner_used : outer_used;
      sim::RoundRun run;
      run.count = count;
      run.tasks = {{"tile", kArray, systolic_tile_cycles(config, r, c, stream).total(), {}}};
      runs.push_back(std::move(run));
    }
    return runs;
  };
  if (outer.full) program.blocks.push_back({row_of_tiles(outer.size), outer.full});
  if (outer.rest) program.blocks.push_back({row_of_tiles(outer.rest), 1});
  return program;
}

SystolicTileRun simulate_systolic_tiles(const SystolicArrayConfig& config, std::uint64_t M, std::uint64_t N,
                                        std::uint64_t K, bool fast_forward) {
  const sim::RoundProgram program = systolic_tile_program(config, M, N, K);
  sim::RoundPipelineOptions options;
  options.fast_forward = fast_forward;
  const sim::RoundPipelineStats stats = sim::simulate_round_pipeline(program, options);
  return {stats.cycles, stats.rounds, stats.rounds_simulated};
}

}  // namespace cascade::arch
