#pragma once

#include <string>

#include "arch/ArchConfig.h"

namespace cascade::arch {

// The per-action energies of an architecture config, looked up by (component, action): the last
// entry the config writes for it (an import's entry is overridden by the file's own).
class EnergyTable {
 public:
  explicit EnergyTable(const ArchConfig& config);
  // Picojoules per action; throws InputError naming the config if the entry is missing.
  double pj(const std::string& component, const std::string& action) const;

 private:
  const ArchConfig* config_;
};

}  // namespace cascade::arch
