// The `cascade` module as a Python extension: `import cascade` with PYTHONPATH=<build>/python.
#include "app/python/CascadeModule.h"

PYBIND11_MODULE(cascade, m) { cascade::app::define_cascade_module(m); }
