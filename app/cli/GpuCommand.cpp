#include "app/cli/GpuCommand.h"

#include <google/protobuf/text_format.h>

#include <boost/program_options.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "arch/gpu/GpuArchConfig.h"
#include "arch/gpu/GpuModel.h"
#include "base/Format.h"
#include "base/OutputFile.h"
#include "base/Text.h"
#include "sim/result/TraceEvents.h"
#include "plots/ScatterPlot.h"
#include "validation/gpu/Calibration.h"
#include "validation/gpu/GpuValidation.h"
#include "validation/gpu/TraceComparison.h"
#include "validation/gpu/TraceTable.h"
#include "base/TextProtoFile.h"
#include "app/cli/ArchArgument.h"
#include "app/cli/ExitCodes.h"

namespace cascade::app {
namespace {

namespace po = boost::program_options;
namespace fs = std::filesystem;
using arch::gpu::Limiter;

// A gpu subcommand's options: its help, the GPU config (--arch) and where configs/ is (--root).
po::options_description gpu_options(const std::string& subcommand) {
  po::options_description named("options of 'cascade gpu " + subcommand + "'");
  named.add_options()("help,h", "print this help")(
      "arch", po::value<std::string>(), "GPU config: a name (configs/arch/gpu/NAME.pbtxt) or a path")(
      "root", po::value<std::string>()->default_value("."), "where configs/ is, for --arch NAME");
  return named;
}

// The GPU config --arch names (the caller has checked it is given).
arch::gpu::GpuArchConfig load_gpu_arch(const po::variables_map& vm) {
  return arch::gpu::GpuArchConfig::load(resolve_arch(vm["arch"].as<std::string>(), vm["root"].as<std::string>(), true));
}

std::string count(int blocks) {
  return blocks == arch::gpu::kUnlimited ? "unlimited" : std::to_string(blocks);
}

std::string percent(double fraction) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f%%", fraction * 100);
  return buffer;
}

void print(const arch::gpu::GpuArchConfig& gpu, const arch::gpu::KernelResources& k,
           const arch::gpu::Occupancy& o) {
  const auto& g = gpu.proto();
  std::cout << "gpu: " << g.name() << " (" << g.part() << ", cc "
            << arch::gpu::compute_capability_name(g.compute_capability()) << ", " << g.sm_count()
            << " SMs)\n"
            << "kernel: " << k.threads_per_block << " threads (" << o.warps_per_block << " warps), "
            << k.registers_per_thread << " registers/thread, " << k.static_smem_bytes
            << " B static + " << k.dynamic_smem_bytes << " B dynamic shared memory, carveout "
            << (k.carveout_percent < 0 ? std::string("default") : std::to_string(k.carveout_percent) + "%")
            << ", " << k.barriers_per_block << " barrier(s)";
  if (k.max_dynamic_smem_bytes) std::cout << ", opt-in max dynamic " << *k.max_dynamic_smem_bytes << " B";
  std::cout << "\n\nblocks per SM:  " << o.blocks_per_sm << "\n"
            << "warps per SM:   " << o.warps_per_sm << " of " << o.max_warps_per_sm << "\n"
            << "occupancy:      " << percent(o.occupancy) << " (theoretical)\n"
            << "limited by:     ";
  const auto limiters = o.limiters();
  for (size_t i = 0; i < limiters.size(); ++i)
    std::cout << (i ? ", " : "") << arch::gpu::limiter_name(limiters[i]);
  std::cout << "\n\nblocks per SM each resource allows:\n";
  for (Limiter l : arch::gpu::kAllLimiters) {
    char line[64];
    std::snprintf(line, sizeof line, "  %-14s %10s", arch::gpu::limiter_name(l), count(o.limit(l)).c_str());
    std::cout << line << (o.limited_by(l) ? "  <- limiting" : "") << "\n";
  }
  std::cout << "\nallocated per block: " << o.registers_per_block << " registers, "
            << o.shared_memory_per_block << " B shared memory; SM shared memory configured to "
            << o.shared_memory_per_sm << " B\n"
            << "one wave: " << static_cast<uint64_t>(o.blocks_per_sm) * g.sm_count() << " blocks ("
            << g.sm_count() << " SMs x " << o.blocks_per_sm << ")\n";
  if (!o.cannot_launch.empty()) std::cout << "\n" << o.cannot_launch << "\n";
}


// `cascade gpu validate --arch NAME|FILE --traces FILE... [--out DIR]`: the model against measured
// traces, per kernel and as MAPE per class, with a predicted-vs-measured plot.
int run_validate(const std::vector<std::string>& args) {
  po::options_description named = gpu_options("validate");
  named.add_options()(
      "traces", po::value<std::vector<std::string>>()->multitoken(),
      "measured traces: the harness's CSVs (validation/traces/h100/*.csv) or Kineto JSON")(
      "out", po::value<std::string>(), "folder for validation.png and validation.svg");
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(named).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << "usage: cascade gpu validate --arch NAME|FILE --traces FILE... [--out DIR] [--root DIR]\n\n"
                 "Predicts every measured kernel of the traces and prints predicted against measured,\n"
                 "the runtime and energy MAPE per kernel class (all kernels, and those of at least 50 us),\n"
                 "the whole passes (each Kineto trace's, each NeRF step of ngpc.csv: the sum of its\n"
                 "kernels) and each Kineto trace's coverage, the share of its kernel time the model\n"
                 "describes (the rest is listed as skipped).\n\n"
              << named;
    return kExitOk;
  }
  if (!vm.count("arch")) throw UsageError{"gpu validate: give --arch NAME or --arch FILE"};
  if (!vm.count("traces")) throw UsageError{"gpu validate: give --traces FILE..."};
  const arch::gpu::GpuModel model(load_gpu_arch(vm));
  if (vm.count("out")) base::make_output_directory(vm["out"].as<std::string>());
  const auto report =
      validation::validate_gpu_model(model, vm["traces"].as<std::vector<std::string>>());
  std::cout << validation::format_validation(report);
  if (vm.count("out")) {
    const fs::path out = vm["out"].as<std::string>();
    std::map<std::string, plots::ScatterSeries> by_class;
    for (const auto& k : report.kernels) {
      auto& s = by_class[k.kind];
      s.title = k.kind;
      s.x.push_back(k.measured_s * 1e6);
      s.y.push_back(k.predicted_s * 1e6);
    }
    std::vector<plots::ScatterSeries> series;
    for (auto& [kind, s] : by_class) series.push_back(std::move(s));
    plots::plot_predicted_vs_measured("GPU model: kernel runtime, " + model.config().proto().name(),
                                      "us", series, (out / "validation").string());
    std::cout << "wrote " << (out / "validation.png").string() << " and validation.svg\n";
  }
  return kExitOk;
}

// `cascade gpu compare --arch NAME|FILE --trace KINETO.json -o TIMELINE.json`: the measured kernels
// and the predicted ones on parallel tracks of one Perfetto timeline.
int run_compare(const std::vector<std::string>& args) {
  po::options_description named = gpu_options("compare");
  named.add_options()(
      "trace", po::value<std::string>(), "a PyTorch profiler (Kineto) trace, JSON")(
      "output,o", po::value<std::string>(), "where to write the timeline (Chrome trace / Perfetto JSON)");
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(named).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << "usage: cascade gpu compare --arch NAME|FILE --trace KINETO.json -o TIMELINE.json [--root DIR]\n\n"
                 "Writes one timeline (open it at ui.perfetto.dev) with the trace's kernels as measured and\n"
                 "as the model predicts them, on parallel tracks: each predicted kernel starts where its\n"
                 "measured one did, so that where the model is off shows kernel by kernel (docs/timelines.md).\n"
                 "Prints the kernels, how many the model describes and the described kernels' measured and\n"
                 "predicted time.\n\n"
              << named;
    return kExitOk;
  }
  if (!vm.count("arch")) throw UsageError{"gpu compare: give --arch NAME or --arch FILE"};
  if (!vm.count("trace")) throw UsageError{"gpu compare: give --trace KINETO.json"};
  if (!vm.count("output")) throw UsageError{"gpu compare: give -o TIMELINE.json"};
  const std::string output = vm["output"].as<std::string>(), trace = vm["trace"].as<std::string>();
  base::check_output_path(output);
  const arch::gpu::GpuModel model(load_gpu_arch(vm));
  const validation::TraceComparison c = validation::compare_kineto_trace(model, trace);
  const std::string& gpu = model.config().proto().name();
  base::write_output_file(output, sim::trace_event_json(c.timeline, trace + " measured and predicted on " + gpu,
                                                        {{"trace", trace}, {"arch", gpu}}));
  std::cout << trace << ": " << c.kernels << " kernels, " << c.described << " described by the model; measured "
            << base::format("%.1f", c.measured_s * 1e6) << " us, predicted "
            << base::format("%.1f", c.predicted_s * 1e6) << " us ("
            << base::format("%+.1f%%", c.measured_s > 0 ? 100 * (c.predicted_s / c.measured_s - 1) : 0.0)
            << ")\nwrote " << output << "\n";
  return kExitOk;
}

// `cascade gpu time --arch NAME|FILE --kernel KERNEL.pbtxt`: one kernel given directly
// (configs/kernel.proto): occupancy, waves, time and energy.
int run_time(const std::vector<std::string>& args) {
  po::options_description named = gpu_options("time");
  named.add_options()(
      "kernel", po::value<std::string>(), "a Kernel in protobuf text format (configs/kernel.proto)");
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(named).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << "usage: cascade gpu time --arch NAME|FILE --kernel KERNEL.pbtxt [--root DIR]\n\n"
                 "Occupancy, waves, runtime and energy of one kernel launch on the GPU model.\n\n"
              << named;
    return kExitOk;
  }
  if (!vm.count("arch")) throw UsageError{"gpu time: give --arch NAME or --arch FILE"};
  if (!vm.count("kernel")) throw UsageError{"gpu time: give --kernel FILE"};
  const arch::gpu::GpuModel model(load_gpu_arch(vm));
  const std::string path = vm["kernel"].as<std::string>();
  config::Kernel kernel;
  const base::TextProtoFile file(base::TextProtoFile::read(path), path, kernel);
  if (const auto problem = model.problem(kernel)) file.fail(file.locate(problem->path), problem->message);
  if (!base::is_printable(kernel.name())) file.fail(file.locate({{"name"}}), "the name has a control character");
  const auto e = model.estimate(kernel);
  std::cout << base::format(
                "kernel %s on %s\nblocks per SM: %d (occupancy %.1f%%)\nblocks: %llu  waves: %llu\n"
                "time: %.2f us (makespan %.2f us; on the device, as a profiler shows it, %.2f us)\n"
                "achieved occupancy: %.1f%%\n"
                "energy: %.6f J per launch, launched back to back (one every %.2f us)\n",
                kernel.name().c_str(), model.config().proto().name().c_str(), e.occupancy.blocks_per_sm,
                100 * e.occupancy.occupancy, static_cast<unsigned long long>(e.timing.blocks),
                static_cast<unsigned long long>(e.timing.waves), e.timing.seconds * 1e6,
                e.timing.makespan_s * 1e6, e.timing.device_s * 1e6, 100 * e.timing.achieved_occupancy, e.timing.energy_j,
                e.timing.period_s * 1e6);
  return kExitOk;
}


std::string mape_line(const char* label, const validation::ValidationReport& r) {
  std::string s = label;
  for (const auto& [key, v] : r.runtime_mape) s += base::format("  %s %.1f%%", key.c_str(), v);
  if (r.energy_mape.count("all")) s += base::format("  | energy %.1f%%", r.energy_mape.at("all"));
  if (r.long_runtime_mape.count("all"))
    s += base::format("  | at least %.0f us: %.1f%%", validation::kLongKernelSeconds * 1e6, r.long_runtime_mape.at("all"));
  if (r.long_energy_mape.count("all")) s += base::format(", energy %.1f%%", r.long_energy_mape.at("all"));
  return s + "\n";
}

// Idle power measured by the harness (kernels.csv rows of class "idle"), 0 if none.
double measured_idle_watts(const std::vector<std::string>& files) {
  double sum = 0;
  int n = 0;
  for (const auto& f : files) {
    if (f.size() > 5 && f.substr(f.size() - 5) == ".json") continue;
    const auto t = validation::read_trace_table(f);
    if (std::find(t.columns.begin(), t.columns.end(), "avg_power_w") == t.columns.end()) continue;
    for (size_t r = 0; r < t.rows.size(); ++r)
      if (t.at(r, "class") == "idle") {
        sum += t.number(r, "avg_power_w");
        ++n;
      }
  }
  return n ? sum / n : 0;
}


// `cascade gpu calibrate --arch NAME|FILE --traces FILE... [--seed N] -o OUT.pbtxt`.
int run_calibrate(const std::vector<std::string>& args) {
  po::options_description named = gpu_options("calibrate");
  named.add_options()(
      "traces", po::value<std::vector<std::string>>()->multitoken(), "measured traces (CSV, Kineto JSON)")(
      "seed", po::value<uint64_t>()->default_value(1), "seed of the training/held-out split")(
      "output,o", po::value<std::string>(), "where to write the calibrated config");
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(named).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << "usage: cascade gpu calibrate --arch NAME|FILE --traces FILE... [--seed N] -o OUT.pbtxt\n\n"
                 "Fits the GPU model's free parameters on a training split of the measured kernels\n"
                 "(70% of each class, chosen by the seed) and reports the held-out error.\n\n"
              << named;
    return kExitOk;
  }
  if (!vm.count("arch") || !vm.count("traces") || !vm.count("output"))
    throw UsageError{"gpu calibrate: give --arch, --traces and --output"};
  const auto files = vm["traces"].as<std::vector<std::string>>();
  const std::string out = vm["output"].as<std::string>();
  base::check_output_path(out);
  const auto uncalibrated = load_gpu_arch(vm);
  std::vector<std::string> skipped;
  const auto cases = validation::load_measured_cases(files, skipped);
  const auto r = validation::calibrate_gpu(uncalibrated, cases, vm["seed"].as<uint64_t>(), measured_idle_watts(files));
  std::string text;
  // Limits the uncalibrated config takes from the table stay the table's.
  config::GpuArch calibrated = r.calibrated;
  if (uncalibrated.limits_from_table()) calibrated.clear_limits();
  google::protobuf::TextFormat::PrintToString(calibrated, &text);
  std::ostringstream file;
  file << "# " << base::printable(uncalibrated.proto().name()) << " calibrated by `cascade gpu calibrate` (seed " << vm["seed"].as<uint64_t>()
       << ") on " << cases.size() << " measured kernels (" << r.split.train.size() << " training, "
       << r.split.test.size() << " held out).\n# traces (each records its GPU, driver and date):";
  for (const auto& f : files) file << " " << base::printable(f);
  file << "\n" << text;
  base::write_output_file(out, file.str());
  std::cout << "cases: " << cases.size() << " (" << r.split.train.size() << " training, " << r.split.test.size()
            << " held out); skipped " << skipped.size() << "\n"
            << mape_line("training, before:", r.train_before) << mape_line("training, after: ", r.train_after)
            << mape_line("held out, before:", r.test_before) << mape_line("held out, after: ", r.test_after)
            << "wrote " << out << "\n";
  return kExitOk;
}

}  // namespace

int run_gpu_command(const std::vector<std::string>& args) {
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h" || args[0] == "help")) {
    std::cout << "usage: cascade gpu <command> [options]\n"
                 "\n"
                 "commands:\n"
                 "  occupancy --arch G --block N --regs N   SM occupancy of a kernel\n"
                 "  time --arch G --kernel FILE             runtime and energy of a kernel launch\n"
                 "  validate --arch G --traces FILE...      the GPU model against measured traces\n"
                 "  compare --arch G --trace K.json -o T.json  a trace's kernels measured and predicted, as a timeline\n"
                 "  calibrate --arch G --traces FILE... -o OUT   fit the GPU model on measured traces\n"
                 "\n"
                 "Run 'cascade gpu <command> --help' for the options of a command (docs/gpu.md).\n";
    return kExitOk;
  }
  if (!args.empty() && args[0] == "validate") return run_validate({args.begin() + 1, args.end()});
  if (!args.empty() && args[0] == "compare") return run_compare({args.begin() + 1, args.end()});
  if (!args.empty() && args[0] == "calibrate") return run_calibrate({args.begin() + 1, args.end()});
  if (!args.empty() && args[0] == "time") return run_time({args.begin() + 1, args.end()});
  if (args.empty() || args[0] != "occupancy")
    throw UsageError{args.empty() ? "gpu: give a subcommand: occupancy, time, validate, compare or calibrate"
                                  : "gpu: unknown subcommand '" + args[0] +
                                        "' (known: occupancy, time, validate, compare, calibrate)"};
  po::options_description named = gpu_options("occupancy");
  named.add_options()(
      "block", po::value<int64_t>(), "threads per block")(
      "regs", po::value<int64_t>(), "registers per thread (ptxas -v, cudaFuncGetAttributes)")(
      "smem", po::value<int64_t>()->default_value(0), "dynamic shared memory per block, bytes")(
      "static-smem", po::value<int64_t>()->default_value(0), "static shared memory per block, bytes")(
      "carveout", po::value<int>()->default_value(-1),
      "preferred shared-memory carveout, 0..100 % (default: none; write --carveout=-1 for none)")(
      "max-dynamic-smem", po::value<int64_t>(),
      "opt in to more than 48 KB per block: the kernel's maximum dynamic shared memory, bytes "
      "(cudaFuncAttributeMaxDynamicSharedMemorySize)")(
      "barriers", po::value<int64_t>()->default_value(1), "block barriers the kernel uses");
  po::variables_map vm;
  po::store(po::command_line_parser(std::vector<std::string>(args.begin() + 1, args.end()))
                .options(named)
                .run(),
            vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << "usage: cascade gpu occupancy --arch NAME|FILE --block N --regs N [--smem N]\n"
                 "                             [--static-smem N] [--carveout P] [--max-dynamic-smem N]\n"
                 "                             [--barriers N] [--root DIR]\n\n"
                 "Blocks per SM, theoretical occupancy, warps and the limiting factors of a kernel,\n"
                 "exactly as NVIDIA's occupancy calculator (cuda_occupancy.h) computes them.\n\n"
              << named;
    return kExitOk;
  }
  if (!vm.count("arch")) throw UsageError{"gpu occupancy: give --arch NAME or --arch FILE"};
  if (!vm.count("block")) throw UsageError{"gpu occupancy: give --block THREADS"};
  if (!vm.count("regs")) throw UsageError{"gpu occupancy: give --regs REGISTERS_PER_THREAD"};

  const auto gpu = load_gpu_arch(vm);
  arch::gpu::KernelResources k;
  k.threads_per_block = vm["block"].as<int64_t>();
  k.registers_per_thread = vm["regs"].as<int64_t>();
  k.dynamic_smem_bytes = vm["smem"].as<int64_t>();
  k.static_smem_bytes = vm["static-smem"].as<int64_t>();
  k.carveout_percent = vm["carveout"].as<int>();
  if (vm.count("max-dynamic-smem")) k.max_dynamic_smem_bytes = vm["max-dynamic-smem"].as<int64_t>();
  k.barriers_per_block = vm["barriers"].as<int64_t>();
  print(gpu, k, gpu.occupancy_calculator().compute(k));
  return kExitOk;
}

}  // namespace cascade::app
