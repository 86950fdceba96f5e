#include "arch/ArchLoader.h"

#include <optional>

#include "arch/ArchConfig.h"
#include "arch/ModelRegistry.h"
#include "arch/gpu/GpuCascadeModel.h"
#include "base/TextProtoFile.h"
#include "configs/arch.pb.h"
#include "configs/gpu.pb.h"

namespace cascade::arch {
namespace {

// The parse error of `text` under the schema of `message`, if any.
std::optional<base::InputError> parse_error(const std::string& text, const std::string& file,
                                            google::protobuf::Message& message) {
  try {
    base::TextProtoFile parsed(text, file, message);
    return std::nullopt;
  } catch (const base::InputError& e) {
    return e;
  }
}

}  // namespace

std::unique_ptr<Model> create_model(const std::string& text, const std::string& file) {
  config::Arch accelerator;
  const auto accelerator_error = parse_error(text, file, accelerator);
  if (!accelerator_error) return ModelRegistry::builtin().create(ArchConfig(text, file));
  config::GpuArch gpu;
  const auto gpu_error = parse_error(text, file, gpu);
  if (!gpu_error) return std::make_unique<gpu::GpuCascadeModel>(gpu::GpuArchConfig(text, file));
  const bool gpu_further = gpu_error->pos().line > accelerator_error->pos().line;
  const base::InputError& e = gpu_further ? *gpu_error : *accelerator_error;
  throw base::InputError(e.file(), e.pos(),
                         e.message() + (gpu_further ? " (read as a GPU config, configs/gpu.proto)"
                                                    : " (read as an accelerator config, configs/arch.proto)"));
}

std::unique_ptr<Model> load_model(const std::string& path) {
  return create_model(base::TextProtoFile::read(path), path);
}

}  // namespace cascade::arch
