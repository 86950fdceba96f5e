// The shape and dataflow of a 2D systolic PE array, shared by every model that has one (the
// FuseMax 2D array first). How a GEMM maps onto it, and what that costs, is defined in
// SystolicGemmCycles.h.
#pragma once

#include <cstdint>
#include <string_view>

namespace cascade::arch {

// Which operand stays in the PEs for a whole tile while the other two move.
enum class Dataflow {
  OutputStationary,  // C[m,n] accumulates in a PE; A and B stream through
  WeightStationary,  // B[k,n] is preloaded into a PE; A streams through, partial sums flow down
  InputStationary,   // A[m,k] is preloaded into a PE; B streams through, partial sums flow down
};

// How consecutive tiles share the array (SystolicGemmCycles.h defines both).
enum class TileOverlap {
  Serial,     // a tile starts when the previous one's last result is captured
  Pipelined,  // a tile starts when the previous one's last operands reach the far PE; drains overlap
};

std::string_view to_string(Dataflow dataflow);
std::string_view to_string(TileOverlap overlap);

struct SystolicArrayConfig {
  std::uint64_t rows = 1;  // R: PEs along a column
  std::uint64_t cols = 1;  // C: PEs along a row
  Dataflow dataflow = Dataflow::OutputStationary;
  TileOverlap overlap = TileOverlap::Serial;
};

// Throws std::invalid_argument naming the first bad field ("SystolicArrayConfig.<field> ..."):
// rows and cols must be at least 1, dataflow and overlap one of their enumerators.
void validate(const SystolicArrayConfig& config);

}  // namespace cascade::arch
