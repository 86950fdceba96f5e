// libFuzzer target on the GPU config (configs/gpu.proto; docs/fuzzing.md). Any input must either
// be rejected with a base::InputError, or give a model that times a GEMM, an attention launch of
// each family and a hash-grid encoding to a result or an InputError. A crash, a sanitizer report
// or a hang is a bug.
#include "FuzzSupport.h"
#include "arch/gpu/FusedKernels.h"
#include "arch/gpu/GpuArchConfig.h"
#include "arch/gpu/GpuModel.h"

using namespace cascade;
using namespace cascade::arch::gpu;

namespace {

template <class F>
void either_result_or_input_error(F f) {
  try {
    f();
  } catch (const base::InputError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const GpuModel model(GpuArchConfig(fuzz::text_of(data, size), "fuzz"));
    for (const char* dtype : {"bf16", "fp16", "tf32", "fp8", "fp32"}) {
      either_result_or_input_error([&] { model.estimate(model.gemm_kernel(4096, 4096, 4096, 1, dtype)); });
      either_result_or_input_error([&] { model.estimate(model.gemm_kernel(7, 1, 1 << 20, 3, dtype)); });
    }
    for (const auto family : {AttentionKernel::kFlashAttention2, AttentionKernel::kFlashAttention3,
                              AttentionKernel::kMemoryEfficient})
      either_result_or_input_error([&] {
        model.estimate(attention_kernel({8, 12, 4096, 4096, 64, 64}, "fp16", family, model.config().proto().sm_count()));
      });
    HashGridDims grid;
    grid.points = 1 << 20;
    either_result_or_input_error([&] { model.estimate(hash_grid_encoding_kernel(model, grid)); });
  } catch (const base::InputError&) {
  }
  return 0;
}
