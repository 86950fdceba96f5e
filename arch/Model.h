#pragma once

#include <memory>
#include <optional>
#include <string>

#include "arch/EvaluationCache.h"
#include "sim/result/Result.h"
#include "workloads/analysis/ShapeBinding.h"
#include "workloads/ir/Cascade.h"

namespace cascade::arch {

enum class Fidelity { Analytical, Cycle };

std::string to_string(Fidelity fidelity);
// "analytical" or "cycle"; throws InputError otherwise.
Fidelity parse_fidelity(const std::string& text);

// A hardware model: evaluates a bound workload cascade on the architecture it was built from.
// Implementations live in arch/<name>/ and are created by name through the ModelRegistry; they
// never parse files or print reports.
class Model {
 public:
  virtual ~Model() = default;
  virtual std::string name() const = 0;
  // Throws InputError when the workload does not fit the mapping (a missing Einsum or rank).
  sim::Result evaluate(const workloads::Cascade& cascade, const workloads::RankSizes& sizes,
                       Fidelity fidelity) const {
    return evaluate(cascade, sizes, fidelity, nullptr);
  }
  // The same with `cache` (or none: nullptr) keeping what the model derives from the workload and
  // the config's structure between calls; the result is the same with or without it, bit for bit.
  virtual sim::Result evaluate(const workloads::Cascade& cascade, const workloads::RankSizes& sizes,
                               Fidelity fidelity, EvaluationCache* cache) const = 0;

  // The chip area of the architecture in mm², or nothing when the model has no area model (the
  // GPU's). It does not depend on the workload.
  virtual std::optional<double> area_mm2() const { return std::nullopt; }

  // The cycle fidelity skips periodic steady states exactly (sim/engine); off, it simulates every
  // round (`cascade run --no-fast-forward`).
  void set_fast_forward(bool on) { fast_forward_ = on; }

  // Whether evaluate() records what the run did over time in sim::Result::timeline (`cascade run
  // --timeline`): each phase, each unit busy, stalled, idle or fast-forwarded (spatial models, at
  // cycle fidelity tile by tile, at analytical fidelity phase by phase), each kernel and its block
  // waves (the GPU). Off, nothing is recorded and nothing costs.
  void set_timeline(bool on) { timeline_ = on; }

 protected:
  bool fast_forward_ = true;
  bool timeline_ = false;
};

}  // namespace cascade::arch
