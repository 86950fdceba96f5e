// Our systolic-array timing beside SCALE-Sim v2's on the GEMMs it was run on
// (validation/scalesim/scalesim_gemm_cycles.csv, made by run_scalesim.py): the closed form, the
// tile-granular cycle mode and the vectorised PE-level model, all with Pipelined tiles, against
// SCALE-Sim's Total Cycles and wall time (docs/systolic.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "arch/systolic/SystolicArrayConfig.h"

namespace cascade::validation {

// One GEMM as SCALE-Sim ran it: C[M,N] = A[M,K] B[K,N] on rows x cols PEs.
struct ScaleSimRun {
  std::string topology, layer;
  std::uint64_t M = 0, N = 0, K = 0, rows = 0, cols = 0;
  arch::Dataflow dataflow = arch::Dataflow::OutputStationary;
  std::uint64_t total_cycles = 0, stall_cycles = 0;
  double wall_s = 0;  // its process, start-up included
};

// The largest GEMM dimension and array side a row may give (SCALE-Sim's own topologies stay far
// below): bounds the work a file can ask for.
inline constexpr std::uint64_t kMaxScaleSimDimension = std::uint64_t{1} << 24;
inline constexpr std::uint64_t kMaxScaleSimArraySide = 4096;

// Reads a run_scalesim.py CSV ('#' lines are comments; a header, then a row a GEMM). Throws
// InputError naming the file, line and column of a bad cell.
std::vector<ScaleSimRun> load_scalesim_runs(const std::string& path);

struct ScaleSimComparisonRow {
  ScaleSimRun scalesim;
  // Pipelined cycles: the closed form, the tile-granular cycle mode, the PE-level model (0: not run).
  std::uint64_t closed_form = 0, tile_granular = 0, pe_level = 0;
  double closed_form_s = 0, tile_granular_s = 0, pe_level_s = 0;  // our wall times
  // SCALE-Sim's wall time less its start-up (its one-MAC GEMM on the same array and dataflow), 0
  // where the file has no such run.
  double scalesim_simulation_s = 0;
};

struct ScaleSimComparison {
  std::string source;  // the CSV compared against
  std::vector<ScaleSimComparisonRow> rows;
};

// Runs our three timings on every GEMM of `runs` except the start-up ones (the PE-level model only
// with `pe_level`; its operands are deterministic small integers).
ScaleSimComparison compare_with_scalesim(const std::vector<ScaleSimRun>& runs, const std::string& source,
                                         bool pe_level);

// What SCALE-Sim reports is 2 cycles fewer than our Pipelined count (SystolicGemmCycles.h).
inline constexpr std::uint64_t kCyclesOverScaleSim = 2;
// SCALE-Sim's start-up (its one-MAC runs) spreads over about 1.5 s (2.5 to 4.1 s in the committed
// runs): a simulation time, its wall less its start-up, is told apart from that above 2 s.
inline constexpr double kClearOfStartupSeconds = 2;

// What a comparison found.
struct ScaleSimSummary {
  std::size_t closed_form_agrees = 0;  // GEMMs whose closed form is SCALE-Sim's count + kCyclesOverScaleSim
  std::size_t modes_agree = 0;         // ... whose tile-granular and PE-level (where run) equal the closed form
  std::size_t all_agree = 0;           // ... both
  std::size_t stalled = 0;             // SCALE-Sim runs that stalled on memory
  // Our speedups over SCALE-Sim's process, and over its simulation alone (its wall less its
  // start-up) where that is at least kClearOfStartupSeconds.
  std::vector<double> tile_granular, pe_level, tile_granular_simulation, pe_level_simulation;
};
ScaleSimSummary summarize(const ScaleSimComparison& comparison);

// The cycles side by side (deterministic: no wall times), with how many GEMMs differ from SCALE-Sim
// by exactly the documented 2 cycles.
std::string scalesim_markdown(const ScaleSimComparison& comparison);
std::string scalesim_csv(const ScaleSimComparison& comparison);
// The wall times and our speedups over SCALE-Sim (its whole process and its simulation alone).
std::string scalesim_speed_csv(const ScaleSimComparison& comparison);

}  // namespace cascade::validation
