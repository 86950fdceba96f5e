#include "sim/reference/pipeline/PipelineConfig.h"

#include <limits>
#include <stdexcept>
#include <string>

namespace cascade::sim {
namespace {

void require_positive(const char* field, std::uint64_t value) {
  if (value == 0) {
    throw std::invalid_argument(std::string("PipelineConfig.") + field +
                                " must be at least 1, got 0");
  }
}

void require_queue_depth(const char* field, std::uint64_t value) {
  require_positive(field, value);
  constexpr auto max_depth = static_cast<std::uint64_t>(std::numeric_limits<int>::max());
  if (value > max_depth) {
    throw std::invalid_argument(std::string("PipelineConfig.") + field + " must be at most " +
                                std::to_string(max_depth) + ", got " + std::to_string(value));
  }
}

}  // namespace

void validate(const PipelineConfig& config) {
  require_positive("latency", config.latency);
  require_positive("initiation_interval", config.initiation_interval);
  require_queue_depth("input_queue_depth", config.input_queue_depth);
  require_queue_depth("output_queue_depth", config.output_queue_depth);
  require_positive("tile_count", config.tile_count);
  require_positive("sink_interval", config.sink_interval);
}

}  // namespace cascade::sim
