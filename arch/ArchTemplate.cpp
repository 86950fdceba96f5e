#include "arch/ArchTemplate.h"

#include "arch/ArchLoader.h"
#include "arch/ModelRegistry.h"
#include "base/ProtoOverride.h"
#include "configs/arch.pb.h"

namespace cascade::arch {

ArchTemplate::ArchTemplate(const std::string& text, const std::string& file) : text_(text), file_(file) {
  const ModelRegistry& registry = ModelRegistry::builtin();
  message_ = registry.parse(text, file);
  if (message_->GetDescriptor() == config::Arch::descriptor()) {
    accelerator_.emplace(text, file);
    message_->CopyFrom(accelerator_->proto());
    registry.create(*accelerator_);  // the checks its model makes of the config
  } else {
    registry.create(text, file);
  }
}

void ArchTemplate::check_override(const std::string& path, const std::string& value) const {
  std::unique_ptr<google::protobuf::Message> scratch(message_->New());
  scratch->CopyFrom(*message_);
  base::set_field_by_path(*scratch, path, value);
}

std::unique_ptr<Model> ArchTemplate::instantiate(
    const std::vector<std::pair<std::string, std::string>>& overrides) const {
  if (accelerator_) return ModelRegistry::builtin().create(accelerator_->with_overrides(overrides));
  return create_model(arch_text_with_overrides(text_, file_, overrides), file_);
}

}  // namespace cascade::arch
