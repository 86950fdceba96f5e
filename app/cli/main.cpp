// The `cascade` command line: subcommands over the workload IR (and, as they land, the hardware
// models). Exit codes: 0 success, 2 bad input, 1 internal error (app/cli/ExitCodes.h).
#include <boost/program_options/errors.hpp>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "app/cli/ExitCodes.h"
#include "app/cli/GpuCommand.h"
#include "app/cli/ParetoCommand.h"
#include "app/cli/ReproduceCommand.h"
#include "app/cli/RunCommand.h"
#include "app/cli/ScriptCommand.h"
#include "app/cli/SweepCommand.h"
#include "app/cli/WorkloadCommand.h"
#include "base/InputError.h"

namespace {

const char* kUsage =
    "usage: cascade <command> [options]\n"
    "\n"
    "Cascade: a cycle-level simulator of accelerator architectures; workloads are cascades of\n"
    "extended Einsums (docs/workload-syntax.md).\n"
    "\n"
    "commands:\n"
    "  workload check FILE...   validate workload files\n"
    "  workload show FILE       analyse a cascade: operation counts, passes, data volume\n"
    "  run --arch A --workload W   evaluate a hardware model on a workload\n"
    "  sweep SPEC -o OUT.csv [-j N] [--resume] [--mpi]   evaluate every point of a design-space\n"
    "                           sweep, resumable, on threads or MPI ranks (docs/sweeps.md)\n"
    "  pareto RESULTS --minimize M,...   the Pareto front of a sweep's results, with a chart\n"
    "  chart RESULTS --x AXIS --y METRIC --plot STEM   a metric along one axis of a sweep\n"
    "  script FILE.py [ARGS]    run a Python script with the cascade module built in (docs/python.md)\n"
    "  reproduce fusemax        the FuseMax paper's comparison, paper's numbers beside ours\n"
    "  reproduce ngpc           the NGPC paper's study (NGPC-8 to 64 beside the GPU), paper's numbers beside ours\n"
    "  reproduce scalesim       our systolic-array timing beside SCALE-Sim v2's on its GEMMs (docs/systolic.md)\n"
    "  gpu occupancy --arch G --block N --regs N   SM occupancy of a kernel (docs/gpu.md)\n"
    "  gpu time --arch G --kernel FILE   runtime and energy of a kernel launch\n"
    "  gpu validate --arch G --traces FILE...   the GPU model against measured traces\n"
    "  gpu calibrate --arch G --traces FILE... -o OUT   fit the GPU model on measured traces\n"
    "\n"
    "options:\n"
    "  -h, --help               print this help\n"
    "  --version                print the version\n"
    "\n"
    "Exit codes: 0 success, 2 bad input (the message names the file, line and field) or an\n"
    "output that cannot be written, 1 internal error, 130 interrupted (a sweep: resumable).\n";

int dispatch(const std::vector<std::string>& args) {
  using namespace cascade::app;
  if (args.empty()) {
    std::cerr << kUsage;
    return kExitBadInput;
  }
  if (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    std::cout << kUsage;
    return kExitOk;
  }
  if (args[0] == "--version") {
    std::cout << "cascade 0.1\n";
    return kExitOk;
  }
  if (args[0] == "workload") return run_workload_command({args.begin() + 1, args.end()});
  if (args[0] == "run") return run_run_command({args.begin() + 1, args.end()});
  if (args[0] == "reproduce") return run_reproduce_command({args.begin() + 1, args.end()});
  if (args[0] == "sweep") return run_sweep_command({args.begin() + 1, args.end()});
  if (args[0] == "script") return run_script_command({args.begin() + 1, args.end()});
  if (args[0] == "pareto") return run_pareto_command({args.begin() + 1, args.end()});
  if (args[0] == "chart") return run_chart_command({args.begin() + 1, args.end()});
  if (args[0] == "gpu") return run_gpu_command({args.begin() + 1, args.end()});
  throw UsageError{"unknown command '" + args[0] + "' (run 'cascade --help')"};
}

}  // namespace

int main(int argc, char** argv) {
  using namespace cascade::app;
  try {
    return dispatch(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const cascade::base::InputError& e) {
    std::cerr << e.what() << "\n";
    return kExitBadInput;
  } catch (const UsageError& e) {
    std::cerr << "cascade: " << e.message << "\n";
    return kExitBadInput;
  } catch (const boost::program_options::error& e) {
    std::cerr << "cascade: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "cascade: internal error: " << e.what() << "\n";
    return kExitInternalError;
  }
}
