#include "app/cli/SweepCommand.h"

#include <unistd.h>

#include <atomic>
#include <boost/program_options.hpp>
#include <csignal>
#include <iostream>
#include <memory>

#include "app/cli/ExitCodes.h"
#include "app/sweep/Sweep.h"
#include "app/sweep/SweepRunner.h"
#include "base/OutputFile.h"
#include "base/Text.h"
#ifdef CASCADE_HAS_MPI
#include "app/sweep/MpiTeam.h"
#endif

namespace cascade::app {
namespace {

namespace po = boost::program_options;

// Set by SIGINT and SIGTERM: the sweep stops after the batch under way, with a checkpoint.
std::atomic<bool> stop_requested{false};
extern "C" void request_stop(int) { stop_requested = true; }

// The most worker threads -j takes.
constexpr unsigned kMaxThreads = 1024;

}  // namespace

int run_sweep_command(const std::vector<std::string>& args) {
  po::options_description named("options of 'cascade sweep'");
  named.add_options()("help,h", "print this help")(
      "output,o", po::value<std::string>(), "where to write the rows as CSV")(
      "jsonl", po::value<std::string>(), "also write them as JSON Lines")(
      "jobs,j", po::value<unsigned>()->default_value(1), "worker threads")(
      "resume", "go on from the checkpoint an interrupted sweep left beside its results")(
      "mpi", "share the points among the ranks of an MPI job (mpirun -np K cascade sweep ... --mpi)")(
      "root", po::value<std::string>()->default_value("."), "where configs/ is, for architecture names")(
      "progress-every", po::value<double>()->default_value(10),
      "seconds between progress lines when stderr is not a terminal")(
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
    std::cout << "usage: cascade sweep SPEC.pbtxt -o RESULTS.csv [--jsonl FILE] [-j N] [--resume] [--mpi]\n"
                 "                    [--root DIR] [--quiet]\n\n"
                 "Evaluates every point of a sweep spec (configs/sweep.proto): each architecture x workload x\n"
                 "the product of its axes over config fields (dotted paths) and rank sizes, less the points its\n"
                 "constraints drop. One row per point, in the spec's order whatever the threads or ranks: a\n"
                 "stable id, the architecture, workload and axis values, then the model, the spec's metrics, or\n"
                 "the error that point gave. Rows are appended as they come, with a checkpoint\n"
                 "(RESULTS.csv.resume) after each batch: an interrupted sweep (Ctrl-C, kill -9, a full disk)\n"
                 "goes on with --resume and ends with the same bytes as an uninterrupted one (docs/sweeps.md).\n\n"
              << named;
    return kExitOk;
  }
  if (!vm.count("spec")) throw UsageError{"sweep: give the spec file"};
  if (!vm.count("output")) throw UsageError{"sweep: give --output FILE.csv"};
  const unsigned threads = vm["jobs"].as<unsigned>();
  if (threads < 1 || threads > kMaxThreads) throw UsageError{"sweep: -j takes 1 to 1024 threads"};
  const double every = vm["progress-every"].as<double>();
  if (!(every >= 0 && every <= 86400)) throw UsageError{"sweep: --progress-every takes 0 to 86400 seconds"};
  SweepRunOptions options;
  options.csv = vm["output"].as<std::string>();
  if (vm.count("jsonl")) options.jsonl = vm["jsonl"].as<std::string>();
  if (options.jsonl == options.csv) throw UsageError{"sweep: --jsonl and --output name the same file"};
  options.threads = threads;
  options.resume = vm.count("resume") > 0;
  options.stop = &stop_requested;

  std::unique_ptr<SweepTeam> team;
  if (vm.count("mpi")) {
#ifdef CASCADE_HAS_MPI
    team = make_mpi_team();
#else
    throw UsageError{"sweep: this build has no MPI (install libboost-mpi-dev and openmpi-bin, then rebuild)"};
#endif
  } else {
    team = std::make_unique<SweepTeam>();
  }
  if (team->rank() == 0) {
    base::check_output_path(options.csv);
    if (!options.jsonl.empty()) base::check_output_path(options.jsonl);
  }
  const SweepSpec spec = SweepSpec::load(vm["spec"].as<std::string>(), vm["root"].as<std::string>());
  const auto style = vm.count("quiet") || team->rank() != 0 ? SweepProgress::Style::kQuiet
                     : ::isatty(STDERR_FILENO)             ? SweepProgress::Style::kTerminal
                                                           : SweepProgress::Style::kLines;
  SweepProgress progress(std::cerr, style, spec.points(), every);
  options.progress = &progress;
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  SweepOutcome outcome;
  try {
    outcome = run_sweep(spec, options, *team);
  } catch (const SweepWriterFailed&) {
    return kExitBadInput;  // rank 0 reports why
  }
  if (outcome.interrupted) {
    if (team->rank() == 0)
      std::cerr << "cascade: sweep interrupted after " << outcome.counts.next << " of " << spec.points()
                << " points; run the same command with --resume to go on\n";
    return kExitInterrupted;
  }
  return kExitOk;
}

}  // namespace cascade::app
