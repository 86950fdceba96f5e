#include "arch/gpu/FusedKernels.h"

#include <algorithm>
#include <cmath>

#include "workloads/ir/SourcePos.h"

namespace cascade::arch::gpu {
namespace {

double element_bytes(const std::string& dtype) {
  return dtype == "fp32" || dtype == "tf32" ? 4 : dtype == "fp8" ? 1 : 2;
}

}  // namespace

config::Kernel flash_attention_kernel(const AttentionDims& d,
                                      const std::string& dtype) {
  constexpr uint64_t kQueryTile = 128, kKeyTile = 64, kThreads = 128;
  const double bh = static_cast<double>(d.batch * d.heads);
  const double scores = bh * static_cast<double>(d.keys) * static_cast<double>(d.queries);
  const uint64_t query_tiles = (d.queries + kQueryTile - 1) / kQueryTile;
  const double e = element_bytes(dtype);
  config::Kernel k;
  k.set_name("flash_attention_fwd");
  k.set_kind("attention");
  k.mutable_grid()->set_x(static_cast<uint32_t>(query_tiles));
  k.mutable_grid()->set_y(static_cast<uint32_t>(d.batch * d.heads));
  k.mutable_block()->set_x(kThreads);
  k.set_registers_per_thread(255);  // FlashAttention-2's forward kernels use the whole register file
  // Q tile, and a double-buffered K and V tile.
  k.set_dynamic_smem_bytes(static_cast<uint32_t>(
      (kQueryTile * d.qk_embed + 2 * kKeyTile * (d.qk_embed + d.v_embed)) * static_cast<uint64_t>(e)));
  auto* w = k.mutable_work();
  (*w->mutable_tensor_flops())[dtype] =
      2.0 * scores * static_cast<double>(d.qk_embed + d.v_embed);
  w->set_sfu_ops(scores);
  w->set_fp32_flops(4.0 * scores);  // scale and subtract the running max, max, sum, rescale
  const double q = bh * d.queries * d.qk_embed * e, kk = bh * d.keys * d.qk_embed * e,
               v = bh * d.keys * d.v_embed * e, o = bh * d.queries * d.v_embed * e;
  w->set_dram_bytes(q + kk + v + o);
  w->set_l2_bytes((kk + v) * static_cast<double>(query_tiles - 1));
  w->set_bytes_in_flight_per_block(k.dynamic_smem_bytes());
  w->set_ilp(1);
  return k;
}

config::Kernel flash_attention_kernel(const workloads::Cascade& cascade,
                                      const workloads::RankSizes& sizes, const std::string& dtype) {
  const auto size = [&](const char* rank, bool required) -> uint64_t {
    const auto it = sizes.all().find(rank);
    if (it != sizes.all().end()) return it->second;
    if (required)
      throw workloads::InputError(cascade.file, {},
                                  std::string("flash attention needs the rank '") + rank +
                                      "' in workload '" + cascade.name + "'");
    return 1;
  };
  AttentionDims d;
  d.batch = size("B", false);
  d.heads = size("H", false);
  d.keys = size("M", true);
  d.queries = size("P", true);
  d.qk_embed = size("E", true);
  d.v_embed = size("F", true);
  return flash_attention_kernel(d, dtype);
}

bool hash_tables_fit_l2(const GpuModel& model, double table_bytes) {
  return table_bytes <= static_cast<double>(model.config().proto().memory().l2_bytes());
}

config::Kernel hash_grid_encoding_kernel(const GpuModel& model, const HashGridDims& d) {
  constexpr uint32_t kThreads = 128;
  const double lookups = static_cast<double>(d.points) * d.levels;
  const double corners = std::pow(2.0, d.dims);
  config::Kernel k;
  k.set_name("hash_grid_encoding");
  k.set_kind("hash_grid");
  k.mutable_grid()->set_x(static_cast<uint32_t>(std::ceil(lookups / kThreads)));
  k.mutable_block()->set_x(kThreads);
  k.set_registers_per_thread(48);
  auto* w = k.mutable_work();
  // Per corner: the spatial hash (a multiply and xor per dimension), its trilinear weight (a
  // multiply per dimension) and an FMA per feature.
  w->set_fp32_flops(lookups * corners * (3.0 * d.dims + 2.0 * d.features));
  const double tables = static_cast<double>(d.levels) * static_cast<double>(d.table_size) * d.features * 2;
  const double gathers = lookups * corners * kHashGatherSectorBytes;
  // Positions in (FP32), encoded features out (FP16).
  const double streamed = static_cast<double>(d.points) * (d.dims * 4.0 + d.levels * d.features * 2.0);
  const bool fits_l2 = hash_tables_fit_l2(model, tables);
  w->set_dram_bytes(streamed + (fits_l2 ? tables : gathers));
  w->set_l2_bytes(fits_l2 ? gathers : 0);
  w->set_bytes_per_access(static_cast<uint32_t>(kHashGatherSectorBytes));
  w->set_ilp(static_cast<uint32_t>(corners));  // the corners' gathers are independent
  return k;
}

}  // namespace cascade::arch::gpu
