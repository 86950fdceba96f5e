// libFuzzer target on the workload front end (docs/fuzzing.md). Any input must either be rejected
// with a base::InputError or load, analyse, print back to an equal cascade and run on the calibrated
// H100 (its operators mapped onto kernels); a crash, a sanitizer report, a hang or a failed round
// trip is a bug.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "FuzzSupport.h"
#include "arch/gpu/GpuCascadeModel.h"
#include "workloads/analysis/WorkloadAnalysis.h"
#include "workloads/parser/EinsumParser.h"
#include "workloads/parser/WorkloadLoader.h"
#include "workloads/parser/WorkloadPrinter.h"

using namespace cascade::workloads;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text = cascade::fuzz::text_of(data, size);
  try {
    const Einsum e = parse_einsum(text, "fuzz", {1, 1});
    if (!e.equals(parse_einsum(e.to_string(), "fuzz", {1, 1}))) std::abort();
  } catch (const cascade::base::InputError&) {
  }
  try {
    const Cascade c = parse_workload_text(text, "fuzz");
    analyze_workload(c, {});
    if (!c.equals(parse_workload_text(print_workload(c), "printed"))) std::abort();
    static const cascade::arch::gpu::GpuCascadeModel gpu(
        cascade::arch::gpu::GpuArchConfig::load(cascade::fuzz::source_path("configs/arch/gpu/h100_sxm.calibrated.pbtxt")));
    gpu.evaluate(c, bind_shapes(c, {}), cascade::arch::Fidelity::Analytical);
  } catch (const cascade::base::InputError&) {
  }
  return 0;
}
