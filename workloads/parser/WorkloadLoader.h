#pragma once

#include <string>

#include "workloads/ir/Cascade.h"

namespace cascade::workloads {

// Reads a workload file (protobuf text format, schema configs/workload.proto), parses its Einsums
// and validates the cascade. Throws InputError naming the file, line, column and what was
// expected.
Cascade load_workload_file(const std::string& path);

// Same, from text in memory; `file` is the name errors carry.
Cascade parse_workload_text(const std::string& text, const std::string& file);

}  // namespace cascade::workloads
