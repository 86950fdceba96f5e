// Speed of the workload front end: parsing and validating a workload file, and binding plus
// analysing it (what a design-space sweep repeats per point).
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

#include "workloads/analysis/WorkloadAnalysis.h"
#include "workloads/parser/EinsumParser.h"
#include "workloads/parser/WorkloadLoader.h"

namespace {

using namespace cascade::workloads;

std::string read_library(const std::string& relative) {
  std::ifstream in(std::string(CASCADE_SOURCE_DIR) + "/workloads/library/" + relative);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void BM_ParseEinsum(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(
        parse_einsum("RNV[f,m+1,p] = RNV[f,m,p] * PRM[m,p] + SN[m,p] * V[f,m]", "bench", {1, 1}));
}
BENCHMARK(BM_ParseEinsum);

void BM_LoadFuseMaxCascade(benchmark::State& state) {
  const std::string text = read_library("attention/attention_fusemax.pbtxt");
  for (auto _ : state) benchmark::DoNotOptimize(parse_workload_text(text, "bench"));
}
BENCHMARK(BM_LoadFuseMaxCascade);

void BM_AnalyzeBertLayer(benchmark::State& state) {
  const Cascade c = parse_workload_text(read_library("transformers/bert_base.pbtxt"), "bench");
  const std::map<std::string, uint64_t> sizes = {{"M", static_cast<uint64_t>(state.range(0))}};
  for (auto _ : state) benchmark::DoNotOptimize(analyze_workload(c, sizes));
}
BENCHMARK(BM_AnalyzeBertLayer)->Arg(1024)->Arg(1 << 20);

}  // namespace
