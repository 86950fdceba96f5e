#pragma once

#include <pybind11/pybind11.h>

namespace cascade::app {

// Defines the `cascade` Python module's classes and functions in `m`: the same module whether it
// is imported from the built extension (<build>/python) or built into the `cascade` binary for
// `cascade script`.
void define_cascade_module(pybind11::module_& m);

}  // namespace cascade::app
