#include "arch/gpu/FusedKernels.h"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <utility>
#include <vector>

#include "base/InputError.h"
#include "workloads/analysis/ConditionCount.h"

namespace cascade::arch::gpu {
namespace {

// Each level's stored entries: a coarse level whose vertices fit the table is dense, the others
// hash into table_size entries.
std::vector<double> hash_grid_level_entries(const HashGridDims& d) {
  check_hash_grid(d);
  std::vector<double> entries;
  for (uint32_t l = 0; l < d.levels; ++l) {
    const double scale = d.base_resolution * std::pow(d.per_level_scale, l) - 1;
    const double vertices = std::pow(std::ceil(scale) + 2, d.dims);
    entries.push_back(vertices <= static_cast<double>(d.table_size) ? vertices : static_cast<double>(d.table_size));
  }
  return entries;
}

// The gathers of a point's level that read a sector of their own: its 2^dims corners, less the
// corners that find their x-neighbour's sector (hash_grid_shared_corner_fraction).
double hash_grid_sector_gathers_per_point(const HashGridDims& d) {
  const double corners = std::pow(2.0, d.dims);
  return corners - corners / 2 * hash_grid_shared_corner_fraction(d);
}

// Each level's blocks of `granule` bytes the gathers touch, in bytes: n gathers at random into a
// table of S blocks touch S (1 - e^(-n/S)) of them.
std::vector<double> hash_grid_touched_bytes(const HashGridDims& d, double granule) {
  const double gathers = static_cast<double>(d.points) * hash_grid_sector_gathers_per_point(d);
  std::vector<double> bytes;
  for (const double entries : hash_grid_level_entries(d)) {
    const double blocks = std::ceil(entries * d.features * 2 / granule);
    bytes.push_back(blocks * -std::expm1(-gathers / blocks) * granule);
  }
  return bytes;
}

// The fraction of each level's gathers a cache of `capacity` bytes serves: hit = min(1, capacity /
// reuse distance), the distance the level's own footprint where a level's gathers run apart from
// the others' (level-major), else the bytes all levels touch between two gathers into one entry
// (sum_j min(S_j, S)).
std::vector<double> reuse_hit_fractions(double capacity, const std::vector<double>& level_bytes, HashGridOrder order) {
  std::vector<double> hits;
  for (const double size : level_bytes) {
    double distance = 0;
    if (order == HashGridOrder::kLevelMajor) {
      distance = size;
    } else {
      for (const double other : level_bytes) distance += std::min(other, size);
    }
    hits.push_back(distance > 0 ? std::min(1.0, capacity / distance) : 1.0);
  }
  return hits;
}

HashGatherTraffic total_traffic(const std::vector<HashGatherTraffic>& levels) {
  HashGatherTraffic sum;
  for (const HashGatherTraffic& t : levels) {
    sum.l1_bytes += t.l1_bytes;
    sum.l2_bytes += t.l2_bytes;
    sum.dram_bytes += t.dram_bytes;
    sum.requests += t.requests;
    sum.table_bytes += t.table_bytes;
    sum.dram_sector_reads += t.dram_sector_reads;
    sum.position_dram_bytes += t.position_dram_bytes;
  }
  return sum;
}

}  // namespace

double gather_l1_bytes_per_lane(double entry_bytes) {
  constexpr double kBytesPerLane = 38, kEntryBytes = 8;
  return kBytesPerLane * std::max(1.0, entry_bytes / kEntryBytes);
}

double hash_grid_shared_corner_fraction(const HashGridDims& d) {
  return std::max(0.0, 1 - d.features * 2.0 / kHashGatherSectorBytes);
}

void check_hash_grid(const HashGridDims& d) {
  const auto fail = [](const std::string& message) { throw base::InputError("hash-grid encoding", {}, message); };
  if (d.levels < 1 || d.levels > kMaxHashGridLevels)
    fail(std::to_string(d.levels) + " levels: give 1 to " + std::to_string(kMaxHashGridLevels));
  if (d.dims < 1 || d.dims > kMaxHashGridDims)
    fail(std::to_string(d.dims) + " dimensions: give 1 to " + std::to_string(kMaxHashGridDims));
  if (d.features == 0 || d.table_size == 0) fail("features and table_size must be at least 1");
  if (!(std::isfinite(d.base_resolution) && d.base_resolution > 0 && std::isfinite(d.per_level_scale) &&
        d.per_level_scale > 0))
    fail("base resolution and per-level scale must be finite and above 0");
}

std::optional<AttentionKernel> attention_kernel_of(const std::string& name) {
  if (name.find("flash_fwd_kernel") != std::string::npos) return AttentionKernel::kFlashAttention2;
  if (name.find("sdpa_sm90_flash_fprop") != std::string::npos) return AttentionKernel::kFlashAttention3;
  if (name.find("fmha_cutlassF") != std::string::npos) return AttentionKernel::kMemoryEfficient;
  return std::nullopt;
}

std::string family_name(AttentionKernel family) {
  switch (family) {
    case AttentionKernel::kFlashAttention2: return "flash_attention_2";
    case AttentionKernel::kFlashAttention3: return "flash_attention_3";
    case AttentionKernel::kMemoryEfficient: return "memory_efficient_attention";
  }
  return "";
}

std::optional<AttentionKernel> attention_family_named(const std::string& name) {
  for (const auto family : {AttentionKernel::kFlashAttention2, AttentionKernel::kFlashAttention3,
                            AttentionKernel::kMemoryEfficient})
    if (family_name(family) == name) return family;
  return std::nullopt;
}

double attention_tile_fraction(const AttentionDims& d, uint64_t tile) {
  if (!d.masked) return 1;
  // Key tile i and query tile j hold key - query differences from (i - j) tile - (tile - 1) to
  // (i - j) tile + (tile - 1): the pair has a score in the band when that range meets it.
  const auto t = static_cast<int64_t>(tile);
  const auto floor_div = [](int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); };
  workloads::PairRegion r;
  r.x_hi = static_cast<int64_t>((d.keys + tile - 1) / tile) - 1;
  r.y_hi = static_cast<int64_t>((d.queries + tile - 1) / tile) - 1;
  constexpr int64_t kNone = workloads::PairRegion::kNoBound;
  if (d.key_minus_query_lo != -kNone) r.d_lo = -floor_div(-(d.key_minus_query_lo - (t - 1)), t);  // ceil
  if (d.key_minus_query_hi != kNone) r.d_hi = floor_div(d.key_minus_query_hi + (t - 1), t);
  uint64_t pairs = 0;
  workloads::count_region_points(r, pairs);  // at most 2^32 x 2^32 tiles: fits
  return static_cast<double>(pairs) / (static_cast<double>(r.x_hi + 1) * static_cast<double>(r.y_hi + 1));
}

double attention_busiest_block_factor(const AttentionDims& d, AttentionKernel family, uint64_t blocks) {
  if (family != AttentionKernel::kFlashAttention3 || !d.masked || blocks == 0) return 1;
  constexpr uint64_t kTile = 128;  // queries and keys a tile (attention_kernel)
  const uint64_t nq = (d.queries + kTile - 1) / kTile, nk = (d.keys + kTile - 1) / kTile;
  const uint64_t tiles = nq * d.batch * d.heads, p = std::min(blocks, tiles);
  constexpr int64_t kNone = workloads::PairRegion::kNoBound;
  const auto t = static_cast<int64_t>(kTile);
  // Query tile q's key tiles: those whose key - query differences, from (i - q) t - (t - 1) to
  // (i - q) t + (t - 1), meet the band.
  const auto work = [&](uint64_t q) -> double {
    int64_t lo = 0, hi = static_cast<int64_t>(nk) - 1;
    const auto qi = static_cast<int64_t>(q);
    if (d.key_minus_query_lo != -kNone) {
      const int64_t a = d.key_minus_query_lo - (t - 1);  // ceil(a / t)
      lo = std::max(lo, qi + (a >= 0 ? (a + t - 1) / t : -((-a) / t)));
    }
    if (d.key_minus_query_hi != kNone) {
      const int64_t b = d.key_minus_query_hi + (t - 1);  // floor(b / t)
      hi = std::min(hi, qi + (b >= 0 ? b / t : -((-b + t - 1) / t)));
    }
    return hi >= lo ? static_cast<double>(hi - lo + 1) : 0.0;
  };
  // Block c takes tiles c, c + p, ...; a tile's query tile is its index mod nq (query tiles
  // fastest), so block c's query tiles repeat with period nq / gcd(p, nq).
  uint64_t g = p, r = nq;
  while (r) std::tie(g, r) = std::make_pair(r, g % r);
  const uint64_t period = nq / g;
  // Long sequences on many blocks: each block's tiles cover its periods evenly; counted as balanced.
  constexpr uint64_t kMostSteps = uint64_t{1} << 22;
  if (p * std::min(period, (tiles + p - 1) / p) > kMostSteps) return 1;
  std::vector<double> per_residue(g, 0.0);
  double all = 0;
  for (uint64_t q = 0; q < nq; ++q) {
    per_residue[q % g] += work(q);
    all += work(q);
  }
  double busiest = 0;
  for (uint64_t c = 0; c < p; ++c) {
    const uint64_t count = (tiles - 1 - c) / p + 1;
    double sum = static_cast<double>(count / period) * per_residue[c % g];
    for (uint64_t j = 0, q = c % nq; j < count % period; ++j, q = (q + p) % nq) sum += work(q);
    busiest = std::max(busiest, sum);
  }
  const double mean = all * static_cast<double>(d.batch * d.heads) / static_cast<double>(p);
  // Unmasked, the busiest block takes ceil(tiles / p) tiles: the calibrated efficiency holds that.
  const double unmasked = std::ceil(static_cast<double>(tiles) / static_cast<double>(p)) /
                          (static_cast<double>(tiles) / static_cast<double>(p));
  return std::max(1.0, busiest / mean / unmasked);
}

config::Kernel attention_kernel(const AttentionDims& d, const std::string& dtype, AttentionKernel family,
                                uint32_t sms) {
  // Tiles and launch shapes as the kernels measured on the H100 launch them
  // (validation/traces/h100/kineto_sdpa_*_fp16.json: grid, block, registers, shared memory).
  // Launchable shapes: a (batch, head) per grid row (65535 at most), head dimensions whose tiles
  // fit shared memory, sequences short of the grid's limit.
  const auto fail = [&](const std::string& message) { throw base::InputError("attention", {}, message); };
  if (d.batch < 1 || d.heads < 1 || d.batch * d.heads > 65535 || d.batch > 65535 || d.heads > 65535)
    fail("batch x heads must be 1 to 65535 (got " + std::to_string(d.batch) + " x " + std::to_string(d.heads) + ")");
  if (d.keys < 1 || d.queries < 1 || d.keys > (uint64_t{1} << 32) || d.queries > (uint64_t{1} << 32))
    fail("query and key lengths must be 1 to 2^32");
  if (d.qk_embed < 1 || d.v_embed < 1 || d.qk_embed > 1024 || d.v_embed > 1024)
    fail("head dimensions must be 1 to 1024");
  const bool fa3 = family == AttentionKernel::kFlashAttention3, me = family == AttentionKernel::kMemoryEfficient;
  const uint64_t query_tile = me ? 64 : 128, key_tile = me ? 64 : 128;
  const double bh = static_cast<double>(d.batch * d.heads);
  // The scores of the tiles computed: all of them, or those a mask leaves.
  const double tiles_computed = attention_tile_fraction(d, query_tile);
  const double scores = bh * static_cast<double>(d.keys) * static_cast<double>(d.queries) * tiles_computed;
  const uint64_t query_tiles = (d.queries + query_tile - 1) / query_tile;
  const uint64_t tiles = query_tiles * d.batch * d.heads;
  const double e = dtype_element_bytes(dtype);
  const uint64_t q_tile_bytes = query_tile * d.qk_embed * static_cast<uint64_t>(e),
                 kv_tile_bytes = key_tile * (d.qk_embed + d.v_embed) * static_cast<uint64_t>(e),
                 o_tile_bytes = query_tile * d.v_embed * static_cast<uint64_t>(e);
  config::Kernel k;
  k.set_name(family_name(family) + "_fwd");
  k.set_kind("attention");
  if (fa3) {
    // One block per SM (or per tile, if fewer), 3 warpgroups; Q, the stages of K and V and the
    // output tile in shared memory (128 KiB at head dim 64: the trace's block has 131 KiB). Three
    // stages up to head dim 64, two above (FlashAttention-3's tile_size_fwd_sm90: kStages 2 for
    // head dim 128 and 256), so that head dim 128 fits the opt-in 227 KiB.
    const uint64_t stages = std::max(d.qk_embed, d.v_embed) <= 64 ? 3 : 2;
    k.mutable_grid()->set_x(static_cast<uint32_t>(std::min<uint64_t>(tiles, sms)));
    k.mutable_block()->set_x(384);
    k.set_registers_per_thread(168);
    k.set_dynamic_smem_bytes(static_cast<uint32_t>(q_tile_bytes + stages * kv_tile_bytes + o_tile_bytes));
  } else {
    k.mutable_grid()->set_x(static_cast<uint32_t>(query_tiles));
    k.mutable_grid()->set_y(static_cast<uint32_t>(d.batch * d.heads));
    k.mutable_block()->set_x(128);
    // FlashAttention-2 holds its tiles' accumulators in the whole register file; the CUTLASS
    // kernel 128 registers a thread. Shared memory: the FlashAttention-2 kernel Q, K and V tiles;
    // the CUTLASS kernel K and V tiles.
    k.set_registers_per_thread(me ? 128 : 255);
    k.set_dynamic_smem_bytes(static_cast<uint32_t>((me ? 0 : q_tile_bytes) + kv_tile_bytes));
  }
  auto* w = k.mutable_work();
  (*w->mutable_tensor_flops())[dtype] = 2.0 * scores * static_cast<double>(d.qk_embed + d.v_embed);
  w->set_warp_mma(!fa3);
  w->set_family(family_name(family));
  w->set_sfu_ops(scores);
  w->set_fp32_flops(4.0 * scores);  // scale and subtract the running max, max, sum, rescale
  const double q = bh * d.queries * d.qk_embed * e, kk = bh * d.keys * d.qk_embed * e,
               v = bh * d.keys * d.v_embed * e, o = bh * d.queries * d.v_embed * e;
  w->set_dram_bytes(q + kk + v + o);
  w->set_l2_bytes((kk + v) * static_cast<double>(query_tiles - 1) * tiles_computed);
  w->set_bytes_in_flight_per_block(k.dynamic_smem_bytes());
  // A block's pipeline fills before its math: Q and the first K tile before its first scores, the
  // first V tile (behind them) before its first P V: two DRAM round trips.
  w->set_exposed_round_trips(2);
  w->set_busiest_block_factor(attention_busiest_block_factor(d, family, k.grid().x()));
  // A thread's softmax covers many independent scores of its rows.
  w->set_ilp(4);
  return k;
}

config::Kernel flash_attention_kernel(const AttentionDims& d, const std::string& dtype) {
  return attention_kernel(d, dtype, AttentionKernel::kFlashAttention2, 0);
}

std::vector<double> hash_grid_l2_hit_fractions(const GpuModel& model, const std::vector<double>& level_bytes,
                                               HashGridOrder order) {
  return reuse_hit_fractions(model.usable_l2_bytes(), level_bytes, order);
}

std::vector<double> hash_grid_l1_hit_fractions(const GpuModel& model, const std::vector<double>& level_bytes,
                                               HashGridOrder order) {
  const config::SmLimits& limits = model.config().proto().limits();
  const double unified = static_cast<double>(limits.unified_cache_per_sm_bytes());
  const double carveout = limits.carveout_kb_size() > 0 ? 1024.0 * limits.carveout_kb(0) : 0;
  return reuse_hit_fractions(std::max(0.0, unified - carveout) * kGatherL1UsableFraction, level_bytes, order);
}

std::vector<HashGatherTraffic> hash_grid_level_traffic(const GpuModel& model, const HashGridDims& d) {
  const std::vector<double> level_bytes = hash_grid_touched_bytes(d, kHashGatherSectorBytes);
  const std::vector<double> level_dram_bytes = hash_grid_touched_bytes(d, kLoneSectorDramBytes);
  const auto l1_hits = hash_grid_l1_hit_fractions(model, level_bytes, d.order);
  const auto l2_hits = hash_grid_l2_hit_fractions(model, level_bytes, d.order);
  const double corners = std::pow(2.0, d.dims);
  const double points = static_cast<double>(d.points);
  const double gathers_per_level = points * hash_grid_sector_gathers_per_point(d);
  const std::vector<double> entries = hash_grid_level_entries(d);
  const double positions = points * (d.position_bytes > 0 ? d.position_bytes : d.dims * 4.0);
  // Level-major, every level after the first reads the positions again, from DRAM as far as L2
  // does not hold them at their reuse distance (the positions and the largest level's footprint).
  double position_rereads = 0;
  if (d.order == HashGridOrder::kLevelMajor) {
    const double distance = positions + *std::max_element(level_bytes.begin(), level_bytes.end());
    position_rereads = positions * (1 - std::min(1.0, model.usable_l2_bytes() / distance));
  }
  std::vector<HashGatherTraffic> levels(level_bytes.size());
  for (size_t l = 0; l < level_bytes.size(); ++l) {
    HashGatherTraffic& t = levels[l];
    t.table_bytes = std::min(entries[l], points * corners) * d.features * 2;
    t.position_dram_bytes = l == 0 ? positions : position_rereads;
    // The first gather into each touched sector misses L1 and goes to L2, which reads it from DRAM
    // with its neighbour (a DRAM access of kLoneSectorDramBytes): the first into each touched
    // access's worth misses, the first into its other sector hits. The other gathers hit L1, then
    // L2, as far as each holds the level at their reuse distance.
    const double first = std::min(gathers_per_level, level_bytes[l] / kHashGatherSectorBytes);
    const double first_reads = std::min(first, level_dram_bytes[l] / kLoneSectorDramBytes);
    const double again = gathers_per_level - first, again_to_l2 = (1 - l1_hits[l]) * again;
    // Every corner's lane passes the L1 data path: the x-neighbours that find their sector there
    // (hits) and the gathers of their own alike.
    t.l1_bytes = points * corners * gather_l1_bytes_per_lane(d.features * 2.0);
    t.l2_bytes = (first - first_reads + l2_hits[l] * again_to_l2) * kHashGatherSectorBytes;
    const double misses = first_reads + (1 - l2_hits[l]) * again_to_l2;
    t.dram_bytes = misses * kLoneSectorDramBytes;
    t.dram_sector_reads = misses;
    t.requests = first + again_to_l2;
  }
  return levels;
}

HashGatherTraffic hash_grid_gather_traffic(const GpuModel& model, const HashGridDims& d) {
  return total_traffic(hash_grid_level_traffic(model, d));
}

config::Kernel hash_grid_encoding_kernel(const GpuModel& model, const HashGridDims& d) {
  constexpr uint32_t kThreads = 512;  // tiny-cuda-nn's N_THREADS_HASHGRID
  const double lookups = static_cast<double>(d.points) * d.levels;
  const double corners = std::pow(2.0, d.dims);
  check_hash_grid(d);
  const bool level_major = d.order == HashGridOrder::kLevelMajor;
  const double blocks = std::ceil((level_major ? static_cast<double>(d.points) : lookups) / kThreads);
  if (blocks > (1u << 31) - 1)
    throw base::InputError("hash-grid encoding", {}, "one thread per point and level needs " +
                                                         std::to_string(blocks) + " blocks, beyond CUDA's grid");
  config::Kernel k;
  k.set_name("hash_grid_encoding");
  k.set_kind("hash_grid");
  k.mutable_grid()->set_x(static_cast<uint32_t>(blocks));
  if (level_major) k.mutable_grid()->set_y(d.levels);
  k.mutable_block()->set_x(kThreads);
  k.set_registers_per_thread(48);
  // A level's work: per corner, the spatial hash (a multiply and xor per dimension), its trilinear
  // weight (a multiply per dimension) and an FMA per feature; positions in (FP32, again at each
  // level where L2 does not keep them), encoded features out (FP16), and the gathers (each touched
  // sector's first read from DRAM, the misses).
  const double points = static_cast<double>(d.points);
  const auto level_work = [&](const HashGatherTraffic& g, double levels, config::KernelWork& w) {
    w.set_fp32_flops(points * levels * corners * (3.0 * d.dims + 2.0 * d.features));
    const double out = points * levels * d.features * 2.0;
    w.set_dram_bytes(g.position_dram_bytes + out + g.dram_bytes);
    w.set_dram_write_bytes(out);
    w.set_dram_sector_reads(g.dram_sector_reads);
    w.set_l2_bytes(g.l2_bytes);
    w.set_l2_sector_requests(g.requests);
    w.set_smem_bytes(g.l1_bytes);
    w.set_bytes_per_access(static_cast<uint32_t>(kHashGatherSectorBytes));  // a sector per gather
    w.set_ilp(static_cast<uint32_t>(corners));  // the corners' gathers are independent
  };
  const std::vector<HashGatherTraffic> levels = hash_grid_level_traffic(model, d);
  level_work(total_traffic(levels), d.levels, *k.mutable_work());
  // Level-major, the GPU runs one level's row of blocks, then the next's: each level's gathers
  // meet the caches (and DRAM) alone, so a level bound by DRAM and one bound by L2 take turns
  // instead of overlapping.
  if (level_major)
    for (const HashGatherTraffic& g : levels) level_work(g, 1, *k.add_phases());
  return k;
}

double fused_mlp_smem_bytes(const FusedMlpDims& d, double blocks) {
  constexpr double kRows = 128, kWarps = 8, kFragment = 512, kTile = 1024;
  double per_block = kRows * d.inputs * 2;  // input tile
  for (uint32_t l = 0; l <= d.hidden_layers; ++l) {
    const bool last = l == d.hidden_layers;
    const double in = l == 0 ? d.inputs : d.width, out = last ? d.outputs : d.width;
    const double per_warp = in / 16 * kFragment + out / 16 * (in / 16 * kFragment + 2 * kTile + (last ? 0 : kFragment));
    per_block += in * out * 2 + kWarps * per_warp;
  }
  return per_block * blocks;
}

double fused_mlp_smem_conflict_bytes(const FusedMlpDims& d, double blocks) {
  constexpr double kWarps = 8, kWavefront = 128, kColumnMajorTile = 32, kRowMajorTile = 16;
  if (!d.feature_major_output) return 0;
  return d.outputs / 16.0 * (kColumnMajorTile - kRowMajorTile) * kWavefront * kWarps * blocks;
}

config::Kernel fused_mlp_kernel(const FusedMlpDims& d) {
  // The harness kernel's launch (validation/cuda/neural.cu): 128 rows and 8 warps a block; 43
  // registers a thread (ptxas for mlp_fused_k<64>, validation/traces/h100/neural.csv); shared memory
  // for one layer's weights, two activation buffers of padded rows and a 16x16 fp32 tile a warp.
  constexpr uint64_t kRows = 128;
  constexpr uint32_t kThreads = 256, kRegisters = 43;
  const uint64_t blocks = (d.rows + kRows - 1) / kRows;
  if (d.rows == 0 || blocks > (1u << 31) - 1)
    throw base::InputError("fused MLP", {}, "rows must be 1 to 128 x (2^31 - 1), found " + std::to_string(d.rows));
  if (d.hidden_layers < 1 || d.inputs < 1 || d.width < 1 || d.outputs < 1 || d.width > 1024 || d.inputs > 1024 ||
      d.outputs > 1024)
    throw base::InputError("fused MLP", {}, "a fused MLP has 1 or more hidden layers and widths of 1 to 1024");
  const uint32_t wide = std::max(d.width, d.inputs), padded = wide + 8;
  config::Kernel k;
  k.set_name("fused_mlp");
  k.set_kind("mlp");
  k.mutable_grid()->set_x(static_cast<uint32_t>(blocks));
  k.mutable_block()->set_x(kThreads);
  k.set_registers_per_thread(kRegisters);
  k.set_dynamic_smem_bytes(wide * padded * 2 + 2 * kRows * padded * 2 + 8 * 256 * 4);
  auto* w = k.mutable_work();
  const double rows = static_cast<double>(blocks * kRows);
  const double macs = static_cast<double>(d.inputs) * d.width +
                      static_cast<double>(d.hidden_layers - 1) * d.width * d.width +
                      static_cast<double>(d.width) * d.outputs;
  (*w->mutable_tensor_flops())["fp16"] = 2 * rows * macs;
  w->set_warp_mma(true);
  w->set_family("harness_fused_mlp");
  w->set_dram_bytes(static_cast<double>(d.rows) * (d.inputs + d.outputs) * 2 + macs * 2);
  w->set_dram_write_bytes(static_cast<double>(d.rows) * d.outputs * 2);
  w->set_smem_bytes(fused_mlp_smem_bytes(d, static_cast<double>(blocks)));
  w->set_smem_conflict_bytes(fused_mlp_smem_conflict_bytes(d, static_cast<double>(blocks)));
  // A block loads each layer's weights between two barriers, then does the layer's math on them.
  w->set_serial_phases(true);
  return k;
}

}  // namespace cascade::arch::gpu
