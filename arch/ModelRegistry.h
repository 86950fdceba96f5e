#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "arch/ArchConfig.h"
#include "arch/Model.h"

namespace cascade::arch {

// Hardware models by name, as Ramulator 2 registers its implementations: a model is a folder under
// arch/, a field of the `model` oneof in configs/arch.proto, and one line in builtin().
class ModelRegistry {
 public:
  using Factory = std::function<std::unique_ptr<Model>(const ArchConfig&)>;

  void add(const std::string& name, Factory factory);
  // The model of the config's `model` oneof field; throws InputError at the field when this build
  // has none of that name.
  std::unique_ptr<Model> create(const ArchConfig& config) const;
  std::vector<std::string> names() const;

  // The registry with every model of this build.
  static const ModelRegistry& builtin();

 private:
  std::map<std::string, Factory> factories_;
};

}  // namespace cascade::arch
