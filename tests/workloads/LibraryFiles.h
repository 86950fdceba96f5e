#pragma once

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace cascade::workloads::testing_support {

// A file of the workload library, by its path under workloads/library/.
inline std::string library_file(const std::string& relative) {
  return std::string(CASCADE_SOURCE_DIR) + "/workloads/library/" + relative;
}

// Every .pbtxt of the workload library, sorted.
inline std::vector<std::string> all_library_files() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(
           std::string(CASCADE_SOURCE_DIR) + "/workloads/library"))
    if (entry.path().extension() == ".pbtxt") files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace cascade::workloads::testing_support
