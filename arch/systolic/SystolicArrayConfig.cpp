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
  }
  return "unknown";
}

void validate(const SystolicArrayConfig& config) {
  require_positive("rows", config.rows);
  require_positive("cols", config.cols);
  // A Dataflow cast from an integer read from a file can hold any value.
  if (config.dataflow != Dataflow::OutputStationary &&
      config.dataflow != Dataflow::WeightStationary) {
    throw std::invalid_argument(
        "SystolicArrayConfig.dataflow must be OutputStationary or WeightStationary, got " +
        std::to_string(static_cast<int>(config.dataflow)));
  }
}

}  // namespace cascade::arch
