#include "app/cli/ArchArgument.h"

#include <filesystem>
#include <set>
#include <vector>

#include "base/Text.h"
#include "app/cli/ExitCodes.h"

namespace cascade::app {

namespace fs = std::filesystem;

std::string resolve_arch(const std::string& arch, const std::string& root, bool gpu_only) {
  // Every file-system query with an error code: an unreadable or overlong name is just not found.
  std::error_code ec;
  if (fs::is_regular_file(arch, ec) || arch.find('/') != std::string::npos || arch.ends_with(".pbtxt"))
    return arch;
  std::vector<fs::path> dirs;
  if (!gpu_only) dirs.push_back(fs::path(root) / "configs/arch");
  dirs.push_back(fs::path(root) / "configs/arch/gpu");
  std::set<std::string> known;
  std::string looked;
  for (const fs::path& dir : dirs) {
    const fs::path path = dir / (arch + ".pbtxt");
    if (fs::is_regular_file(path, ec)) return path.string();
    looked += (looked.empty() ? "" : ", ") + base::printable(path.string());
    if (fs::is_directory(dir, ec))
      for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec))
        if (it->path().extension() == ".pbtxt" && it->path().stem() != "compute_capabilities")
          known.insert(it->path().stem().string());
  }
  std::string list;
  for (const auto& name : known) list += (list.empty() ? "" : ", ") + name;
  throw UsageError{"--arch: no " + std::string(gpu_only ? "GPU config" : "architecture config") + " '" +
                   base::printable(arch) + "' (looked for " + looked +
                   (list.empty() ? "; give --root DIR or a path" : "; known: " + list) + ")"};
}

}  // namespace cascade::app
