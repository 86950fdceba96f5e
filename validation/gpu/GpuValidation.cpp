#include "validation/gpu/GpuValidation.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "arch/gpu/FusedKernels.h"
#include "validation/gpu/MeasuredKernels.h"
#include "validation/gpu/TraceImport.h"
#include "validation/gpu/TraceTable.h"

namespace cascade::validation {
namespace {

void add(ValidationReport& r, const arch::gpu::GpuModel& model, const config::Kernel& kernel,
         const std::string& name, const std::string& kind, double measured_s, double measured_j,
         const std::string& source) {
  const auto e = model.estimate(kernel);
  r.kernels.push_back({name, kind, source, measured_s, e.timing.seconds, measured_j,
                       measured_j > 0 ? e.timing.energy_j : 0});
}

// neural.csv rows: their own launch configuration, work from the harness's flops and bytes.
void add_neural(ValidationReport& r, const arch::gpu::GpuModel& model, const TraceTable& t,
                size_t row) {
  const std::string kind = t.at(row, "class");
  const std::string name = t.at(row, "name");
  config::Kernel k;
  if (kind == "attention_lib") {
    arch::gpu::AttentionDims d;
    d.batch = 1;
    d.heads = static_cast<uint64_t>(t.number(row, "batch"));
    d.keys = d.queries = static_cast<uint64_t>(t.number(row, "M"));
    d.qk_embed = d.v_embed = static_cast<uint64_t>(t.number(row, "K"));
    k = arch::gpu::flash_attention_kernel(d, "fp16");
  } else if (kind == "hash_grid" || kind == "mlp" || kind == "attention") {
    k.set_name(name);
    k.mutable_grid()->set_x(static_cast<uint32_t>(t.number(row, "grid")));
    k.mutable_block()->set_x(static_cast<uint32_t>(t.number(row, "block")));
    k.set_registers_per_thread(static_cast<uint32_t>(t.number(row, "regs")));
    k.set_dynamic_smem_bytes(static_cast<uint32_t>(t.number(row, "smem")));
    auto* w = k.mutable_work();
    if (kind == "hash_grid") {
      w->set_fp32_flops(t.number(row, "flops"));
      w->set_dram_bytes(t.number(row, "bytes"));
      w->set_l2_bytes(t.number(row, "gather_bytes"));
      w->set_ilp(8);
      w->set_bytes_per_access(4);
    } else {
      (*w->mutable_tensor_flops())["fp16"] = t.number(row, "flops");
      w->set_dram_bytes(t.number(row, "bytes"));
    }
  } else {
    return;
  }
  const std::string energy = t.at(row, "energy_j_per_launch");
  add(r, model, k, name, kind, t.number(row, "median_ms") * 1e-3,
      energy.empty() || energy == "nan" ? 0 : t.number(row, "energy_j_per_launch"),
      t.file + ": line " + std::to_string(t.lines[row]));
}

// "[[2304], [4096, 768], [768, 2304], ...]" -> the numbers of each inner list.
std::vector<std::vector<double>> dims(const std::string& text) {
  std::vector<std::vector<double>> out;
  std::vector<double> cur;
  std::string num;
  int depth = 0;
  for (char c : text) {
    if (c == '[') {
      ++depth;
      if (depth == 2) cur.clear();
    } else if (c == ']') {
      if (!num.empty()) cur.push_back(std::stod(num)), num.clear();
      if (depth == 2) out.push_back(cur);
      --depth;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      num += c;
    } else if (!num.empty()) {
      cur.push_back(std::stod(num));
      num.clear();
    }
  }
  return out;
}

double elements(const std::vector<double>& shape) {
  double n = 1;
  for (double d : shape) n *= d;
  return n;
}

void add_kineto(ValidationReport& r, const arch::gpu::GpuModel& model, const std::string& file) {
  const ImportResult imported = import_kineto_json(file);
  for (const auto& p : imported.problems) r.skipped.push_back(p);
  double measured = 0, predicted = 0;
  for (const auto& run : imported.traces.run()) {
    const std::string op = run.operator_name();
    const auto d = dims(run.input_shapes());
    config::Kernel k;
    std::string kind;
    if ((op == "aten::addmm" || op == "aten::_addmm_activation") && d.size() >= 3 && d[1].size() == 2 &&
        d[2].size() == 2) {
      k = model.gemm_kernel(static_cast<uint64_t>(d[1][0]), static_cast<uint64_t>(d[2][1]),
                            static_cast<uint64_t>(d[1][1]), 1, "bf16");
      kind = "gemm";
    } else if (op.find("attention") != std::string::npos && !d.empty() && d[0].size() == 4) {
      arch::gpu::AttentionDims a{static_cast<uint64_t>(d[0][0]), static_cast<uint64_t>(d[0][1]),
                                 static_cast<uint64_t>(d[1][2]), static_cast<uint64_t>(d[0][2]),
                                 static_cast<uint64_t>(d[0][3]), static_cast<uint64_t>(d[2][3])};
      k = arch::gpu::flash_attention_kernel(a, "bf16");
      kind = "attention";
    } else if ((op == "aten::add_" || op == "aten::native_layer_norm") && !d.empty()) {
      // One pass: each input read once and the output written once, in bf16; a few flops per element.
      const double n = elements(d[0]);
      const double tensors = op == "aten::add_" ? 3 : 2;
      k.set_name(op);
      k.mutable_grid()->set_x(static_cast<uint32_t>(std::ceil(n / 8 / 128)));
      k.mutable_block()->set_x(128);
      k.set_registers_per_thread(32);
      k.mutable_work()->set_dram_bytes(tensors * n * 2);
      k.mutable_work()->set_fp32_flops((op == "aten::add_" ? 1 : 8) * n);
      k.mutable_work()->set_bytes_per_access(16);
      kind = "elementwise";
    } else {
      r.skipped.push_back(run.source() + ": no GPU description for operator '" + op + "'");
      continue;
    }
    add(r, model, k, run.name(), kind, run.duration_s(), 0, run.source());
    measured += run.duration_s();
    predicted += r.kernels.back().predicted_s;
  }
  r.passes[file] = {predicted, measured};
}

}  // namespace

ValidationReport validate_gpu_model(const arch::gpu::GpuModel& model,
                                    const std::vector<std::string>& files) {
  ValidationReport r;
  for (const auto& file : files) {
    if (file.size() > 5 && file.substr(file.size() - 5) == ".json") {
      add_kineto(r, model, file);
      continue;
    }
    const TraceTable t = read_trace_table(file);
    const bool neural = std::find(t.columns.begin(), t.columns.end(), "table_size") != t.columns.end();
    if (neural) {
      for (size_t row = 0; row < t.rows.size(); ++row) add_neural(r, model, t, row);
      continue;
    }
    for (const auto& m : measured_kernels(t, model))
      add(r, model, m.kernel, m.name, m.kind, m.measured_s, m.energy_j, file);
  }
  std::map<std::string, std::pair<double, int>> rt, en;
  for (const auto& k : r.kernels) {
    const double e = std::abs(k.predicted_s / k.measured_s - 1);
    for (const std::string& key : {k.kind, std::string("all")}) {
      rt[key].first += e;
      ++rt[key].second;
      if (k.measured_j > 0) {
        en[key].first += std::abs(k.predicted_j / k.measured_j - 1);
        ++en[key].second;
      }
    }
  }
  for (const auto& [key, v] : rt) r.runtime_mape[key] = 100 * v.first / v.second;
  for (const auto& [key, v] : en) r.energy_mape[key] = 100 * v.first / v.second;
  return r;
}

std::string format_validation(const ValidationReport& r) {
  std::ostringstream out;
  char line[512];
  out << "kernel                                    class         measured_us  predicted_us  ratio\n";
  for (const auto& k : r.kernels) {
    std::snprintf(line, sizeof line, "%-41.41s %-12s %12.2f %13.2f %6.2f\n", k.name.c_str(), k.kind.c_str(),
                  k.measured_s * 1e6, k.predicted_s * 1e6, k.predicted_s / k.measured_s);
    out << line;
  }
  out << "\nruntime MAPE by class:";
  for (const auto& [key, v] : r.runtime_mape) {
    std::snprintf(line, sizeof line, "  %s %.1f%%", key.c_str(), v);
    out << line;
  }
  out << "\nenergy-per-launch MAPE by class:";
  for (const auto& [key, v] : r.energy_mape) {
    std::snprintf(line, sizeof line, "  %s %.1f%%", key.c_str(), v);
    out << line;
  }
  out << "\n";
  for (const auto& [file, pass] : r.passes) {
    std::snprintf(line, sizeof line, "whole pass %s: predicted %.1f us, measured %.1f us (%+.1f%%)\n",
                  file.c_str(), pass.first * 1e6, pass.second * 1e6, 100 * (pass.first / pass.second - 1));
    out << line;
  }
  for (const auto& s : r.skipped) out << "skipped: " << s << "\n";
  return out.str();
}

}  // namespace cascade::validation
