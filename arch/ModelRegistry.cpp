#include "arch/ModelRegistry.h"

#include <optional>

#include "arch/flat/FlatModel.h"
#include "arch/fusemax/FuseMaxModel.h"
#include "arch/gpu/GpuCascadeModel.h"
#include "arch/ngpc/NgpcModel.h"
#include "arch/unfused/UnfusedModel.h"
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

void ModelRegistry::add(const std::string& name, Factory factory) { factories_[name] = std::move(factory); }

void ModelRegistry::add_schema(const std::string& name, const google::protobuf::Message& schema,
                               SchemaFactory factory) {
  schemas_.push_back({name, std::unique_ptr<google::protobuf::Message>(schema.New()), std::move(factory)});
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

std::unique_ptr<google::protobuf::Message> ModelRegistry::parse(const std::string& text, const std::string& file) const {
  auto accelerator = std::make_unique<config::Arch>();
  std::optional<base::InputError> furthest = parse_error(text, file, *accelerator);
  if (!furthest) return accelerator;
  std::string schema = "an accelerator config, configs/arch.proto";
  for (const auto& s : schemas_) {
    std::unique_ptr<google::protobuf::Message> message(s.prototype->New());
    const auto error = parse_error(text, file, *message);
    if (!error) return message;
    if (error->pos().line > furthest->pos().line) {
      furthest = error;
      schema = "a " + s.name + " config, configs/" + s.prototype->GetDescriptor()->file()->name();
    }
  }
  throw base::InputError(furthest->file(), furthest->pos(), furthest->message() + " (read as " + schema + ")");
}

std::unique_ptr<Model> ModelRegistry::create(const std::string& text, const std::string& file) const {
  const auto message = parse(text, file);
  for (const auto& s : schemas_)
    if (message->GetDescriptor() == s.prototype->GetDescriptor()) return s.factory(text, file);
  return create(ArchConfig(text, file));
}

std::vector<std::string> ModelRegistry::names() const {
  std::vector<std::string> names;
  for (const auto& [name, factory] : factories_) names.push_back(name);
  for (const auto& s : schemas_) names.push_back(s.name);
  return names;
}

const ModelRegistry& ModelRegistry::builtin() {
  static const ModelRegistry registry = [] {
    ModelRegistry r;
    r.add("fusemax", [](const ArchConfig& c) { return std::make_unique<FuseMaxModel>(c); });
    r.add("flat", [](const ArchConfig& c) { return std::make_unique<FlatModel>(c); });
    r.add("unfused", [](const ArchConfig& c) { return std::make_unique<UnfusedModel>(c); });
    r.add_schema("gpu", config::GpuArch(), [](const std::string& text, const std::string& file) {
      return std::make_unique<gpu::GpuCascadeModel>(gpu::GpuArchConfig(text, file));
    });
    r.add_schema("ngpc", config::NgpcArch(), [](const std::string& text, const std::string& file) {
      return std::make_unique<ngpc::NgpcModel>(ngpc::NgpcConfig(text, file));
    });
    return r;
  }();
  return registry;
}

}  // namespace cascade::arch
