#include "app/cli/SweepCommand.h"

#include <boost/program_options.hpp>
#include <chrono>
#include <iostream>

#include "app/cli/ExitCodes.h"
#include "app/sweep/Sweep.h"
#include "base/Format.h"
#include "base/OutputFile.h"

namespace cascade::app {

namespace po = boost::program_options;

int run_sweep_command(const std::vector<std::string>& args) {
  po::options_description named("options of 'cascade sweep'");
  named.add_options()("help,h", "print this help")(
      "output,o", po::value<std::string>(), "where to write the rows as CSV")(
      "jsonl", po::value<std::string>(), "also write them as JSON Lines")(
      "root", po::value<std::string>()->default_value("."), "where configs/ is, for architecture names")(
      "quiet", "print nothing but errors");
  po::options_description hidden;
  hidden.add_options()("spec", po::value<std::string>());
  po::options_description all;
  all.add(named).add(hidden);
  po::positional_options_description positional;
  positional.add("spec", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << "usage: cascade sweep SPEC.pbtxt -o RESULTS.csv [--jsonl FILE] [--root DIR] [--quiet]\n\n"
                 "Evaluates every point of a sweep spec (configs/sweep.proto): each architecture x workload x\n"
                 "the product of its axes over config fields (dotted paths) and rank sizes. One row per point,\n"
                 "in the spec's order: a stable id, the architecture, workload and axis values, then the model,\n"
                 "cycles, seconds and energy, or the error that point gave (docs/sweeps.md).\n\n"
              << named;
    return kExitOk;
  }
  if (!vm.count("spec")) throw UsageError{"sweep: give the spec file"};
  if (!vm.count("output")) throw UsageError{"sweep: give --output FILE.csv"};
  base::check_output_path(vm["output"].as<std::string>());
  if (vm.count("jsonl")) base::check_output_path(vm["jsonl"].as<std::string>());
  const auto start = std::chrono::steady_clock::now();
  const SweepSpec spec = SweepSpec::load(vm["spec"].as<std::string>(), vm["root"].as<std::string>());
  std::string csv = sweep_csv_header(spec), jsonl;
  uint64_t errors = 0;
  for (uint64_t i = 0; i < spec.points(); ++i) {
    const SweepRow row = evaluate_point(spec, spec.point(i));
    errors += row.error.empty() ? 0 : 1;
    csv += sweep_csv_row(spec, row);
    if (vm.count("jsonl")) jsonl += sweep_json_line(spec, row);
  }
  base::write_output_file(vm["output"].as<std::string>(), csv);
  if (vm.count("jsonl")) base::write_output_file(vm["jsonl"].as<std::string>(), jsonl);
  if (!vm.count("quiet")) {
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << spec.points() << " points (" << errors << " with an error) in " << base::format("%.2f", s)
              << " s -> " << vm["output"].as<std::string>() << "\n";
  }
  return kExitOk;
}

}  // namespace cascade::app
