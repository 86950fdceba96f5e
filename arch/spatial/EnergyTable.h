#pragma once

#include <map>
#include <string>
#include <utility>

#include "arch/ArchConfig.h"

namespace cascade::arch {

// The per-action energies of an architecture config, looked up by (component, action).
class EnergyTable {
 public:
  explicit EnergyTable(const ArchConfig& config);
  // Picojoules per action; throws InputError naming the config if the entry is missing.
  double pj(const std::string& component, const std::string& action) const;

 private:
  const ArchConfig* config_;
  std::map<std::pair<std::string, std::string>, double> pj_;
};

}  // namespace cascade::arch
