#pragma once

#include <memory>
#include <string>

#include "arch/Model.h"

namespace cascade::arch {

// The model of an architecture config of any kind, read from `text` (the file `file`): an
// accelerator config (configs/arch.proto, its `model` field naming a model of the ModelRegistry)
// or a GPU config (configs/gpu.proto, the GPU model of arch/gpu). The kind is the schema the file
// is written in: the one it parses under. Throws InputError when it parses under neither (the
// error of the schema under which it parses further) or when its model rejects it.
std::unique_ptr<Model> create_model(const std::string& text, const std::string& file);
std::unique_ptr<Model> load_model(const std::string& path);

}  // namespace cascade::arch
