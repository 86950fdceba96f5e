#include "arch/systolic/SimulateSystolicGemm.h"

#include <stdexcept>
#include <string>
#include <systemc>

#include "arch/systolic/OutputStationaryArray.h"
#include "arch/systolic/SystolicGemmCycles.h"
#include "arch/systolic/SystolicTiles.h"
#include "arch/systolic/WeightStationaryArray.h"
#include "sim/systemc/FreshSimContext.h"

namespace cascade::arch {
namespace {

// Only cycle counts come out of a run, so the period is arbitrary. A function, not a global: an
// sc_time belongs to the kernel current when it is made.
sc_core::sc_time clock_period() { return sc_core::sc_time(1, sc_core::SC_NS); }

// The array of one run, its clock, and the process that ends the run when the array is done.
template <typename Array>
class SystolicBench : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(SystolicBench);

  SystolicBench(const sc_core::sc_module_name& name, const SystolicArrayConfig& config,
                const IntMatrix& a, const IntMatrix& b)
      : sc_core::sc_module(name), clock("clock", clock_period()), array("array", config, a, b) {
    array.clock(clock);
    SC_METHOD(pause_when_done);
    sensitive << array.done_event();
    dont_initialize();
  }

  sc_core::sc_clock clock;
  Array array;

 private:
  // sc_pause, unlike sc_stop, returns from sc_start without a report on stdout.
  void pause_when_done() { sc_core::sc_pause(); }
};

void require_matrix(const char* who, const char* which, const IntMatrix& matrix) {
  if (matrix.values.size() != matrix.rows * matrix.cols) {
    throw std::invalid_argument(std::string(who) + ": " + which + " is " +
                                std::to_string(matrix.rows) + " x " + std::to_string(matrix.cols) +
                                " but holds " + std::to_string(matrix.values.size()) + " values");
  }
}

void require_small(const char* field, std::uint64_t value) {
  if (value > kMaxPeLevelArrayDim) {
    throw std::invalid_argument(std::string("simulate_systolic_gemm: SystolicArrayConfig.") +
                                field + " must be at most " + std::to_string(kMaxPeLevelArrayDim) +
                                " for the PE-level model, got " + std::to_string(value));
  }
}

// An upper bound on the cycles of a correct run, so a model bug ends in an error, not a hang.
// It is deliberately not the closed form being checked: each tile needs at most R (weight load)
// + R + C (skew) + M + K (either stream) + R (drain) cycles; twice that is margin.
std::uint64_t cycle_bound(const SystolicArrayConfig& config, std::uint64_t M, std::uint64_t N,
                          std::uint64_t K) {
  const std::uint64_t per_tile = 3 * config.rows + config.cols + M + K;
  return 2 * systolic_tiles(config, M, N, K).size() * per_tile + 8;
}

template <typename Array>
SystolicGemmRun run(const SystolicArrayConfig& config, const IntMatrix& a, const IntMatrix& b) {
  cascade::sim::FreshSimContext kernel;
  SystolicBench<Array> bench("systolic", config, a, b);
  const std::uint64_t bound = cycle_bound(config, a.rows, b.cols, a.cols);
  sc_core::sc_start(clock_period() * static_cast<double>(bound));
  if (!bench.array.done()) {
    throw std::runtime_error("simulate_systolic_gemm: the array did not finish in " +
                             std::to_string(bound) + " cycles");
  }
  SystolicGemmRun result;
  result.c = bench.array.result();
  result.total_cycles = bench.array.total_cycles();
  result.tile_start_cycles = bench.array.tile_start_cycles();
  result.mac_count = bench.array.mac_count();
  return result;
}

}  // namespace

void check_systolic_operands(const char* who, const SystolicArrayConfig& config, const IntMatrix& a,
                             const IntMatrix& b) {
  validate(config);
  validate_gemm_shape(a.rows, b.cols, a.cols);
  if (a.cols != b.rows) {
    throw std::invalid_argument(std::string(who) + ": A is " + std::to_string(a.rows) + " x " +
                                std::to_string(a.cols) + " but B is " + std::to_string(b.rows) +
                                " x " + std::to_string(b.cols) +
                                "; A's columns and B's rows must both be K");
  }
  require_matrix(who, "A", a);
  require_matrix(who, "B", b);
}

SystolicGemmRun simulate_systolic_gemm(const SystolicArrayConfig& config, const IntMatrix& a,
                                       const IntMatrix& b) {
  validate(config);
  require_small("rows", config.rows);
  require_small("cols", config.cols);
  check_systolic_operands("simulate_systolic_gemm", config, a, b);
  if (config.overlap != TileOverlap::Serial) {
    throw std::invalid_argument("simulate_systolic_gemm: the PE-level model runs Serial tiles, got " +
                                std::string(to_string(config.overlap)));
  }
  if (config.dataflow == Dataflow::OutputStationary) {
    return run<OutputStationaryArray>(config, a, b);
  }
  if (config.dataflow == Dataflow::WeightStationary) {
    return run<WeightStationaryArray>(config, a, b);
  }
  // Input stationary is weight stationary on the transposed GEMM, C^T = B^T A^T: A^T's K x M
  // stays in the PEs, B^T's rows stream (SystolicGemmCycles.h).
  SystolicArrayConfig weight_stationary = config;
  weight_stationary.dataflow = Dataflow::WeightStationary;
  SystolicGemmRun transposed = run<WeightStationaryArray>(weight_stationary, transpose(b), transpose(a));
  transposed.c = transpose(transposed.c);
  return transposed;
}

}  // namespace cascade::arch
