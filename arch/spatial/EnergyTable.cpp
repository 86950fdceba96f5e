#include "arch/spatial/EnergyTable.h"

namespace cascade::arch {

EnergyTable::EnergyTable(const ArchConfig& config) : config_(&config) {}

double EnergyTable::pj(const std::string& component, const std::string& action) const {
  const auto& energy = config_->proto().energy();
  for (int i = energy.size() - 1; i >= 0; --i)
    if (energy.Get(i).component() == component && energy.Get(i).action() == action) return energy.Get(i).picojoules();
  config_->fail({}, "missing field 'energy' for component '" + component + "' action '" + action + "'");
}

}  // namespace cascade::arch
