#pragma once

#include <fstream>
#include <string>

#include "base/OutputFile.h"

namespace cascade::base {

// A scratch folder of a test, with a file writer.
struct TempFolder {
  TempDir dir;
  std::string path(const std::string& name) const { return dir.path() + "/" + name; }
  std::string file(const std::string& name, const std::string& text) const {
    std::ofstream(path(name), std::ios::binary) << text;
    return path(name);
  }
};

}  // namespace cascade::base
