#pragma once

#include <optional>

#include "configs/workload.pb.h"
#include "workloads/ir/Cascade.h"

namespace cascade::workloads {

// The IR's element type of a workload file's, or nothing for ELEMENT_TYPE_UNSPECIFIED and unknown
// values; and back.
std::optional<ElementType> element_type_from_proto(config::ElementType type);
config::ElementType element_type_to_proto(ElementType type);

}  // namespace cascade::workloads
