#pragma once

#include <string>

namespace cascade::app {

// The CLI's contract: scripts sweeping configs tell bad input from a simulator bug.
enum ExitCode : int {
  kExitOk = 0,
  kExitInternalError = 1,  // a bug or an environment failure (e.g. gnuplot missing)
  kExitBadInput = 2,       // a bad file, option or value, or an output that cannot be written: the
                           // message says which
  kExitInterrupted = 130,  // stopped by Ctrl-C or SIGTERM, with a checkpoint to resume from
};

// Bad command-line usage (unknown subcommand, missing argument): exit code 2.
struct UsageError {
  std::string message;
};

}  // namespace cascade::app
