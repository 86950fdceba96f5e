#include "sim/reference/memory/StatsRegistry.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace cascade::sim {
namespace {

void require_valid_path(std::string_view path) {
  const bool malformed = path.empty() || path.front() == '.' || path.back() == '.' ||
                         path.find("..") != std::string_view::npos;
  if (malformed) {
    throw std::invalid_argument(
        "StatsRegistry path must be dot-separated non-empty names, got \"" + std::string(path) +
        "\"");
  }
}

// '.' ranks below every other byte, which turns plain character order into segment order.
unsigned rank(char c) { return c == '.' ? 0u : static_cast<unsigned char>(c) + 1u; }

bool in_subtree(std::string_view path, std::string_view root) {
  return path.size() > root.size() && path.substr(0, root.size()) == root &&
         path[root.size()] == '.';
}

}  // namespace

bool StatsRegistry::PathOrder::operator()(std::string_view a, std::string_view b) const {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                      [](char x, char y) { return rank(x) < rank(y); });
}

void StatsRegistry::add(std::string_view path, std::uint64_t amount) {
  require_valid_path(path);
  auto it = counters_.find(path);
  if (it == counters_.end()) {
    it = counters_.emplace(std::string(path), 0).first;
  }
  if (it->second > std::numeric_limits<std::uint64_t>::max() - amount) {
    throw std::overflow_error("StatsRegistry counter \"" + std::string(path) + "\" overflows: " +
                              std::to_string(it->second) + " + " + std::to_string(amount));
  }
  it->second += amount;
}

bool StatsRegistry::contains(std::string_view path) const {
  return counters_.find(path) != counters_.end();
}

std::uint64_t StatsRegistry::get(std::string_view path) const {
  const auto it = counters_.find(path);
  if (it == counters_.end()) {
    throw std::out_of_range("StatsRegistry has no counter \"" + std::string(path) + "\"");
  }
  return it->second;
}

std::uint64_t StatsRegistry::total(std::string_view path) const {
  require_valid_path(path);
  // The subtree is contiguous and starts at `path` itself (or where it would be).
  std::uint64_t sum = 0;
  for (auto it = counters_.lower_bound(path);
       it != counters_.end() && (it->first == path || in_subtree(it->first, path)); ++it) {
    if (sum > std::numeric_limits<std::uint64_t>::max() - it->second) {
      throw std::overflow_error("StatsRegistry total of \"" + std::string(path) +
                                "\" overflows 64 bits");
    }
    sum += it->second;
  }
  return sum;
}

void StatsRegistry::merge(const StatsRegistry& other) {
  for (const auto& [path, value] : other.counters_) {
    add(path, value);
  }
}

void StatsRegistry::merge(const StatsRegistry& other, std::string_view prefix) {
  require_valid_path(prefix);
  for (const auto& [path, value] : other.counters_) {
    add(std::string(prefix) + "." + path, value);
  }
}

std::vector<StatsRegistry::Entry> StatsRegistry::dump() const {
  return {counters_.begin(), counters_.end()};
}

}  // namespace cascade::sim
