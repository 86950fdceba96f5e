#include "arch/fusemax/QueryTilingTraffic.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "arch/spatial/AttentionShape.h"
#include "base/Format.h"

namespace cascade::arch {
namespace {

std::string or_default(const std::string& name, const char* fallback) {
  return name.empty() ? std::string(fallback) : name;
}

// The root rank of a partition family (Cascade::root_rank), without copying names.
const std::string& root_of(const workloads::Cascade& cascade, const std::string& rank) {
  const std::string* r = &rank;
  for (size_t guard = 0; guard <= cascade.partitions.size(); ++guard) {
    const workloads::Partition* p = cascade.find_partition_making(*r);
    if (!p) break;
    r = &p->rank;
  }
  return *r;
}

// The rank slots whose sizes make the values of `tensor` per one position of the ranks left out
// (e.g. per query), leaving out batch and heads too; a recurrent rank counts one step, the only
// one kept.
std::vector<size_t> kept_slots(const workloads::Cascade& cascade, const SpatialStructure& structure,
                               const std::string& tensor, const std::vector<std::string>& left_out_roots) {
  std::vector<size_t> slots;
  for (size_t t = 0; t < cascade.tensors.size(); ++t) {
    if (cascade.tensors[t].name != tensor) continue;
    const auto& ranks = cascade.tensors[t].ranks;
    for (size_t k = 0; k < ranks.size(); ++k) {
      const std::string& root = root_of(cascade, ranks[k]);
      if (std::find(left_out_roots.begin(), left_out_roots.end(), root) != left_out_roots.end()) continue;
      const auto& [slot, recurrent] = structure.tensors[t].ranks[k];
      if (!recurrent) slots.push_back(slot);
    }
  }
  return slots;
}

}  // namespace

uint64_t largest_divisor_at_most(uint64_t n, uint64_t limit) {
  if (n < 1 || n > kMaxQueryTiles || limit < 1)
    throw std::invalid_argument("largest_divisor_at_most: n must be 1 to 2^40 and the limit at least 1");
  if (limit >= n) return n;
  // Either the divisor d <= limit itself is small (d <= sqrt(n): try limit, limit - 1, ...) or its
  // cofactor n / d is (try the cofactors upward from n / limit): whichever side is shorter, at
  // most sqrt(n) steps.
  uint64_t root = static_cast<uint64_t>(std::sqrt(static_cast<double>(n)));
  while (root > 0 && root > n / root) --root;
  while ((root + 1) <= n / (root + 1)) ++root;
  if (limit <= root) {
    for (uint64_t d = limit; d > 1; --d)
      if (n % d == 0) return d;
    return 1;
  }
  for (uint64_t k = (n + limit - 1) / limit; k <= root; ++k)
    if (n % k == 0) return n / k;
  // No cofactor up to sqrt(n): the divisor is at most sqrt(n) <= limit.
  for (uint64_t d = root; d > 1; --d)
    if (n % d == 0) return d;
  return 1;
}

QueryTilingStructure::QueryTilingStructure(const ArchConfig& config, const workloads::Cascade& cascade,
                                           const PhaseEvaluator& phases, const PhaseEvaluator::PhasePlan& plan) {
  const auto& tiling = config.proto().mapping().tiling();
  const auto& ranks = config.proto().mapping().ranks();
  for (const auto& list : {tiling.per_query_state(), tiling.streamed(), tiling.dram()})
    for (const auto& t : list)
      if (missing.empty() && !cascade.find_tensor(t)) missing = t;
  if (!missing.empty()) return;
  const std::string batch = or_default(ranks.batch(), "B"), heads = or_default(ranks.heads(), "H"),
                    keys = or_default(ranks.keys(), "M"), queries = or_default(ranks.queries(), "P");
  for (const auto& t : tiling.per_query_state())
    per_query.push_back(kept_slots(cascade, phases.structure(), t, {batch, heads, queries}));
  for (const auto& t : tiling.streamed())
    per_key.push_back(kept_slots(cascade, phases.structure(), t, {batch, heads, keys}));
  for (const auto& t : tiling.dram()) {
    size_t index = 0;
    while (cascade.tensors[index].name != t) ++index;
    const bool streamed = std::find(tiling.streamed().begin(), tiling.streamed().end(), t) != tiling.streamed().end();
    dram.push_back({index, phases.is_phase_input(plan, t), streamed});
  }
}

const QueryTilingStructure& query_tiling_structure(const ArchConfig& config, const workloads::Cascade& cascade,
                                                   const PhaseEvaluator& phases, const PhaseEvaluator::PhasePlan& plan) {
  auto& part = phases.structure().model_part;
  // Only FuseMax keeps a part in its structures (their key names the model).
  if (!part) part = std::make_unique<QueryTilingStructure>(config, cascade, phases, plan);
  return static_cast<const QueryTilingStructure&>(*part);
}

QueryTilingPlan plan_query_tiling(const ArchConfig& config, const workloads::Cascade& cascade,
                                  const workloads::RankSizes& sizes, const PhaseEvaluator& phases,
                                  const PhaseEvaluator::PhasePlan& plan) {
  const auto& a = config.proto();
  const auto& tiling = a.mapping().tiling();
  const AttentionShape shape = AttentionShape::from(config, cascade, sizes);
  const double word = a.word_bytes();
  const QueryTilingStructure& s = query_tiling_structure(config, cascade, phases, plan);
  if (!s.missing.empty())
    config.fail({{"mapping"}, {"tiling"}}, "mapping tiling names tensor '" + s.missing + "', which the workload '" +
                                               cascade.name + "' does not have");
  if (tiling.query_tile() == 0 || tiling.key_chunk() == 0)
    config.fail({{"mapping"}, {"tiling"}}, "mapping tiling: query_tile and key_chunk must be positive");
  if (shape.queries % tiling.query_tile() != 0)
    config.fail({{"mapping"}, {"tiling"}, {"query_tile"}},
                "mapping tiling: query_tile " + std::to_string(tiling.query_tile()) +
                    " does not divide the " + std::to_string(shape.queries) + " queries");
  // The workload's own chunks of the keys are the ones that stream: a key_chunk of another size
  // would size the buffer for chunks that never travel.
  if (const workloads::Partition* split = cascade.find_partition_of(shape.keys_rank);
      split && sizes.of(split->inner) != tiling.key_chunk())
    config.fail({{"mapping"}, {"tiling"}, {"key_chunk"}},
                "mapping tiling: key_chunk " + std::to_string(tiling.key_chunk()) + " is not the workload's chunk: '" +
                    cascade.name + "' partitions " + shape.keys_rank + " into chunks of " + split->inner + " = " +
                    std::to_string(sizes.of(split->inner)) + " keys");

  const auto values = [&](const std::vector<size_t>& slots) {
    double n = 1;
    for (size_t slot : slots) n *= static_cast<double>(phases.rank_size(slot));
    return n;
  };
  double per_query = 0, per_key = 0;
  for (const auto& slots : s.per_query) per_query += values(slots) * word;
  for (const auto& slots : s.per_key) per_key += values(slots) * word;
  const double capacity = static_cast<double>(a.global_buffer().capacity_bytes());
  const double chunk_bytes = per_key * tiling.key_chunk();
  const double tile_bytes = per_query * tiling.query_tile();
  if (capacity < chunk_bytes + tile_bytes)
    config.fail({{"global_buffer"}, {"capacity_bytes"}},
                "global_buffer of " + std::to_string(a.global_buffer().capacity_bytes()) +
                    " bytes is too small for the chosen tile: one key chunk needs " +
                    base::format("%.0f", chunk_bytes) + " bytes and one query tile " + base::format("%.0f", tile_bytes));

  QueryTilingPlan p;
  p.chunk_bytes = chunk_bytes;
  p.query_tiles = shape.queries / tiling.query_tile();
  if (p.query_tiles > kMaxQueryTiles)
    config.fail({{"mapping"}, {"tiling"}, {"query_tile"}},
                "mapping tiling: " + std::to_string(p.query_tiles) + " query tiles, more than 2^40: raise query_tile");
  // At least one tile fits (checked above); at most all of them are wanted.
  const double fit = std::floor((capacity - chunk_bytes) / tile_bytes);
  // "Do not use improper factorization" (artifact): P1 divides the number of query tiles.
  p.p1 = largest_divisor_at_most(p.query_tiles,
                                 fit >= static_cast<double>(p.query_tiles) ? p.query_tiles : static_cast<uint64_t>(fit));
  p.groups = p.query_tiles / p.p1;

  for (const auto& d : s.dram) {
    if (d.input)
      p.read_bytes += phases.tensor_bytes(d.tensor) * (d.streamed ? static_cast<double>(p.groups) : 1.0);
    else
      p.write_bytes += phases.tensor_bytes(d.tensor);
  }
  return p;
}

}  // namespace cascade::arch
