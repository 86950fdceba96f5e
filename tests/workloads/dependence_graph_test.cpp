// The dependence graph: same-iteration edges order the Einsums; loop-carried reads of a
// recurrence do not, so FuseMax's RD/SPD recurrence is not a cycle.
#include <gtest/gtest.h>

#include "LibraryFiles.h"
#include "workloads/analysis/DependenceGraph.h"
#include "workloads/parser/WorkloadLoader.h"

namespace cascade::workloads {
namespace {

size_t index_of(const Cascade& c, const std::string& tensor) {
  return static_cast<size_t>(c.writer_of(tensor));
}

TEST(DependenceGraph, ThreePassChain) {
  const Cascade c = load_workload_file(testing_support::library_file("attention/attention_3pass.pbtxt"));
  const DependenceGraph g(c);
  // A[m,p] = SN[m,p] / SD[p] depends on SN and SD.
  EXPECT_EQ(g.predecessors(index_of(c, "A")),
            (std::vector<size_t>{index_of(c, "SN"), index_of(c, "SD")}));
  EXPECT_TRUE(g.predecessors(index_of(c, "QK")).empty());
  EXPECT_TRUE(g.find_cycle().empty());
  EXPECT_EQ(g.topological_order().size(), c.einsums.size());
}

TEST(DependenceGraph, RecurrenceThroughTwoEinsumsIsLoopCarried) {
  const Cascade c = load_workload_file(testing_support::library_file("attention/attention_fusemax.pbtxt"));
  const DependenceGraph g(c);
  const size_t spd = index_of(c, "SPD"), rd = index_of(c, "RD");
  // SPD[m1,p] = RD[m1,p] * PRM[m1,p] reads the previous step of RD: loop-carried.
  EXPECT_EQ(g.carried_predecessors(spd), std::vector<size_t>{rd});
  // RD[m1+1,p] = SLD[m1,p] + SPD[m1,p] needs this step's SPD: an edge.
  const auto& preds = g.predecessors(rd);
  EXPECT_NE(std::find(preds.begin(), preds.end(), spd), preds.end());
  EXPECT_TRUE(g.find_cycle().empty());
  const auto order = g.topological_order();
  EXPECT_LT(std::find(order.begin(), order.end(), spd), std::find(order.begin(), order.end(), rd));
}

}  // namespace
}  // namespace cascade::workloads
