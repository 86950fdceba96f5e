#pragma once

#include <string>

#include "arch/Model.h"
#include "arch/gpu/GpuModel.h"

namespace cascade::arch::gpu {

// The GPU as a hardware model of workload cascades: the cascade's operators become the kernels a
// framework launches (map_cascade_to_gpu), each timed by the block scheduler and costed by the
// energy model (GpuModel::estimate), launched back to back. The result's seconds are the kernels'
// device time (first block to last, summed; the host's launch gaps excluded, as a profiler's
// device time counts them), its cycles those seconds at the SM boost clock, its energy the kernels'
// energies per launch by component and action, one phase and one KernelRecord per kernel.
// Utilization is of the peak rates: the cycles the tensor cores, FP32 units and DRAM would need at
// their peaks for the work, over the run's cycles. The block scheduler is the GPU's only timing;
// both fidelities give the same result.
class GpuCascadeModel : public Model {
 public:
  explicit GpuCascadeModel(GpuArchConfig config);
  std::string name() const override { return "gpu"; }
  // Throws InputError at the workload's operator or Einsum when it has no GPU mapping, or when a
  // kernel it maps to cannot run on this GPU.
  // Keeps nothing in `cache`: its mapping of a cascade depends on the sizes throughout.
  using Model::evaluate;
  sim::Result evaluate(const workloads::Cascade& cascade, const workloads::RankSizes& sizes, Fidelity fidelity,
                       EvaluationCache* cache) const override;

  const GpuModel& gpu() const { return model_; }

 private:
  GpuModel model_;
  sim::Roofline roofs_;  // the roofs, without points: the config's, set once
};

}  // namespace cascade::arch::gpu
