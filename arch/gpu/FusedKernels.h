#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "arch/gpu/GpuModel.h"
#include "configs/kernel.pb.h"
#include "workloads/analysis/ShapeBinding.h"
#include "workloads/ir/Cascade.h"

namespace cascade::arch::gpu {

// GPU mappings of cascades that a framework runs as one fused kernel.

struct AttentionDims {
  uint64_t batch = 1, heads = 1, keys = 0, queries = 0, qk_embed = 0, v_embed = 0;
  // A mask: only scores whose key index minus query index lies in [key_minus_query_lo,
  // key_minus_query_hi] are computed (causal: at most 0). The kernels skip the key tiles a query
  // tile has no score in and compute the tiles the band cuts whole (with the mask applied). An
  // unbounded side is -/+ workloads::PairRegion::kNoBound.
  bool masked = false;
  int64_t key_minus_query_lo = -INT64_MAX, key_minus_query_hi = INT64_MAX;
};

// The fraction of (query tile, key tile) pairs a masked attention computes, tiles of `tile`
// queries and keys; 1 without a mask.
double attention_tile_fraction(const AttentionDims& d, uint64_t tile);

// The attention forward kernels frameworks launch on Hopper, by family. They do the same work
// (per score two tensor-core MACs per embedding element, one exponential, a few FP32 operations;
// Q, K, V read and the output written once from DRAM, the other query tiles' re-reads of K and V
// from L2) with different tiles, launch shapes and tensor-core instructions:
enum class AttentionKernel {
  // FlashAttention-2 (Dao, 2023), PyTorch's "flash" SDPA backend
  // (pytorch_flash::flash_fwd_kernel<Flash_fwd_kernel_traits<64, 128, 128, 4, ...>>): a block of 4
  // warps per 128 queries of a (batch, head), 128-key tiles of K and V in shared memory, mma.sync.
  kFlashAttention2,
  // FlashAttention-3 style (Shah et al., 2024), cuDNN's sm90 flash forward
  // (cudnn_generated_fort_native_sdpa_sm90_flash_fprop_wgmma_*): persistent, one block of 3
  // warpgroups (a TMA producer, two wgmma consumers) per SM walking 128-query tiles.
  kFlashAttention3,
  // xFormers' CUTLASS memory-efficient kernel (Rabe and Staats, 2021), PyTorch's "efficient"
  // backend (fmha_cutlassF_*_64x64_rf_sm80): 4 warps per 64 queries, 64-key tiles, mma.sync.
  kMemoryEfficient,
};

// The family of a kernel by its name as a profiler reports it; nothing for other kernels.
std::optional<AttentionKernel> attention_kernel_of(const std::string& kernel_name);
// A masked attention of the persistent family (kFlashAttention3) on `blocks` blocks: each block
// takes tiles round-robin in launch order (tile t to block t mod blocks, the query tiles of a
// (batch, head) in a row, as the cuDNN kernel's causal times show: GPT-2 small at 1024 tokens on the
// H200, 45.1 us, 0.72 of the same shape unmasked, BERT-Base's 62.8 us on the H100, whose attention
// the H200 matches within 2% at 512 and 4096 tokens; 8 heads of 256 at 2048 tokens 0.99 of the full
// kernel; validation/traces/h*/kineto_*.json),
// so its blocks differ in work (a causal query tile's key tiles up to the diagonal) and it ends with
// the busiest. The busiest block's work over the mean, over the same for the unmasked kernel (whose
// ceil(tiles / blocks) the calibrated efficiency already holds): KernelWork.busiest_block_factor.
// 1 for the other families (a block per tile), without a mask, and where the count would take more
// than 2^22 steps (long sequences on many blocks, which average out).
double attention_busiest_block_factor(const AttentionDims& d, AttentionKernel family, uint64_t blocks);

// The family's name: the key of GpuTimingModel.kernel_family_efficiency.
std::string family_name(AttentionKernel family);
// The family of that name (GpuMapping.attention_family); nothing for another name.
std::optional<AttentionKernel> attention_family_named(const std::string& name);

// One attention forward launch of the family: its launch shape, resources and work.
config::Kernel attention_kernel(const AttentionDims& d, const std::string& dtype, AttentionKernel family,
                                uint32_t sms);

// The FlashAttention-2 kernel (the family a cascade's attention maps to on the GPU).
config::Kernel flash_attention_kernel(const AttentionDims& d,
                                      const std::string& dtype);

// A fully fused MLP (tiny-cuda-nn's FullyFusedMLP; the harness's mlp_fused_k, validation/cuda/
// neural.cu): fp16 WMMA, a block of 8 warps per 128 rows, activations kept in shared memory across
// layers, each layer's weights staged there: `inputs` -> `hidden_layers` layers of `width` -> `outputs`
// (a multiple of 16).
struct FusedMlpDims {
  uint64_t rows = 0;
  uint32_t inputs = 64, width = 64, hidden_layers = 1, outputs = 16;
  // The output written feature by feature (tiny-cuda-nn's column-major layout, validation/cuda/
  // ngpc.cu): the output layer stages its fp32 tiles column-major, not row by row.
  bool feature_major_output = false;
};
// The shared-memory bytes its blocks move: each stages its 128 input rows and every layer's weights,
// and each of its 8 warps, per layer of K inputs and N outputs, loads its K/16 A fragments once,
// then for each of the N/16 output tiles loads K/16 B fragments (16x16 halves, 512 B each), stores
// the fp32 accumulator tile (1 KiB), reads it back and, in hidden layers, writes the fp16
// activations (512 B).
double fused_mlp_smem_bytes(const FusedMlpDims& d, double blocks);
// The shared-memory time (KernelWork.smem_conflict_bytes, 128 bytes a wavefront) of staging the
// output tiles column by column where the output is feature-major: each lane's 4-byte element of a
// 16-float column, the 4 lanes of a row group on one bank, 32 wavefronts a tile where the row-major
// staging of the family's calibrated kernel (neural.cu, 64-byte rows: rows g and g + 2 of each
// half-warp's 8-byte stores on the same banks) takes 16. Nsight Compute on the H200 counts the
// column-major kernel's stores at 180 wavefronts a warp with one hidden layer, 174 derived with
// these conflicts and the shared ones below (validation/traces/h200/ngpc_probe_mlp_ncu.csv). The
// conflicts every fused MLP shares (those row-major tiles, and each fp16 activation store's two
// wavefronts at width 64 and 128) are in the measured kernels the family's efficiency is fitted on,
// and stay in it.
double fused_mlp_smem_conflict_bytes(const FusedMlpDims& d, double blocks);
// Its launch and work: ceil(rows / 128) blocks of 256 threads, the harness kernel's registers and
// shared memory, the padded rows' tensor flops, its rows in and out and weights from DRAM, the
// family "harness_fused_mlp" (whose efficiency calibration fits on the measured kernels); each
// layer's weights are loaded between two barriers before its math (serial phases).
config::Kernel fused_mlp_kernel(const FusedMlpDims& d);

// How an encoding kernel's threads walk the (point, level) pairs, which sets the levels whose
// tables share an SM's L1 at a time.
enum class HashGridOrder {
  // tiny-cuda-nn's kernel_grid: a row of blocks per level (blockIdx.y = level), so an SM runs one
  // level's blocks at a time.
  kLevelMajor,
  // A thread per (point, level) with the levels innermost (validation/cuda/neural.cu): every
  // level's table is in use on every SM at once.
  kPointMajor,
};

// instant-ngp's multiresolution hash encoding (Mueller et al., SIGGRAPH 2022): for each point and
// level, the 2^dims corners of its grid cell are hashed into the level's table of `table_size`
// entries of `features` half-precision values and interpolated. One thread per (point, level);
// each corner a 32-byte sector gathered from L1, L2 or DRAM (hash_grid_l1_hit_fractions,
// hash_grid_l2_hit_fractions).
struct HashGridDims {
  uint64_t points = 0;
  uint32_t levels = 16, features = 2, dims = 3;
  uint64_t table_size = 1u << 19;  // T
  // Level l's grid scale is base_resolution x per_level_scale^l - 1 (instant-ngp's schedule).
  double base_resolution = 16, per_level_scale = 1.5;
  HashGridOrder order = HashGridOrder::kLevelMajor;
  // The DRAM bytes a point's position costs each time it is read: 0 means packed, dims x 4 bytes
  // (fp32); a position read out of a wider record touches the record's sectors (28 bytes for
  // instant-ngp's NeRF sample records).
  double position_bytes = 0;
};
// The most levels and grid dimensions an encoding may have (instant-ngp uses up to 32 levels in
// 2 or 3 dimensions): the per-level tables are kept in memory, and a level-major kernel runs its
// levels as phases (at most kMaxKernelPhases).
inline constexpr uint32_t kMaxHashGridLevels = 64;
inline constexpr uint32_t kMaxHashGridDims = 8;
// Throws InputError unless the dimensions are an encoding: 1 to kMaxHashGridLevels levels, 1 to
// kMaxHashGridDims dimensions, features and a table, a finite base resolution and per-level scale
// above 0.
void check_hash_grid(const HashGridDims& d);
// Blocks of 512 threads (tiny-cuda-nn's N_THREADS_HASHGRID, encodings/grid.h): level-major, its
// grid of ceil(points / 512) x levels blocks; point-major, ceil(points x levels / 512) blocks.
config::Kernel hash_grid_encoding_kernel(const GpuModel& model, const HashGridDims& d);

// What one gathered hash-table entry costs: an L2 request for its 32-byte sector
// (KernelWork.l2_sector_requests) and, when it misses, a DRAM read (KernelWork.dram_sector_reads:
// kLoneSectorDramBytes moved). Nsight Compute on the H200 (validation/traces/h200/
// memory_probe_gather_ncu.csv, random sectors over 2 GiB: 17.55 GB read for 276.8 M loads).
inline constexpr double kHashGatherSectorBytes = 32;
// What a lone sector a lane loads from L1 costs the SM's L1 data path (KernelWork.smem_bytes) where
// the lane loads alone: a wavefront, one clock of its 128 bytes, whatever the sector's 32 (Nsight
// Compute on the H200's march, validation/traces/h200/ngpc_probe_march_ncu.csv: its 74.4 M lone L1
// load sectors take the 0.29 ms of as many wavefronts, one a clock).
inline constexpr double kLoneSectorL1Bytes = 128;
// What each lane of a warp-wide gather of random entries of `entry_bytes` costs the L1 data path,
// hit or miss (KernelWork.smem_bytes): a 32-lane gather of 4-byte entries takes 9.3 to 10.6
// wavefronts, of 16-byte entries 18.8 (Nsight Compute on the H200: validation/traces/h200/
// ngpc_probe_grids_sizes_ncu.csv, neural_probe_hash_ncu.csv, memory_probe_gather_ncu.csv), so 38
// bytes of its 128 a clock a lane up to 8-byte entries, in proportion beyond.
double gather_l1_bytes_per_lane(double entry_bytes);
// The share of the L1 (the unified data cache less the smallest shared-memory carveout) that holds
// randomly gathered data at its reuse distance: Nsight Compute on the H200's grid encodings
// (validation/traces/h200/ngpc_probe_grids_sizes_ncu.csv, neural_probe_hash_ncu.csv) counts the L1
// hits a random footprint gets in 0.3 of the 256 KiB, where a lone random footprint stays in L1 up
// to about 200 KiB (memory_probe_gather.csv): the encodings' lines share it with their misses in
// flight and their positions.
inline constexpr double kGatherL1UsableFraction = 0.3;

// The share of a level's corners whose entry lies in the same 32-byte sector as its x-neighbour's
// (the corner one step along the first axis): 1 - entry bytes / 32, F x 2 bytes an entry. A dense
// level stores x-neighbours side by side; the spatial hash keeps them side by side too, its first
// prime being 1 "for cache coherence" (Mueller et al. 2022, section 3), so that x XOR h and
// (x + 1) XOR h fall in one sector of 32 / (F x 2) entries unless x + 1 carries out of it. Nsight
// Compute on the H200's grid encodings at 2^22 points (validation/traces/h200/
// ngpc_probe_grids_sizes_ncu.csv, the positions' loads taken out): with the reuse of
// hash_grid_l1_hit_fractions, their gathers' L1 hits come to 298 M predicted against 299 M counted
// (hash3d), 172 against 164 M (2D hash grid), 172 against 168 M (multi-resolution dense grid); with
// 16-byte entries (the low-resolution dense grid) 10.5 M of the 16.8 M predicted.
double hash_grid_shared_corner_fraction(const HashGridDims& d);

// The gathers' traffic of a hash encoding. A level stores its vertices densely where they fit T
// entries (ceil(scale) + 2 per axis), else hashes into T. Of a point's 2^dims corners, those that
// find their x-neighbour's sector hit L1 (hash_grid_shared_corner_fraction); the level's other
// n gathers land at random in its S sectors and touch S (1 - e^(-n/S)) of them (the level's
// footprint in a cache). The first gather into a touched sector misses L1 and goes to L2, which
// reads it from DRAM with its neighbour (a kLoneSectorDramBytes access: the first gather into each
// touched access reads DRAM, the first into its other sector hits L2); the other gathers hit L1,
// then L2, as far as each holds the level at their reuse distance (hash_grid_l1_hit_fractions,
// hash_grid_l2_hit_fractions over the footprints), and the rest read DRAM too. `l1_bytes`: every
// corner's lane on the L1 data path (gather_l1_bytes_per_lane); `requests`: the gathers that go
// to L2; `l2_bytes`: its hits' sectors; `dram_bytes` and `dram_sector_reads`: the DRAM reads
// (kLoneSectorDramBytes each). `table_bytes`: each level's touched entries once, min(stored,
// points x 2^dims) x F x 2 bytes, what validation/cuda/neural.cu counts in its bytes.
// `position_dram_bytes`: the positions' reads from DRAM; level-major, each level reads every
// position again, from L2 as far as it holds them at their reuse distance (the positions and the
// largest level's footprint), else from DRAM.
struct HashGatherTraffic {
  double l1_bytes = 0, l2_bytes = 0, dram_bytes = 0, requests = 0, table_bytes = 0, dram_sector_reads = 0;
  double position_dram_bytes = 0;
};
HashGatherTraffic hash_grid_gather_traffic(const GpuModel& model, const HashGridDims& d);
// The same, level by level (position_dram_bytes: level 0 reads the positions, each later one
// what it reads of them again).
std::vector<HashGatherTraffic> hash_grid_level_traffic(const GpuModel& model, const HashGridDims& d);

// The fraction of each level's gathers that L2 serves. Every level gets the same number of
// gathers, spread uniformly over its table, and a gather hits where L2's usable capacity
// (l2_bytes x l2_usable_fraction) covers its reuse distance: hit = min(1, capacity / distance).
// Level-major, a level's gathers run apart from the others' and the distance is the level's own
// footprint S; point-major (the default: every level at once), the levels touch
// sum_j min(S_j, S) distinct bytes between two gathers into one entry. Small (dense) levels hit;
// equal levels share L2 evenly.
std::vector<double> hash_grid_l2_hit_fractions(const GpuModel& model, const std::vector<double>& level_bytes,
                                               HashGridOrder order = HashGridOrder::kPointMajor);

// The fraction of each level's gathers that the SM's L1 serves, by the same reuse distances within
// one SM. L1 is the unified data cache less the smallest shared-memory carveout (the encodings use
// no shared memory), times kGatherL1UsableFraction; 0 where the GPU's limits do not give it.
std::vector<double> hash_grid_l1_hit_fractions(const GpuModel& model, const std::vector<double>& level_bytes,
                                               HashGridOrder order);

}  // namespace cascade::arch::gpu
