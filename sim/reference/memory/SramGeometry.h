// The shape of a banked SRAM buffer and what one access costs on it.
//
// Bytes map to banks word-interleaved: byte address x lies in word x / bank_width_bytes, and word
// w in bank w % banks. An access touches each distinct word of its bytes once (a bank returns or
// stores a whole word per access), each bank serves ports_per_bank words per cycle, so an access
// takes as many cycles as its most-loaded bank needs: max over banks of ceil(words / ports).
//
// Double buffering splits the buffer into two independent halves (one filled while the other is
// read), each with half the capacity and half the banks; an access addresses bytes from 0 within
// its half, and the two halves never conflict.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/reference/memory/SramAccess.h"

namespace cascade::sim {

struct SramGeometry {
  std::uint64_t capacity_bytes = 0;
  std::uint64_t banks = 1;
  std::uint64_t bank_width_bytes = 1;
  std::uint64_t ports_per_bank = 1;
  bool double_buffered = false;

  std::uint64_t halves() const { return double_buffered ? 2 : 1; }
  std::uint64_t half_capacity_bytes() const { return capacity_bytes / halves(); }
  std::uint64_t banks_per_half() const { return banks / halves(); }
};

// Throws std::invalid_argument naming the first bad field ("BankedSram <field> ..."):
// capacity_bytes, banks, bank_width_bytes and ports_per_bank must be positive, and a
// double-buffered buffer needs an even capacity and an even number of banks.
void validate(const SramGeometry& geometry);

struct SramAccessCost {
  std::vector<std::uint64_t> words_per_bank;  // of the access's half, indexed by bank
  std::uint64_t words = 0;                    // distinct words touched
  // max over banks of ceil(words / ports_per_bank), and at least 1: an access that touches no
  // word still takes its cycle.
  std::uint64_t cycles = 1;
  // What bank conflicts add: cycles minus those with words spread evenly over every bank and
  // port of the half, ceil(words / (banks_per_half * ports_per_bank)) (at least 1).
  std::uint64_t conflict_cycles = 0;
};

// The cost of `access` on a valid `geometry`. Throws std::invalid_argument for a half the
// buffer does not have, and std::out_of_range for a byte beyond the capacity (of the half, when
// double-buffered), with a message naming the access, the bytes and the capacity.
SramAccessCost access_cost(const SramGeometry& geometry, const SramAccess& access);

}  // namespace cascade::sim
