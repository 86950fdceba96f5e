// Runs source -> pipelined unit -> sink as one SystemC simulation in its own fresh kernel, so any
// number of runs can follow one another in a process.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/reference/pipeline/PipelineConfig.h"
#include "sim/reference/pipeline/Tile.h"

namespace cascade::sim {

struct PipelineRun {
  // Every tile in consumption order (which is emission order: all queues are FIFO), with the
  // cycle each stage handled it.
  std::vector<Tile> tiles;
  // Cycles simulated, cycle 0 through the one in which the sink consumed the last tile.
  Cycle total_cycles = 0;
  // Cycles the unit was frozen by a full output queue.
  std::uint64_t unit_stall_cycles = 0;

  // consumed_cycle of each tile, in tile order: when each tile completed the whole pipeline.
  std::vector<Cycle> completion_cycles() const;
};

// Throws std::invalid_argument for a bad config (see validate), and std::runtime_error if the
// sink has not consumed every tile after a cycle bound no correct run can reach.
PipelineRun simulate_pipeline(const PipelineConfig& config);

}  // namespace cascade::sim
