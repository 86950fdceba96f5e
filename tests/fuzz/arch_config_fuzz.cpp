// libFuzzer target on the accelerator config (configs/arch.proto; docs/fuzzing.md). Any input must
// either be rejected with a base::InputError, or build its model, which then evaluates BERT-Base at
// 1K tokens at both fidelities to a result or an InputError. A crash, a sanitizer report or a hang
// is a bug.
#include "FuzzSupport.h"
#include "arch/ArchConfig.h"
#include "arch/ModelRegistry.h"
#include "workloads/analysis/ShapeBinding.h"
#include "workloads/parser/WorkloadLoader.h"

using namespace cascade;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const workloads::Cascade bert =
      workloads::load_workload_file(fuzz::source_path("workloads/library/transformers/bert_base.pbtxt"));
  static const workloads::RankSizes sizes = workloads::bind_shapes(bert, {{"M", 1024}});
  try {
    const arch::ArchConfig config(fuzz::text_of(data, size), "fuzz");
    const auto model = arch::ModelRegistry::builtin().create(config);
    for (const auto fidelity : {arch::Fidelity::Analytical, arch::Fidelity::Cycle}) {
      try {
        model->evaluate(bert, sizes, fidelity);
      } catch (const base::InputError&) {
      }
    }
  } catch (const base::InputError&) {
  }
  return 0;
}
