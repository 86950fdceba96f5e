#include "arch/ArchLoader.h"

#include <google/protobuf/text_format.h>

#include "arch/ArchConfig.h"
#include "arch/ModelRegistry.h"
#include "base/ProtoOverride.h"
#include "base/TextProtoFile.h"
#include "configs/arch.pb.h"

namespace cascade::arch {

std::unique_ptr<Model> create_model(const std::string& text, const std::string& file) {
  return ModelRegistry::builtin().create(text, file);
}

std::unique_ptr<Model> load_model(const std::string& path) {
  return create_model(base::TextProtoFile::read(path), path);
}

std::string arch_text_with_overrides(const std::string& text, const std::string& file,
                                     const std::vector<std::pair<std::string, std::string>>& overrides) {
  return overrides.empty() ? text : printed_arch_config(text, file, overrides);
}

std::string printed_arch_config(const std::string& text, const std::string& file,
                                const std::vector<std::pair<std::string, std::string>>& overrides) {
  auto message = ModelRegistry::builtin().parse(text, file);
  // An accelerator config with its imports merged, so that a path names a field of the whole
  // config (energy[3] counts the imported entries too).
  if (auto* arch = dynamic_cast<config::Arch*>(message.get()); arch && arch->import_size() > 0)
    *arch = ArchConfig(text, file).proto();
  for (const auto& [path, value] : overrides) base::set_field_by_path(*message, path, value);
  std::string printed;
  google::protobuf::TextFormat::PrintToString(*message, &printed);
  return printed;
}

}  // namespace cascade::arch
