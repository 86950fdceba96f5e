#pragma once

#include <google/protobuf/message.h>

#include <string>

namespace cascade::app {

// Any record as JSON (protobuf's JSON mapping, field names as in the .proto, default values
// written): what `--format json` prints. 64-bit integers are strings, as the mapping specifies.
std::string proto_to_json(const google::protobuf::Message& record);

}  // namespace cascade::app
