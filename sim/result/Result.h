#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "configs/result.pb.h"
#include "sim/result/Timeline.h"

namespace cascade::sim {

// Where a run's phases or kernels stand under the architecture's roofs: each one's operations,
// bytes at the memory level that bounds it (DRAM, or the NGPC's L2 port) and time, and the peak
// rates bounding them.
struct Roofline {
  std::string ops_unit;  // what an operation is: "flop" (an FMA two), "op" (a PE-cycle's operation)
  std::vector<std::pair<std::string, double>> compute_roofs;  // name, peak operations a second
  std::string memory_level = "DRAM";  // the level of the memory roof and of the points' bytes
  double memory_bytes_per_second = 0;  // that level's bandwidth
  struct Point {
    std::string name, kind;  // a phase or a kernel; its kind (a GPU kernel's: gemm, attention, ...)
    double ops = 0, bytes = 0, seconds = 0;  // bytes: at memory_level
  };
  std::vector<Point> points;
};

// What one evaluation of a hardware model produced. Models fill it; reports, sweeps and Python
// read it (as the RunRecord of configs/result.proto). Keys are ordered, so records are
// deterministic.
struct Result {
  using Key = std::pair<std::string, std::string>;  // (component, action) or (level, direction)

  std::string model, arch, workload, fidelity;
  std::map<std::string, uint64_t> rank_sizes;
  uint64_t cycles = 0;
  double clock_hz = 0;
  std::map<Key, double> action_counts;       // (component, action) -> count
  std::map<Key, double> energy_pj;           // (component, action) -> picojoules
  std::map<std::string, double> busy_cycles; // unit -> whole-unit busy cycles
  std::map<Key, double> traffic_bytes;       // (level, direction) -> bytes
  std::map<std::string, std::pair<uint64_t, double>> phases;  // name -> (cycles, pJ)
  std::map<std::string, double> stats;
  std::vector<config::KernelRecord> kernels;  // GPU runs: the launches in order
  Roofline roofline;
  // What the run did over time, where the model was asked for it (Model::set_timeline); else null.
  std::shared_ptr<Timeline> timeline;

  double seconds() const { return clock_hz > 0 ? static_cast<double>(cycles) / clock_hz : 0; }
  double total_energy_pj() const;
  double utilization(const std::string& unit) const;
  double traffic(const std::string& level, const std::string& direction) const;

  // Counts `count` actions of `component` at `pj_each` picojoules each.
  void add_energy(const std::string& component, const std::string& action, double count,
                  double pj_each);

  config::RunRecord to_record() const;
};

}  // namespace cascade::sim
