#pragma once

#include <memory>
#include <string>

#include "arch/Model.h"
#include "arch/gpu/GpuCascadeModel.h"
#include "arch/ngpc/NgpcConfig.h"
#include "arch/ngpc/NgpcWork.h"

namespace cascade::arch::ngpc {

// The neural-graphics processing cluster beside a GPU (Mubarik et al., ISCA 2023; docs/ngpc.md): N
// neural-field processors run a frame's encodings and MLPs (NgpcWork), the GPU runs the rest, and
// the two overlap batch by batch. Analytical fidelity:
//  - a grid encoding takes ceil(queries x levels x ceil(corners / banks) / (N x engines)) cycles
//    (each engine one (query, level) a cycle, banks corners at once), and no less than its L2
//    traffic needs: each level's table loaded once a frame in ALL_HIT mode; in CAPACITY mode
//    the misses of a level larger than the grid SRAM (hit fraction SRAM / level bytes), a 32-byte
//    sector each, with only what fits loaded;
//  - another encoding (spherical harmonics) queries / (N x sh_queries_per_cycle) cycles;
//  - an MLP layer of K inputs and N outputs ceil(K / rows) x ceil(N / cols) cycles per query,
//    queries spread over the processors;
//  - the encodings and the MLP engine work on different batches at once: the NGPC's time is the
//    longer of the two;
//  - the rest of the frame is the GPU model's kernels of the other operators (the GPU config
//    named), their time divided by rest_fusion_speedup (the paper's Vulkan fusion);
//  - PIPELINED: frame = max(rest, NGPC) + min(rest, NGPC) / batches (one batch of the shorter side
//    fills and drains the pipeline); SERIAL: their sum.
// The result's cycles are the frame at the NGPC's clock; stats hold the GPU baseline (the whole
// frame on the GPU, unfused), its encoding and MLP shares, the speedup and the Amdahl bound (the
// GPU time over the fused rest). Energy: the GPU's rest kernels' energy over the fusion speedup and
// the processors' power over the NGPC's busy time. Cycle fidelity is not built yet: an error.
class NgpcModel : public Model {
 public:
  explicit NgpcModel(NgpcConfig config);
  std::string name() const override { return "ngpc"; }
  using Model::evaluate;
  sim::Result evaluate(const workloads::Cascade& cascade, const workloads::RankSizes& sizes, Fidelity fidelity,
                       EvaluationCache* cache) const override;
  // N processors x their fraction of the GPU's die, the grid-SRAM share of it scaled by engines x
  // grid_sram_bytes over the paper's 16 x 1 MiB.
  std::optional<double> area_mm2() const override;

  const NgpcConfig& config() const { return config_; }

 private:
  NgpcConfig config_;
  gpu::GpuCascadeModel gpu_;
};

}  // namespace cascade::arch::ngpc
