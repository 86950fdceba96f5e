#include "app/report/ProtoJson.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/type_resolver_util.h>

#include <memory>
#include <stdexcept>

namespace cascade::app {

std::string proto_to_json(const google::protobuf::Message& record) {
  namespace pb = google::protobuf;
  // MessageToJsonString walks the message's default serialization, whose map entries come in hash
  // order, so the same record could print differently from run to run. Deterministic
  // serialization sorts map entries by key; the JSON is printed from those bytes.
  std::string binary;
  {
    pb::io::StringOutputStream stream(&binary);
    pb::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    if (!record.SerializeToCodedStream(&coded)) throw std::logic_error("cannot serialize the record");
  }
  constexpr const char* kUrlPrefix = "type.googleapis.com";
  const std::unique_ptr<pb::util::TypeResolver> resolver(pb::util::NewTypeResolverForDescriptorPool(
      kUrlPrefix, record.GetDescriptor()->file()->pool()));
  std::string json;
  pb::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  const auto status = pb::util::BinaryToJsonString(
      resolver.get(), std::string(kUrlPrefix) + "/" + record.GetDescriptor()->full_name(), binary, &json, options);
  if (!status.ok()) throw std::logic_error("JSON conversion failed: " + status.ToString());
  return json;
}

}  // namespace cascade::app
