#include "app/cli/ScriptCommand.h"

#include <pybind11/embed.h>

#include <iostream>

#include "app/cli/ExitCodes.h"
#include "app/python/CascadeModule.h"
#include "base/InputFile.h"

namespace py = pybind11;

PYBIND11_EMBEDDED_MODULE(cascade, m) { cascade::app::define_cascade_module(m); }

namespace cascade::app {
namespace {

// The exit status a SystemExit asks for: None is 0, an int itself, anything else printed and 1
// (as the python3 command does).
int exit_status(const py::error_already_set& e) {
  const py::object code = e.value().attr("code");
  if (code.is_none()) return 0;
  if (py::isinstance<py::int_>(code)) return code.cast<int>();
  std::cerr << py::str(code).cast<std::string>() << "\n";
  return 1;
}

}  // namespace

int run_script_command(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "-h" || args[0] == "--help") {
    (args.empty() ? std::cerr : std::cout)
        << "usage: cascade script FILE.py [ARGS...]\n\n"
           "Runs a Python script in the interpreter built into cascade: `import cascade` works without\n"
           "PYTHONPATH (cascade.run, cascade.load_arch, cascade.sweep, cascade.load_workload), and\n"
           "sys.argv is [FILE.py, ARGS...]. Exit status: the script's (sys.exit), 1 for an exception it\n"
           "did not catch, 2 for a file that cannot be read (docs/python.md).\n";
    return args.empty() ? kExitBadInput : kExitOk;
  }
  const std::string path = args[0];
  const std::string source = base::read_input_file(path);
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  // Python's own SIGINT handler, so Ctrl-C is a KeyboardInterrupt the script may catch.
  py::scoped_interpreter interpreter(true, static_cast<int>(argv.size()), argv.data(), false);
  try {
    // As python3 runs a script: its folder first on the module path, for the modules beside it.
    py::module_::import("sys").attr("path").attr("insert")(0, base::directory_of(path).empty() ? std::string(".")
                                                                                               : base::directory_of(path));
    py::module_ main = py::module_::import("__main__");
    py::dict globals = main.attr("__dict__");
    globals["__file__"] = path;
    const py::module_ builtins = py::module_::import("builtins");
    builtins.attr("exec")(builtins.attr("compile")(py::bytes(source), path, "exec"), globals);
  } catch (py::error_already_set& e) {
    if (e.matches(PyExc_SystemExit)) return exit_status(e);
    e.restore();
    PyErr_Print();
    return kExitInternalError;
  }
  return kExitOk;
}

}  // namespace cascade::app
