#pragma once

// What the fuzz targets share: the repository's files (CASCADE_SOURCE_DIR) and the input as text.
#include <cstddef>
#include <cstdint>
#include <string>

#include "base/InputFile.h"

namespace cascade::fuzz {

inline std::string source_path(const std::string& relative) { return std::string(CASCADE_SOURCE_DIR) + "/" + relative; }

inline std::string text_of(const uint8_t* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

}  // namespace cascade::fuzz
