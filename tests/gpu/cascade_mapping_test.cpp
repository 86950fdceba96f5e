// GPU mappings of the IR's Einsums and operators: the BERT-Base layer's projections become GEMMs
// with the ranks in the roles derived by hand below, its activation an element-wise kernel; the
// whole PyTorch encoder layer (bert_base_layer.pbtxt) becomes the kernels the committed Kineto
// traces recorded, one to one, and predicts their device time within 10% on the H100 and H200.
#include <gtest/gtest.h>

#include <cmath>

#include "GpuTestSupport.h"
#include "arch/gpu/CascadeMapping.h"
#include "arch/gpu/GpuCascadeModel.h"
#include "validation/gpu/TraceImport.h"
#include "workloads/parser/WorkloadLoader.h"

namespace cascade::arch::gpu {
namespace {

using testing_support::gpu_config;
using testing_support::source_path;

struct Bert {
  workloads::Cascade cascade =
      workloads::load_workload_file(source_path("workloads/library/transformers/bert_base.pbtxt"));
  workloads::RankSizes sizes = workloads::bind_shapes(cascade, {{"M", 4096}, {"B", 8}});
  GpuModel model{gpu_config("h100_sxm")};
  config::Kernel map(const std::string& tensor) const {
    return map_einsum_to_gpu(model, cascade, static_cast<size_t>(cascade.writer_of(tensor)), sizes, "bf16");
  }
};

TEST(CascadeMapping, ProjectionIsAGemm) {
  // Q[b,h,e,p] = XQ[b,d,p] * WQ[d,h,e]: b and p only in XQ and Q (M = 8 * 4096), h and e only in WQ
  // and Q (N = 12 * 64 = 768), d reduced (K = 768), no batch rank: 2 * 32768 * 768 * 768 flops.
  const Bert bert;
  const config::Kernel k = bert.map("Q");
  EXPECT_EQ(k.kind(), "gemm");
  double flops = 0;
  for (const auto& [type, f] : k.work().tensor_flops()) flops += f;
  EXPECT_GE(flops, 2.0 * 32768 * 768 * 768);  // padded tiles may add some
  EXPECT_LE(flops, 2.0 * 32768 * 768 * 768 * 1.1);
  EXPECT_NO_THROW(bert.model.estimate(k));
}

TEST(CascadeMapping, AttentionScoresAreABatchedGemm) {
  // BQK[b,h,m1,m0,p] = Q[b,h,e,p] * BK[b,h,e,m1,m0]: batch b, h (96); M = p (4096); N = m1 m0 (4096);
  // K = e (64).
  const Bert bert;
  const config::Kernel k = bert.map("BQK");
  EXPECT_EQ(k.kind(), "gemm");
  EXPECT_EQ(k.work().dram_bytes(),
            96.0 * ((4096.0 * 64 + 64 * 4096) * 2 + 4096.0 * 4096 * 2));  // A, B, C once (no split)
}

TEST(CascadeMapping, ActivationIsElementwise) {
  // FA[b,s,p] = gelu(FF1[b,s,p]): 8 * 3072 * 4096 elements read and written in bf16, one gelu each,
  // 8 per thread in blocks of 128.
  const Bert bert;
  const config::Kernel k = bert.map("FA");
  const double n = 8.0 * 3072 * 4096;
  EXPECT_EQ(k.kind(), "elementwise");
  EXPECT_DOUBLE_EQ(k.work().dram_bytes(), 2 * n * 2);
  EXPECT_DOUBLE_EQ(k.work().fp32_flops(), n);
  EXPECT_EQ(k.grid().x(), static_cast<uint32_t>(n / 8 / 128));
  EXPECT_NO_THROW(bert.model.estimate(k));
}


struct BertLayer {
  workloads::Cascade cascade =
      workloads::load_workload_file(source_path("workloads/library/transformers/bert_base_layer.pbtxt"));
  GpuCascadeModel model{GpuArchConfig::load(source_path("configs/arch/gpu/h100_sxm.calibrated.pbtxt"))};
};

TEST(CascadeMapping, PackedProjectionIsOneGemmOfTheSummedN) {
  // in_proj: Q, K and V projections of 8 x 512 tokens (M = 4096) from D = 768 (K) to 3 x 12 x 64
  // (N = 2304), as PyTorch's in_proj_weight: 2 * 4096 * 2304 * 768 flops (padded tiles may add some).
  const BertLayer bert;
  const auto sizes = workloads::bind_shapes(bert.cascade, {});
  const auto kernels = map_cascade_to_gpu(bert.model.gpu(), bert.cascade, sizes);
  ASSERT_EQ(kernels.front().name, "in_proj");
  EXPECT_EQ(kernels.front().einsums.size(), 6u);
  double flops = 0;
  for (const auto& [type, f] : kernels.front().kernel.work().tensor_flops()) flops += f;
  EXPECT_GE(flops, 2.0 * 4096 * 2304 * 768);
  EXPECT_LE(flops, 2.0 * 4096 * 2304 * 768 * 1.1);
}

TEST(CascadeMapping, AttentionOperatorDimensions) {
  // QK[b,h,m,p] = Q[b,h,p,e] * K[b,h,m,e]: batch b h (8 x 12), queries p, keys m (512), embed e
  // (64); V[b,h,m,f] less keys and batch: f (64).
  const BertLayer bert;
  const auto sizes = workloads::bind_shapes(bert.cascade, {});
  const workloads::Operator* op = bert.cascade.operator_of(static_cast<size_t>(bert.cascade.writer_of("QK")));
  ASSERT_NE(op, nullptr);
  const AttentionDims d = attention_dims(bert.cascade, op->einsums, sizes);
  EXPECT_EQ(d.batch * d.heads, 96u);
  EXPECT_EQ(d.queries, 512u);
  EXPECT_EQ(d.keys, 512u);
  EXPECT_EQ(d.qk_embed, 64u);
  EXPECT_EQ(d.v_embed, 64u);
}

// The kind of each kernel a Kineto trace recorded, by the operator that launched it.
std::string traced_kind(const std::string& op) {
  if (op == "aten::addmm" || op == "aten::_addmm_activation") return "gemm";
  if (op.find("attention") != std::string::npos) return "attention";
  if (op == "aten::add_") return "elementwise";
  if (op == "aten::native_layer_norm") return "layer_norm";
  return "unknown operator " + op;
}

TEST(CascadeMapping, BertLayerIsTheTracedKernelsAndTheirDeviceTime) {
  // Each committed trace is one forward pass of torch.nn.TransformerEncoderLayer (batch 8,
  // validation/cuda/kineto_bert.py) at its sequence length; its measured pass is the sum of its
  // kernels' durations. The H100's traces are predicted on its calibrated config, the H200's on
  // h200.pbtxt (its datasheet with the H100's calibrated family).
  const BertLayer bert;
  const GpuCascadeModel h200{GpuArchConfig::load(source_path("configs/arch/gpu/h200.pbtxt"))};
  const std::pair<const char*, uint64_t> traces[] = {
      {"h100/kineto_bert_base_bf16_seq256.json", 256},   {"h100/kineto_bert_base_bf16_seq512.json", 512},
      {"h100/kineto_bert_base_bf16_seq1024.json", 1024}, {"h100/kineto_bert_base_bf16_seq2048.json", 2048},
      {"h100/kineto_bert_base_bf16_seq4096.json", 4096}, {"h200/kineto_bert_base_bf16_seq512.json", 512},
      {"h200/kineto_bert_base_bf16_seq4096.json", 4096}};
  for (const auto& [file, seq] : traces) {
    const auto imported = validation::import_kineto_json(source_path(std::string("validation/traces/") + file));
    EXPECT_EQ(imported.traces.meta().at("seq_len"), std::to_string(seq)) << file;
    const GpuCascadeModel& model = std::string(file).rfind("h200/", 0) == 0 ? h200 : bert.model;
    const sim::Result r =
        model.evaluate(bert.cascade, workloads::bind_shapes(bert.cascade, {{"M", seq}}), Fidelity::Analytical);
    ASSERT_EQ(r.kernels.size(), static_cast<size_t>(imported.traces.run_size())) << file;
    double measured_s = 0;
    for (int i = 0; i < imported.traces.run_size(); ++i) {
      const auto& run = imported.traces.run(i);
      measured_s += run.duration_s();
      EXPECT_EQ(r.kernels[static_cast<size_t>(i)].kind(), traced_kind(run.operator_name()))
          << file << ": kernel " << i << " " << run.name();
    }
    EXPECT_LE(std::abs(r.seconds() / measured_s - 1), 0.10)
        << file << ": predicted " << r.seconds() * 1e6 << " us, measured " << measured_s * 1e6 << " us";
  }
}

TEST(CascadeMapping, OperatorOfTheWrongShapeIsAnErrorAtTheOperator) {
  // A LINEAR operator whose Einsum is no GEMM, a NORMALIZATION without a reduction.
  const std::string head = R"pb(name: "w"
rank { name: "M" size: 64 }
rank { name: "D" size: 64 }
tensor { name: "X" ranks: ["M", "D"] type: BF16 }
tensor { name: "Y" ranks: ["M", "D"] type: BF16 }
einsum: "Y[m,d] = gelu(X[m,d])"
)pb";
  const GpuModel model(gpu_config("h100_sxm"));
  for (const char* kind : {"LINEAR", "NORMALIZATION"}) {
    const auto cascade =
        workloads::parse_workload_text(head + "operator { name: \"op\" kind: " + kind + " einsum: [\"Y\"] }\n", "w.pbtxt");
    try {
      map_cascade_to_gpu(model, cascade, workloads::bind_shapes(cascade, {}));
      ADD_FAILURE() << kind << " accepted";
    } catch (const base::InputError& e) {
      EXPECT_EQ(e.pos().line, 7) << kind;
      EXPECT_NE(e.message().find("operator 'op'"), std::string::npos) << e.message();
    }
  }
}

TEST(CascadeMapping, DecoderLayersRunOnEveryGpuConfig) {
  // One kernel per operator of each layer file (GPT-2: 10, Llama: 16, BERT: 9) on every part.
  const std::pair<const char*, size_t> layers[] = {{"gpt2_small_layer", 10}, {"llama2_7b_layer", 16}, {"bert_base_layer", 9}};
  for (const char* config : {"h100_sxm", "h100_sxm.calibrated", "h200", "a100_sxm", "rtx4090", "rtx3090"}) {
    const GpuCascadeModel model(gpu_config(config));
    for (const auto& [layer, kernels] : layers) {
      const auto cascade = workloads::load_workload_file(source_path(std::string("workloads/library/transformers/") + layer + ".pbtxt"));
      const sim::Result r = model.evaluate(cascade, workloads::bind_shapes(cascade, {}), Fidelity::Analytical);
      EXPECT_EQ(r.kernels.size(), kernels) << config << " " << layer;
      EXPECT_GT(r.seconds(), 0) << config << " " << layer;
    }
  }
}

TEST(CascadeMapping, ASplitKLinearIsFollowedByItsReduction) {
  // Llama-2-7B's layer over 16 tokens: its projections' few output tiles split K, and each such
  // library call launches its reduction right after the GEMM, a kernel of the same operator.
  const GpuModel model(gpu_config("h100_sxm"));
  const auto cascade =
      workloads::load_workload_file(source_path("workloads/library/transformers/llama2_7b_layer.pbtxt"));
  const auto kernels = map_cascade_to_gpu(model, cascade, workloads::bind_shapes(cascade, {{"M", 16}}));
  size_t reductions = 0;
  for (size_t i = 1; i < kernels.size(); ++i) {
    if (kernels[i].kernel.kind() != "reduction" || kernels[i].op_kind != "linear") continue;
    ++reductions;
    EXPECT_EQ(kernels[i].name, kernels[i - 1].name + "_splitk_reduce");
    EXPECT_EQ(kernels[i].einsums, kernels[i - 1].einsums);
    EXPECT_GT(kernels[i - 1].kernel.grid().z(), 1u) << kernels[i - 1].name;
  }
  EXPECT_GE(reductions, 1u);
  EXPECT_EQ(kernels.size(), 16 + reductions);
}

TEST(CascadeMapping, CausalAttentionComputesTheTilesOnAndBelowTheDiagonal) {
  // GPT-2's score `where m <= p` is a band key - query <= 0. With 128-query and 128-key tiles
  // over M = 1024 (8 x 8 tiles) the kernel computes the 36 tile pairs on and below the diagonal:
  // tensor flops 36/64 of the unmasked kernel's, its launch the same.
  const auto cascade = workloads::load_workload_file(source_path("workloads/library/transformers/gpt2_small_layer.pbtxt"));
  const auto sizes = workloads::bind_shapes(cascade, {});
  const workloads::Operator* op = cascade.operator_of(static_cast<size_t>(cascade.writer_of("QK")));
  AttentionDims d = attention_dims(cascade, op->einsums, sizes);
  EXPECT_TRUE(d.masked);
  EXPECT_EQ(d.key_minus_query_hi, 0);
  EXPECT_EQ(d.key_minus_query_lo, -INT64_MAX);
  EXPECT_DOUBLE_EQ(attention_tile_fraction(d, 128), 36.0 / 64);
  const config::Kernel masked = attention_kernel(d, "bf16", AttentionKernel::kFlashAttention2, 132);
  d.masked = false;
  const config::Kernel full = attention_kernel(d, "bf16", AttentionKernel::kFlashAttention2, 132);
  EXPECT_DOUBLE_EQ(masked.work().tensor_flops().at("bf16") * 64, full.work().tensor_flops().at("bf16") * 36);
  EXPECT_EQ(masked.grid().x(), full.grid().x());
  EXPECT_EQ(masked.work().dram_bytes(), full.work().dram_bytes());
  // A window of 128 keys (p - 128 < m <= p) meets two tiles per query tile but the first: 15 of 64.
  d.masked = true;
  d.key_minus_query_lo = -127;
  EXPECT_DOUBLE_EQ(attention_tile_fraction(d, 128), 15.0 / 64);
}

TEST(CascadeMapping, HeadDim128FitsTheHopperFlashAttention3Kernel) {
  // FlashAttention-3 keeps two K/V stages at head dim 128: Q (128 x 128 x 2 B) + 2 stages of K and
  // V (2 x 128 x 256 x 2 B) + O (128 x 128 x 2 B) = 192 KiB, within the H100's 227 KiB opt-in.
  const AttentionDims d{1, 32, 4096, 4096, 128, 128};
  const config::Kernel k = attention_kernel(d, "bf16", AttentionKernel::kFlashAttention3, 132);
  EXPECT_EQ(k.dynamic_smem_bytes(), 196608u);
  EXPECT_NO_THROW(GpuModel(gpu_config("h100_sxm")).estimate(k));
}

TEST(CascadeMapping, OperatorsOfAShapeTheMappingCannotTakeAreErrors) {
  // A packed LINEAR operator whose GEMMs differ in their reduced ranks (an error at the operator);
  // an ATTENTION operator without a score GEMM (at its first Einsum).
  const std::string head = R"pb(name: "w"
rank { name: "M" size: 64 }
rank { name: "D" size: 32 }
rank { name: "S" size: 16 }
tensor { name: "X" ranks: ["M", "D"] type: BF16 }
tensor { name: "W1" ranks: ["D", "S"] type: BF16 }
tensor { name: "W2" ranks: ["M", "S"] type: BF16 }
tensor { name: "A" ranks: ["M", "S"] type: BF16 }
tensor { name: "B" ranks: ["D", "S"] type: BF16 }
)pb";
  const GpuModel model(gpu_config("h100_sxm"));
  const auto error_of = [&](const std::string& body) {
    const auto cascade = workloads::parse_workload_text(head + body, "w.pbtxt");
    try {
      map_cascade_to_gpu(model, cascade, workloads::bind_shapes(cascade, {}));
    } catch (const base::InputError& e) {
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  EXPECT_EQ(error_of("einsum: \"A[m,s] = X[m,d] * W1[d,s]\"\neinsum: \"B[d,s] = X[m,d] * W2[m,s]\"\n"
                     "operator { name: \"proj\" kind: LINEAR einsum: [\"A\", \"B\"] }\n"),
            "w.pbtxt:12:1: error: operator 'proj' (linear): 'B' differs from 'A' in its rows, reduced ranks or "
            "batch: packed GEMMs share all three");
  EXPECT_EQ(error_of("einsum: \"A[m,s] = gelu(W2[m,s])\"\noperator { name: \"att\" kind: ATTENTION einsum: [\"A\"] }\n"),
            "w.pbtxt:10:10: error: attention: no score GEMM (a sum of a product of queries and keys)");
}

}  // namespace
}  // namespace cascade::arch::gpu

namespace cascade::arch::gpu {
namespace {

TEST(CascadeMapping, GridEncodingIsTheHashGridKernel) {
  // NeRF at 1000 rays of 16 samples: the hash grid's ENCODING operator is tcnn's encoding kernel,
  // one thread per (query, level), a row of ceil(16000 queries / 512 threads) = 32 blocks for each
  // of the 16 levels, with the
  // encoding's own table (levels, T, scales); each MLP one fully fused kernel of 128 rows a block
  // (16000 / 128 = 125 blocks) with the padded rows' tensor flops: density 32 x 64 + 64 x 16 MACs a
  // row; the spherical harmonics (no grid) an element-wise kernel.
  const auto cascade =
      workloads::load_workload_file(testing_support::source_path("workloads/library/neural_graphics/nerf.pbtxt"));
  const auto sizes = workloads::bind_shapes(cascade, {{"P", 1000}});
  const GpuModel model{testing_support::gpu_config("rtx3090")};
  std::map<std::string, std::string> kinds;
  for (const auto& k : map_cascade_to_gpu(model, cascade, sizes)) {
    kinds[k.name] = k.kernel.kind();
    if (k.name == "hashgrid") {
      EXPECT_EQ(k.kernel.grid().x(), 32u);
      EXPECT_EQ(k.kernel.grid().y(), 16u);
    }
    if (k.name == "density") {
      EXPECT_EQ(k.kernel.grid().x(), 125u);
      EXPECT_DOUBLE_EQ(k.kernel.work().tensor_flops().at("fp16"), 2.0 * 16000 * (32 * 64 + 64 * 16));
    }
  }
  EXPECT_EQ(kinds.at("hashgrid"), "hash_grid");
  EXPECT_EQ(kinds.at("sh"), "elementwise");
  EXPECT_EQ(kinds.at("density"), "mlp");
  EXPECT_EQ(kinds.at("color"), "mlp");
  EXPECT_EQ(kinds.at("march"), "elementwise");
}

TEST(CascadeMapping, GatheredReadsAreLoneSectors) {
  // NeRF's march at 1000 rays of K = 128 steps reads the occupancy grid through a gathered index,
  // OGRID[OI[p,k]]: 128000 lone 32-byte sectors of a 2 MiB table (128^3 INT8). The march walks a
  // recurrence (CNT[p,k+1] = CNT[p,k] + ...), a thread per ray, so each lookup's lane issues alone:
  // a wavefront, 128 bytes of the L1 data path. On the RTX 3090 the SM's L1 (128 KiB, carveout 0)
  // keeps 0.3 of it for gathers, 39321.6 / 2097152 of the table; the rest are L2 requests, all
  // hits (6 MiB L2).
  const auto cascade =
      workloads::load_workload_file(testing_support::source_path("workloads/library/neural_graphics/nerf.pbtxt"));
  const auto sizes = workloads::bind_shapes(cascade, {{"P", 1000}});
  const GpuModel model{testing_support::gpu_config("rtx3090")};
  for (const auto& k : map_cascade_to_gpu(model, cascade, sizes)) {
    if (k.name != "march") continue;
    EXPECT_DOUBLE_EQ(k.kernel.work().smem_bytes(), 128000.0 * 128);
    EXPECT_DOUBLE_EQ(k.kernel.work().l2_sector_requests(), 128000.0 * (1 - 131072 * 0.3 / 2097152));
    EXPECT_DOUBLE_EQ(k.kernel.work().dram_sector_reads(), 0);
    return;
  }
  ADD_FAILURE() << "no march kernel";
}

// The stores of a walk, by hand. NeRF's march (a thread per ray, walking K) writes each ray's row of
// X[p,s,d] and DIR[p,s,d], S = 16 samples x 3 fp32: 192 bytes a row, lanes 192 bytes apart, so
// each word is a scattered store of its own: 2 x 16 x 3 = 96 a ray. At 1000 rays the 384000 bytes
// fit the RTX 3090's 6 MiB L2 (one operation a word); at 20000 rays L2 holds 6291456 of their
// 7680000 bytes: the other 0.1808 of the words take two operations each (the partial sector filled
// from DRAM, then merged), and those sectors are read from DRAM once more. The composite walks
// the samples too (TR[p,s+1]) but writes a word a ray; the spherical harmonics (a recurrence over
// the powers) write 16 fp16 a sample, a row of one sector that a thread writes whole.
TEST(CascadeMapping, AWalksRowsAreScatteredStores) {
  const auto cascade =
      workloads::load_workload_file(testing_support::source_path("workloads/library/neural_graphics/nerf.pbtxt"));
  const GpuModel model{testing_support::gpu_config("rtx3090")};
  const auto kernel = [&](uint64_t rays, const std::string& name) {
    for (const auto& k : map_cascade_to_gpu(model, cascade, workloads::bind_shapes(cascade, {{"P", rays}})))
      if (k.name == name) return k.kernel;
    ADD_FAILURE() << "no kernel " << name;
    return config::Kernel();
  };
  EXPECT_DOUBLE_EQ(kernel(1000, "march").work().scattered_store_operations(), 96000);
  const double spilled = 1 - 6291456.0 / 7680000;
  EXPECT_DOUBLE_EQ(kernel(20000, "march").work().scattered_store_operations(), 1920000 * (1 + spilled));
  // What the march reads besides: CAMO, OST (12 bytes each), TK (128 fp32), the occupancy grid
  // (2 MiB, which L2 holds for its lookups) and per ray RDN (12 bytes) and SI (16 INT32).
  const auto read = [](const config::Kernel& k) { return k.work().dram_bytes() - k.work().dram_write_bytes(); };
  EXPECT_DOUBLE_EQ(read(kernel(1000, "march")), 12 + 12 + 512 + 2097152 + 1000 * 76.0);
  EXPECT_DOUBLE_EQ(read(kernel(20000, "march")), 12 + 12 + 512 + 2097152 + 20000 * 76.0 + spilled * 7680000);
  EXPECT_DOUBLE_EQ(kernel(1000, "composite").work().scattered_store_operations(), 0);
  EXPECT_DOUBLE_EQ(kernel(1000, "sh").work().scattered_store_operations(), 0);
  // The walk's threads step through their rows; the ray generation's vectorized threads load their
  // elements at once, one trip (KernelWork.lockstep_waves).
  EXPECT_FALSE(kernel(1000, "march").work().lockstep_waves());
  EXPECT_TRUE(kernel(1000, "raygen").work().lockstep_waves());
}

}  // namespace
}  // namespace cascade::arch::gpu
