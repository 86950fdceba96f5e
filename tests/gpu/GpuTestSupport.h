#pragma once

#include <string>

#include "arch/gpu/GpuArchConfig.h"

namespace cascade::arch::gpu::testing_support {

inline std::string source_path(const std::string& relative) {
  return std::string(CASCADE_SOURCE_DIR) + "/" + relative;
}

// configs/arch/gpu/compute_capabilities.pbtxt, read once.
inline const ComputeCapabilityTable& compute_capabilities() {
  static const ComputeCapabilityTable table =
      ComputeCapabilityTable::load(source_path("configs/arch/gpu/compute_capabilities.pbtxt"));
  return table;
}

inline GpuArchConfig gpu_config(const std::string& name) {
  return GpuArchConfig::load(source_path("configs/arch/gpu/" + name + ".pbtxt"));
}

}  // namespace cascade::arch::gpu::testing_support
