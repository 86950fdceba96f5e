#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "arch/Model.h"

namespace cascade::arch {

// The model of an architecture config of any kind, read from `text` (the file `file`): an
// accelerator config (configs/arch.proto, the model of its `model` oneof) or a config of a model
// with its own schema (the GPU's, configs/gpu.proto): ModelRegistry::builtin().create. The kind is
// the schema the file is written in: the one it parses under. Throws InputError when it parses
// under none (the error of the schema under which it parses furthest) or when its model rejects it.
std::unique_ptr<Model> create_model(const std::string& text, const std::string& file);
std::unique_ptr<Model> load_model(const std::string& path);

// The config text with fields set by dotted path (base::set_field_by_path), in order, printed back
// as text (the text itself if there are none); an accelerator config's imports are merged first,
// so a path names a field of the whole config; create_model checks the result as it checks a file
// (its errors then count lines of the printed text). Throws InputError for a path or value the
// config's schema does not have.
std::string arch_text_with_overrides(const std::string& text, const std::string& file,
                                     const std::vector<std::pair<std::string, std::string>>& overrides);
// The config as its model reads it, printed as text: an accelerator config's imports merged (the
// paths of overrides count their entries), then the overrides set; the same as
// arch_text_with_overrides but printed even without overrides.
std::string printed_arch_config(const std::string& text, const std::string& file,
                                const std::vector<std::pair<std::string, std::string>>& overrides);

}  // namespace cascade::arch
