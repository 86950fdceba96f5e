#pragma once

#include <google/protobuf/message.h>

#include <string>

namespace cascade::base {

// Sets one field of a config message by its dotted path, as sweeps and scripts change a config:
// "clock_hz", "array2d.rows", "gemm_tile[2].tile_m" (an element of a repeated message field),
// "peak.tensor_flops_per_second[bf16]" (a map entry, added if missing). `value` is the field's
// text: a number for numeric fields (range-checked for the field's type), true/false, a string,
// or an enum value's name. Throws InputError (file "override", the path in the message) for a path
// that names no field, an index out of range, or a value the field cannot hold. Only the field
// is changed; the caller checks the whole config again.
void set_field_by_path(google::protobuf::Message& message, const std::string& path, const std::string& value);

}  // namespace cascade::base
