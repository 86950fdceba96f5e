#include "workloads/ir/Cascade.h"

#include <algorithm>

namespace cascade::workloads {
namespace {

// a == b, the first characters compared inline: most names differ there, and these lookups run
// for every access of every design point.
bool same_name(const std::string& a, const std::string& b) {
  return a.size() == b.size() && (a.empty() || a[0] == b[0]) && a == b;
}

}  // namespace

bool is_integer(ElementType type) {
  return type == ElementType::INT8 || type == ElementType::INT16 || type == ElementType::INT32;
}

int element_bytes(ElementType type) {
  switch (type) {
    case ElementType::FP8:
    case ElementType::INT8:
      return 1;
    case ElementType::FP16:
    case ElementType::BF16:
    case ElementType::INT16:
      return 2;
    case ElementType::FP32:
    case ElementType::INT32:
      return 4;
    case ElementType::FP64:
      return 8;
  }
  return 0;
}

std::string to_string(ElementType type) {
  switch (type) {
    case ElementType::FP32: return "FP32";
    case ElementType::FP16: return "FP16";
    case ElementType::BF16: return "BF16";
    case ElementType::FP8: return "FP8";
    case ElementType::INT8: return "INT8";
    case ElementType::INT16: return "INT16";
    case ElementType::INT32: return "INT32";
    case ElementType::FP64: return "FP64";
  }
  return {};
}

const Rank* Cascade::find_rank(const std::string& n) const {
  for (const auto& r : ranks)
    if (same_name(r.name, n)) return &r;
  return nullptr;
}

const Tensor* Cascade::find_tensor(const std::string& n) const {
  for (const auto& t : tensors)
    if (same_name(t.name, n)) return &t;
  return nullptr;
}

const Partition* Cascade::find_partition_of(const std::string& rank) const {
  for (const auto& p : partitions)
    if (p.rank == rank) return &p;
  return nullptr;
}

const Partition* Cascade::find_partition_making(const std::string& rank) const {
  for (const auto& p : partitions)
    if (same_name(p.outer, rank) || same_name(p.inner, rank)) return &p;
  return nullptr;
}

int Cascade::writer_of(const std::string& tensor) const {
  for (size_t i = 0; i < einsums.size(); ++i)
    if (same_name(einsums[i].output.tensor, tensor)) return static_cast<int>(i);
  return -1;
}

bool Cascade::is_recurrent_position(const std::string& tensor, size_t k) const {
  const int w = writer_of(tensor);
  if (w < 0) return false;
  const auto& out = einsums[static_cast<size_t>(w)].output.indices;
  return k < out.size() && out[k].form == IndexExpr::Form::Shifted;
}

std::string Cascade::root_rank(const std::string& rank) const {
  std::string r = rank;
  // Partitions form a forest (validated), so this walk ends.
  for (size_t guard = 0; guard <= partitions.size(); ++guard) {
    const Partition* p = find_partition_making(r);
    if (!p) break;
    r = p->rank;
  }
  return r;
}

std::string to_string(OperatorKind kind) {
  switch (kind) {
    case OperatorKind::Linear: return "LINEAR";
    case OperatorKind::Attention: return "ATTENTION";
    case OperatorKind::Normalization: return "NORMALIZATION";
    case OperatorKind::Elementwise: return "ELEMENTWISE";
    case OperatorKind::Encoding: return "ENCODING";
    case OperatorKind::Mlp: return "MLP";
  }
  return "";
}

const Operator* Cascade::operator_of(size_t einsum) const {
  for (const auto& op : operators)
    if (std::binary_search(op.einsums.begin(), op.einsums.end(), einsum)) return &op;
  return nullptr;
}

bool Cascade::equals(const Cascade& o) const {
  if (name != o.name || description != o.description || ranks != o.ranks ||
      partitions != o.partitions || tensors != o.tensors || operators != o.operators ||
      einsums.size() != o.einsums.size())
    return false;
  for (size_t i = 0; i < einsums.size(); ++i)
    if (!einsums[i].equals(o.einsums[i])) return false;
  return true;
}

}  // namespace cascade::workloads
