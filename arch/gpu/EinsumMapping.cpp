#include "arch/gpu/EinsumMapping.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "workloads/analysis/OpCounts.h"

namespace cascade::arch::gpu {
namespace {

using workloads::Expr;

std::set<std::string> vars_of(const workloads::Access& a) {
  std::set<std::string> v;
  for (const auto& idx : a.indices)
    for (const auto& x : idx.variables()) v.insert(x);
  return v;
}

uint64_t product(const std::set<std::string>& vars, const workloads::RankSizes& sizes) {
  uint64_t n = 1;
  for (const auto& v : vars) n *= sizes.of_variable(v);
  return n;
}

double tensor_elements(const workloads::Cascade& c, const std::string& name,
                       const workloads::RankSizes& sizes) {
  const workloads::Tensor* t = c.find_tensor(name);
  double n = 1;
  for (size_t k = 0; k < t->ranks.size(); ++k)
    n *= static_cast<double>(sizes.of(t->ranks[k]) + (c.is_recurrent_position(name, k) ? 1 : 0));
  return n;
}

}  // namespace

config::Kernel map_einsum_to_gpu(const GpuModel& model, const workloads::Cascade& cascade,
                                 size_t einsum, const workloads::RankSizes& sizes,
                                 const std::string& dtype) {
  const workloads::Einsum& e = cascade.einsums.at(einsum);
  const std::string& name = e.output.tensor;
  const std::set<std::string> out = vars_of(e.output);
  std::set<std::string> reduced;
  for (const auto& v : e.variables())
    if (!out.count(v)) reduced.insert(v);

  const bool product_of_two = e.rhs->kind == Expr::Kind::Binary && e.rhs->op == '*' &&
                              e.rhs->args[0]->kind == Expr::Kind::Access &&
                              e.rhs->args[1]->kind == Expr::Kind::Access;
  if (product_of_two && !reduced.empty() && e.reduction.op == workloads::ReduceOp::Sum) {
    const std::set<std::string> a = vars_of(e.rhs->args[0]->access), b = vars_of(e.rhs->args[1]->access);
    std::set<std::string> batch, m, n, k;
    for (const auto& v : e.variables()) {
      const bool in_a = a.count(v), in_b = b.count(v), in_c = out.count(v);
      if (in_a && in_b && in_c) batch.insert(v);
      else if (in_a && in_c) m.insert(v);
      else if (in_b && in_c) n.insert(v);
      else if (in_a && in_b) k.insert(v);
      else
        throw base::InputError(cascade.file, e.pos,
                                    "Einsum '" + name + "': rank '" + v +
                                        "' fits no GEMM role (batch, M, N or K)");
    }
    config::Kernel kernel = model.gemm_kernel(product(m, sizes), product(n, sizes), product(k, sizes),
                                              product(batch, sizes), dtype);
    kernel.set_name(name);
    return kernel;
  }

  // Element-wise or reducing: every tensor read and written once, 8 elements per thread.
  const double outputs = tensor_elements(cascade, name, sizes);
  std::vector<const workloads::Access*> reads;
  e.rhs->collect_accesses(reads);
  std::set<std::string> inputs;
  double bytes = 0;
  const double element = dtype == "fp32" || dtype == "tf32" ? 4 : dtype == "fp8" ? 1 : 2;
  for (const auto* r : reads)
    if (inputs.insert(r->tensor).second) bytes += tensor_elements(cascade, r->tensor, sizes) * element;
  bytes += outputs * element;
  const double iterations = static_cast<double>(workloads::iteration_points(e, cascade, sizes));
  const double per_thread = 8, threads_per_block = 128;
  const double blocks = std::ceil(iterations / per_thread / threads_per_block);
  if (blocks > (1u << 31) - 1)
    throw base::InputError(cascade.file, e.pos, "Einsum '" + name + "': " + std::to_string(blocks) +
                                                     " blocks of " + std::to_string(threads_per_block) +
                                                     " threads, beyond CUDA's grid");
  config::Kernel kernel;
  kernel.set_name(name);
  kernel.set_kind(reduced.empty() ? "elementwise" : "reduction");
  kernel.mutable_grid()->set_x(static_cast<uint32_t>(std::max(1.0, blocks)));
  kernel.mutable_block()->set_x(static_cast<uint32_t>(threads_per_block));
  kernel.set_registers_per_thread(32);
  auto* w = kernel.mutable_work();
  w->set_fp32_flops(static_cast<double>(workloads::count_ops(e, cascade, sizes).total()));
  w->set_dram_bytes(bytes);
  w->set_bytes_per_access(16);
  w->set_ilp(static_cast<uint32_t>(std::max<size_t>(1, inputs.size())));
  return kernel;
}

}  // namespace cascade::arch::gpu
