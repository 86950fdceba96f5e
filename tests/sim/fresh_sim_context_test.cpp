// FreshSimContext gives each scope its own SystemC kernel, so simulations can follow one another
// in one process (SystemC 2.3 cannot elaborate again after sc_start in the same kernel).
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <systemc>
#include <thread>
#include <vector>

#include "sim/systemc/FreshSimContext.h"
#include "sim/reference/pipeline/SimulatePipeline.h"

namespace cascade::sim {
namespace {

// Elaborates a clock and runs it for `nanoseconds`; returns the simulated time reached.
sc_core::sc_time run_clock_for(double nanoseconds) {
  sc_core::sc_clock clock("clock", sc_core::sc_time(1, sc_core::SC_NS));
  sc_core::sc_start(sc_core::sc_time(nanoseconds, sc_core::SC_NS));
  return sc_core::sc_time_stamp();
}

TEST(FreshSimContext, InstallsItsOwnKernelAndRestoresThePreviousOne) {
  sc_core::sc_simcontext* const before = sc_core::sc_get_curr_simcontext();
  {
    FreshSimContext kernel;
    EXPECT_NE(sc_core::sc_get_curr_simcontext(), before);
    EXPECT_EQ(sc_core::sc_get_curr_simcontext(), &kernel.context());
  }
  EXPECT_EQ(sc_core::sc_get_curr_simcontext(), before);
}

TEST(FreshSimContext, EachScopeElaboratesAndRunsFromTimeZero) {
  // Both scopes declare an object named "clock" and call sc_start; in one shared kernel the
  // second would fail (duplicate name, elaboration after simulation start).
  {
    FreshSimContext kernel;
    EXPECT_EQ(run_clock_for(5), sc_core::sc_time(5, sc_core::SC_NS));
  }
  {
    FreshSimContext kernel;
    EXPECT_EQ(sc_core::sc_time_stamp(), sc_core::SC_ZERO_TIME);
    EXPECT_EQ(run_clock_for(3), sc_core::sc_time(3, sc_core::SC_NS));
  }
}

TEST(FreshSimContext, RejectsNestingOnOneThread) {
  FreshSimContext outer;
  try {
    FreshSimContext inner;
    FAIL() << "a nested FreshSimContext was allowed";
  } catch (const std::logic_error& error) {
    EXPECT_EQ(std::string(error.what()),
              "FreshSimContext: a SystemC simulation context is already active on this "
              "thread; simulations cannot be nested");
  }
  // The failed attempt left the outer kernel current.
  EXPECT_EQ(sc_core::sc_get_curr_simcontext(), &outer.context());
}

TEST(FreshSimContext, ConcurrentRunsSerializeAndAgree) {
  // SystemC's current kernel is one global; runs on several threads must take turns rather
  // than corrupt each other. Each thread repeats the run of the fast-sink case derived in
  // pipelined_unit_test.cpp (N = 8, L = 5: last tile consumed in cycle 14, 15 cycles).
  PipelineConfig config;
  config.latency = 5;
  config.tile_count = 8;
  constexpr int kThreads = 4;
  constexpr int kRunsPerThread = 5;
  std::vector<std::vector<Cycle>> totals(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int run = 0; run < kRunsPerThread; ++run) {
        totals[t].push_back(simulate_pipeline(config).total_cycles);
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  for (const std::vector<Cycle>& thread_totals : totals) {
    EXPECT_EQ(thread_totals, std::vector<Cycle>(kRunsPerThread, 15));
  }
}

// A frame with a stack buffer (red zones around it under AddressSanitizer), thrown from at depth.
[[gnu::noinline]] void throw_from_depth(int depth) {
  volatile char buffer[512];
  buffer[0] = static_cast<char>(depth);
  if (depth == 0) throw std::runtime_error("deep");
  throw_from_depth(depth - 1);
  buffer[1] = buffer[0];
}

TEST(FreshSimContext, ExceptionsAfterASimulationUnpoisonTheStack) {
  // Under AddressSanitizer (tests/sanitize.sh): SystemC announces its coroutine switches to ASan,
  // but after a simulation ASan took a coroutine's stack for the thread's, so an exception
  // thrown on the thread's own stack left the unwound frames' red zones poisoned ("ASan is
  // ignoring requested __asan_handle_no_return") and a later call on that stack was reported as a
  // stack-buffer-overflow (found by arch_config_fuzz). Elsewhere ASan says nothing either way.
  PipelineConfig config;
  config.latency = 5;
  config.tile_count = 8;
  EXPECT_EQ(simulate_pipeline(config).total_cycles, 15);
  testing::internal::CaptureStderr();
  EXPECT_THROW(throw_from_depth(16), std::runtime_error);
  const std::string reported = testing::internal::GetCapturedStderr();
  EXPECT_EQ(reported.find("ignoring requested __asan_handle_no_return"), std::string::npos) << reported;
}

}  // namespace
}  // namespace cascade::sim
