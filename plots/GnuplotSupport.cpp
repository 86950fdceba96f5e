#include "plots/GnuplotSupport.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace cascade::plots {

void require_gnuplot() {
  const char* path = std::getenv("PATH");
  const std::string dirs = path ? path : "";
  size_t start = 0;
  while (start <= dirs.size()) {
    const size_t end = std::min(dirs.find(':', start), dirs.size());
    const std::filesystem::path candidate =
        std::filesystem::path(dirs.substr(start, end - start)) / "gnuplot";
    if (::access(candidate.c_str(), X_OK) == 0) return;
    start = end + 1;
  }
  throw std::runtime_error("gnuplot not found on PATH (Debian package gnuplot-nox)");
}

std::string quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("''") : std::string(1, c);
  return q + "'";
}

void require_plot_written(const std::string& png_path) {
  if (!std::filesystem::exists(png_path) || std::filesystem::file_size(png_path) == 0)
    throw std::runtime_error("gnuplot wrote no plot to " + png_path);
}

}  // namespace cascade::plots
