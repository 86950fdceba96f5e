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
// the two overlap batch by batch. The frame is a pipeline of batches (of batch_queries queries,
// each processor an even share) through four in-order stages:
//  - the L2 port: the batch's inputs from and outputs to the GPU and, in CAPACITY mode, the grid
//    SRAM's misses (a level larger than an engine's SRAM hits SRAM / level bytes of its lookups, a
//    32-byte sector each); the tables load over it once, before the first batch (ALL_HIT: whole;
//    CAPACITY: what fits);
//  - the encoding: each engine its levels' lookups (engines / levels of them per level, or levels
//    e, e + engines, ... on engine e), a lookup ceil(corners / banks) cycles (corner-parity banks)
//    or its busiest bank's corners (index-modulo, GridBanks.h); the other encodings (spherical
//    harmonics) on a unit beside them, queries / sh_queries_per_cycle; the stage as long as the
//    busiest unit;
//  - the MLP engine: each layer of K inputs and N outputs ceil(K / rows) x ceil(N / cols) cycles a
//    query, one layer after another;
//  - the GPU: its kernels of the other operators (the GPU config named), their time over
//    rest_fusion_speedup (the paper's Vulkan fusion), an even share a batch.
// PIPELINED: load + sum(stages) + (batches - 1) x the longest stage; SERIAL: load + batches x
// sum(stages). The analytical fidelity is that closed form; the cycle fidelity runs the same
// pipeline on SystemC (sim/engine/RoundPipelineSim.h: a thread per engine, the SH unit, the MLP
// engine, the port and the GPU, a round per batch, at most 4 batches in flight, repeating batches
// fast-forwarded).
// The result's cycles are the frame at the NGPC's clock; stats hold the GPU baseline (the whole
// frame on the GPU, unfused), its encoding and MLP shares, the speedup and the Amdahl bound (the
// GPU time over the fused rest). Energy: the GPU's rest kernels' energy over the fusion speedup and
// the processors' power over their engines' busy time.
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
