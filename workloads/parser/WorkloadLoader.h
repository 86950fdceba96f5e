#pragma once

#include <string>

#include "workloads/ir/Cascade.h"

namespace cascade::workloads {

// The most entries a workload may declare: real cascades have under 20 ranks and a few hundred
// Einsums (a whole transformer layer); validation and analysis are polynomial in these counts.
inline constexpr int kMaxRanks = 256;     // also partitions
inline constexpr int kMaxEinsums = 4096;  // also tensors
inline constexpr int kMaxExtentSizes = 65536;  // sizes of one ragged extent

// Reads a workload file (protobuf text format, schema configs/workload.proto), parses its Einsums
// and validates the cascade. Throws base::InputError naming the file, line, column and what was
// expected.
Cascade load_workload_file(const std::string& path);

// Same, from text in memory; `file` is the name errors carry.
Cascade parse_workload_text(const std::string& text, const std::string& file);

}  // namespace cascade::workloads
