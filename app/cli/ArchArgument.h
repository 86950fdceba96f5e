#pragma once

#include <string>

namespace cascade::app {

// --arch is a path if it names a file or looks like one (a '/' or a .pbtxt ending); otherwise a
// config name, looked up as <root>/configs/arch/<name>.pbtxt and then (unless `gpu_only`)
// <root>/configs/arch/gpu/<name>.pbtxt. An unknown name is a UsageError listing the known ones.
std::string resolve_arch(const std::string& arch, const std::string& root, bool gpu_only);

}  // namespace cascade::app
