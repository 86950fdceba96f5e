#include "sim/report/ProtoJson.h"

#include <google/protobuf/util/json_util.h>

#include <stdexcept>

namespace cascade::sim {

std::string proto_to_json(const google::protobuf::Message& record) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  const auto status = google::protobuf::util::MessageToJsonString(record, &json, options);
  if (!status.ok()) throw std::logic_error("JSON conversion failed: " + status.ToString());
  return json;
}

}  // namespace cascade::sim
