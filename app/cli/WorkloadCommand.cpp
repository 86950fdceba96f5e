#include "app/cli/WorkloadCommand.h"

#include <boost/program_options.hpp>
#include <iostream>
#include <map>

#include "base/OutputFile.h"
#include "plots/OpCountChart.h"
#include "app/cli/ExitCodes.h"
#include "app/report/WorkloadReportFormat.h"
#include "workloads/analysis/ShapeBinding.h"
#include "workloads/analysis/WorkloadAnalysis.h"
#include "workloads/parser/WorkloadLoader.h"

namespace cascade::app {
namespace {

namespace po = boost::program_options;

const char* kWorkloadUsage =
    "usage: cascade workload <command> [options]\n"
    "\n"
    "commands:\n"
    "  check FILE...   parse and validate workload files; prints one line per file\n"
    "  show FILE       analyse a cascade: Einsums, rank sizes, operation counts, passes,\n"
    "                  minimum data volume per tensor\n"
    "\n"
    "Run 'cascade workload <command> --help' for the options of a command.\n";

po::variables_map parse(const std::vector<std::string>& args, const po::options_description& named,
                        const po::positional_options_description& positional) {
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(named).positional(positional).run(), vm);
  po::notify(vm);
  return vm;
}

int check(const std::vector<std::string>& args) {
  po::options_description named("options of 'cascade workload check FILE...'");
  named.add_options()("help,h", "print this help")(
      "file", po::value<std::vector<std::string>>(), "workload files (.pbtxt)");
  po::positional_options_description positional;
  positional.add("file", -1);
  const auto vm = parse(args, named, positional);
  if (vm.count("help")) {
    std::cout << "usage: cascade workload check FILE...\n\n"
                 "Parses and validates each workload file. Prints 'FILE: ok' with the number of\n"
                 "Einsums, or the first error as FILE:LINE:COLUMN: error: MESSAGE. Exit code 0 if\n"
                 "every file is valid, 2 otherwise.\n\n"
              << named;
    return kExitOk;
  }
  if (!vm.count("file")) throw UsageError{"workload check: give at least one FILE"};
  int code = kExitOk;
  for (const auto& file : vm["file"].as<std::vector<std::string>>()) {
    try {
      const auto cascade = workloads::load_workload_file(file);
      std::cout << file << ": ok (" << cascade.name << ", " << cascade.einsums.size()
                << " Einsums)\n";
    } catch (const base::InputError& e) {
      std::cerr << e.what() << "\n";
      code = kExitBadInput;
    }
  }
  return code;
}

int show(const std::vector<std::string>& args) {
  po::options_description named("options of 'cascade workload show FILE'");
  named.add_options()("help,h", "print this help")(
      "set", po::value<std::vector<std::string>>()->composing(),
      "RANK=SIZE: bind a rank's size (repeatable), e.g. --set M=65536 --set M0=512")(
      "format", po::value<std::string>()->default_value("text"), "text or json")(
      "plot", po::value<std::string>(), "also write a bar chart of operations per Einsum (PNG)")(
      "file", po::value<std::string>(), "workload file (.pbtxt)");
  po::positional_options_description positional;
  positional.add("file", 1);
  const auto vm = parse(args, named, positional);
  if (vm.count("help")) {
    std::cout << "usage: cascade workload show FILE [--set RANK=SIZE]... [--format text|json]"
                 " [--plot FILE.png]\n\n"
                 "Binds the rank sizes and analyses the cascade: per Einsum its iteration space,\n"
                 "operation counts by kind and the pass it runs in; per tensor its role and\n"
                 "minimum data volume; the number of passes over each rank.\n\n"
              << named;
    return kExitOk;
  }
  if (!vm.count("file")) throw UsageError{"workload show: give a FILE"};
  const std::string format = vm["format"].as<std::string>();
  if (format != "text" && format != "json")
    throw UsageError{"workload show: --format must be text or json, not '" + format + "'"};
  if (vm.count("plot")) base::check_output_path(vm["plot"].as<std::string>());
  std::map<std::string, uint64_t> overrides;
  if (vm.count("set"))
    for (const auto& s : vm["set"].as<std::vector<std::string>>())
      workloads::parse_size_override(s, overrides);

  const auto cascade = workloads::load_workload_file(vm["file"].as<std::string>());
  const auto report = workloads::analyze_workload(cascade, overrides);
  std::cout << (format == "json" ? format_workload_json(report) : format_workload_text(report));
  if (vm.count("plot")) {
    plots::plot_op_counts(report, vm["plot"].as<std::string>());
    std::cerr << "wrote " << vm["plot"].as<std::string>() << "\n";
  }
  return kExitOk;
}

}  // namespace

int run_workload_command(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::cout << kWorkloadUsage;
    if (args.empty()) throw UsageError{"workload: give a command (check or show)"};
    return kExitOk;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "check") return check(rest);
  if (args[0] == "show") return show(rest);
  throw UsageError{"workload: unknown command '" + args[0] + "' (expected check or show)"};
}

}  // namespace cascade::app
