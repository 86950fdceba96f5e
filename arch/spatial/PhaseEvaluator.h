#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "arch/ArchConfig.h"
#include "arch/Model.h"
#include "arch/spatial/EnergyTable.h"
#include "arch/spatial/SpatialStructure.h"
#include "sim/engine/RoundProgram.h"
#include "sim/result/Result.h"
#include "workloads/analysis/ShapeBinding.h"
#include "workloads/ir/Cascade.h"

namespace cascade::arch {

// The Einsum names of a stage group ("BQK LM"), and of a whole phase (its `einsums` and every group
// of its stages), in the order written.
std::vector<std::string> split_names(const std::string& group);
std::vector<std::string> phase_einsum_names(const config::Phase& phase);

// The analytical rules shared by the spatial-array models (FuseMax and its baselines) for the
// phases of a mapping (configs/arch.proto, Mapping.phase):
//  - an Einsum bound to a unit keeps it busy for sum over its operation kinds of
//    count x op_cost.cycles / number of PEs (every PE does one operation per cycle);
//  - a staged phase takes the sum over its stages of the longest group (the groups of a stage run
//    on different units at the same time) - FuseMax's "waterfall";
//  - a phase moves each tensor that crosses its boundary through DRAM once, and takes
//    max(compute, traffic / DRAM bandwidth);
//  - energy: each operation costs its op_cost actions on the unit, each action one register-file
//    read and write, buffer operands reused across a 2D array's rows or columns, and every DRAM
//    byte one buffer access on chip.
// These are the rules of the FuseMax artifact's analytical model (docs/fusemax-model.md, Sec. 3-7).
class PhaseEvaluator {
 public:
  struct PhasePlan {
    const config::Phase* phase = nullptr;
    const SpatialStructure::Plan* structure = nullptr;  // its Einsums, stage groups, boundary tensors
    const std::vector<size_t>& einsums() const { return structure->einsums; }  // indices in the cascade
  };

  // The point `sizes` of `structure` (built from this config's structure and `cascade`, which all
  // outlive the evaluator): counts every Einsum's operations; checks that every Einsum of the
  // workload is in a phase and bound where staged.
  PhaseEvaluator(const ArchConfig& config, const workloads::Cascade& cascade, const workloads::RankSizes& sizes,
                 const SpatialStructure& structure);

  // The phases that have Einsums in this workload, in mapping order.
  const std::vector<PhasePlan>& plans() const { return plans_; }

  // "array2d", "array1d", or "" for an Einsum bound to no unit.
  const std::string& unit_of(size_t einsum) const;
  // Whole-unit busy cycles of an Einsum on its bound unit.
  double busy_cycles(size_t einsum) const;
  // The operations an Einsum's unit performs (every kind its op counts have), 0 for an Einsum on
  // no unit.
  double operations(size_t einsum) const;
  // Compute cycles of a staged phase.
  double stage_cycles(const PhasePlan& plan) const;
  // Bytes of a tensor as the workload binds it (by name, or by index in the cascade).
  double tensor_bytes(const std::string& tensor) const;
  double tensor_bytes(size_t tensor) const;
  // The size of the rank in a slot of the structure's RankSlots.
  uint64_t rank_size(size_t slot) const { return ranks_.of(slot); }
  const SpatialStructure& structure() const { return structure_; }
  // DRAM bytes read and written by a phase moving each boundary tensor once.
  std::pair<double, double> boundary_traffic(const PhasePlan& plan) const;
  bool is_phase_input(const PhasePlan& plan, const std::string& tensor) const;

  // Compute, register-file and buffer-operand energy of one Einsum; busy cycles of its unit.
  void account_einsum(size_t einsum, sim::Result& result) const;
  // DRAM and the buffer accesses that DRAM traffic causes.
  void account_dram(double read_bytes, double write_bytes, sim::Result& result) const;

  // Energy and busy cycles of every Einsum of a staged phase.
  void account_staged(const PhasePlan& plan, sim::Result& result) const;
  // Energy and busy cycles when a phase starts, to record the phase's own share when it ends.
  struct PhaseMark {
    double energy_pj = 0;
    std::vector<std::pair<std::string, double>> busy_cycles;  // by unit, as result.busy_cycles
  };
  static PhaseMark mark(const sim::Result& result) {
    return {result.total_energy_pj(), {result.busy_cycles.begin(), result.busy_cycles.end()}};
  }
  // The longest a phase may take, 2^50 cycles (13 days at 1 GHz): beyond it a cycle-level run's
  // SystemC time (picoseconds in 64 bits) would overflow. Only rates far too low for the workload
  // get there.
  static constexpr double kMaxPhaseCycles = 1125899906842624.0;
  // Throws InputError naming the architecture config if the phase's compute or DRAM time (its
  // traffic at the DRAM's bandwidth) is not a finite number of at most kMaxPhaseCycles. Every
  // phase passes here before it is simulated or closed.
  void check_phase_cycles(const std::string& name, double compute_cycles, double read_bytes,
                          double write_bytes) const;
  // Closes a phase: DRAM traffic and its energy, latency = ceil(max(compute, traffic /
  // bandwidth)), the phase's record (cycles, energy and per-unit utilization since `start`) and
  // the total cycles.
  // With `simulated_cycles` (the cycle fidelity), the phase takes exactly those.
  uint64_t finish_phase(const PhasePlan& plan, double compute_cycles, double read_bytes,
                        double write_bytes, const PhaseMark& start, sim::Result& result,
                        std::optional<uint64_t> simulated_cycles = std::nullopt) const;
  // Tiles a staged phase is streamed in: the most any Einsum's output needs of its unit's PEs.
  uint64_t phase_tiles(const PhasePlan& plan) const;
  // Cycles of a staged phase simulated tile by tile (sim/engine), with its stages' work and DRAM
  // traffic; records the engine's effort in `result.stats`.
  uint64_t simulate_staged(const PhasePlan& plan, double read_bytes, double write_bytes,
                           bool fast_forward, sim::Result& result) const;
  // A staged phase moving each boundary tensor once: accounts it and closes it, analytically or
  // simulated (`fidelity` "cycle").
  uint64_t run_staged_phase(const PhasePlan& plan, sim::Result& result, Fidelity fidelity = Fidelity::Analytical,
                            bool fast_forward = true) const;
  // Simulates a program of the phase (its stats under `name`) and records the engine's effort and,
  // where the result keeps a timeline, the units' intervals and DRAM's bandwidth at
  // `dram_bytes_per_cycle` while busy, `after` cycles into the phase `timeline_phase` (empty:
  // `name`), which starts at the result's cycles; returns its cycles.
  static uint64_t record_simulation(const std::string& name, const sim::RoundProgram& program,
                                    bool fast_forward, double dram_bytes_per_cycle, sim::Result& result,
                                    uint64_t after = 0, const std::string& timeline_phase = {});
  // A result with the run's identity filled in.
  sim::Result start_result(const std::string& model, const std::string& fidelity) const;

  const EnergyTable& energy() const { return energy_; }

 private:
  // The op_cost of kind `k` of an Einsum; throws InputError naming the config when its unit has none.
  const config::OpCost& op_cost(size_t einsum, size_t k) const;
  const config::PeArray& array(SpatialStructure::Unit unit) const;
  // Picojoules of an energy key of the structure; throws InputError naming the config when missing.
  double pj(size_t key) const;
  // Accounts as sim::Result::add_energy does, through the entries of the result found once.
  void add_energy(size_t key, double count, sim::Result& result) const;
  enum TrafficKey { kDramRead, kDramWrite, kBufferRead, kBufferWrite };
  double& traffic(TrafficKey key, sim::Result& result) const;
  double& busy(SpatialStructure::Unit unit, sim::Result& result) const;
  // The result's entries this evaluation adds to, found on first use (std::map keeps its elements
  // in place); other code may add to the same entries in between.
  struct Slots {
    const sim::Result* result = nullptr;
    std::vector<std::pair<double*, double*>> energy;  // by energy key: (count, picojoules)
    double* traffic[4] = {};
    double* busy[2] = {};  // array2d, array1d
  };
  Slots& slots(sim::Result& result) const;

  const ArchConfig& config_;
  const workloads::Cascade& cascade_;
  const workloads::RankSizes& sizes_;
  const SpatialStructure& structure_;
  EnergyTable energy_;
  workloads::RankSlots::Sizes ranks_;
  std::vector<PhasePlan> plans_;
  std::vector<uint64_t> counts_;  // every Einsum's operations, by SpatialStructure::EinsumInfo
  std::vector<double> points_;
  mutable Slots slots_;
};

// A model's evaluation: staged phases by the shared rules, the others (the attention of the
// baselines, or FuseMax's tiled attention) by `own_phase`, in mapping order; with `timeline`, the
// result records its phases and units over time (Model::set_timeline).
using OwnPhase = std::function<void(const PhaseEvaluator& phases,
                                    const PhaseEvaluator::PhasePlan& plan, sim::Result& result)>;
sim::Result evaluate_phases(const ArchConfig& config, const workloads::Cascade& cascade,
                            const workloads::RankSizes& sizes, const SpatialStructure& structure,
                            const std::string& model, Fidelity fidelity, bool fast_forward,
                            const std::function<bool(const PhaseEvaluator::PhasePlan&)>& is_own,
                            const OwnPhase& own_phase, bool timeline = false);

}  // namespace cascade::arch
