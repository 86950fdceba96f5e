#include "sim/systemc/FreshSimContext.h"

#include <stdexcept>
#include <systemc>

namespace cascade::sim {
namespace {

std::mutex& systemc_kernel_mutex() {
  static std::mutex mutex;
  return mutex;
}

// Set while this thread holds a FreshSimContext, to turn a nested one into an error rather
// than a self-deadlock on the kernel mutex.
thread_local bool thread_holds_context = false;

std::unique_lock<std::mutex> lock_kernel() {
  if (thread_holds_context) {
    throw std::logic_error(
        "FreshSimContext: a SystemC simulation context is already active on this thread; "
        "simulations cannot be nested");
  }
  return std::unique_lock<std::mutex>(systemc_kernel_mutex());
}

}  // namespace

FreshSimContext::FreshSimContext()
    : exclusive_(lock_kernel()),
      previous_current_(sc_core::sc_curr_simcontext),
      previous_default_(sc_core::sc_default_global_context),
      context_(std::make_unique<sc_core::sc_simcontext>()) {
  sc_core::sc_curr_simcontext = context_.get();
  sc_core::sc_default_global_context = context_.get();
  thread_holds_context = true;
}

FreshSimContext::~FreshSimContext() {
  context_.reset();
  sc_core::sc_curr_simcontext = previous_current_;
  sc_core::sc_default_global_context = previous_default_;
  thread_holds_context = false;
}

}  // namespace cascade::sim
