// Fused-kernel mappings: flash attention against the cuDNN flash kernel measured in the Kineto
// trace of a BERT-Base layer on the H100 (validation/traces/h100/kineto_bert_base_bf16_seq*.json),
// and the hash-grid encoding's traffic derived by hand.
#include <gtest/gtest.h>

#include "GpuTestSupport.h"
#include "arch/gpu/CascadeMapping.h"
#include "arch/gpu/FusedKernels.h"
#include "workloads/parser/WorkloadLoader.h"

namespace cascade::arch::gpu {
namespace {

using testing_support::gpu_config;
using testing_support::source_path;

TEST(FusedKernels, FlashAttentionWithinTwoTimesOfTheMeasuredKernel) {
  // The Kineto traces: batch 8, 12 heads, head dim 64, bf16; the cuDNN SDPA flash kernel took
  // 19.3 us at sequence 512 and 842.9 us at 4096 (the trace's kernel events).
  const GpuModel model(gpu_config("h100_sxm"));
  const auto attention =
      workloads::load_workload_file(source_path("workloads/library/attention/attention_1pass.pbtxt"));
  for (const auto& [seq, measured_us] : {std::pair<uint64_t, double>{512, 19.3}, {4096, 842.9}}) {
    const auto sizes = workloads::bind_shapes(attention, {{"M", seq}});
    AttentionDims d{8, 12, seq, seq, 64, 64};
    const auto k = flash_attention_kernel(d, "bf16");
    // From the cascade (B = H = 1 there), all its Einsums one attention operator: the same kernel
    // but for batch and heads.
    std::vector<size_t> all(attention.einsums.size());
    for (size_t i = 0; i < all.size(); ++i) all[i] = i;
    const AttentionDims from = attention_dims(attention, all, sizes);
    EXPECT_EQ(from.batch, 1u);
    EXPECT_EQ(from.queries, seq);
    EXPECT_EQ(from.keys, seq);
    EXPECT_EQ(from.qk_embed, 64u);
    EXPECT_EQ(from.v_embed, 64u);
    const auto from_cascade = flash_attention_kernel(from, "bf16");
    EXPECT_DOUBLE_EQ(from_cascade.work().sfu_ops() * 96, k.work().sfu_ops());
    const double predicted_us = model.estimate(k).timing.seconds * 1e6;
    EXPECT_GE(predicted_us / measured_us, 0.5) << seq;
    EXPECT_LE(predicted_us / measured_us, 2.0) << seq << ": predicted " << predicted_us << " us";
  }
}

TEST(FusedKernels, AttentionFamiliesByNameAndLaunchShape) {
  // The kernel names the H100 profiles record (validation/traces/h100/kineto_sdpa_*_fp16.json).
  EXPECT_EQ(attention_kernel_of("void pytorch_flash::flash_fwd_kernel<Flash_fwd_kernel_traits<64, 128, 128, 4"),
            AttentionKernel::kFlashAttention2);
  EXPECT_EQ(attention_kernel_of("cudnn_generated_fort_native_sdpa_sm90_flash_fprop_wgmma_f16_knob_7_64x128x64"),
            AttentionKernel::kFlashAttention3);
  EXPECT_EQ(attention_kernel_of("fmha_cutlassF_f16_aligned_64x64_rf_sm80(PyTorchMemEffAttention"),
            AttentionKernel::kMemoryEfficient);
  EXPECT_FALSE(attention_kernel_of("nvjet_sm90_tst_192x192_64x4_2x1_v_bz_coop").has_value());
  // Batch 8 x 12 heads, 4096 queries and keys, head dim 64, fp16, on the H100's 132 SMs:
  // FlashAttention-2: 32 x 96 blocks of 128 threads, Q, K and V tiles of 128 x 64 in shared
  // memory (48 KiB); FlashAttention-3: 132 persistent blocks of 384 threads over 3072 tiles, Q, three
  // stages of K and V and the output tile (128 KiB); CUTLASS: 64 x 96 blocks of 128 threads. The
  // two mma.sync families are warp_mma; all do 4 x 96 x 4096^2 x 64 tensor flops.
  const AttentionDims d{8, 12, 4096, 4096, 64, 64};
  const auto fa2 = attention_kernel(d, "fp16", AttentionKernel::kFlashAttention2, 132);
  const auto fa3 = attention_kernel(d, "fp16", AttentionKernel::kFlashAttention3, 132);
  const auto me = attention_kernel(d, "fp16", AttentionKernel::kMemoryEfficient, 132);
  EXPECT_EQ(fa2.grid().x() * fa2.grid().y(), 32u * 96);
  EXPECT_EQ(fa2.block().x(), 128u);
  EXPECT_EQ(fa2.dynamic_smem_bytes(), 3u * 128 * 64 * 2);
  EXPECT_EQ(fa3.grid().x(), 132u);
  EXPECT_EQ(fa3.block().x(), 384u);
  EXPECT_EQ(fa3.dynamic_smem_bytes(), (1u + 3 * 2 + 1) * 128 * 64 * 2);
  EXPECT_EQ(me.grid().x() * me.grid().y(), 64u * 96);
  EXPECT_TRUE(fa2.work().warp_mma());
  EXPECT_FALSE(fa3.work().warp_mma());
  EXPECT_TRUE(me.work().warp_mma());
  for (const auto* k : {&fa2, &fa3, &me}) {
    EXPECT_DOUBLE_EQ(k->work().tensor_flops().at("fp16"), 4.0 * 96 * 4096 * 4096 * 64);
    EXPECT_EQ(k->work().exposed_round_trips(), 2u);  // Q and K, then V, before the math
  }
  // K and V re-read from L2 by every query tile but the first: 31 (FlashAttention-2: 32 tiles of
  // 128 queries) or 63 (CUTLASS: 64 tiles of 64) more reads of 2 x 96 x 4096 x 64 x 2 B.
  EXPECT_DOUBLE_EQ(fa2.work().l2_bytes(), 2.0 * 96 * 4096 * 64 * 2 * 31);
  EXPECT_DOUBLE_EQ(me.work().l2_bytes(), 2.0 * 96 * 4096 * 64 * 2 * 63);
}

TEST(FusedKernels, CausalPersistentAttentionEndsWithItsBusiestBlock) {
  // GPT-2 small at 1024 tokens (8 x 12 heads, 8 query tiles of 128) on 132 blocks: 768 tiles, block
  // c takes tiles c, c + 132, ... whose query tiles (index mod 8) alternate q and q + 4; a causal
  // query tile q computes q + 1 key tiles. The busiest blocks (q = 3 or 7) take 6 tiles of 4 and 8
  // key tiles: 36; the mean is 36 x 96 / 132 = 26.18; unmasked, the busiest takes ceil(768 / 132) = 6
  // tiles, 1.03125 times the mean. Factor: 36 / 26.18 / 1.03125 = 4/3.
  AttentionDims gpt2{8, 12, 1024, 1024, 64, 64};
  gpt2.masked = true;
  gpt2.key_minus_query_hi = 0;
  EXPECT_NEAR(attention_busiest_block_factor(gpt2, AttentionKernel::kFlashAttention3, 132), 4.0 / 3, 1e-12);
  // 8 heads of 2048 tokens (16 query tiles each) on 128 blocks: a tile a block; the busiest computes
  // 16 key tiles, the mean 136 / 16 = 8.5: 32/17.
  AttentionDims hd256{1, 8, 2048, 2048, 256, 256};
  hd256.masked = true;
  hd256.key_minus_query_hi = 0;
  EXPECT_NEAR(attention_busiest_block_factor(hd256, AttentionKernel::kFlashAttention3, 128), 32.0 / 17, 1e-12);
  // No mask, or a family with a block per tile: 1.
  AttentionDims full{8, 12, 1024, 1024, 64, 64};
  EXPECT_EQ(attention_busiest_block_factor(full, AttentionKernel::kFlashAttention3, 132), 1.0);
  EXPECT_EQ(attention_busiest_block_factor(gpt2, AttentionKernel::kFlashAttention2, 132), 1.0);
}

TEST(FusedKernels, AFeatureMajorOutputIsStagedWithFourWayConflicts) {
  // 2^20 rows in 8192 blocks of 8 warps; a 16-wide output is one fp32 tile a warp, staged column
  // by column at 32 wavefronts where a row-major tile takes 16: 16 x 128 bytes of SRAM time a warp.
  FusedMlpDims d;
  d.rows = 1 << 20;
  d.inputs = 32;
  d.width = 64;
  d.hidden_layers = 1;
  d.outputs = 16;
  EXPECT_DOUBLE_EQ(fused_mlp_kernel(d).work().smem_conflict_bytes(), 0);
  d.feature_major_output = true;
  EXPECT_DOUBLE_EQ(fused_mlp_kernel(d).work().smem_conflict_bytes(), 16.0 * 128 * 8 * 8192);
  // What it moves is the same either way.
  EXPECT_DOUBLE_EQ(fused_mlp_kernel(d).work().smem_bytes(), fused_mlp_smem_bytes(d, 8192));
}

TEST(FusedKernels, HashGridTrafficByHand) {
  // 2^20 points, 16 levels of at most 2^19 entries x 2 FP16 features (4 B), instant-ngp's schedule
  // from resolution 16, growth 1.5: levels 0-3 are dense (17^3, 25^3, 37^3 and 55^3 vertices:
  // 615, 1954, 6332 and 20797 sectors of 32 B; 308, 977, 3166 and 10399 DRAM accesses of 64 B),
  // levels 4-15 hash into 2^19 entries (65536 sectors, 32768 accesses). Of a point's 8 corners, the
  // 4 x-neighbours of another find its sector 7/8 of the time (8 entries a sector): 3.5 L1 hits, so
  // a level takes n = 4.5 x 2^20 gathers, which touch every sector and access (S (1 - e^(-n/S))
  // with n/S >= 72): footprints 19680, 62528, 202624, 665504 and 2097152 B. The first gather into
  // each sector misses L1; L2 reads it from DRAM with its neighbour, so the first into each access
  // reads DRAM and the first into its other sector hits L2. Of the others, tcnn's launch (one level
  // at a time on an SM) hits the 0.3 of the H100's 256 KiB L1 (carveout 0) the gathers keep,
  // 78643.2 B: all of levels 0-1, 78643.2 / 202624 of level 2, 78643.2 / 665504 of level 3 and
  // 78643.2 / 2097152 of a hashed level; a level's own footprint, its L2 reuse distance one level at
  // a time, is within the 50 MiB L2, so the rest hit L2. DRAM: the positions once (12 B a point:
  // with the largest footprint they fit L2), the features out (64 B a point, written) and 64 B a
  // DRAM read. Every corner's lane takes 38 bytes of the L1 data path.
  const GpuModel model(gpu_config("h100_sxm"));
  HashGridDims d;
  d.points = 1u << 20;
  const auto k = hash_grid_encoding_kernel(model, d);
  const double points = 1048576.0, n = points * 4.5, c1 = 262144 * 0.3;
  const double sectors[] = {615, 1954, 6332, 20797, 65536}, accesses[] = {308, 977, 3166, 10399, 32768};
  const double l1_hit[] = {1, 1, c1 / 202624, c1 / 665504, c1 / 2097152};
  double requests = 0, l2 = 0, reads = 0;
  for (int l = 0; l < 16; ++l) {
    const int i = std::min(l, 4);
    const double to_l2 = (1 - l1_hit[i]) * (n - sectors[i]);
    requests += sectors[i] + to_l2;
    l2 += sectors[i] - accesses[i] + to_l2;
    reads += accesses[i];
  }
  EXPECT_DOUBLE_EQ(reads, 408066);
  EXPECT_DOUBLE_EQ(k.work().smem_bytes(), 16 * 8 * points * 38);
  EXPECT_NEAR(k.work().l2_bytes(), 32 * l2, 1e-3);
  EXPECT_NEAR(k.work().l2_sector_requests(), requests, 1e-6);
  EXPECT_DOUBLE_EQ(k.work().dram_sector_reads(), reads);
  EXPECT_DOUBLE_EQ(k.work().dram_bytes(), points * (12 + 64) + 64 * reads);
  EXPECT_DOUBLE_EQ(k.work().dram_write_bytes(), points * 64);
  EXPECT_EQ(k.grid().x(), 2048u);  // 2^20 points / 512 threads, a row per level
  EXPECT_EQ(k.grid().y(), 16u);
  // The rows run in turn: a phase per level, level 0's with the positions, each its features out,
  // summing to the kernel's work.
  ASSERT_EQ(k.phases_size(), 16);
  EXPECT_DOUBLE_EQ(k.phases(0).dram_bytes(), points * (12 + 4) + 64 * 308);
  EXPECT_DOUBLE_EQ(k.phases(15).dram_bytes(), points * 4 + 64 * 32768);
  double phase_requests = 0;
  for (const auto& phase : k.phases()) phase_requests += phase.l2_sector_requests();
  EXPECT_NEAR(phase_requests, k.work().l2_sector_requests(), 1e-6);
  // Point-major (a thread per point and level, levels innermost), every level's table shares L1:
  // with levels of 19652, 200000 and 2097152 B, level 0's reuse distance is 3 x 19652 B, within
  // the gathers' 78643.2 B; level 1's 19652 + 2 x 200000 B; level 2's 19652 + 200000 + 2097152 B.
  // The levels interleave: no phases.
  d.order = HashGridOrder::kPointMajor;
  const auto hits = hash_grid_l1_hit_fractions(model, {19652, 200000, 2097152}, d.order);
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_DOUBLE_EQ(hits[0], 1.0);
  EXPECT_DOUBLE_EQ(hits[1], c1 / (19652 + 2 * 200000));
  EXPECT_DOUBLE_EQ(hits[2], c1 / (19652 + 200000 + 2097152));
  EXPECT_EQ(hash_grid_encoding_kernel(model, d).grid().x(), 32768u);  // 2^20 x 16 / 512
  EXPECT_EQ(hash_grid_encoding_kernel(model, d).phases_size(), 0);
  // 2^23 points, level-major: each level reads every position (12 B) again; its reuse distance is
  // the positions' 100663296 B and the largest footprint's 2 MiB, of which the 50 MiB L2 holds
  // 52428800 / 102760448: the other 15 levels read the rest from DRAM. The gathers read DRAM as at
  // 2^20 points: each access once.
  d.order = HashGridOrder::kLevelMajor;
  d.points = 1u << 23;
  const double positions = 8388608.0 * 12, held = 52428800.0 / (positions + 2097152);
  EXPECT_DOUBLE_EQ(hash_grid_encoding_kernel(model, d).work().dram_bytes(),
                   positions * (1 + 15 * (1 - held)) + 8388608.0 * 64 + 64 * 408066);
  d.points = 1u << 20;
  // 2^24 entries per level: levels 7-15 hash into 64 MiB each, which the gathers of one level touch
  // 1 - e^-2.25 of (a footprint beyond the 50 MiB L2): many more DRAM reads, each slower than an L2
  // hit, and a slower kernel.
  d.table_size = 1u << 24;
  const auto big = hash_grid_encoding_kernel(model, d);
  EXPECT_GT(big.work().dram_sector_reads(), 10 * k.work().dram_sector_reads());
  EXPECT_GT(model.estimate(big).timing.seconds, model.estimate(k).timing.seconds);
}

TEST(FusedKernels, XNeighboursShareASectorAsTheirEntriesFitIt) {
  // x and x + 1 sit side by side (a dense level, or the hash's first prime of 1): in one 32-byte
  // sector unless x + 1 starts the next. 4-byte entries (2 FP16 features): 7 of 8; 16-byte entries
  // (8 features): 1 of 2; 32-byte entries: never.
  HashGridDims d;
  d.features = 2;
  EXPECT_DOUBLE_EQ(hash_grid_shared_corner_fraction(d), 7.0 / 8);
  d.features = 8;
  EXPECT_DOUBLE_EQ(hash_grid_shared_corner_fraction(d), 0.5);
  d.features = 16;
  EXPECT_DOUBLE_EQ(hash_grid_shared_corner_fraction(d), 0);
  // A warp's random gather: 9.5 of the L1's 128-byte wavefronts for 32 lanes of 4-byte entries
  // (38 bytes a lane), twice that for 16-byte entries (Nsight Compute on the H200).
  EXPECT_DOUBLE_EQ(gather_l1_bytes_per_lane(4), 38);
  EXPECT_DOUBLE_EQ(gather_l1_bytes_per_lane(16), 76);
}

TEST(FusedKernels, HashGridHitsByReuseDistance) {
  // Levels of 10, 10 and 100 MB in a 50 MB L2 (l2_usable_fraction 1 in the H100 config): between
  // two gathers into one entry of a 10 MB level, the levels touch 10 + 10 + 10 MB, within L2 (all
  // hit); of the 100 MB level, 10 + 10 + 100 MB: 50 / 120 of its gathers hit.
  const GpuModel model(gpu_config("h100_sxm"));
  const double l2 = 52428800, mb = 1e6;
  const auto hits = hash_grid_l2_hit_fractions(model, {10 * mb, 100 * mb, 10 * mb});
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_DOUBLE_EQ(hits[0], 1.0);
  EXPECT_DOUBLE_EQ(hits[1], l2 / (120 * mb));
  EXPECT_DOUBLE_EQ(hits[2], 1.0);
  // Level-major, a level's gathers run apart from the others': its own 100 MB is the distance.
  const auto apart = hash_grid_l2_hit_fractions(model, {10 * mb, 100 * mb, 10 * mb}, HashGridOrder::kLevelMajor);
  ASSERT_EQ(apart.size(), 3u);
  EXPECT_DOUBLE_EQ(apart[1], l2 / (100 * mb));
}

}  // namespace
}  // namespace cascade::arch::gpu
