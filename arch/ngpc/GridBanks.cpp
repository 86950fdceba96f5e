#include "arch/ngpc/GridBanks.h"

#include <algorithm>
#include <cmath>

namespace cascade::arch::ngpc {
namespace {

// SplitMix64 (Steele et al., 2014): a deterministic stream of positions, the same on every machine.
uint64_t mix(uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// tcnn's CoherentPrime hash primes (common_device.h).
constexpr uint32_t kPrimes[] = {1u, 2654435761u, 805459861u, 3674653429u, 2097192037u, 1434869437u, 2165219737u, 1u};

}  // namespace

std::vector<double> index_modulo_lookup_cycles(const workloads::GridEncodingStructure& g, uint32_t banks,
                                               uint32_t samples) {
  std::vector<double> cycles;
  const uint32_t dims = g.grid.dims;
  std::vector<uint32_t> load(banks);
  for (uint64_t l = 0; l < g.levels; ++l) {
    // Positions map to scale x + 0.5 (tcnn grid.h).
    const double scale = workloads::grid_level_scale(g.grid, l);
    const double res = std::ceil(scale) + 1.0;
    const uint64_t entries = std::max<uint64_t>(1, g.level_entries[l]);
    const bool hashed = std::pow(res, dims) > static_cast<double>(entries);
    const auto res_int = static_cast<uint64_t>(std::min(res, 0x1p32));
    uint64_t total = 0;
    for (uint32_t s = 0; s < samples; ++s) {
      uint64_t cell[8] = {};
      for (uint32_t d = 0; d < dims; ++d) {
        const double x = static_cast<double>(mix((l << 40) ^ (uint64_t{s} << 8) ^ d) >> 11) * 0x1p-53;
        cell[d] = static_cast<uint64_t>(std::floor(x * scale + 0.5));
      }
      std::fill(load.begin(), load.end(), 0);
      for (uint32_t c = 0; c < (1u << dims); ++c) {
        uint64_t index = 0, stride = 1;
        uint32_t hash = 0;
        for (uint32_t d = 0; d < dims; ++d) {
          const uint64_t x = cell[d] + ((c >> d) & 1);
          hash ^= static_cast<uint32_t>(x) * kPrimes[d];
          index += x * stride;
          stride *= res_int;
        }
        ++load[(hashed ? hash : index) % entries % banks];
      }
      total += *std::max_element(load.begin(), load.end());
    }
    cycles.push_back(static_cast<double>(total) / samples);
  }
  return cycles;
}

}  // namespace cascade::arch::ngpc
