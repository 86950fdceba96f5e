#include "app/cli/RunCommand.h"

#include <boost/program_options.hpp>
#include <cctype>
#include <iostream>
#include <map>
#include <stdexcept>

#include "arch/ArchLoader.h"
#include "arch/ModelRegistry.h"
#include "base/Format.h"
#include "base/InputError.h"
#include "base/OutputFile.h"
#include "base/Text.h"
#include "base/TextProtoFile.h"
#include "app/cli/ArchArgument.h"
#include "app/cli/ExitCodes.h"
#include "app/report/ProtoJson.h"
#include "app/report/RunSummary.h"
#include "plots/RooflineChart.h"
#include "sim/result/TraceEvents.h"
#include "workloads/analysis/ShapeBinding.h"
#include "workloads/parser/WorkloadLoader.h"

namespace cascade::app {

namespace po = boost::program_options;

namespace {

// A default output name made of names from the configs: only letters, digits, '.', '-' and '_',
// so that no name can point the file elsewhere ("../x", "/etc/x") or hide it (".x").
std::string safe_file_name(const std::string& name) {
  std::string s;
  for (const char c : name.substr(0, 200))
    s += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || (c == '.' && !s.empty()) ? c : '_';
  return s;
}

}  // namespace

int run_run_command(const std::vector<std::string>& args) {
  po::options_description named("options of 'cascade run'");
  named.add_options()("help,h", "print this help")(
      "arch", po::value<std::string>(),
      "architecture config: a file, or a name in configs/arch/ or configs/arch/gpu/ (fusemax_cloud, h100_sxm.calibrated)")(
      "root", po::value<std::string>()->default_value("."), "where configs/ is, for --arch NAME")(
      "arch-set", po::value<std::vector<std::string>>()->composing(),
      "FIELD=VALUE: set a config field by dotted path (repeatable), e.g. --arch-set array2d.rows=128, "
      "--arch-set sm_count=114, --arch-set gemm_tile[0].tile_m=64")(
      "workload", po::value<std::string>(), "workload file (workloads/library/**/*.pbtxt)")(
      "set", po::value<std::vector<std::string>>()->composing(),
      "RANK=SIZE: bind a rank's size (repeatable), e.g. --set M=65536")(
      "fidelity", po::value<std::string>()->default_value("analytical"), "analytical or cycle")(
      "no-fast-forward", "cycle fidelity: simulate every round instead of skipping periodic steady "
                         "states (same cycles, slower)")(
      "output,o", po::value<std::string>(),
      "where to write the JSON record (default: <arch>.<workload>.json)")(
      "timeline", po::value<std::string>(),
      "also write what the run did over time to FILE.json, a Chrome trace / Perfetto timeline "
      "(open it at ui.perfetto.dev): phases and each unit busy, stalled, idle or fast-forwarded, "
      "or a GPU's kernels and block waves")(
      "roofline", po::value<std::string>(),
      "also chart each phase or kernel on the architecture's roofline: STEM.png and STEM.svg");
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(named).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << "usage: cascade run --arch NAME|FILE --workload W.pbtxt [--set RANK=SIZE]..."
                 " [--fidelity analytical|cycle] [--no-fast-forward]\n"
                 "                  [--arch-set FIELD=VALUE]... [--output FILE.json] [--timeline FILE.json] [--roofline STEM]\n"
                 "                  [--root DIR]\n\n"
                 "Evaluates the architecture's model on the workload. The models of this build: ";
    const auto names = arch::ModelRegistry::builtin().names();
    for (size_t i = 0; i < names.size(); ++i) std::cout << (i ? ", " : "") << names[i];
    std::cout << ".\nAn accelerator config (configs/arch/) names its model by the field of its `model` oneof it sets;\n"
                 "a GPU config (configs/arch/gpu/) is the GPU model's, which maps the workload's operators onto\n"
                 "the kernels a framework launches; an NGPC config (configs/arch/ngpc.pbtxt) runs a neural-graphics\n"
                 "frame's encodings and MLPs beside the GPU it names, which runs the rest. Prints cycles, seconds, energy, utilization, traffic and\n"
                 "phases (on a GPU, the kernels in launch order), and writes the record as JSON\n"
                 "(configs/result.proto).\n\n"
              << named;
    return kExitOk;
  }
  if (!vm.count("arch")) throw UsageError{"run: give --arch FILE"};
  if (!vm.count("workload")) throw UsageError{"run: give --workload FILE"};
  const arch::Fidelity fidelity = arch::parse_fidelity(vm["fidelity"].as<std::string>());
  std::map<std::string, uint64_t> overrides;
  if (vm.count("set"))
    for (const auto& s : vm["set"].as<std::vector<std::string>>())
      workloads::parse_size_override(s, overrides);

  if (vm.count("output")) base::check_output_path(vm["output"].as<std::string>());
  if (vm.count("timeline")) base::check_output_path(vm["timeline"].as<std::string>());
  if (vm.count("roofline"))
    for (const char* suffix : {".png", ".svg"}) base::check_output_path(vm["roofline"].as<std::string>() + suffix);
  const std::string arch_path = resolve_arch(vm["arch"].as<std::string>(), vm["root"].as<std::string>(), false);
  std::vector<std::pair<std::string, std::string>> arch_sets;
  if (vm.count("arch-set"))
    for (const auto& s : vm["arch-set"].as<std::vector<std::string>>()) {
      const size_t eq = s.find('=');
      if (eq == std::string::npos || eq == 0)
        throw UsageError{"--arch-set: expected FIELD=VALUE, got '" + base::printable(s) + "'"};
      arch_sets.emplace_back(s.substr(0, eq), s.substr(eq + 1));
    }
  // Errors of an overridden config count lines of the text printed back, not of the file.
  const auto model = arch::create_model(
      arch::arch_text_with_overrides(base::TextProtoFile::read(arch_path), arch_path, arch_sets),
      arch_sets.empty() ? arch_path : arch_path + " (with --arch-set, as printed)");
  model->set_fast_forward(!vm.count("no-fast-forward"));
  model->set_timeline(vm.count("timeline") > 0);
  const workloads::Cascade cascade = workloads::load_workload_file(vm["workload"].as<std::string>());
  const workloads::RankSizes sizes = workloads::bind_shapes(cascade, overrides);
  const sim::Result result = model->evaluate(cascade, sizes, fidelity);

  const std::string output = vm.count("output") ? vm["output"].as<std::string>()
                                                : safe_file_name(result.arch + "." + cascade.name) + ".json";
  base::write_output_file(output, proto_to_json(result.to_record()));
  std::cout << format_run_summary(result) << "\nwrote " << output << "\n";
  if (vm.count("timeline")) {
    const std::string path = vm["timeline"].as<std::string>();
    // Every model records one when asked (Model::set_timeline).
    if (!result.timeline) throw std::logic_error("model " + result.model + " recorded no timeline");
    base::write_output_file(path, sim::trace_event_json(*result.timeline, result.model + " on " + result.workload +
                                                                              " (" + result.arch + ", " +
                                                                              result.fidelity + ")",
                                                        {{"model", result.model},
                                                         {"arch", result.arch},
                                                         {"workload", result.workload},
                                                         {"fidelity", result.fidelity},
                                                         {"cycles", std::to_string(result.cycles)},
                                                         {"clock_hz", base::format("%.9g", result.clock_hz)}}));
    std::cout << "wrote " << path << "\n";
  }
  if (vm.count("roofline")) {
    const std::string stem = vm["roofline"].as<std::string>();
    // Every model places its phases or kernels under its roofs.
    if (result.roofline.compute_roofs.empty()) throw std::logic_error("model " + result.model + " gave no roofs");
    plots::plot_roofline(result.model + " on " + result.workload + " (" + result.arch + "): roofline", result.roofline,
                         stem);
    std::cout << "wrote " << stem << ".png and " << stem << ".svg\n";
  }
  return kExitOk;
}

}  // namespace cascade::app
