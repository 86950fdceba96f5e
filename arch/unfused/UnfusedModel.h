#pragma once

#include "arch/ArchConfig.h"
#include "arch/Model.h"

namespace cascade::arch {

// The unfused baseline of the FuseMax paper: QK, softmax and AV each run to completion, writing
// their outputs to DRAM and reading them back (docs/fusemax-model.md, Sec. 5); the rest of the
// model as FLAT's.
class UnfusedModel : public Model {
 public:
  explicit UnfusedModel(const ArchConfig& config) : config_(config) {}
  std::string name() const override { return "unfused"; }
  sim::Result evaluate(const workloads::Cascade& cascade, const workloads::RankSizes& sizes,
                       Fidelity fidelity) const override;

 private:
  ArchConfig config_;
};

}  // namespace cascade::arch
