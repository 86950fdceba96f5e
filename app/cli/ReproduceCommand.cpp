#include "app/cli/ReproduceCommand.h"

#include <boost/program_options.hpp>
#include <filesystem>
#include <iostream>

#include "base/OutputFile.h"
#include "plots/GroupedBarChart.h"
#include "app/cli/ExitCodes.h"
#include "validation/fusemax/FuseMaxReproduction.h"

namespace cascade::app {

namespace po = boost::program_options;

int run_reproduce_command(const std::vector<std::string>& args) {
  po::options_description named("options of 'cascade reproduce fusemax'");
  named.add_options()("help,h", "print this help")(
      "root", po::value<std::string>()->default_value("."),
      "the repository (configs/, workloads/, validation/ are read from it)")(
      "out", po::value<std::string>()->default_value("fusemax-reproduction"),
      "folder for fusemax.md, fusemax.csv and fusemax.png")(
      "fidelity", po::value<std::string>()->default_value("analytical"), "analytical or cycle")(
      "paper", po::value<std::string>(), "which paper (fusemax)");
  po::positional_options_description positional;
  positional.add("paper", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(named).positional(positional).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << "usage: cascade reproduce fusemax [--root DIR] [--out DIR] [--fidelity "
                 "analytical|cycle]\n\n"
                 "Runs FuseMax, FLAT and unfused on BERT-Base, TrXL-wt103, T5-small and XLM at\n"
                 "1K to 1M tokens and writes the comparison with the paper's numbers beside ours\n"
                 "(Markdown, CSV) and a plot of the speedups. Exit code 0 even if a headline misses\n"
                 "its tolerance; the table says so.\n\n"
              << named;
    return kExitOk;
  }
  if (!vm.count("paper") || vm["paper"].as<std::string>() != "fusemax")
    throw UsageError{"reproduce: give the paper to reproduce: fusemax"};
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
