#include "workloads/parser/ElementTypes.h"

namespace cascade::workloads {

std::optional<ElementType> element_type_from_proto(config::ElementType type) {
  switch (type) {
    case config::FP32: return ElementType::FP32;
    case config::FP16: return ElementType::FP16;
    case config::BF16: return ElementType::BF16;
    case config::FP8: return ElementType::FP8;
    case config::INT8: return ElementType::INT8;
    case config::INT16: return ElementType::INT16;
    case config::INT32: return ElementType::INT32;
    case config::FP64: return ElementType::FP64;
    default: return std::nullopt;
  }
}

config::ElementType element_type_to_proto(ElementType type) {
  switch (type) {
    case ElementType::FP32: return config::FP32;
    case ElementType::FP16: return config::FP16;
    case ElementType::BF16: return config::BF16;
    case ElementType::FP8: return config::FP8;
    case ElementType::INT8: return config::INT8;
    case ElementType::INT16: return config::INT16;
    case ElementType::INT32: return config::INT32;
    case ElementType::FP64: return config::FP64;
  }
  return config::ELEMENT_TYPE_UNSPECIFIED;
}

}  // namespace cascade::workloads
