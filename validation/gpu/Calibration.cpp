#include "validation/gpu/Calibration.h"

#include <google/protobuf/text_format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <random>

namespace cascade::validation {
namespace {

arch::gpu::GpuArchConfig config_of(const config::GpuArch& proto) {
  std::string text;
  google::protobuf::TextFormat::PrintToString(proto, &text);
  return arch::gpu::GpuArchConfig(text, proto.name() + " (calibrating)");
}

// The actions of `from` that cost energy added to `to`'s (a call's launches costed as one).
void add_work(const config::KernelWork& from, config::KernelWork& to) {
  to.set_fp32_flops(to.fp32_flops() + from.fp32_flops());
  for (const auto& [type, flops] : from.tensor_flops()) (*to.mutable_tensor_flops())[type] += flops;
  to.set_dram_bytes(to.dram_bytes() + from.dram_bytes());
  to.set_l2_bytes(to.l2_bytes() + from.l2_bytes());
  to.set_smem_bytes(to.smem_bytes() + from.smem_bytes());
  to.set_sfu_ops(to.sfu_ops() + from.sfu_ops());
}

double training_mape(const config::GpuArch& proto, const std::vector<MeasuredCase>& cases,
                     const std::vector<size_t>& train) {
  const arch::gpu::GpuModel model(config_of(proto));
  const auto mape = compare_with_model(model, cases, &train).runtime_mape;
  // The mean of the overall MAPE and the classes' mean MAPE: every class weighs as much as the
  // many GEMMs together, so that they do not buy their last percent with the few kernels of
  // another class.
  double sum = 0;
  int classes = 0;
  for (const auto& [kind, value] : mape)
    if (kind != "all") sum += value, ++classes;
  return classes > 0 ? (mape.at("all") + sum / classes) / 2 : 0;
}

// Solves the normal equations of the columns in `passive` (Gaussian elimination, partial pivoting).
std::vector<double> least_squares(const std::vector<double>& a, size_t rows, size_t cols,
                                  const std::vector<double>& b, const std::vector<bool>& passive) {
  std::vector<size_t> idx;
  for (size_t j = 0; j < cols; ++j)
    if (passive[j]) idx.push_back(j);
  const size_t n = idx.size();
  std::vector<double> m(n * (n + 1), 0);
  for (size_t r = 0; r < rows; ++r)
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = 0; j < n; ++j) m[i * (n + 1) + j] += a[r * cols + idx[i]] * a[r * cols + idx[j]];
      m[i * (n + 1) + n] += a[r * cols + idx[i]] * b[r];
    }
  for (size_t c = 0; c < n; ++c) {
    size_t pivot = c;
    for (size_t r = c + 1; r < n; ++r)
      if (std::abs(m[r * (n + 1) + c]) > std::abs(m[pivot * (n + 1) + c])) pivot = r;
    for (size_t k = 0; k <= n; ++k) std::swap(m[c * (n + 1) + k], m[pivot * (n + 1) + k]);
    const double d = m[c * (n + 1) + c];
    if (std::abs(d) < 1e-300) continue;
    for (size_t r = 0; r < n; ++r) {
      if (r == c) continue;
      const double f = m[r * (n + 1) + c] / d;
      for (size_t k = c; k <= n; ++k) m[r * (n + 1) + k] -= f * m[c * (n + 1) + k];
    }
  }
  std::vector<double> x(cols, 0);
  for (size_t i = 0; i < n; ++i) {
    const double d = m[i * (n + 1) + i];
    x[idx[i]] = std::abs(d) < 1e-300 ? 0 : m[i * (n + 1) + n] / d;
  }
  return x;
}

}  // namespace

std::vector<double> nnls(const std::vector<double>& a, size_t rows, size_t cols, const std::vector<double>& b) {
  std::vector<double> x(cols, 0);
  std::vector<bool> passive(cols, false);
  for (size_t iteration = 0; iteration < 3 * cols; ++iteration) {
    // Gradient of the residual: w = A^T (b - A x).
    std::vector<double> residual(rows);
    for (size_t r = 0; r < rows; ++r) {
      double s = b[r];
      for (size_t j = 0; j < cols; ++j) s -= a[r * cols + j] * x[j];
      residual[r] = s;
    }
    double best = 0;
    size_t enter = cols;
    for (size_t j = 0; j < cols; ++j) {
      if (passive[j]) continue;
      double w = 0;
      for (size_t r = 0; r < rows; ++r) w += a[r * cols + j] * residual[r];
      if (w > best * (1 + 1e-12) + 1e-18) {
        best = w;
        enter = j;
      }
    }
    if (enter == cols) break;
    passive[enter] = true;
    while (true) {
      const std::vector<double> z = least_squares(a, rows, cols, b, passive);
      bool feasible = true;
      for (size_t j = 0; j < cols; ++j) feasible = feasible && (!passive[j] || z[j] > 0);
      if (feasible) {
        x = z;
        break;
      }
      // Step back to the boundary and drop the variables that reach zero.
      double alpha = 1;
      for (size_t j = 0; j < cols; ++j)
        if (passive[j] && z[j] <= 0) alpha = std::min(alpha, x[j] / (x[j] - z[j]));
      for (size_t j = 0; j < cols; ++j) {
        x[j] += alpha * (z[j] - x[j]);
        if (passive[j] && x[j] <= 1e-15) {
          passive[j] = false;
          x[j] = 0;
        }
      }
    }
  }
  return x;
}

std::vector<double> nnls_least_absolute(const std::vector<double>& a, size_t rows, size_t cols,
                                        const std::vector<double>& b, double floor) {
  std::vector<double> x = nnls(a, rows, cols, b);
  for (int iteration = 0; iteration < 20; ++iteration) {
    std::vector<double> wa(a.size()), wb(rows);
    for (size_t r = 0; r < rows; ++r) {
      double residual = b[r];
      for (size_t j = 0; j < cols; ++j) residual -= a[r * cols + j] * x[j];
      const double scale = 1 / std::sqrt(std::max(std::abs(residual), floor));
      for (size_t j = 0; j < cols; ++j) wa[r * cols + j] = a[r * cols + j] * scale;
      wb[r] = b[r] * scale;
    }
    x = nnls(wa, rows, cols, wb);
  }
  return x;
}

CalibrationSplit split_cases(const std::vector<MeasuredCase>& cases, uint64_t seed) {
  std::map<std::string, std::vector<size_t>> by_class;
  for (size_t i = 0; i < cases.size(); ++i) by_class[cases[i].kind].push_back(i);
  // The split does not depend on the order the trace files were given in: each class's cases in
  // the order of their files' names, each file's in its own order.
  const auto file_of = [&](size_t i) { return cases[i].source.substr(0, cases[i].source.find(": line ")); };
  for (auto& [kind, idx] : by_class)
    std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return file_of(a) < file_of(b); });
  std::mt19937_64 engine(seed);
  CalibrationSplit s;
  for (auto& [kind, idx] : by_class) {
    for (size_t i = idx.size(); i > 1; --i) std::swap(idx[i - 1], idx[engine() % i]);
    const size_t train = (idx.size() * 7 + 9) / 10;
    s.train.insert(s.train.end(), idx.begin(), idx.begin() + static_cast<long>(train));
    s.test.insert(s.test.end(), idx.begin() + static_cast<long>(train), idx.end());
  }
  std::sort(s.train.begin(), s.train.end());
  std::sort(s.test.begin(), s.test.end());
  return s;
}

CalibrationResult calibrate_gpu(const arch::gpu::GpuArchConfig& base, const std::vector<MeasuredCase>& cases,
                                uint64_t seed, double idle_watts) {
  CalibrationResult result;
  result.split = split_cases(cases, seed);
  if (result.split.train.empty() || result.split.test.empty())
    throw base::InputError("--traces", {},
                           "calibration needs measured kernels to fit and others to hold out; the traces give " +
                               std::to_string(cases.size()) + " (" + std::to_string(result.split.train.size()) +
                               " to fit, " + std::to_string(result.split.test.size()) + " held out)");
  config::GpuArch p = base.proto();
  {
    const arch::gpu::GpuModel before(config_of(p));
    result.train_before = compare_with_model(before, cases, &result.split.train);
    result.test_before = compare_with_model(before, cases, &result.split.test);
  }
  auto* t = p.mutable_timing();
  // The runtime parameters, each with its bounds.
  struct Parameter {
    std::function<double&()> value;
    double low, high;
  };
  std::vector<Parameter> params;
  const auto field = [&](double (config::GpuTimingModel::*get)() const, void (config::GpuTimingModel::*set)(double),
                         double low, double high, double start) {
    if ((t->*get)() <= 0) (t->*set)(start);
    auto holder = std::make_shared<double>((t->*get)());
    params.push_back({[holder]() -> double& { return *holder; }, low, high});
    return holder;
  };
  auto library = field(&config::GpuTimingModel::library_call_overhead_us, &config::GpuTimingModel::set_library_call_overhead_us, 0, 20, 4);
  auto latency = field(&config::GpuTimingModel::dram_latency_ns, &config::GpuTimingModel::set_dram_latency_ns, 100, 2000, 500);
  auto dram = field(&config::GpuTimingModel::dram_efficiency, &config::GpuTimingModel::set_dram_efficiency, 0.3, 1, 1);
  auto fp32 = field(&config::GpuTimingModel::fp32_efficiency, &config::GpuTimingModel::set_fp32_efficiency, 0.3, 1, 1);
  auto block_launch = field(&config::GpuTimingModel::block_launch_ns, &config::GpuTimingModel::set_block_launch_ns, 0.05, 5, 0.5);
  auto l2_usable = field(&config::GpuTimingModel::l2_usable_fraction, &config::GpuTimingModel::set_l2_usable_fraction, 0.2, 1, 1);
  auto framework = field(&config::GpuTimingModel::framework_call_overhead_us,
                         &config::GpuTimingModel::set_framework_call_overhead_us, 0, 200, 20);
  // L2 bandwidth is not published (an [I] estimate in the configs): fitted between 2 and 30 TB/s,
  // bounds wide of any GPU's DRAM bandwidth below and its L1 bandwidth above.
  auto l2 = std::make_shared<double>(p.memory().l2_bandwidth_bytes_per_second() > 0
                                         ? p.memory().l2_bandwidth_bytes_per_second()
                                         : 7e12);
  params.push_back({[l2]() -> double& { return *l2; }, 2e12, 30e12});
  std::map<std::string, std::shared_ptr<double>> tensor;
  for (const auto& [type, rate] : p.peak().tensor_flops_per_second()) {
    auto holder = std::make_shared<double>(t->tensor_efficiency().count(type) ? t->tensor_efficiency().at(type) : 1.0);
    params.push_back({[holder]() -> double& { return *holder; }, 0.2, 1});
    tensor[type] = holder;
  }
  // The library kernel families the cases use (each an efficiency of its own).
  std::map<std::string, std::shared_ptr<double>> family;
  {
    const arch::gpu::GpuModel model(config_of(p));
    for (size_t i : result.split.train) {
      const std::string name = cases[i].describe(model).work().family();
      if (name.empty() || family.count(name)) continue;
      auto holder = std::make_shared<double>(
          t->kernel_family_efficiency().count(name) ? t->kernel_family_efficiency().at(name) : 1.0);
      params.push_back({[holder]() -> double& { return *holder; }, 0.1, 10});
      family[name] = holder;
    }
  }
  const auto apply = [&]() {
    t->set_library_call_overhead_us(*library);
    t->set_dram_latency_ns(*latency);
    t->set_dram_efficiency(*dram);
    t->set_fp32_efficiency(*fp32);
    t->set_l2_usable_fraction(*l2_usable);
    t->set_block_launch_ns(*block_launch);
    t->set_framework_call_overhead_us(*framework);
    for (const auto& [name, v] : family) (*t->mutable_kernel_family_efficiency())[name] = *v;
    for (const auto& [type, v] : tensor) (*t->mutable_tensor_efficiency())[type] = *v;
    p.mutable_memory()->set_l2_bandwidth_bytes_per_second(*l2);
  };
  apply();
  double best = training_mape(p, cases, result.split.train);
  for (const double step : {2.0, 1.4, 1.15, 1.05, 1.02, 1.01}) {
    // Sweeps at this step until none improves the training error (at most 8).
    for (int sweep = 0; sweep < 8; ++sweep) {
      const double before_sweep = best;
      for (auto& param : params) {
        double& v = param.value();
        for (const double factor : {step, 1 / step}) {
          const double old = v;
          v = std::clamp(old * factor, param.low, param.high);
          if (v == old) continue;
          apply();
          const double mape = training_mape(p, cases, result.split.train);
          if (mape < best) {
            best = mape;
          } else {
            v = old;
            apply();
          }
        }
      }
      if (best >= before_sweep) break;
    }
  }
  // Energy: idle measured, the rest by NNLS on (period, FP32 flops, tensor flops, DRAM, L2, shared-
  // memory bytes, SFU operations, and each kernel family's own power).
  if (idle_watts > 0) p.mutable_power()->set_idle_watts(idle_watts);
  {
    const arch::gpu::GpuModel model(config_of(p));
    // The training cases with a measured energy, each described once by the fitted model: the work
    // of all the launches its measurement covers, the family the first one's.
    std::vector<std::pair<const MeasuredCase*, config::Kernel>> measured;
    for (size_t i : result.split.train) {
      if (cases[i].measured_j <= 0) continue;
      const std::vector<config::Kernel> launches = launches_of(cases[i], model);
      config::Kernel k = launches.front();
      for (size_t l = 1; l < launches.size(); ++l) add_work(launches[l].work(), *k.mutable_work());
      measured.emplace_back(&cases[i], std::move(k));
    }
    // A kernel family's own power beside the described actions (its instruction mix): one column
    // per family among them.
    std::vector<std::string> families;
    for (const auto& [c, k] : measured)
      if (!k.work().family().empty() && std::find(families.begin(), families.end(), k.work().family()) == families.end())
        families.push_back(k.work().family());
    std::sort(families.begin(), families.end());
    const size_t cols = 7 + families.size();
    std::vector<double> a, b;
    size_t rows = 0;
    for (const auto& [case_ptr, k] : measured) {
      const MeasuredCase& c = *case_ptr;
      double tensor_flops = 0;
      for (const auto& [type, f] : k.work().tensor_flops()) tensor_flops += f;
      // Relative error is what MAPE weighs: each row scaled by 1 / measured energy.
      const double w = 1 / c.measured_j;
      // The energy window's period per launch is the time the power is drawn for.
      const double period = c.measured_period_s > 0 ? c.measured_period_s : c.measured_s;
      a.insert(a.end(), {period * w, k.work().fp32_flops() * 1e-12 * w, tensor_flops * 1e-12 * w,
                         k.work().dram_bytes() * 1e-12 * w, k.work().l2_bytes() * 1e-12 * w,
                         k.work().smem_bytes() * 1e-12 * w, k.work().sfu_ops() * 1e-12 * w});
      for (const auto& f : families) a.push_back(k.work().family() == f ? period * w : 0);
      b.push_back((c.measured_j - p.power().idle_watts() * period) * w);
      ++rows;
    }
    if (rows >= cols) {
      // MAPE weighs absolute relative errors (the rows are relative): the least-absolute fit,
      // residuals floored at 1%.
      const std::vector<double> x = nnls_least_absolute(a, rows, cols, b, 0.01);
      t->set_busy_watts(x[0]);
      t->set_pj_per_fp32_flop(x[1]);
      t->set_pj_per_tensor_flop(x[2]);
      t->set_pj_per_dram_byte(x[3]);
      t->set_pj_per_l2_byte(x[4]);
      t->set_pj_per_smem_byte(x[5]);
      t->set_pj_per_sfu_op(x[6]);
      t->clear_kernel_family_watts();
      for (size_t f = 0; f < families.size(); ++f) (*t->mutable_kernel_family_watts())[families[f]] = x[7 + f];
    }
  }
  t->set_source("fitted by cascade gpu calibrate (seed " + std::to_string(seed) + ") on measured traces; " + t->source());
  p.mutable_memory()->set_source(p.memory().source() + "; L2 bandwidth fitted by cascade gpu calibrate (seed " +
                                 std::to_string(seed) + ")");
  result.calibrated = p;
  const arch::gpu::GpuModel after(config_of(p));
  result.train_after = compare_with_model(after, cases, &result.split.train);
  result.test_after = compare_with_model(after, cases, &result.split.test);
  return result;
}

}  // namespace cascade::validation
