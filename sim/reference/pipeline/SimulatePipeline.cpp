#include "sim/reference/pipeline/SimulatePipeline.h"

#include <limits>
#include <stdexcept>
#include <string>
#include <systemc>

#include "sim/systemc/FreshSimContext.h"
#include "sim/reference/pipeline/PipelinedUnit.h"
#include "sim/reference/pipeline/TileSink.h"
#include "sim/reference/pipeline/TileSource.h"

namespace cascade::sim {
namespace {

// Only cycle counts come out of a run, so the period is arbitrary; 1 ns keeps traces readable.
// A function, not a global: an sc_time belongs to the kernel current when it is made.
sc_core::sc_time clock_period() { return sc_core::sc_time(1, sc_core::SC_NS); }

// The modules of one run, wired, plus the process that ends the run when the sink is done.
class PipelineBench : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(PipelineBench);

  PipelineBench(const sc_core::sc_module_name& name, const PipelineConfig& config)
      : sc_core::sc_module(name),
        clock("clock", clock_period()),
        input_queue("input_queue", static_cast<int>(config.input_queue_depth)),
        output_queue("output_queue", static_cast<int>(config.output_queue_depth)),
        source("source", config.tile_count),
        unit("unit", config.latency, config.initiation_interval),
        sink("sink", config.sink_interval, config.tile_count) {
    source.clock(clock);
    source.output(input_queue);
    unit.clock(clock);
    unit.input(input_queue);
    unit.output(output_queue);
    sink.clock(clock);
    sink.input(output_queue);

    SC_METHOD(pause_when_all_consumed);
    sensitive << sink.all_consumed_event();
    dont_initialize();
  }

  sc_core::sc_clock clock;
  sc_core::sc_fifo<Tile> input_queue;
  sc_core::sc_fifo<Tile> output_queue;
  TileSource source;
  PipelinedUnit unit;
  TileSink sink;

 private:
  // sc_pause, unlike sc_stop, returns from sc_start without a report on stdout.
  void pause_when_all_consumed() { sc_core::sc_pause(); }
};

std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) {
  return a > std::numeric_limits<std::uint64_t>::max() - b
             ? std::numeric_limits<std::uint64_t>::max()
             : a + b;
}

std::uint64_t saturating_multiply(std::uint64_t a, std::uint64_t b) {
  return b != 0 && a > std::numeric_limits<std::uint64_t>::max() / b
             ? std::numeric_limits<std::uint64_t>::max()
             : a * b;
}

// An upper bound on the cycles of a correct run, so a deadlock ends in an error, not a hang.
// Each tile is consumed at most latency + initiation_interval + sink_interval + 4 cycles after
// the previous one (its emission, two queue hops and the unit's and sink's timers, even fully
// serialized); one extra tile's worth is margin. Capped at half the longest time sc_time can
// hold, far beyond any run that could finish, so converting it to an sc_time cannot overflow.
std::uint64_t cycle_bound(const PipelineConfig& config) {
  const std::uint64_t per_tile =
      saturating_add(saturating_add(config.latency, config.initiation_interval),
                     saturating_add(config.sink_interval, 4));
  const std::uint64_t bound = saturating_multiply(saturating_add(config.tile_count, 1), per_tile);
  const auto cap = static_cast<std::uint64_t>(sc_core::sc_max_time() / clock_period() / 2);
  return bound < cap ? bound : cap;
}

}  // namespace

std::vector<Cycle> PipelineRun::completion_cycles() const {
  std::vector<Cycle> cycles(tiles.size());
  for (const Tile& tile : tiles) {
    cycles.at(tile.index) = tile.consumed_cycle;
  }
  return cycles;
}

PipelineRun simulate_pipeline(const PipelineConfig& config) {
  validate(config);

  FreshSimContext kernel;
  PipelineBench bench("pipeline", config);
  const std::uint64_t bound = cycle_bound(config);
  sc_core::sc_start(clock_period() * static_cast<double>(bound));

  if (!bench.sink.all_consumed()) {
    throw std::runtime_error("simulate_pipeline: the sink consumed " +
                             std::to_string(bench.sink.consumed().size()) + " of " +
                             std::to_string(config.tile_count) + " tiles in " +
                             std::to_string(bound) + " cycles; the pipeline is stuck");
  }
  PipelineRun run;
  run.tiles = bench.sink.consumed();
  run.total_cycles = run.tiles.back().consumed_cycle + 1;
  run.unit_stall_cycles = bench.unit.stall_cycles();
  return run;
}

}  // namespace cascade::sim
