// Our systolic timing against SCALE-Sim v2's own runs (validation/scalesim/scalesim_gemm_cycles.csv,
// made by run_scalesim.py from SCALE-Sim's GEMM topologies and ours): with Pipelined tiles the
// closed form, the tile-granular cycle mode and the PE-level model count SCALE-Sim's Total Cycles
// plus 2 on every GEMM, for every dataflow (the 2 derived in arch/systolic/SystolicGemmCycles.h).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <string>

#include "base/InputError.h"
#include "validation/scalesim/ScaleSimComparison.h"

namespace cascade::validation {
namespace {

const std::string kTable = std::string(CASCADE_SOURCE_DIR) + "/validation/scalesim/scalesim_gemm_cycles.csv";

TEST(ScaleSimComparison, EveryCommittedGemmIsScaleSimPlusTwo) {
  const auto runs = load_scalesim_runs(kTable);
  std::set<int> dataflows;
  for (const auto& r : runs) dataflows.insert(static_cast<int>(r.dataflow));
  EXPECT_EQ(dataflows.size(), 3u);
  const ScaleSimComparison c = compare_with_scalesim(runs, kTable, true);
  for (const auto& row : c.rows) {
    const auto& s = row.scalesim;
    SCOPED_TRACE(s.topology + " " + s.layer + " on " + std::to_string(s.rows) + "x" + std::to_string(s.cols) +
                 " dataflow " + std::to_string(static_cast<int>(s.dataflow)));
    EXPECT_EQ(s.stall_cycles, 0u);
    EXPECT_EQ(row.closed_form, s.total_cycles + kCyclesOverScaleSim);
    EXPECT_EQ(row.tile_granular, row.closed_form);
    EXPECT_EQ(row.pe_level, row.closed_form);
  }
  EXPECT_GE(c.rows.size(), 300u);
}

// The InputError a table of `text` gives.
std::string table_error(const std::string& text) {
  const std::string path = testing::TempDir() + "/bad_scalesim.csv";
  {
    std::ofstream f(path);
    f << text;
  }
  try {
    load_scalesim_runs(path);
  } catch (const base::InputError& e) {
    std::remove(path.c_str());
    return e.what();
  }
  std::remove(path.c_str());
  return "no error";
}

const std::string kHeader =
    "topology,layer,M,N,K,rows,cols,dataflow,total_cycles,stall_cycles,overall_util_pct,"
    "mapping_efficiency_pct,compute_util_pct,wall_s\n";

std::string bad_table_error(const std::string& row) { return table_error("# a comment\n" + kHeader + row + "\n"); }

TEST(ScaleSimComparison, BadRowsNameTheirLineAndColumn) {
  const std::string path = testing::TempDir() + "/bad_scalesim.csv";
  EXPECT_EQ(bad_table_error("g,l,0,8,8,8,8,os,10,0,1,1,1,1.0"),
            path + ":3: error: column 3 (M): '0' is not a whole number from 1 to 16777216");
  EXPECT_EQ(bad_table_error("g,l,8,8,8,8,8,xs,10,0,1,1,1,1.0"), path + ":3: error: column 8 (dataflow): 'xs' is not os, ws or is");
  EXPECT_EQ(bad_table_error("g,l,8,8,8,8,5000,os,10,0,1,1,1,1.0"),
            path + ":3: error: column 7 (cols): '5000' is not a whole number from 1 to 4096");
  EXPECT_EQ(bad_table_error("g,l,8,8,8,8,8,os,10,0,1,1,1,-1"),
            path + ":3: error: column 14 (wall_s): '-1' is not a number of seconds from 0 to 1e7");
  EXPECT_EQ(bad_table_error("g,l,8,8,8,8,8,os"), path + ":3: error: expected 14 columns, found 8");
  EXPECT_EQ(bad_table_error("\"g,l,8,8,8,8,8,os,10,0,1,1,1,1.0"), path + ":3: error: a quoted cell is not closed");
}

TEST(ScaleSimComparison, TablesNeedRunScaleSimsHeader) {
  const std::string path = testing::TempDir() + "/bad_scalesim.csv";
  EXPECT_EQ(table_error("# only a comment\n"), path + ":1: error: no header line: expected the columns of run_scalesim.py");
  std::string renamed = kHeader;
  renamed.replace(0, 8, "workload");
  EXPECT_EQ(table_error(renamed),
            path + ":1: error: column 1: expected the header 'topology', found 'workload'");
}

}  // namespace
}  // namespace cascade::validation
