#include "arch/systolic/SystolicArrayConfig.h"

#include <stdexcept>
#include <string>

namespace cascade::arch {
namespace {

void require_positive(const char* field, std::uint64_t value) {
  if (value == 0) {
    throw std::invalid_argument(std::string("SystolicArrayConfig.") + field +
                                " must be at least 1, got 0");
  }
}

}  // namespace

std::string_view to_string(Dataflow dataflow) {
  switch (dataflow) {
    case Dataflow::OutputStationary:
      return "OutputStationary";
    case Dataflow::WeightStationary:
      return "WeightStationary";
    case Dataflow::InputStationary:
      return "InputStationary";
  }
  return "unknown";
}

std::string_view to_string(TileOverlap overlap) {
  switch (overlap) {
    case TileOverlap::Serial:
      return "Serial";
    case TileOverlap::Pipelined:
      return "Pipelined";
  }
  return "unknown";
}

void validate(const SystolicArrayConfig& config) {
  require_positive("rows", config.rows);
  require_positive("cols", config.cols);
  // An enumerator cast from an integer read from a file can hold any value.
  if (config.dataflow != Dataflow::OutputStationary && config.dataflow != Dataflow::WeightStationary &&
      config.dataflow != Dataflow::InputStationary) {
    throw std::invalid_argument(
        "SystolicArrayConfig.dataflow must be OutputStationary, WeightStationary or InputStationary, got " +
        std::to_string(static_cast<int>(config.dataflow)));
  }
  if (config.overlap != TileOverlap::Serial && config.overlap != TileOverlap::Pipelined) {
    throw std::invalid_argument("SystolicArrayConfig.overlap must be Serial or Pipelined, got " +
                                std::to_string(static_cast<int>(config.overlap)));
  }
}

}  // namespace cascade::arch
