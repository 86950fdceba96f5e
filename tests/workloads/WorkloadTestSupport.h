#pragma once

// What the workload tests read from an analysis and how they make a bad workload's error.
#include <map>
#include <stdexcept>
#include <string>

#include "base/InputError.h"
#include "workloads/analysis/WorkloadAnalysis.h"
#include "workloads/parser/WorkloadLoader.h"

namespace cascade::workloads::testing_support {

// The count of `kind` among `ops` (0 if absent).
inline uint64_t ops_of(const google::protobuf::RepeatedPtrField<config::OpCount>& ops, const std::string& kind) {
  for (const auto& o : ops)
    if (o.kind() == kind) return o.count();
  return 0;
}

inline const config::TensorReport& tensor_named(const config::WorkloadReport& r, const std::string& name) {
  for (const auto& t : r.tensor())
    if (t.name() == name) return t;
  throw std::out_of_range("no tensor " + name);
}

// The error `text` (read as bad.pbtxt) gives when analysed at `sizes`, or "no error".
inline std::string error_of(const std::string& text, const std::map<std::string, uint64_t>& sizes = {}) {
  try {
    analyze_workload(parse_workload_text(text, "bad.pbtxt"), sizes);
  } catch (const base::InputError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace cascade::workloads::testing_support
