// Bad systolic array configs and GEMM shapes are refused with messages that name the field,
// by the closed form and the PE-level model alike.
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <ostream>
#include <stdexcept>
#include <string>

#include "arch/systolic/SimulateSystolicGemm.h"
#include "arch/systolic/SystolicArrayConfig.h"
#include "arch/systolic/SystolicGemmCycles.h"
#include "arch/systolic/VectorisedPeArray.h"

namespace cascade::arch {
namespace {

std::string invalid_argument_message(const std::function<void()>& call) {
  try {
    call();
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "no std::invalid_argument";
}

struct BadCase {
  const char* case_name;
  SystolicArrayConfig config;
  std::uint64_t M, N, K;
  std::string message;
};

// Names the case in test output (the default would dump the struct's bytes).
void PrintTo(const BadCase& bad, std::ostream* os) { *os << bad.case_name; }

IntMatrix ones(std::uint64_t rows, std::uint64_t cols) {
  IntMatrix matrix(rows, cols);
  matrix.values.assign(rows * cols, 1);
  return matrix;
}

class SystolicRejects : public testing::TestWithParam<BadCase> {};

TEST_P(SystolicRejects, NamingTheField) {
  const BadCase& bad = GetParam();
  EXPECT_EQ(invalid_argument_message([&] { gemm_cycles(bad.config, bad.M, bad.N, bad.K); }),
            bad.message);
  EXPECT_EQ(invalid_argument_message([&] { gemm_tile_count(bad.config, bad.M, bad.N, bad.K); }),
            bad.message);
  EXPECT_EQ(invalid_argument_message([&] {
              simulate_systolic_gemm(bad.config, ones(bad.M, bad.K), ones(bad.K, bad.N));
            }),
            bad.message);
  EXPECT_EQ(invalid_argument_message([&] {
              simulate_systolic_gemm_vectorised(bad.config, ones(bad.M, bad.K), ones(bad.K, bad.N));
            }),
            bad.message);
}

constexpr SystolicArrayConfig kGood{4, 4, Dataflow::OutputStationary};

INSTANTIATE_TEST_SUITE_P(
    ZeroOrUnknown, SystolicRejects,
    testing::Values(
        BadCase{"rows_zero", {0, 4, Dataflow::OutputStationary}, 2, 2, 2,
                "SystolicArrayConfig.rows must be at least 1, got 0"},
        BadCase{"cols_zero", {4, 0, Dataflow::WeightStationary}, 2, 2, 2,
                "SystolicArrayConfig.cols must be at least 1, got 0"},
        BadCase{"rows_checked_first", {0, 0, Dataflow::OutputStationary}, 0, 2, 2,
                "SystolicArrayConfig.rows must be at least 1, got 0"},
        BadCase{"dataflow_unknown", {4, 4, static_cast<Dataflow>(7)}, 2, 2, 2,
                "SystolicArrayConfig.dataflow must be OutputStationary, WeightStationary or "
                "InputStationary, got 7"},
        BadCase{"overlap_unknown", {4, 4, Dataflow::OutputStationary, static_cast<TileOverlap>(5)}, 2, 2, 2,
                "SystolicArrayConfig.overlap must be Serial or Pipelined, got 5"},
        BadCase{"M_zero", kGood, 0, 2, 2, "GEMM M must be at least 1, got 0"},
        BadCase{"N_zero", kGood, 2, 0, 2, "GEMM N must be at least 1, got 0"},
        BadCase{"K_zero", kGood, 2, 2, 0, "GEMM K must be at least 1, got 0"},
        BadCase{"K_zero_weight_stationary", {4, 4, Dataflow::WeightStationary}, 2, 2, 0,
                "GEMM K must be at least 1, got 0"}),
    [](const testing::TestParamInfo<BadCase>& info) { return info.param.case_name; });

TEST(SystolicTileCycles, RejectsTilesThatDoNotFitTheArray) {
  const SystolicArrayConfig config{8, 4, Dataflow::WeightStationary};
  EXPECT_EQ(invalid_argument_message([&] { systolic_tile_cycles(config, 9, 4, 1); }),
            "systolic tile rows_used must be in [1, 8], got 9");
  EXPECT_EQ(invalid_argument_message([&] { systolic_tile_cycles(config, 0, 4, 1); }),
            "systolic tile rows_used must be in [1, 8], got 0");
  EXPECT_EQ(invalid_argument_message([&] { systolic_tile_cycles(config, 8, 5, 1); }),
            "systolic tile cols_used must be in [1, 4], got 5");
  EXPECT_EQ(invalid_argument_message([&] { systolic_tile_cycles(config, 8, 4, 0); }),
            "systolic tile stream_length must be at least 1, got 0");
}

TEST(SimulateSystolicGemm, RejectsWhatThePeLevelModelCannotRun) {
  const SystolicArrayConfig too_tall{65, 8, Dataflow::OutputStationary};
  EXPECT_EQ(
      invalid_argument_message([&] { simulate_systolic_gemm(too_tall, ones(2, 2), ones(2, 2)); }),
      "simulate_systolic_gemm: SystolicArrayConfig.rows must be at most 64 for the "
      "PE-level model, got 65");
  const SystolicArrayConfig too_wide{8, 100, Dataflow::WeightStationary};
  EXPECT_EQ(
      invalid_argument_message([&] { simulate_systolic_gemm(too_wide, ones(2, 2), ones(2, 2)); }),
      "simulate_systolic_gemm: SystolicArrayConfig.cols must be at most 64 for the "
      "PE-level model, got 100");
  EXPECT_EQ(
      invalid_argument_message([&] { simulate_systolic_gemm(kGood, ones(2, 3), ones(4, 5)); }),
      "simulate_systolic_gemm: A is 2 x 3 but B is 4 x 5; A's columns and B's rows must "
      "both be K");
  IntMatrix short_b = ones(3, 2);
  short_b.values.pop_back();
  EXPECT_EQ(invalid_argument_message([&] { simulate_systolic_gemm(kGood, ones(2, 3), short_b); }),
            "simulate_systolic_gemm: B is 3 x 2 but holds 5 values");
  EXPECT_EQ(invalid_argument_message([&] { simulate_systolic_gemm_vectorised(kGood, ones(2, 3), short_b); }),
            "simulate_systolic_gemm_vectorised: B is 3 x 2 but holds 5 values");
  IntMatrix wide = ones(2, 2);
  wide.at(1, 0) = std::int64_t{1} << 31;
  EXPECT_EQ(invalid_argument_message([&] { simulate_systolic_gemm_vectorised(kGood, wide, ones(2, 2)); }),
            "simulate_systolic_gemm_vectorised: its links carry 32-bit operands; A holds 2147483648");
  const SystolicArrayConfig huge{8192, 4096, Dataflow::OutputStationary};
  EXPECT_EQ(invalid_argument_message([&] { simulate_systolic_gemm_vectorised(huge, ones(2, 2), ones(2, 2)); }),
            "simulate_systolic_gemm_vectorised: SystolicArrayConfig rows x cols must be at most 16777216 PEs, got "
            "8192 x 4096");
  const SystolicArrayConfig pipelined{8, 8, Dataflow::OutputStationary, TileOverlap::Pipelined};
  EXPECT_EQ(invalid_argument_message([&] { simulate_systolic_gemm(pipelined, ones(2, 2), ones(2, 2)); }),
            "simulate_systolic_gemm: the PE-level model runs Serial tiles, got Pipelined");
}

}  // namespace
}  // namespace cascade::arch
