// The workload library: every file parses, prints and parses back to the same cascade; the
// attention cascades need the pass counts the FuseMax paper derives; the counts of the 3-pass
// cascade match a hand derivation.
#include <gtest/gtest.h>

#include "LibraryFiles.h"
#include "WorkloadTestSupport.h"
#include "workloads/analysis/WorkloadAnalysis.h"
#include "workloads/parser/WorkloadLoader.h"
#include "workloads/parser/WorkloadPrinter.h"

namespace cascade::workloads {
namespace {

using testing_support::all_library_files;
using testing_support::library_file;
using testing_support::ops_of;

const config::EinsumReport& einsum_named(const config::WorkloadReport& r, const std::string& n) {
  for (const auto& e : r.einsum())
    if (e.name() == n) return e;
  throw std::out_of_range("no Einsum " + n);
}

TEST(Library, HoldsTheFourAttentionCascadesSevenTransformersAndFourNeuralGraphicsApps) {
  EXPECT_EQ(all_library_files().size(), 15u);
}

TEST(Library, DecoderLayersMacsByHand) {
  // GPT-2 small at its defaults (B = 8, M = P = 1024, D = 768, H = 12, E = F = 64, S = 3072),
  // T = B P = 8192 tokens: c_attn T D (3 H E); causal score and value GEMMs B H E each over the
  // M (M + 1) / 2 pairs m <= p; attention c_proj T (H F) D; c_fc and the MLP's c_proj T D S each;
  // the layer norms' sums of squares T D each.
  const uint64_t t = 8 * 1024, pairs = 1024ull * 1025 / 2;
  const auto gpt2 = analyze_workload(load_workload_file(library_file("transformers/gpt2_small_layer.pbtxt")), {});
  EXPECT_EQ(ops_of(gpt2.total_ops(), "mac"),
            t * 768 * 2304 + 2 * 96 * pairs * 64 + t * 768 * 768 + 2 * t * 768 * 3072 + 2 * t * 768);
  // Llama-2-7B at its defaults (B = 1, M = P = 4096, D = 4096, H = 32, E = F = 128, S = 11008):
  // q, k, v and o projections T D D each; causal score and value GEMMs H E over M (M + 1) / 2
  // pairs each; gate, up and down projections T D S each; the RMS norms' sums of squares T D.
  const uint64_t tl = 4096, pl = 4096ull * 4097 / 2;
  const auto llama = analyze_workload(load_workload_file(library_file("transformers/llama2_7b_layer.pbtxt")), {});
  EXPECT_EQ(ops_of(llama.total_ops(), "mac"),
            4 * tl * 4096 * 4096 + 2 * 32 * pl * 128 + 3 * tl * 4096 * 11008 + 2 * tl * 4096);
}

TEST(Library, CausalAttentionCountsAboutHalfTheScores) {
  // The same GPT-2 layer without its mask computes every (m, p): the masked score GEMM does
  // (M + 1) / (2 M) of its MACs, the softmax's exponentials likewise; a mask changes no pass.
  const std::string file = library_file("transformers/gpt2_small_layer.pbtxt");
  const Cascade causal = load_workload_file(file);
  std::string text = print_workload(causal);
  for (size_t at; (at = text.find(" where m <= p")) != std::string::npos;) text.erase(at, 13);
  const Cascade full = parse_workload_text(text, "unmasked");
  const auto c = analyze_workload(causal, {}), f = analyze_workload(full, {});
  EXPECT_EQ(ops_of(einsum_named(c, "QK").ops(), "mac") * 2 * 1024, ops_of(einsum_named(f, "QK").ops(), "mac") * 1025);
  EXPECT_EQ(ops_of(einsum_named(c, "SN").ops(), "exp") * 2 * 1024, ops_of(einsum_named(f, "SN").ops(), "exp") * 1025);
  EXPECT_EQ(c.passes(), f.passes());
  EXPECT_EQ(c.pass_rank(), f.pass_rank());
  for (const char* e : {"QK", "MX", "SN", "SD", "SNV", "AV"}) EXPECT_EQ(einsum_named(c, e).pass(), einsum_named(f, e).pass()) << e;
}

TEST(Library, BertLayerMacsByHand) {
  // bert_base_layer at its defaults (B = 8, M = P = 512, D = 768, H = 12, E = F = 64, S = 3072),
  // T = B P = 4096 tokens: the packed projection T D (3 H E), the score and value GEMMs B H M P E
  // each, the output projection T (H F) D, the FFN's two T D S, and the layer norms' sums of
  // squares T D each.
  const auto r = analyze_workload(load_workload_file(library_file("transformers/bert_base_layer.pbtxt")), {});
  const uint64_t t = 8 * 512, d = 768;
  const uint64_t expected = t * d * 2304 + 2 * (96ull * 512 * 512 * 64) + t * 768 * d + 2 * t * d * 3072 + 2 * t * d;
  EXPECT_EQ(ops_of(r.total_ops(), "mac"), expected);
}

TEST(Library, EveryFileRoundTripsThroughThePrinter) {
  for (const auto& file : all_library_files()) {
    SCOPED_TRACE(file);
    const Cascade original = load_workload_file(file);
    const std::string printed = print_workload(original);
    const Cascade reparsed = parse_workload_text(printed, "printed");
    EXPECT_TRUE(original.equals(reparsed));
    EXPECT_EQ(print_workload(reparsed), printed);  // printing is a fixed point
    ASSERT_EQ(reparsed.einsums.size(), original.einsums.size());
    for (size_t i = 0; i < original.einsums.size(); ++i)
      EXPECT_EQ(reparsed.einsums[i].to_string(), original.einsums[i].to_string());
  }
}

TEST(Library, RoundTripDetectsAChangedEinsum) {
  // The equality the round trip relies on must see a one-character difference.
  const Cascade a = load_workload_file(library_file("attention/attention_3pass.pbtxt"));
  std::string text = print_workload(a);
  text.replace(text.find("exp("), 4, "log(");
  EXPECT_FALSE(a.equals(parse_workload_text(text, "changed")));
}

// FuseMax paper, Sec. 3: the straightforward softmax needs 3 passes over M, deferring the division
// 2, a running maximum 1 (both for the online softmax and FuseMax's partitioned cascade).
TEST(Library, AttentionPassCountsAreComputed) {
  const std::pair<const char*, uint32_t> expected[] = {
      {"attention/attention_3pass.pbtxt", 3},
      {"attention/attention_2pass.pbtxt", 2},
      {"attention/attention_1pass.pbtxt", 1},
      {"attention/attention_fusemax.pbtxt", 1},
  };
  for (const auto& [file, passes] : expected) {
    SCOPED_TRACE(file);
    const auto report = analyze_workload(load_workload_file(library_file(file)), {});
    EXPECT_EQ(report.passes(), passes);
    EXPECT_EQ(report.pass_rank(), "M");
  }
}

TEST(Library, ThreePassEinsumsRunInPassesOneTwoThree) {
  const auto r = analyze_workload(load_workload_file(library_file("attention/attention_3pass.pbtxt")), {});
  // QK and its max GM stream in pass 1; SN needs GM, so pass 2 with SD; A needs SD: pass 3 with AV.
  EXPECT_EQ(einsum_named(r, "QK").pass(), 1u);
  EXPECT_EQ(einsum_named(r, "GM").pass(), 1u);
  EXPECT_EQ(einsum_named(r, "SN").pass(), 2u);
  EXPECT_EQ(einsum_named(r, "SD").pass(), 2u);
  EXPECT_EQ(einsum_named(r, "A").pass(), 3u);
  EXPECT_EQ(einsum_named(r, "AV").pass(), 3u);
}

// Hand derivation, M = P = 4096 = 2^12, E = F = 64 = 2^6:
//   QK[m,p] = Q[e,p] * K[e,m]       sum of products over e: M*P*E = 2^30 MACs
//   GM[p]   = max[m](QK[m,p])       one max per (m,p): M*P = 2^24
//   SN[m,p] = exp(QK[m,p] - GM[p])  one sub and one exp per (m,p): 2^24 each
//   SD[p]   = SN[m,p]               one add per (m,p): 2^24
//   A[m,p]  = SN[m,p] / SD[p]       one divide per (m,p): 2^24
//   AV[f,p] = A[m,p] * V[f,m]       F*M*P = 2^30 MACs
// Minimum data: Q, K, V in and AV out, each 2^18 BF16 values of 2 bytes.
TEST(Library, ThreePassOpCountsMatchHandDerivation) {
  const auto r = analyze_workload(load_workload_file(library_file("attention/attention_3pass.pbtxt")),
                                  {{"M", 4096}, {"P", 4096}, {"E", 64}, {"F", 64}});
  const uint64_t mp = 4096ull * 4096, mac = mp * 64;
  EXPECT_EQ(ops_of(einsum_named(r, "QK").ops(), "mac"), mac);
  EXPECT_EQ(ops_of(einsum_named(r, "GM").ops(), "max"), mp);
  EXPECT_EQ(ops_of(einsum_named(r, "SN").ops(), "sub"), mp);
  EXPECT_EQ(ops_of(einsum_named(r, "SN").ops(), "exp"), mp);
  EXPECT_EQ(ops_of(einsum_named(r, "SD").ops(), "add"), mp);
  EXPECT_EQ(ops_of(einsum_named(r, "A").ops(), "div"), mp);
  EXPECT_EQ(ops_of(einsum_named(r, "AV").ops(), "mac"), mac);
  EXPECT_EQ(ops_of(r.total_ops(), "mac"), 2 * mac);
  EXPECT_EQ(ops_of(r.total_ops(), "mul"), 0u);  // products under a sum are MACs, not muls
  uint64_t total = 0;
  for (const auto& o : r.total_ops()) total += o.count();
  EXPECT_EQ(total, 2 * mac + 5 * mp);
  EXPECT_EQ(r.input_bytes(), 3ull * 64 * 4096 * 2);
  EXPECT_EQ(r.output_bytes(), 64ull * 4096 * 2);
}

// Hand derivation for FuseMax's cascade at M = P = 4096, M0 = 256 (so M1 = 16), E = F = 64:
//   LM: max over all (m1,m0,p): M*P; RM: one max per (m1,p): M1*P = 65536;
//   PRM: a sub and an exp per (m1,p); SPNV: one mul per (f,m1,p) = 64*16*4096 = 4194304;
//   AV: one divide per (f,p) = 262144. The per-chunk work replaces the 3-pass cascade's per-key
//   work only for the running quantities, so the exp count is M*P + M1*P.
TEST(Library, FuseMaxOpCountsMatchHandDerivation) {
  const auto r = analyze_workload(load_workload_file(library_file("attention/attention_fusemax.pbtxt")), {});
  const uint64_t mp = 4096ull * 4096, m1p = 16ull * 4096;
  EXPECT_EQ(r.rank_sizes().at("M1"), 16u);
  EXPECT_EQ(ops_of(einsum_named(r, "LM").ops(), "max"), mp);
  EXPECT_EQ(ops_of(einsum_named(r, "RM").ops(), "max"), m1p);
  EXPECT_EQ(ops_of(einsum_named(r, "PRM").ops(), "exp"), m1p);
  EXPECT_EQ(ops_of(einsum_named(r, "SPNV").ops(), "mul"), 64 * m1p);
  EXPECT_EQ(ops_of(einsum_named(r, "AV").ops(), "div"), 64ull * 4096);
  EXPECT_EQ(ops_of(r.total_ops(), "exp"), mp + m1p);
  EXPECT_EQ(ops_of(r.total_ops(), "mac"), 2 * mp * 64);
}

// BERT-Base at sequence length 1024: B = 64, D = 768, H*E = 12*64 = 768, S = 3072.
//   Q projection: B*P*D*H*E = 64*1024*768*768 MACs; the FFN's first GEMM B*P*G*S with G = D.
TEST(Library, BertBaseProjectionCountsMatchItsDimensions) {
  const auto r = analyze_workload(load_workload_file(library_file("transformers/bert_base.pbtxt")),
                                  {{"M", 1024}});
  EXPECT_EQ(r.rank_sizes().at("P"), 1024u);  // P follows M
  EXPECT_EQ(ops_of(einsum_named(r, "Q").ops(), "mac"), 64ull * 1024 * 768 * 768);
  EXPECT_EQ(ops_of(einsum_named(r, "FF1").ops(), "mac"), 64ull * 1024 * 768 * 3072);
  EXPECT_EQ(ops_of(einsum_named(r, "FA").ops(), "gelu"), 64ull * 1024 * 3072);
  EXPECT_EQ(r.passes(), 1u);
  EXPECT_EQ(r.pass_rank(), "M");
}

TEST(Library, TransformersBindEverySequenceLengthFrom1KTo1M) {
  for (const char* model : {"bert_base", "trxl_wt103", "t5_small", "xlm"}) {
    const Cascade c = load_workload_file(library_file(std::string("transformers/") + model + ".pbtxt"));
    for (uint64_t m = 1024; m <= (1u << 20); m *= 4) {
      SCOPED_TRACE(std::string(model) + " M=" + std::to_string(m));
      const auto r = analyze_workload(c, {{"M", m}});
      EXPECT_EQ(r.rank_sizes().at("M1"), m / 256);
      EXPECT_GT(ops_of(r.total_ops(), "mac"), 0u);
    }
  }
}

}  // namespace
}  // namespace cascade::workloads
