#include "app/cli/ReproduceCommand.h"

#include <boost/program_options.hpp>
#include <cctype>
#include <filesystem>
#include <iostream>
#include <algorithm>
#include <map>

#include "base/Format.h"
#include "base/OutputFile.h"
#include "plots/GroupedBarChart.h"
#include "app/cli/ExitCodes.h"
#include "validation/fusemax/FuseMaxReproduction.h"
#include "validation/ngpc/NgpcReproduction.h"
#include "validation/scalesim/ScaleSimComparison.h"

namespace cascade::app {

namespace po = boost::program_options;

namespace {

// `cascade reproduce ngpc`: the NGPC paper's study (validation/ngpc/NgpcReproduction.h).
int reproduce_ngpc(const po::variables_map& vm) {
  const std::string out_dir = vm["out"].defaulted() ? "ngpc-reproduction" : vm["out"].as<std::string>();
  const std::string gpu = vm.count("gpu") ? vm["gpu"].as<std::string>() : "";
  for (const char c : gpu)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-')
      throw UsageError{"reproduce ngpc: --gpu takes a config name of configs/arch/gpu/ (h200, rtx3090), not '" + gpu + "'"};
  const std::filesystem::path out = out_dir;
  base::make_output_directory(out.string());
  const auto r = validation::reproduce_ngpc(vm["root"].as<std::string>(), gpu);
  base::write_output_file((out / "ngpc.md").string(), validation::ngpc_markdown(r));
  base::write_output_file((out / "ngpc.csv").string(), validation::ngpc_csv(r));
  std::vector<std::string> groups;
  plots::BarSeries ours{"mean hash-grid speedup, ours", {}}, paper{"paper", {}};
  const std::map<int, double> paper_speedup = {{8, 12}, {16, 20}, {32, 33}, {64, 39}};
  for (const auto& [n, value] : paper_speedup) {
    groups.push_back("NGPC-" + std::to_string(n));
    double sum = 0;
    int count = 0;
    for (const auto& p : r.points)
      if (p.processors == n) sum += p.speedup, ++count;
    ours.values.push_back(count ? sum / count : 0);
    paper.values.push_back(value);
  }
  plots::plot_grouped_bars("NGPC speedup over " + r.gpu + " (1080p)", "speedup (x)", groups, {ours, paper},
                           (out / "ngpc.png").string());
  for (const auto& h : r.headlines)
    std::cout << h.name << ": paper " << h.paper << ", ours " << h.ours << " (" << (h.holds() ? "holds" : "DOES NOT HOLD")
              << ")\n";
  std::cout << "wrote " << (out / "ngpc.md").string() << ", ngpc.csv, ngpc.png\n";
  return kExitOk;
}

// The median and the least of our speedups over SCALE-Sim's wall times.
std::string speedups(std::vector<double> v) {
  if (v.empty()) return "none";
  std::sort(v.begin(), v.end());
  return "least " + base::format("%.3g", v.front()) + "x, median " + base::format("%.3g", v[v.size() / 2]) + "x";
}

// `cascade reproduce scalesim`: our systolic timing beside SCALE-Sim v2's runs
// (validation/scalesim/ScaleSimComparison.h).
int reproduce_scalesim(const po::variables_map& vm) {
  const std::filesystem::path out = vm["out"].defaulted() ? "scalesim-reproduction" : vm["out"].as<std::string>();
  const std::string table = vm.count("table") ? vm["table"].as<std::string>()
                                              : (std::filesystem::path(vm["root"].as<std::string>()) /
                                                 "validation/scalesim/scalesim_gemm_cycles.csv").string();
  base::make_output_directory(out.string());
  const auto c = validation::compare_with_scalesim(validation::load_scalesim_runs(table), table, !vm.count("no-pe-level"));
  base::write_output_file((out / "scalesim.md").string(), validation::scalesim_markdown(c));
  base::write_output_file((out / "scalesim.csv").string(), validation::scalesim_csv(c));
  base::write_output_file((out / "scalesim_speed.csv").string(), validation::scalesim_speed_csv(c));
  const auto s = validation::summarize(c);
  std::cout << "GEMMs: " << c.rows.size() << "; closed form, tile-granular and PE-level = SCALE-Sim + "
            << validation::kCyclesOverScaleSim << " cycles on " << s.all_agree << "\n"
            << "tile-granular speedup over SCALE-Sim's process: " << speedups(s.tile_granular)
            << "; over its simulation (less its start-up, where that is at least "
            << validation::kClearOfStartupSeconds << " s: " << s.tile_granular_simulation.size()
            << " GEMMs): " << speedups(s.tile_granular_simulation) << "\n"
            << "PE-level speedup over SCALE-Sim's process: " << speedups(s.pe_level) << "; over its simulation: "
            << speedups(s.pe_level_simulation) << "\n"
            << "wrote " << (out / "scalesim.md").string() << ", scalesim.csv, scalesim_speed.csv\n";
  return kExitOk;
}

}  // namespace

int run_reproduce_command(const std::vector<std::string>& args) {
  po::options_description named("options of 'cascade reproduce fusemax|ngpc|scalesim'");
  named.add_options()("help,h", "print this help")(
      "root", po::value<std::string>()->default_value("."),
      "the repository (configs/, workloads/, validation/ are read from it)")(
      "out", po::value<std::string>()->default_value("fusemax-reproduction"),
      "folder for the paper's .md, .csv and .png (default fusemax-reproduction, ngpc-reproduction, "
      "scalesim-reproduction)")(
      "fidelity", po::value<std::string>()->default_value("analytical"), "fusemax: analytical or cycle")(
      "gpu", po::value<std::string>(), "ngpc: the GPU config (configs/arch/gpu/NAME.pbtxt) beside the NGPC, e.g. h200")(
      "table", po::value<std::string>(),
      "scalesim: SCALE-Sim's runs (default validation/scalesim/scalesim_gemm_cycles.csv of --root)")(
      "no-pe-level", "scalesim: leave out the PE-level model")(
      "paper", po::value<std::string>(), "which paper (fusemax, ngpc)");
  po::positional_options_description positional;
  positional.add("paper", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(named).positional(positional).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << "usage: cascade reproduce fusemax [--root DIR] [--out DIR] [--fidelity "
                 "analytical|cycle]\n"
                 "       cascade reproduce ngpc [--root DIR] [--out DIR] [--gpu NAME]\n"
                 "       cascade reproduce scalesim [--root DIR] [--out DIR] [--table FILE.csv] [--no-pe-level]\n\n"
                 "fusemax: runs FuseMax, FLAT and unfused on BERT-Base, TrXL-wt103, T5-small and XLM at\n"
                 "1K to 1M tokens and writes the comparison with the paper's numbers beside ours\n"
                 "(Markdown, CSV) and a plot of the speedups.\n"
                 "ngpc: runs NeRF, NSDF, NVR and GIA with the three encodings on the GPU and NGPC-8 to\n"
                 "NGPC-64 beside it (configs/arch/ngpc.pbtxt; --gpu h200 puts the H200 there) and writes\n"
                 "the GPU's frame and shares, speedups, frame rates, gaps, area and power with the paper's\n"
                 "numbers beside ours and what each rests on.\n"
                 "scalesim: runs our systolic timing (Pipelined tiles: closed form, tile-granular cycle mode,\n"
                 "PE-level) on the GEMMs SCALE-Sim v2 ran and writes its cycles beside ours (scalesim.md,\n"
                 "scalesim.csv) and the wall times (scalesim_speed.csv).\n"
                 "Exit code 0 even if a headline misses its tolerance; the table says so.\n\n"
              << named;
    return kExitOk;
  }
  if (vm.count("paper") && vm["paper"].as<std::string>() == "ngpc") return reproduce_ngpc(vm);
  if (vm.count("paper") && vm["paper"].as<std::string>() == "scalesim") return reproduce_scalesim(vm);
  if (!vm.count("paper") || vm["paper"].as<std::string>() != "fusemax")
    throw UsageError{"reproduce: give the paper to reproduce: fusemax, ngpc or scalesim"};
  if (vm.count("gpu")) throw UsageError{"reproduce fusemax: --gpu is an option of reproduce ngpc"};
  const auto fidelity = arch::parse_fidelity(vm["fidelity"].as<std::string>());
  const std::filesystem::path out = vm["out"].as<std::string>();
  base::make_output_directory(out.string());

  const auto r = validation::reproduce_fusemax(vm["root"].as<std::string>(), fidelity);
  base::write_output_file((out / "fusemax.md").string(), validation::reproduction_markdown(r));
  base::write_output_file((out / "fusemax.csv").string(), validation::reproduction_csv(r));
  std::vector<std::string> groups;
  plots::BarSeries ours{"attention, ours", {}}, paper{"attention, paper", {}},
      e2e_ours{"end to end, ours", {}}, e2e_paper{"end to end, paper", {}};
  for (const auto& p : r.points) {
    const uint64_t k = p.paper.seq_len / 1024;
    groups.push_back(p.paper.workload + "/" + (k >= 1024 ? std::to_string(k / 1024) + "M" : std::to_string(k) + "K"));
    ours.values.push_back(p.attention_speedup_vs_flat());
    paper.values.push_back(p.paper_attention_speedup_vs_flat());
    e2e_ours.values.push_back(p.e2e_speedup_vs_flat());
    e2e_paper.values.push_back(p.paper_e2e_speedup_vs_flat());
  }
  plots::plot_grouped_bars("FuseMax speedup over FLAT (" + r.fidelity + ")", "speedup (x)", groups,
                           {ours, paper, e2e_ours, e2e_paper}, (out / "fusemax.png").string());
  for (const auto& h : r.headlines)
    std::cout << h.name << ": paper " << h.paper << ", ours " << h.ours << " ("
              << (h.within() ? "within" : "OUTSIDE") << " " << h.tolerance * 100 << "%)\n";
  std::cout << "wrote " << (out / "fusemax.md").string() << ", fusemax.csv, fusemax.png\n";
  return kExitOk;
}

}  // namespace cascade::app
