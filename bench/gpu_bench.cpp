// Speed of the GPU model: one kernel's estimate (a GEMM, tile choice included), CUDA's largest grid
// (the block scheduler's fast-forward), reading the Kineto traces, the validation of every
// committed H100 trace, a whole calibration (`cascade gpu calibrate`), and a decoder layer run as a
// cascade (its operators mapped onto kernels and timed: one design point of a sweep).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "arch/gpu/GpuCascadeModel.h"
#include "arch/gpu/GpuModel.h"
#include "workloads/parser/WorkloadLoader.h"
#include "base/InputFile.h"
#include "validation/gpu/Calibration.h"
#include "validation/gpu/TraceImport.h"

namespace {

using namespace cascade;

std::string source(const std::string& relative) { return std::string(CASCADE_SOURCE_DIR) + "/" + relative; }

struct Setup {
  arch::gpu::GpuArchConfig config = arch::gpu::GpuArchConfig::load(source("configs/arch/gpu/h100_sxm.pbtxt"));
  arch::gpu::GpuModel model{config};
  std::vector<validation::MeasuredCase> cases;
  Setup() {
    std::vector<std::string> files = {source("validation/traces/h100/kernels.csv"),
                                      source("validation/traces/h100/neural.csv"),
                                      source("validation/traces/h100/sdpa.csv")};
    for (const int seq : {256, 512, 1024, 2048, 4096})
      files.push_back(source("validation/traces/h100/kineto_bert_base_bf16_seq" + std::to_string(seq) + ".json"));
    for (const char* backend : {"flash", "efficient", "cudnn"})
      files.push_back(source(std::string("validation/traces/h100/kineto_sdpa_") + backend + "_fp16.json"));
    std::vector<std::string> skipped;
    cases = validation::load_measured_cases(files, skipped);
  }
};

const Setup& setup() {
  static const Setup s;
  return s;
}

// A 4096^3 bf16 GEMM: the tiles tried, the fastest's estimate.
void BM_GpuGemmEstimate(benchmark::State& state) {
  const auto& s = setup();
  for (auto _ : state) {
    const auto kernel = s.model.gemm_kernel(4096, 4096, 4096, 1, "bf16");
    benchmark::DoNotOptimize(s.model.estimate(kernel).timing.seconds);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_GpuGemmEstimate);

// CUDA's largest grid, 2^31 - 1 x 65535 x 65535 blocks of 128 threads: about 4.4e15 waves, which
// the block scheduler steps through for a few events and skips the rest of as whole periods.
void BM_GpuLargestGrid(benchmark::State& state) {
  const auto& s = setup();
  config::Kernel k;
  k.mutable_grid()->set_x((1u << 31) - 1);
  k.mutable_grid()->set_y(65535);
  k.mutable_grid()->set_z(65535);
  k.mutable_block()->set_x(128);
  k.set_registers_per_thread(32);
  k.mutable_work()->set_fp32_flops(1e22);
  k.mutable_work()->set_dram_bytes(1e20);
  for (auto _ : state) benchmark::DoNotOptimize(s.model.estimate(k).timing.seconds);
}
BENCHMARK(BM_GpuLargestGrid)->Unit(benchmark::kMicrosecond);

// The BERT-Base layer's Kineto trace at sequence 4096 (55 KB) read and imported (items: bytes).
void BM_KinetoImport(benchmark::State& state) {
  const std::string path = source("validation/traces/h100/kineto_bert_base_bf16_seq4096.json");
  const std::string text = base::read_input_file(path, base::kMaxTraceBytes);
  for (auto _ : state) benchmark::DoNotOptimize(validation::parse_kineto_json(text, path).traces.run_size());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_KinetoImport)->Unit(benchmark::kMicrosecond);

// Every measured case of the H100 traces described and predicted (items: kernels).
void BM_GpuValidateH100Traces(benchmark::State& state) {
  const auto& s = setup();
  for (auto _ : state) benchmark::DoNotOptimize(validation::compare_with_model(s.model, s.cases).runtime_mape);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * s.cases.size()));
  state.counters["kernels"] = static_cast<double>(s.cases.size());
}
BENCHMARK(BM_GpuValidateH100Traces)->Unit(benchmark::kMillisecond);

// `cascade gpu calibrate --seed 1` on the same cases, without reading the files.
void BM_GpuCalibrate(benchmark::State& state) {
  const auto& s = setup();
  for (auto _ : state) benchmark::DoNotOptimize(validation::calibrate_gpu(s.config, s.cases, 1, 0).calibrated);
}
BENCHMARK(BM_GpuCalibrate)->Unit(benchmark::kMillisecond)->Iterations(3);

// The Llama-2-7B layer (16 kernels) on the calibrated H100 at 4096 tokens: mapping, binding and
// timing every kernel (items/s = design points per second).
void BM_GpuLlamaLayer(benchmark::State& state) {
  const arch::gpu::GpuCascadeModel model(
      arch::gpu::GpuArchConfig::load(source("configs/arch/gpu/h100_sxm.calibrated.pbtxt")));
  const auto cascade = workloads::load_workload_file(source("workloads/library/transformers/llama2_7b_layer.pbtxt"));
  for (auto _ : state)
    benchmark::DoNotOptimize(model.evaluate(cascade, workloads::bind_shapes(cascade, {}), arch::Fidelity::Analytical));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_GpuLlamaLayer)->Unit(benchmark::kMicrosecond);

}  // namespace
