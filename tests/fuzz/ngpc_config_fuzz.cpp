// libFuzzer target on the NGPC config (configs/ngpc.proto; docs/fuzzing.md). Any input must either
// be rejected with a base::InputError, or give a model that evaluates a small GIA frame to a result
// or an InputError. The input is read as if it were configs/arch/<file>, so the seed's GPU config
// (gpu/rtx3090.pbtxt) is found beside it. A crash, a sanitizer report or a hang is a bug.
#include "FuzzSupport.h"
#include "arch/ngpc/NgpcModel.h"
#include "workloads/parser/WorkloadLoader.h"

using namespace cascade;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const workloads::Cascade gia =
      workloads::load_workload_file(std::string(CASCADE_SOURCE_DIR) + "/workloads/library/neural_graphics/gia.pbtxt");
  static const workloads::RankSizes sizes = workloads::bind_shapes(gia, {{"P", 64}});
  try {
    const arch::ngpc::NgpcModel model(
        arch::ngpc::NgpcConfig(fuzz::text_of(data, size), std::string(CASCADE_SOURCE_DIR) + "/configs/arch/fuzz.pbtxt"));
    model.evaluate(gia, sizes, arch::Fidelity::Analytical);
  } catch (const base::InputError&) {
  }
  return 0;
}
