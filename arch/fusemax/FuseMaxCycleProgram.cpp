#include "arch/fusemax/FuseMaxCycleProgram.h"

#include <algorithm>

#include "arch/spatial/AttentionShape.h"
#include "arch/spatial/CyclePrograms.h"
#include "workloads/analysis/DependenceGraph.h"

namespace cascade::arch {

using sim::RoundTask;

sim::RoundProgram fusemax_attention_program(const ArchConfig& config,
                                            const workloads::Cascade& cascade,
                                            const workloads::RankSizes& sizes,
                                            const PhaseEvaluator& phases,
                                            const PhaseEvaluator::PhasePlan& plan,
                                            const QueryTilingPlan& tiling) {
  const auto& a = config.proto();
  const AttentionShape shape = AttentionShape::from(config, cascade, sizes);
  const workloads::Partition* split = cascade.find_partition_of(shape.keys_rank);
  if (!split)
    config.fail({{"mapping"}, {"tiling"}}, "model fusemax: the cycle fidelity needs the keys rank '" +
                                               shape.keys_rank + "' partitioned into chunks");
  const uint64_t chunks = sizes.of(split->outer);
  const uint64_t bh = shape.batch_heads();
  const uint64_t tiles_total = bh * tiling.query_tiles;  // T
  const uint64_t groups = bh * tiling.groups;

  // Per-chunk Einsums iterate over the chunk rank; the others run once per tile, after the chunks.
  const std::string chunk_var = workloads::variable_of_rank(split->outer);
  const workloads::DependenceGraph graph(cascade);
  std::vector<size_t> order;
  for (size_t i : graph.topological_order())
    if (std::find(plan.einsums().begin(), plan.einsums().end(), i) != plan.einsums().end()) order.push_back(i);
  const auto per_chunk = [&](size_t i) { return cascade.einsums[i].variables().count(chunk_var) > 0; };
  const auto in_phase = [&](size_t i) {
    return std::find(plan.einsums().begin(), plan.einsums().end(), i) != plan.einsums().end();
  };
  const auto task_name = [&](size_t i, uint64_t t) {
    return cascade.einsums[i].output.tensor + "#" + std::to_string(t);
  };

  const double bpc = config.dram_bytes_per_cycle();
  const double streamed_total = static_cast<double>(groups) * chunks * tiling.chunk_bytes;
  const RoundTask load_q{"load_q", kDram, share((tiling.read_bytes - streamed_total) / bpc, groups), {}};
  const RoundTask load_kv{"load_kv", kDram, share(tiling.chunk_bytes / bpc, 1), {}};
  const uint64_t store_cycles = share(tiling.write_bytes / bpc, groups);

  // Every tile on chip has its own tasks each round: bounded, so a round fits in memory.
  constexpr uint64_t kMaxTasksPerRound = uint64_t{1} << 20;
  if (tiling.p1 * order.size() > kMaxTasksPerRound)
    config.fail({{"global_buffer"}, {"capacity_bytes"}},
                "model fusemax: " + std::to_string(tiling.p1) + " query tiles fit on chip at once; the cycle fidelity "
                "simulates at most " + std::to_string(kMaxTasksPerRound) + " tasks a round (" +
                std::to_string(order.size()) + " Einsums per tile): use a smaller global buffer or the analytical "
                "fidelity");
  std::vector<RoundTask> chunk_tasks, tile_tasks;
  for (uint64_t t = 0; t < tiling.p1; ++t) {
    for (size_t i : order) {
      const workloads::Einsum& e = cascade.einsums[i];
      const bool chunked = per_chunk(i);
      RoundTask task{task_name(i, t), spatial_unit(phases.unit_of(i)),
                     share(phases.busy_cycles(i), chunked ? tiles_total * chunks : tiles_total), {}};
      std::vector<const workloads::Access*> reads;
      e.rhs->collect_accesses(reads);
      for (const auto* read : reads) {
        const int w = cascade.writer_of(read->tensor);
        if (w < 0 || !in_phase(static_cast<size_t>(w))) {
          // A streamed input (K, V) arrives with this chunk's load.
          for (const auto& s : a.mapping().tiling().streamed())
            if (s == read->tensor && chunked) task.deps.push_back({"load_kv", 0});
          continue;
        }
        const auto writer = static_cast<size_t>(w);
        if (writer == i) continue;  // a recurrence's own previous step: this unit ran it already
        const uint32_t back =
            workloads::DependenceGraph::is_loop_carried(cascade.einsums[writer], *read) ||
                    (per_chunk(writer) && !chunked)
                ? 1
                : 0;
        task.deps.push_back({task_name(writer, t), back});
      }
      (chunked ? chunk_tasks : tile_tasks).push_back(task);
    }
  }

  std::vector<RoundTask> first_chunk = {load_kv}, next_chunks = {load_kv};
  first_chunk.insert(first_chunk.end(), chunk_tasks.begin(), chunk_tasks.end());
  next_chunks.insert(next_chunks.end(), chunk_tasks.begin(), chunk_tasks.end());
  // The previous group's results leave after this group's first K and V slices arrive, so the
  // arrays never wait for the store. Its divisions ran two rounds back (before this prologue).
  std::vector<RoundTask> first_chunk_storing = first_chunk;
  RoundTask store{"store_results", kDram, store_cycles, {}};
  for (const auto& t : tile_tasks) store.deps.push_back({t.name, 2});
  first_chunk_storing.insert(first_chunk_storing.begin() + 1, store);

  const auto group_block = [&](const std::vector<RoundTask>& first, uint64_t repeat) {
    sim::RoundBlock block;
    block.runs.push_back({{load_q}, 1});
    block.runs.push_back({first, 1});
    if (chunks > 1) block.runs.push_back({next_chunks, chunks - 1});
    block.runs.push_back({tile_tasks, 1});
    block.repeat = repeat;
    return block;
  };
  sim::RoundProgram p;
  p.units = {"array2d", "array1d", "dram"};
  // Three rounds in flight: the next group's Q and first K and V slices load during the last
  // chunk of this group.
  p.rounds_in_flight = 3;
  p.blocks.push_back(group_block(first_chunk, 1));
  if (groups > 1) p.blocks.push_back(group_block(first_chunk_storing, groups - 1));
  RoundTask last_store{"store_results", kDram, store_cycles, {}};
  for (const auto& t : tile_tasks) last_store.deps.push_back({t.name, 1});
  p.blocks.push_back({{{{last_store}, 1}}, 1});
  return p;
}

}  // namespace cascade::arch
