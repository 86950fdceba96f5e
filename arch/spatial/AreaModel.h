#pragma once

#include "arch/ArchConfig.h"

namespace cascade::arch {

// The chip area of a spatial-array config (FuseMax and its baselines), in mm², from its `area`
// entries (configs/arch.proto ComponentArea, µm² each; 45 nm in the shipped configs, from the FuseMax
// artifact's Accelergy tables, docs/fusemax-model.md Sec. 1):
//   "array2d.<unit>", "array1d.<unit>"  a functional unit in every PE of the array: x rows x cols;
//   "regfile2d", "regfile1d"  one word of a PE's register file: x register_file_depth x PEs;
//   "global_buffer"  one byte of the global buffer: x capacity_bytes.
// The sum of every entry so scaled: area grows linearly with PEs, register depth and buffer bytes
// (an assumption of the model: CACTI's SRAM area is close to linear over 8-64 MiB). Throws
// InputError at the entry for a component of another name or an area that is negative.
double spatial_area_mm2(const ArchConfig& config);

}  // namespace cascade::arch
