#include "workloads/parser/WorkloadPrinter.h"

#include <google/protobuf/text_format.h>

#include "configs/workload.pb.h"
#include "workloads/parser/ElementTypes.h"

namespace cascade::workloads {

std::string print_workload(const Cascade& c) {
  config::Workload w;
  w.set_name(c.name);
  w.set_description(c.description);
  for (const auto& r : c.ranks) {
    auto* pr = w.add_rank();
    pr->set_name(r.name);
    if (r.size) pr->set_size(*r.size);
    pr->set_equal_to(r.equal_to);
  }
  for (const auto& p : c.partitions) {
    auto* pp = w.add_partition();
    pp->set_rank(p.rank);
    pp->set_outer(p.outer);
    pp->set_inner(p.inner);
    if (p.inner_size) pp->set_inner_size(*p.inner_size);
  }
  for (const auto& t : c.tensors) {
    auto* pt = w.add_tensor();
    pt->set_name(t.name);
    for (const auto& r : t.ranks) pt->add_ranks(r);
    pt->set_type(element_type_to_proto(t.type));
    pt->set_initial(t.initial_text);
    if (t.extent) {
      auto* px = pt->mutable_extent();
      px->set_rank(t.extent->rank);
      px->set_along(t.extent->along);
      for (uint64_t n : t.extent->sizes) px->add_sizes(n);
      if (const auto& g = t.extent->grid) {
        auto* pg = px->mutable_grid();
        pg->set_dims(g->dims);
        pg->set_base_resolution(g->base_resolution);
        pg->set_per_level_scale(g->per_level_scale);
        pg->set_hashed(g->hashed);
      }
    }
  }
  for (const auto& e : c.einsums) w.add_einsum(e.to_string());
  for (const auto& op : c.operators) {
    auto* po = w.add_operator_();
    po->set_name(op.name);
    po->set_kind(op.kind == OperatorKind::Linear          ? config::LINEAR
                 : op.kind == OperatorKind::Attention     ? config::ATTENTION
                 : op.kind == OperatorKind::Normalization ? config::NORMALIZATION
                 : op.kind == OperatorKind::Encoding      ? config::ENCODING
                 : op.kind == OperatorKind::Mlp           ? config::MLP
                                                          : config::ELEMENTWISE);
    for (size_t e : op.einsums) po->add_einsum(c.einsums[e].output.tensor);
  }
  std::string text;
  google::protobuf::TextFormat::PrintToString(w, &text);
  return text;
}

}  // namespace cascade::workloads
