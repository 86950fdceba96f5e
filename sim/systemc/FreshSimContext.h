// A brand-new SystemC kernel for the code in one scope.
//
// SystemC 2.3 keeps its kernel (sc_simcontext) in a process-wide global and cannot elaborate or
// start a second simulation once sc_start has run in it. Every cycle-fidelity run in Cascade is
// an independent experiment (one design point of a sweep, one test), so each one builds its
// modules inside a FreshSimContext: the constructor installs a new sc_simcontext as the current
// and default context, the destructor deletes it and restores the previous one.
//
// Rules:
// - Construct the FreshSimContext before any SystemC object of the run and destroy it after all
//   of them (declare it first in the scope), because SystemC objects unregister themselves from
//   the context that was current when they were made.
// - SystemC's current context is one global, so only one FreshSimContext can exist at a time in
//   a process: a second one on another thread waits until the first is gone (runs serialize;
//   parallel sweeps need processes), and a second one on the same thread throws
//   std::logic_error instead of deadlocking.
#pragma once

#include <memory>
#include <mutex>

namespace sc_core {
class sc_simcontext;
}

namespace cascade::sim {

class FreshSimContext {
 public:
  FreshSimContext();
  ~FreshSimContext();

  FreshSimContext(const FreshSimContext&) = delete;
  FreshSimContext& operator=(const FreshSimContext&) = delete;

  sc_core::sc_simcontext& context() { return *context_; }

 private:
  std::unique_lock<std::mutex> exclusive_;
  sc_core::sc_simcontext* previous_current_;
  sc_core::sc_simcontext* previous_default_;
  std::unique_ptr<sc_core::sc_simcontext> context_;
};

}  // namespace cascade::sim
