#include "arch/spatial/EnergyTable.h"

namespace cascade::arch {

EnergyTable::EnergyTable(const ArchConfig& config) : config_(&config) {
  for (const auto& e : config.proto().energy()) pj_[{e.component(), e.action()}] = e.picojoules();
}

double EnergyTable::pj(const std::string& component, const std::string& action) const {
  const auto it = pj_.find({component, action});
  if (it == pj_.end())
    config_->fail({}, "missing field 'energy' for component '" + component + "' action '" +
                          action + "'");
  return it->second;
}

}  // namespace cascade::arch
