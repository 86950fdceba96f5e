#include "arch/ArchLoader.h"

#include <optional>

#include "arch/ArchConfig.h"
#include "arch/ModelRegistry.h"
#include "arch/gpu/GpuCascadeModel.h"
#include "base/ProtoOverride.h"
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

// The file's config message, of the schema it parses under.
std::unique_ptr<google::protobuf::Message> parse_any_arch(const std::string& text, const std::string& file) {
  auto accelerator = std::make_unique<config::Arch>();
  const auto accelerator_error = parse_error(text, file, *accelerator);
  if (!accelerator_error) return accelerator;
  auto gpu = std::make_unique<config::GpuArch>();
  const auto gpu_error = parse_error(text, file, *gpu);
  if (!gpu_error) return gpu;
  const bool gpu_further = gpu_error->pos().line > accelerator_error->pos().line;
  const base::InputError& e = gpu_further ? *gpu_error : *accelerator_error;
  throw base::InputError(e.file(), e.pos(),
                         e.message() + (gpu_further ? " (read as a GPU config, configs/gpu.proto)"
                                                    : " (read as an accelerator config, configs/arch.proto)"));
}

}  // namespace

std::unique_ptr<Model> create_model(const std::string& text, const std::string& file) {
  if (dynamic_cast<config::GpuArch*>(parse_any_arch(text, file).get()))
    return std::make_unique<gpu::GpuCascadeModel>(gpu::GpuArchConfig(text, file));
  return ModelRegistry::builtin().create(ArchConfig(text, file));
}

std::unique_ptr<Model> load_model(const std::string& path) {
  return create_model(base::TextProtoFile::read(path), path);
}

std::string arch_text_with_overrides(const std::string& text, const std::string& file,
                                     const std::vector<std::pair<std::string, std::string>>& overrides) {
  if (overrides.empty()) return text;
  auto message = parse_any_arch(text, file);
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
