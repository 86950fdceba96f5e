#include "sim/reference/memory/SramGeometry.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace cascade::sim {
namespace {

void require_positive(const char* field, std::uint64_t value) {
  if (value == 0) {
    throw std::invalid_argument(std::string("BankedSram ") + field +
                                " must be positive, got 0");
  }
}

void require_even(const char* field, std::uint64_t value) {
  if (value % 2 != 0) {
    throw std::invalid_argument(std::string("BankedSram ") + field +
                                " must be even when double_buffered, got " +
                                std::to_string(value));
  }
}

std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return a / b + (a % b != 0); }

std::string describe(const SramAccess& access) {
  return "BankedSram access " + std::to_string(access.id) + " (" + to_string(access.direction) +
         ")";
}

std::string capacity_phrase(const SramGeometry& geometry) {
  return (geometry.double_buffered ? "the half capacity " : "capacity ") +
         std::to_string(geometry.half_capacity_bytes()) + " bytes";
}

void require_half(const SramGeometry& geometry, const SramAccess& access) {
  if (access.half < geometry.halves()) {
    return;
  }
  throw std::invalid_argument(
      describe(access) + " names half " + std::to_string(access.half) +
      (geometry.double_buffered ? ", but a double-buffered buffer has halves 0 and 1"
                                : ", but the buffer is not double-buffered and has only half 0"));
}

// Words [first, first + count) of a contiguous range: every bank gets count / banks of them,
// and the count % banks banks from first's bank on get one more.
void add_range(const SramGeometry& geometry, const SramAccess& access, SramAccessCost& cost) {
  const std::uint64_t capacity = geometry.half_capacity_bytes();
  if (access.base > capacity || access.bytes > capacity - access.base) {
    throw std::out_of_range(describe(access) + " touches bytes [" + std::to_string(access.base) +
                            ", " + std::to_string(access.base + access.bytes) + ") beyond " +
                            capacity_phrase(geometry));
  }
  if (access.bytes == 0) {
    return;
  }
  const std::uint64_t width = geometry.bank_width_bytes;
  const std::uint64_t first = access.base / width;
  const std::uint64_t count = (access.base + access.bytes - 1) / width - first + 1;
  const std::uint64_t banks = geometry.banks_per_half();
  for (std::uint64_t bank = 0; bank < banks; ++bank) {
    const std::uint64_t offset = (bank + banks - first % banks) % banks;
    cost.words_per_bank[bank] = count / banks + (offset < count % banks ? 1 : 0);
  }
  cost.words = count;
}

void add_gather(const SramGeometry& geometry, const SramAccess& access, SramAccessCost& cost) {
  std::vector<std::uint64_t> words;
  words.reserve(access.addresses.size());
  for (const std::uint64_t address : access.addresses) {
    if (address >= geometry.half_capacity_bytes()) {
      throw std::out_of_range(describe(access) + " touches byte " + std::to_string(address) +
                              " beyond " + capacity_phrase(geometry));
    }
    words.push_back(address / geometry.bank_width_bytes);
  }
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  for (const std::uint64_t word : words) {
    ++cost.words_per_bank[word % geometry.banks_per_half()];
  }
  cost.words = words.size();
}

}  // namespace

void validate(const SramGeometry& geometry) {
  require_positive("capacity_bytes", geometry.capacity_bytes);
  require_positive("banks", geometry.banks);
  require_positive("bank_width_bytes", geometry.bank_width_bytes);
  require_positive("ports_per_bank", geometry.ports_per_bank);
  if (geometry.double_buffered) {
    require_even("capacity_bytes", geometry.capacity_bytes);
    require_even("banks", geometry.banks);
  }
}

SramAccessCost access_cost(const SramGeometry& geometry, const SramAccess& access) {
  require_half(geometry, access);
  SramAccessCost cost;
  cost.words_per_bank.assign(geometry.banks_per_half(), 0);
  if (access.addresses.empty()) {
    add_range(geometry, access, cost);
  } else {
    add_gather(geometry, access, cost);
  }
  const std::uint64_t most_loaded =
      *std::max_element(cost.words_per_bank.begin(), cost.words_per_bank.end());
  const std::uint64_t ports = geometry.ports_per_bank;
  cost.cycles = std::max<std::uint64_t>(1, ceil_div(most_loaded, ports));
  const std::uint64_t even_spread =
      std::max<std::uint64_t>(1, ceil_div(cost.words, geometry.banks_per_half() * ports));
  cost.conflict_cycles = cost.cycles - even_spread;
  return cost;
}

}  // namespace cascade::sim
