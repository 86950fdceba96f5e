// The parameters of a source -> pipelined unit -> sink run (see SimulatePipeline.h).
#pragma once

#include <cstdint>

namespace cascade::sim {

struct PipelineConfig {
  std::uint64_t latency = 1;              // cycles from accepting a tile to writing its result
  std::uint64_t initiation_interval = 1;  // cycles between two accepted tiles
  std::uint64_t input_queue_depth = 2;    // tiles the source -> unit queue holds
  std::uint64_t output_queue_depth = 2;   // tiles the unit -> sink queue holds
  std::uint64_t tile_count = 1;           // tiles the source emits
  std::uint64_t sink_interval = 1;        // cycles between two tiles the sink consumes
};

// Throws std::invalid_argument naming the first bad field ("PipelineConfig.<field> ..."): every
// field must be at least 1, and queue depths at most 2147483647 (sc_fifo sizes are int).
void validate(const PipelineConfig& config);

}  // namespace cascade::sim
