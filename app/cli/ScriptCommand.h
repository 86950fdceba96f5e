#pragma once

#include <string>
#include <vector>

namespace cascade::app {

// `cascade script FILE.py [ARGS...]`: runs a Python script in an interpreter embedded in this
// binary, with the `cascade` module importable without PYTHONPATH and sys.argv = [FILE, ARGS...].
// Returns the script's exit status (sys.exit), 1 for an exception it did not catch (the traceback
// printed), 2 for a script file that cannot be read.
int run_script_command(const std::vector<std::string>& args);

}  // namespace cascade::app
