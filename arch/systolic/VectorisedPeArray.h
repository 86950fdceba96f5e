// The PE-level systolic array for arrays of any size: the same hardware as the SystemC model
// (SimulateSystolicGemm.h, SystolicGemmCycles.h), clocked cycle by cycle over flat arrays instead
// of a module per PE, so that 128x128 and 256x256 arrays run as references.
//
// Every cycle every PE does its MAC on the operands its input links hold, in loops over a row
// of PEs that the compiler vectorises; a link chain is a shift register (an operand entered at a
// row's edge in cycle e is on the link into column j in cycle e + 1 + j), kept as a window over
// what the edge registered, not copied PE to PE. What happens at few PEs a cycle is handled as
// events: a tile's last OS operands (the PE hands its result on), WS and IS weights latching in
// their row, results arriving at the output edge. The checks of the SystemC PEs hold here too:
// operands out of step, an A operand without its partial sum, two results wanting one register.
//
// Serial tiles start as the SystemC model starts them, when the last result of the one before is
// captured; Pipelined tiles every P cycles (systolic_tile_period), an OS result leaving on its
// column's output path the cycle after its last MAC. The cycle count is the cycle the last result
// was captured, measured, not computed from the closed form.
#pragma once

#include <cstdint>

#include "arch/systolic/IntMatrix.h"
#include "arch/systolic/SimulateSystolicGemm.h"
#include "arch/systolic/SystolicArrayConfig.h"

namespace cascade::arch {

// The most PEs an array may have here (4096 x 4096): its registers are kept in memory.
inline constexpr std::uint64_t kMaxVectorisedPes = std::uint64_t{1} << 24;

// Throws std::invalid_argument like simulate_systolic_gemm, for arrays of up to kMaxVectorisedPes
// PEs and Pipelined tiles too, and for an operand outside 32 bits (the width of its links; sums
// are 64-bit); std::logic_error where the array breaks a rule of its PEs; std::runtime_error if it
// has not finished after a cycle bound no correct run reaches.
SystolicGemmRun simulate_systolic_gemm_vectorised(const SystolicArrayConfig& config, const IntMatrix& a,
                                                  const IntMatrix& b);

}  // namespace cascade::arch
