#include "sim/systemc/FreshSimContext.h"

#include <stdexcept>
#include <systemc>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CASCADE_ADDRESS_SANITIZER 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define CASCADE_ADDRESS_SANITIZER 1
#endif
#ifdef CASCADE_ADDRESS_SANITIZER
#include <pthread.h>
#include <sanitizer/common_interface_defs.h>
#endif

namespace cascade::sim {
namespace {

// SystemC 2.3.4 tells AddressSanitizer of its coroutine switches (__sanitizer_start_switch_fiber),
// but after a simulation ASan is left taking the last coroutine's stack for the thread's: an
// exception thrown later on the thread's own stack is then not unpoisoned ("ASan is ignoring
// requested __asan_handle_no_return") and false reports follow. Announcing a switch to the
// thread's own stack, while on it, sets ASan right again. Nothing in other builds.
void restore_thread_stack_for_address_sanitizer() {
#ifdef CASCADE_ADDRESS_SANITIZER
  pthread_attr_t attributes;
  if (pthread_getattr_np(pthread_self(), &attributes) != 0) return;
  void* bottom = nullptr;
  size_t size = 0;
  const bool known = pthread_attr_getstack(&attributes, &bottom, &size) == 0;
  pthread_attr_destroy(&attributes);
  if (!known) return;
  void* fake_stack = nullptr;
  __sanitizer_start_switch_fiber(&fake_stack, bottom, size);
  __sanitizer_finish_switch_fiber(fake_stack, nullptr, nullptr);
#endif
}

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
  restore_thread_stack_for_address_sanitizer();
  sc_core::sc_curr_simcontext = previous_current_;
  sc_core::sc_default_global_context = previous_default_;
  thread_holds_context = false;
}

}  // namespace cascade::sim
