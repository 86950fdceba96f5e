#pragma once

// What the fuzz targets share: the repository's files (CASCADE_SOURCE_DIR) and the input as text.
#include <cstddef>
#include <cstdint>
#include <string>

#include "arch/gpu/GpuArchConfig.h"
#include "arch/gpu/GpuModel.h"

namespace cascade::fuzz {

inline std::string source_path(const std::string& relative) { return std::string(CASCADE_SOURCE_DIR) + "/" + relative; }

// The calibrated H100 model the GPU-side targets compare with, read once.
inline const arch::gpu::GpuModel& calibrated_h100() {
  static const arch::gpu::GpuModel model(
      arch::gpu::GpuArchConfig::load(source_path("configs/arch/gpu/h100_sxm.calibrated.pbtxt")));
  return model;
}

inline std::string text_of(const uint8_t* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

}  // namespace cascade::fuzz
