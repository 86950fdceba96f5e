// The kernels of a Kineto trace described from their operators (validation/gpu/KinetoOperators.h):
// each test's bytes derived by hand from the operator's inputs, as the decoder layers on the H200
// launch them (validation/traces/h200/kineto_llama*.json); their instructions an element are the
// counts Nsight Compute measured (validation/traces/h200/ncu_decoder.csv), each an FMA's issue slot
// (2 flops).
#include <gtest/gtest.h>

#include <string>

#include "GpuTestSupport.h"
#include "arch/gpu/FusedKernels.h"
#include "arch/gpu/GpuModel.h"
#include "validation/gpu/KinetoOperators.h"

namespace cascade::validation {
namespace {

using arch::gpu::testing_support::gpu_config;

config::MeasuredRun run_of(const std::string& op, const std::string& kernel, const std::string& dims,
                           const std::vector<std::string>& types, const std::vector<std::string>& values = {}) {
  config::MeasuredRun r;
  r.set_name(kernel);
  r.set_operator_name(op);
  r.set_input_shapes(dims);
  for (const auto& t : types) r.add_input_types(t);
  for (const auto& v : values) r.add_concrete_inputs(v);
  r.set_dtype(types.empty() || types[0] != "float" ? "bf16" : "fp32");
  r.mutable_kernel()->mutable_grid()->set_x(16384);
  r.mutable_kernel()->mutable_block()->set_x(128);
  r.mutable_kernel()->set_registers_per_thread(30);
  return r;
}

config::Kernel described(const config::MeasuredRun& r, std::string& kind) {
  std::string why;
  const auto t = describe_traced_kernel(r, why);
  EXPECT_TRUE(t.has_value()) << why;
  if (!t) return {};
  kind = t->kind;
  return t->describe(arch::gpu::GpuModel(gpu_config("h200")));
}

TEST(KinetoOperators, BroadcastMultiplyReadsEachInputOnce) {
  // Rotary embedding's q * cos: q [1, 32, 2048, 128] bf16 times cos [1, 1, 2048, 128] bf16, by the
  // plain (strided) kernel, whose threads take their 4 elements one after another, each element's
  // two inputs loaded at once (ILP 2). Out: 8,388,608 elements; read
  // (8,388,608 + 262,144) x 2 bytes, written 8,388,608 x 2; 59 instructions an element (the strided
  // kernels' mean; this one measured 14.61 M warp instructions, 55.7 an element).
  std::string kind;
  const config::Kernel k = described(
      run_of("aten::mul", "void at::native::elementwise_kernel<128, 4, at::native::gpu_kernel_impl<...>>",
             "[[1, 32, 2048, 128], [1, 1, 2048, 128]]", {"c10::BFloat16", "c10::BFloat16"}),
      kind);
  EXPECT_EQ(kind, "elementwise");
  EXPECT_DOUBLE_EQ(k.work().dram_bytes(), (8388608.0 + 262144) * 2 + 8388608.0 * 2);
  EXPECT_DOUBLE_EQ(k.work().dram_write_bytes(), 8388608.0 * 2);
  EXPECT_DOUBLE_EQ(k.work().fp32_flops(), 2 * 59 * 8388608.0);
  EXPECT_EQ(k.work().ilp(), 2u);
  EXPECT_EQ(k.work().bytes_per_access(), 2u);
  EXPECT_EQ(k.grid().x(), 16384u);  // the launch the trace recorded
  EXPECT_EQ(k.block().x(), 128u);
}

TEST(KinetoOperators, CastCopyReadsItsSourceAndWritesItsDestination) {
  // RMSNorm's x.to(float32): copy_(dst float [1, 2048, 4096], src bf16 [same]): 8,388,608 elements
  // read at 2 bytes and written at 4; the unrolled kernel is a strided one (59 instructions an
  // element; 51.8 measured for this one). Casting (memory::LoadWithCast), each of a thread's loads
  // is converted before the next issues: one in flight (ILP 1), and its 8,388,608 / (16,384 x 128)
  // = 4 elements are 4 dependent accesses. Without the cast its 4 loads go at once (ILP 4).
  std::string kind;
  const std::string dims = "[[1, 2048, 4096], [1, 2048, 4096], []]";
  const std::vector<std::string> types = {"float", "c10::BFloat16", "Scalar"};
  const config::Kernel k = described(
      run_of("aten::copy_",
             "void at::native::unrolled_elementwise_kernel<at::native::direct_copy...at::native::memory::LoadWithCast<1>, "
             "at::native::memory::StoreWithCast<1> >",
             dims, types),
      kind);
  EXPECT_DOUBLE_EQ(k.work().dram_bytes(), 8388608.0 * (2 + 4));
  EXPECT_DOUBLE_EQ(k.work().dram_write_bytes(), 8388608.0 * 4);
  EXPECT_DOUBLE_EQ(k.work().fp32_flops(), 2 * 59 * 8388608.0);
  EXPECT_EQ(k.work().ilp(), 1u);
  EXPECT_EQ(k.work().bytes_per_access(), 2u);
  EXPECT_DOUBLE_EQ(k.work().dependent_accesses(), 4);
  const config::Kernel uncast = described(
      run_of("aten::copy_", "void at::native::unrolled_elementwise_kernel<at::native::direct_copy...>", dims, types),
      kind);
  EXPECT_EQ(uncast.work().ilp(), 4u);
  EXPECT_DOUBLE_EQ(uncast.work().dependent_accesses(), 1);
}

TEST(KinetoOperators, SiluCountsItsExponentialAndItsArithmetic) {
  // silu of [1, 2048, 11008] bf16, vectorized 8 elements (16 bytes) a thread: 22,544,384 elements
  // read and written at 2 bytes; 3.5 instructions for its input and 22 for x / (1 + exp(-x)): 25.5
  // an element (24.3 measured).
  std::string kind;
  const config::Kernel k = described(
      run_of("aten::silu", "void at::native::vectorized_elementwise_kernel<8, at::native::silu_kernel...>",
             "[[1, 2048, 11008]]", {"c10::BFloat16"}),
      kind);
  const double n = 2048.0 * 11008;
  EXPECT_DOUBLE_EQ(k.work().dram_bytes(), 4 * n);
  EXPECT_DOUBLE_EQ(k.work().fp32_flops(), 2 * 25.5 * n);
  EXPECT_EQ(k.work().bytes_per_access(), 16u);
  EXPECT_EQ(k.work().ilp(), 1u);
}

TEST(KinetoOperators, VectorizedKernelLoadsAllOfAThreadsElementsAtOnce) {
  // The Llama-2 decode step's pow (x^2 of [1, 1, 4096] fp32) at its recorded launch of 4 blocks of
  // 128 threads: 8 elements a thread, vectorized 4 wide: 2 float4 loads at once (ILP 2). Its
  // residual add of two [1, 32, 1, 128] bf16 tensors (vectorized 8 wide, the same launch): one
  // 16-byte load of each input at once (ILP 2). The strided multiply by a broadcast cos (a plain
  // kernel, 4 elements a thread one after another) loads each element's two inputs at once (ILP 2).
  const auto at_decode_launch = [](config::MeasuredRun r) {
    r.mutable_kernel()->mutable_grid()->set_x(4);
    return r;
  };
  std::string kind;
  const config::Kernel pow = described(
      at_decode_launch(run_of("aten::pow", "void at::native::vectorized_elementwise_kernel<4, at::native::pow...>",
                              "[[1, 1, 4096], []]", {"float", "Scalar"})),
      kind);
  EXPECT_EQ(pow.work().ilp(), 2u);
  EXPECT_EQ(pow.work().bytes_per_access(), 16u);
  const config::Kernel add = described(
      at_decode_launch(run_of("aten::add", "void at::native::vectorized_elementwise_kernel<8, at::native::add...>",
                              "[[1, 32, 1, 128], [1, 32, 1, 128], []]", {"c10::BFloat16", "c10::BFloat16", "Scalar"})),
      kind);
  EXPECT_EQ(add.work().ilp(), 2u);
  const config::Kernel mul = described(
      at_decode_launch(run_of("aten::mul", "void at::native::elementwise_kernel<128, 4, at::native::gpu_kernel_impl<...>>",
                              "[[1, 32, 1, 128], [1, 1, 1, 128]]", {"c10::BFloat16", "c10::BFloat16"})),
      kind);
  EXPECT_EQ(mul.work().ilp(), 2u);
  EXPECT_EQ(mul.work().bytes_per_access(), 2u);
  // Its threads' elements one after another: 4096 / 512 threads = 8 an element's share, but the
  // kernel takes at most its 4 (the template's U): 4 dependent accesses. The vectorized kernels
  // load everything at once: one, a thread's one trip (their waves may run in step).
  EXPECT_DOUBLE_EQ(mul.work().dependent_accesses(), 4);
  EXPECT_DOUBLE_EQ(add.work().dependent_accesses(), 1);
  EXPECT_TRUE(pow.work().lockstep_waves());
  EXPECT_TRUE(add.work().lockstep_waves());
  EXPECT_FALSE(mul.work().lockstep_waves());
}

TEST(KinetoOperators, ConcatenationCopiesEveryTensorOfItsList) {
  // rotate_half's cat of two [1, 32, 2048, 64] halves (a tensor list: 2-byte elements): 4,194,304
  // elements each, read and written once: 16 MiB each way; 88.3 instructions an output element
  // (measured: 23.16 M warp instructions for 8,388,608).
  std::string kind;
  const config::Kernel k = described(
      run_of("aten::cat", "void at::native::(anonymous namespace)::CatArrayBatchedCopy<...>",
             "[[[1, 32, 2048, 64], [1, 32, 2048, 64]], []]", {"TensorList", "Scalar"}),
      kind);
  EXPECT_EQ(kind, "elementwise");
  EXPECT_DOUBLE_EQ(k.work().dram_bytes(), 2 * (2 * 4194304.0 * 2));
  EXPECT_DOUBLE_EQ(k.work().dram_write_bytes(), 2 * 4194304.0 * 2);
  EXPECT_DOUBLE_EQ(k.work().fp32_flops(), 2 * 88.3 * 2 * 4194304.0);
}

TEST(KinetoOperators, ReductionWritesOneElementARow) {
  // RMSNorm's mean over the last dimension of [1, 2048, 4096] float: all 8,388,608 elements read
  // (4 bytes); 2048 rows written (4 bytes). Its instructions: 2.71 an element and 205 a thread (the
  // two measured launches, 552 and 227 warp instructions a warp at 128 and 8 elements a thread),
  // the 205 after its loads (the block's reduction). Along the row its vectorized loop has one
  // 16-byte load in flight a thread (ILP 1).
  std::string kind;
  const config::Kernel k = described(run_of("aten::mean", "void at::native::reduce_kernel<512, 1, ...>",
                                            "[[1, 2048, 4096], [], [], []]", {"float", "ScalarList", "Scalar", ""}),
                                     kind);
  EXPECT_EQ(kind, "reduction");
  EXPECT_DOUBLE_EQ(k.work().dram_bytes(), 8388608.0 * 4 + 2048 * 4);
  EXPECT_DOUBLE_EQ(k.work().dram_write_bytes(), 2048.0 * 4);
  EXPECT_DOUBLE_EQ(k.work().fp32_flops(), 2 * (2.71 * 8388608.0 + 205 * 16384 * 128.0));
  EXPECT_DOUBLE_EQ(k.work().instructions_after_loads(), 205);
  EXPECT_EQ(k.work().ilp(), 1u);
  EXPECT_EQ(k.work().bytes_per_access(), 16u);
  // 2,097,152 threads, 32 MiB: one 16-byte trip each. The decode step's mean of [1, 1, 4096] float
  // in one block of 512 threads: 16 KiB, 32 bytes a thread, two trips one after the other.
  EXPECT_DOUBLE_EQ(k.work().dependent_accesses(), 1);
  config::MeasuredRun decode =
      run_of("aten::mean", "void at::native::reduce_kernel<512, 1, ...>", "[[1, 1, 4096], [], [], []]",
             {"float", "ScalarList", "Scalar", ""});
  decode.mutable_kernel()->mutable_grid()->set_x(1);
  decode.mutable_kernel()->mutable_block()->set_x(512);
  EXPECT_DOUBLE_EQ(described(decode, kind).work().dependent_accesses(), 2);
}

TEST(KinetoOperators, SplitKGemmAndItsReduction) {
  // A decode step's projection, mm of [1, 4096] by [4096, 4096] in bf16: the GEMM kernel is the
  // library's GEMM of that shape; the split-K reduction beside it reads two fp32 partial sums of
  // the 1 x 4096 result and writes it in bf16.
  const std::string dims = "[[1, 4096], [4096, 4096]]";
  std::string kind;
  const config::Kernel gemm = described(
      run_of("aten::mm", "nvjet_sm90_tst_64x8_64x16_2x1_v_bz_splitK_TNT", dims, {"c10::BFloat16", "c10::BFloat16"}),
      kind);
  EXPECT_EQ(kind, "gemm");
  const arch::gpu::GpuModel h200(gpu_config("h200"));
  const config::Kernel expected = h200.gemm_kernel(1, 4096, 4096, 1, "bf16");
  EXPECT_EQ(gemm.SerializeAsString(), expected.SerializeAsString());
  const config::Kernel reduce = described(
      run_of("aten::mm", "void cublasLt::splitKreduce_kernel<32, 16, int, float, ...>", dims,
             {"c10::BFloat16", "c10::BFloat16"}),
      kind);
  EXPECT_EQ(kind, "reduction");
  EXPECT_DOUBLE_EQ(reduce.work().dram_bytes(), 2 * 4096.0 * 4 + 4096.0 * 2);
  EXPECT_DOUBLE_EQ(reduce.work().dram_write_bytes(), 4096.0 * 2);
}

TEST(KinetoOperators, CausalAttentionFromTheOperatorsFlag) {
  // cuDNN's operator records is_causal as its 11th input ("True" for GPT-2's block): the kernel
  // computes the key tiles at or below each query tile's diagonal. At 1024 tokens in tiles of 128:
  // 36 of the 64 tile pairs, so 36/64 of the full attention's tensor work.
  const std::string dims = "[[8, 12, 1024, 64], [8, 12, 1024, 64], [8, 12, 1024, 64], [], [], [], [], [], [], [], [], "
                           "[], []]";
  const std::vector<std::string> types = {"c10::BFloat16", "c10::BFloat16", "c10::BFloat16"};
  const auto values = [](const char* causal) {
    return std::vector<std::string>{"", "", "", "", "", "", "1024", "1024", "False", "0.", causal, "False", ""};
  };
  const std::string name = "cudnn_generated_fort_native_sdpa_sm90_flash_fprop_wgmma_f16_knob_7_64x64x64";
  std::string kind;
  const config::Kernel full = described(run_of("aten::_cudnn_attention_forward", name, dims, types, values("False")), kind);
  const config::Kernel causal = described(run_of("aten::_cudnn_attention_forward", name, dims, types, values("True")), kind);
  EXPECT_EQ(kind, "attention_lib");
  EXPECT_DOUBLE_EQ(causal.work().tensor_flops().at("bf16") / full.work().tensor_flops().at("bf16"), 36.0 / 64);
}

TEST(KinetoOperators, WhatCannotBeDescribedSaysWhy) {
  std::string why;
  EXPECT_FALSE(describe_traced_kernel(run_of("", "k", "[[4]]", {"float"}), why));
  EXPECT_EQ(why, "no GPU description for a kernel without its operator");
  EXPECT_FALSE(describe_traced_kernel(run_of("aten::mul", "k", "[[4, 0], [4, 1]]", {"float", "float"}), why));
  EXPECT_EQ(why, "operator 'aten::mul' has an input with a dimension of 0");
  EXPECT_FALSE(describe_traced_kernel(run_of("aten::fill_", "k", "[[], []]", {"Scalar", "Scalar"}), why));
  EXPECT_EQ(why, "no GPU description for operator 'aten::fill_': it has no tensor input");
  EXPECT_FALSE(describe_traced_kernel(run_of("aten::neg", "k", "[[1048576, 2097152]]", {"float"}), why));
  EXPECT_EQ(why, "operator 'aten::neg' has an input of more than 2^40 elements");
  // Two inputs of 2^30 elements whose broadcast has 2^60.
  EXPECT_FALSE(describe_traced_kernel(run_of("aten::mul", "k", "[[1073741824, 1], [1, 1073741824]]", {"float", "float"}), why));
  EXPECT_EQ(why, "operator 'aten::mul' has an output of more than 2^40 elements");
}

}  // namespace
}  // namespace cascade::validation
