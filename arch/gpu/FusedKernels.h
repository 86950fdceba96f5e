#pragma once

#include <cstdint>
#include <string>

#include "arch/gpu/GpuModel.h"
#include "configs/kernel.pb.h"
#include "workloads/analysis/ShapeBinding.h"
#include "workloads/ir/Cascade.h"

namespace cascade::arch::gpu {

// GPU mappings of cascades that a framework runs as one fused kernel.

struct AttentionDims {
  uint64_t batch = 1, heads = 1, keys = 0, queries = 0, qk_embed = 0, v_embed = 0;
};

// A FlashAttention-2 style forward kernel (Dao, 2023): one block of 4 warps per 128 queries of a
// (batch, head), K and V streamed in 64-key tiles through shared memory; per score two
// tensor-core MACs per embedding element (QK and AV), one exponential on the special-function
// units and a handful of FP32 operations (scale, running max, rescale, sum); Q, K, V read and the
// output written once from DRAM, the re-reads of K and V by the other query tiles from L2.
config::Kernel flash_attention_kernel(const AttentionDims& d,
                                      const std::string& dtype);

// The same for the attention of a bound cascade, its ranks named B, H, M, P, E, F (batch and heads
// optional): a 1-pass, 2-pass or 3-pass attention cascade computes the same function.
config::Kernel flash_attention_kernel(const workloads::Cascade& cascade,
                                      const workloads::RankSizes& sizes, const std::string& dtype);

// instant-ngp's multiresolution hash encoding (Mueller et al., SIGGRAPH 2022): for each point and
// level, the 2^dims corners of its grid cell are hashed into the level's table of `table_size`
// entries of `features` half-precision values and interpolated. One thread per (point, level);
// each corner a 32-byte sector gathered from L2 when all tables fit it, else from DRAM.
struct HashGridDims {
  uint64_t points = 0;
  uint32_t levels = 16, features = 2, dims = 3;
  uint64_t table_size = 1u << 19;  // T
};
config::Kernel hash_grid_encoding_kernel(const GpuModel& model, const HashGridDims& d);

// Bytes one gathered hash-table entry costs the memory system: its whole 32-byte sector.
inline constexpr double kHashGatherSectorBytes = 32;
// Whether all of a hash encoding's tables fit the GPU's L2, which then serves the gathers.
bool hash_tables_fit_l2(const GpuModel& model, double table_bytes);

}  // namespace cascade::arch::gpu
