#pragma once

#include <map>
#include <string>

#include "arch/ModelRegistry.h"
#include "workloads/analysis/ShapeBinding.h"
#include "workloads/parser/WorkloadLoader.h"

namespace cascade::arch::testing_support {

inline std::string source_path(const std::string& relative) {
  return std::string(CASCADE_SOURCE_DIR) + "/" + relative;
}

// Evaluates configs/arch/<arch>.pbtxt on workloads/library/<workload> at the given sizes.
inline sim::Result evaluate(const std::string& arch, const std::string& workload,
                            const std::map<std::string, uint64_t>& sizes,
                            Fidelity fidelity = Fidelity::Analytical) {
  const ArchConfig config = ArchConfig::load(source_path("configs/arch/" + arch + ".pbtxt"));
  const auto model = ModelRegistry::builtin().create(config);
  const auto cascade = workloads::load_workload_file(source_path("workloads/library/" + workload));
  return model->evaluate(cascade, workloads::bind_shapes(cascade, sizes), fidelity);
}

}  // namespace cascade::arch::testing_support
