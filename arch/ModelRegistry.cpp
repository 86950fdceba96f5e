#include "arch/ModelRegistry.h"

#include "arch/flat/FlatModel.h"
#include "arch/fusemax/FuseMaxModel.h"
#include "arch/unfused/UnfusedModel.h"

namespace cascade::arch {

void ModelRegistry::add(const std::string& name, Factory factory) {
  factories_[name] = std::move(factory);
}

std::unique_ptr<Model> ModelRegistry::create(const ArchConfig& config) const {
  // The model is the field of the config's `model` oneof that is set (ArchConfig checks one is).
  const auto* oneof = config::Arch::descriptor()->FindOneofByName("model");
  const auto* set = config.proto().GetReflection()->GetOneofFieldDescriptor(config.proto(), oneof);
  const std::string name = set ? set->name() : "";
  const auto it = factories_.find(name);
  if (it == factories_.end()) {
    std::string known;
    for (const auto& [model, factory] : factories_) known += (known.empty() ? "" : ", ") + model;
    config.fail({{name.c_str()}}, "no model '" + name + "' in this build (known: " + known + ")");
  }
  return it->second(config);
}

std::vector<std::string> ModelRegistry::names() const {
  std::vector<std::string> names;
  for (const auto& [name, factory] : factories_) names.push_back(name);
  return names;
}

const ModelRegistry& ModelRegistry::builtin() {
  static const ModelRegistry registry = [] {
    ModelRegistry r;
    r.add("fusemax", [](const ArchConfig& c) { return std::make_unique<FuseMaxModel>(c); });
    r.add("flat", [](const ArchConfig& c) { return std::make_unique<FlatModel>(c); });
    r.add("unfused", [](const ArchConfig& c) { return std::make_unique<UnfusedModel>(c); });
    return r;
  }();
  return registry;
}

}  // namespace cascade::arch
