#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <google/protobuf/message.h>

#include "arch/ArchConfig.h"
#include "arch/Model.h"

namespace cascade::arch {

// An architecture config of any registered kind parsed and checked once, from which models of
// variants (fields set by dotted path, base::set_field_by_path) are built without re-parsing text:
// what a sweep does at every point. The semantics are those of
// create_model(arch_text_with_overrides(text, file, overrides), file): an accelerator config's
// imports are merged before the fields are set (a path counts the imported entries too), and the
// variant is checked as a file is. An accelerator config's variant is its merged message with the
// fields set (ArchConfig::with_overrides); a config of a model with its own schema (the GPU's) goes
// through the text.
class ArchTemplate {
 public:
  // Throws InputError as create_model does.
  ArchTemplate(const std::string& text, const std::string& file);

  const std::string& file() const { return file_; }
  // Throws InputError when the path or value does not fit the schema (message as
  // set_field_by_path gives).
  void check_override(const std::string& path, const std::string& value) const;
  // The model of the config with the fields set, in order; InputError for a bad path or value or a
  // variant its model rejects (an accelerator config's errors located at the base file's line of
  // the field where the field is written there, and naming the overridden fields).
  std::unique_ptr<Model> instantiate(const std::vector<std::pair<std::string, std::string>>& overrides) const;

 private:
  std::string text_, file_;
  std::optional<ArchConfig> accelerator_;  // an accelerator config, read and checked
  std::unique_ptr<google::protobuf::Message> message_;  // the config as parsed (merged when an accelerator's)
};

}  // namespace cascade::arch
