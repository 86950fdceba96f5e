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

// Values of `tensor` per one position of the ranks in `per` (e.g. per query), leaving out batch and
// heads; a recurrent rank counts one step, the only one kept.
double values_per(const workloads::Cascade& cascade, const workloads::RankSizes& sizes,
                  const std::string& tensor, const std::vector<std::string>& left_out_roots) {
  const workloads::Tensor* t = cascade.find_tensor(tensor);
  double values = 1;
  for (size_t k = 0; k < t->ranks.size(); ++k) {
    const std::string root = cascade.root_rank(t->ranks[k]);
    if (std::find(left_out_roots.begin(), left_out_roots.end(), root) != left_out_roots.end())
      continue;
    if (cascade.is_recurrent_position(tensor, k)) continue;
    values *= static_cast<double>(sizes.of(t->ranks[k]));
  }
  return values;
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

QueryTilingPlan plan_query_tiling(const ArchConfig& config, const workloads::Cascade& cascade,
                                  const workloads::RankSizes& sizes, const PhaseEvaluator& phases,
                                  const PhaseEvaluator::PhasePlan& plan) {
  const auto& a = config.proto();
  const auto& tiling = a.mapping().tiling();
  const auto& ranks = a.mapping().ranks();
  const AttentionShape shape = AttentionShape::from(config, cascade, sizes);
  const double word = a.word_bytes();
  const std::string batch = or_default(ranks.batch(), "B"), heads = or_default(ranks.heads(), "H"),
                    keys = or_default(ranks.keys(), "M"), queries = or_default(ranks.queries(), "P");
  for (const auto& list : {tiling.per_query_state(), tiling.streamed(), tiling.dram()})
    for (const auto& t : list)
      if (!cascade.find_tensor(t))
        config.fail({{"mapping"}, {"tiling"}}, "mapping tiling names tensor '" + t +
                                                   "', which the workload '" + cascade.name +
                                                   "' does not have");
  if (tiling.query_tile() == 0 || tiling.key_chunk() == 0)
    config.fail({{"mapping"}, {"tiling"}}, "mapping tiling: query_tile and key_chunk must be positive");
  if (shape.queries % tiling.query_tile() != 0)
    config.fail({{"mapping"}, {"tiling"}, {"query_tile"}},
                "mapping tiling: query_tile " + std::to_string(tiling.query_tile()) +
                    " does not divide the " + std::to_string(shape.queries) + " queries");

  double per_query = 0, per_key = 0;
  for (const auto& t : tiling.per_query_state())
    per_query += values_per(cascade, sizes, t, {batch, heads, queries}) * word;
  for (const auto& t : tiling.streamed())
    per_key += values_per(cascade, sizes, t, {batch, heads, keys}) * word;
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

  for (const auto& t : tiling.dram()) {
    const bool streamed =
        std::find(tiling.streamed().begin(), tiling.streamed().end(), t) != tiling.streamed().end();
    if (phases.is_phase_input(plan, t))
      p.read_bytes += phases.tensor_bytes(t) * (streamed ? static_cast<double>(p.groups) : 1.0);
    else
      p.write_bytes += phases.tensor_bytes(t);
  }
  return p;
}

}  // namespace cascade::arch
