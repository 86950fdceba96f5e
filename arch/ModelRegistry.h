#pragma once

#include <google/protobuf/message.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "arch/ArchConfig.h"
#include "arch/Model.h"

namespace cascade::arch {

// Hardware models by name, as Ramulator 2 registers its implementations. Two kinds:
//  - accelerator models read configs/arch.proto (ArchConfig); a config picks one by the field of
//    its `model` oneof that it sets (`fusemax {}`), and the model is registered under that name;
//  - a model with a config schema of its own (the GPU: configs/gpu.proto) is registered with that
//    schema, and a file written in the schema is its config.
// A config file's kind is the schema it parses under (ArchLoader.h).
class ModelRegistry {
 public:
  using Factory = std::function<std::unique_ptr<Model>(const ArchConfig&)>;
  // Builds the model from the config's text and file name (the factory reads and checks it).
  using SchemaFactory = std::function<std::unique_ptr<Model>(const std::string& text, const std::string& file)>;

  void add(const std::string& name, Factory factory);
  // `schema` is the config message the model reads; the registry keeps its descriptor.
  void add_schema(const std::string& name, const google::protobuf::Message& schema, SchemaFactory factory);

  // The accelerator model of the config's `model` oneof field; throws InputError at the field when
  // this build has none of that name.
  std::unique_ptr<Model> create(const ArchConfig& config) const;
  // The model of a config file of any registered schema: an accelerator config
  // (configs/arch.proto) or one of a model with its own schema. Throws InputError when the text
  // parses under none (the error of the schema under which it parses furthest, naming the schema)
  // or when the model rejects it.
  std::unique_ptr<Model> create(const std::string& text, const std::string& file) const;
  // The config message of `text`, empty, of the schema it parses under (accelerator first).
  std::unique_ptr<google::protobuf::Message> parse(const std::string& text, const std::string& file) const;
  std::vector<std::string> names() const;

  // The registry with every model of this build.
  static const ModelRegistry& builtin();

 private:
  struct Schema {
    std::string name;
    std::unique_ptr<google::protobuf::Message> prototype;
    SchemaFactory factory;
  };
  std::map<std::string, Factory> factories_;
  std::vector<Schema> schemas_;
};

}  // namespace cascade::arch
