#include "arch/spatial/CyclePrograms.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace cascade::arch {

using sim::RoundTask;

int spatial_unit(const std::string& unit) { return unit == "array1d" ? kArray1d : kArray2d; }

namespace {

// Callers bound their totals first (PhaseEvaluator::check_phase_cycles): a value past 2^62 here is
// a bug, never a cast out of range.
uint64_t whole(double v, const char* what) {
  if (!(v >= 0 && v <= static_cast<double>(uint64_t{1} << 62)))
    throw std::logic_error(std::string(what) + ": " + std::to_string(v) + " is not a count of at most 2^62");
  return static_cast<uint64_t>(v);
}

}  // namespace

uint64_t share(double total, uint64_t parts) {
  return whole(std::ceil(total / static_cast<double>(parts)), "share");
}

uint64_t round_count_for(uint64_t natural_tiles, double phase_cycles) {
  const auto longest = whole(phase_cycles / kMinRoundCycles, "round_count_for");
  return std::max<uint64_t>(1, std::min(natural_tiles, longest));
}

namespace {

sim::RoundProgram spatial_program() {
  sim::RoundProgram p;
  p.units = {"array2d", "array1d", "dram"};
  return p;
}

// Prologue (the first round, nothing to store yet), `middle` full rounds, epilogue (the last
// store), as one block.
void add_pipelined_runs(sim::RoundProgram& p, const std::vector<RoundTask>& first,
                        const std::vector<RoundTask>& middle, uint64_t middle_count,
                        const std::vector<RoundTask>& last) {
  sim::RoundBlock block;
  block.runs.push_back({first, 1});
  if (middle_count > 0) block.runs.push_back({middle, middle_count});
  block.runs.push_back({last, 1});
  p.blocks.push_back(block);
}

}  // namespace

sim::RoundProgram streamed_program(const std::vector<std::vector<TaskSpec>>& stages, uint64_t tiles,
                                   double read_bytes, double write_bytes, double bytes_per_cycle) {
  if (tiles == 0) throw std::invalid_argument("streamed_program needs at least one tile");
  std::vector<RoundTask> compute;
  compute.push_back({"load", kDram, share(read_bytes / bytes_per_cycle, tiles), {}});
  std::vector<std::string> previous = {"load"};
  for (const auto& stage : stages) {
    std::vector<std::string> names;
    for (const auto& spec : stage) {
      RoundTask t{spec.name, spec.unit, share(spec.total_cycles, tiles), {}};
      for (const auto& dep : previous) t.deps.push_back({dep, 0});
      compute.push_back(t);
      names.push_back(spec.name);
    }
    if (!names.empty()) previous = names;
  }
  const uint64_t store_cycles = share(write_bytes / bytes_per_cycle, tiles);
  RoundTask store{"store_previous", kDram, store_cycles, {}};
  for (const auto& dep : previous) store.deps.push_back({dep, 1});
  std::vector<RoundTask> middle = compute;
  middle.push_back(store);
  sim::RoundProgram p = spatial_program();
  add_pipelined_runs(p, compute, middle, tiles - 1, {store});
  return p;
}

sim::RoundProgram fused_attention_program(const FusedAttentionSpec& s, double bytes_per_cycle) {
  if (s.rounds == 0) throw std::invalid_argument("fused_attention_program needs at least one round");
  const RoundTask load{"load", kDram, share(s.read_bytes / bytes_per_cycle, s.rounds), {}};
  const RoundTask qk{"QK", kArray2d, share(s.qk_cycles, s.rounds), {{"load", 0}}};
  const RoundTask softmax{"softmax", kArray1d, share(s.softmax_cycles, s.rounds), {{"QK", 0}}};
  const RoundTask av{"AV_previous", kArray2d, share(s.av_cycles, s.rounds), {{"softmax", 1}}};
  // A unit's result leaves two rounds later: AV of round r runs after QK of round r + 1, and the
  // DRAM channel must not wait for it between its loads.
  const RoundTask store{"store_earlier", kDram, share(s.write_bytes / bytes_per_cycle, s.rounds),
                        {{"AV_previous", 1}}};
  sim::RoundProgram p = spatial_program();
  p.rounds_in_flight = 3;
  sim::RoundBlock block;
  block.runs.push_back({{load, qk, softmax}, 1});
  if (s.rounds > 1) block.runs.push_back({{load, qk, softmax, av}, 1});
  if (s.rounds > 2) block.runs.push_back({{load, qk, softmax, av, store}, s.rounds - 2});
  block.runs.push_back({s.rounds > 1 ? std::vector<RoundTask>{av, store} : std::vector<RoundTask>{av}, 1});
  block.runs.push_back({{store}, 1});
  p.blocks.push_back(block);
  return p;
}

}  // namespace cascade::arch
