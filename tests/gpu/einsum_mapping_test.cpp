// GPU mappings of the IR's Einsums: the BERT-Base layer's projections become GEMMs with the ranks in
// the roles derived by hand below; its activation an element-wise kernel.
#include <gtest/gtest.h>

#include "GpuTestSupport.h"
#include "arch/gpu/EinsumMapping.h"
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

TEST(EinsumMapping, ProjectionIsAGemm) {
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

TEST(EinsumMapping, AttentionScoresAreABatchedGemm) {
  // BQK[b,h,m1,m0,p] = Q[b,h,e,p] * BK[b,h,e,m1,m0]: batch b, h (96); M = p (4096); N = m1 m0 (4096);
  // K = e (64).
  const Bert bert;
  const config::Kernel k = bert.map("BQK");
  EXPECT_EQ(k.kind(), "gemm");
  EXPECT_EQ(k.work().dram_bytes(),
            96.0 * ((4096.0 * 64 + 64 * 4096) * 2 + 4096.0 * 4096 * 2));  // A, B, C once (no split)
}

TEST(EinsumMapping, ActivationIsElementwise) {
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

}  // namespace
}  // namespace cascade::arch::gpu
