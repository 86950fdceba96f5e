// StatsRegistry: dotted-path counters, subtree totals, merging, and the deterministic dump order.
#include "sim/reference/memory/StatsRegistry.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace cascade::sim {
namespace {

using Entries = std::vector<StatsRegistry::Entry>;

TEST(StatsRegistry, AddAccumulatesAndGetReadsExactPaths) {
  StatsRegistry stats;
  stats.add("fusemax.dram.read_bytes", 64);
  stats.add("fusemax.dram.read_bytes", 192);  // 64 + 192 = 256
  stats.add("fusemax.dram.write_bytes", 0);   // created at 0
  EXPECT_EQ(stats.get("fusemax.dram.read_bytes"), 256u);
  EXPECT_EQ(stats.get("fusemax.dram.write_bytes"), 0u);
  EXPECT_TRUE(stats.contains("fusemax.dram.write_bytes"));
  EXPECT_FALSE(stats.contains("fusemax.dram"));  // an inner node is not a counter
  EXPECT_EQ(stats.size(), 2u);
  try {
    stats.get("fusemax.dram.read_byte");
    FAIL() << "get read a counter that was never added";
  } catch (const std::out_of_range& error) {
    EXPECT_EQ(std::string(error.what()),
              "StatsRegistry has no counter \"fusemax.dram.read_byte\"");
  }
}

TEST(StatsRegistry, DumpOrdersPathsSegmentBySegment) {
  // Plain string order would put "a-b" (since '-' < '.') between "a" and "a.b"; segment order
  // keeps the subtree of "a" together: a, a.b, a.b.c, a.c, then a-b, then b.
  StatsRegistry stats;
  stats.add("b", 6);
  stats.add("a-b", 5);
  stats.add("a.c", 4);
  stats.add("a.b.c", 3);
  stats.add("a.b", 2);
  stats.add("a", 1);
  EXPECT_EQ(stats.dump(),
            (Entries{{"a", 1}, {"a.b", 2}, {"a.b.c", 3}, {"a.c", 4}, {"a-b", 5}, {"b", 6}}));
}

TEST(StatsRegistry, TotalSumsASubtree) {
  StatsRegistry stats;
  stats.add("fusemax.dram.read_bytes", 100);
  stats.add("fusemax.dram.write_bytes", 20);
  stats.add("fusemax.dram_extra", 7);  // shares the prefix text, not the subtree
  stats.add("fusemax.buffer.read_words", 3);
  EXPECT_EQ(stats.total("fusemax.dram"), 120u);                  // 100 + 20
  EXPECT_EQ(stats.total("fusemax"), 130u);                       // 100 + 20 + 7 + 3
  EXPECT_EQ(stats.total("fusemax.dram.read_bytes"), 100u);       // a leaf is its own subtree
  EXPECT_EQ(stats.total("ngpc"), 0u);
}

TEST(StatsRegistry, MergeAddsCountersOptionallyUnderAPrefix) {
  StatsRegistry run_a;
  run_a.add("dram.read_bytes", 10);
  run_a.add("dram.busy_cycles", 4);
  StatsRegistry run_b;
  run_b.add("dram.read_bytes", 5);
  run_b.add("noc.bytes", 8);

  StatsRegistry merged;
  merged.merge(run_a);
  merged.merge(run_b);
  // read_bytes 10 + 5 = 15; the others from one side only.
  EXPECT_EQ(merged.dump(),
            (Entries{{"dram.busy_cycles", 4}, {"dram.read_bytes", 15}, {"noc.bytes", 8}}));

  StatsRegistry nested;
  nested.merge(run_b, "fusemax");
  EXPECT_EQ(nested.dump(), (Entries{{"fusemax.dram.read_bytes", 5}, {"fusemax.noc.bytes", 8}}));
}

TEST(StatsRegistry, RejectsMalformedPathsAndOverflow) {
  StatsRegistry stats;
  for (const char* bad : {"", ".a", "a.", "a..b"}) {
    try {
      stats.add(bad, 1);
      FAIL() << "add accepted \"" << bad << "\"";
    } catch (const std::invalid_argument& error) {
      EXPECT_EQ(std::string(error.what()),
                std::string("StatsRegistry path must be dot-separated non-empty names, got \"") +
                    bad + "\"");
    }
  }
  EXPECT_EQ(stats.size(), 0u);

  const std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
  stats.add("x", max - 1);
  try {
    stats.add("x", 2);
    FAIL() << "add wrapped around";
  } catch (const std::overflow_error& error) {
    EXPECT_EQ(std::string(error.what()), "StatsRegistry counter \"x\" overflows: " +
                                             std::to_string(max - 1) + " + 2");
  }
  EXPECT_EQ(stats.get("x"), max - 1);  // unchanged
}

}  // namespace
}  // namespace cascade::sim
