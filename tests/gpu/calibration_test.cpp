// Calibration of the GPU model on the H100 traces: deterministic for a seed, a stratified split,
// and non-negative least squares checked on a system solved by hand.
#include <gtest/gtest.h>

#include <google/protobuf/util/message_differencer.h>

#include <map>

#include "GpuTestSupport.h"
#include "validation/gpu/Calibration.h"

namespace cascade::validation {
namespace {

using arch::gpu::testing_support::gpu_config;
using arch::gpu::testing_support::source_path;

std::vector<std::string> traces() {
  const std::string dir = source_path("validation/traces/h100/");
  return {dir + "kernels.csv", dir + "neural.csv", dir + "kineto_bert_base_bf16_seq512.json"};
}

TEST(Nnls, SolvesByHand) {
  // Rows (1, 0), (0, 1), (1, 1) against (1, 2, 3): the unconstrained solution (1, 2) fits
  // exactly and is non-negative, so it is the answer. Against (2, -2, 2) the unconstrained second
  // coordinate would be negative: it is held at 0, and the first minimises (x - 2)^2 + (x - 2)^2
  // over rows 1 and 3: x1 = 2.
  const std::vector<double> a = {1, 0, 0, 1, 1, 1};
  const auto x = nnls(a, 3, 2, {1, 2, 3});
  EXPECT_NEAR(x[0], 1, 1e-12);
  EXPECT_NEAR(x[1], 2, 1e-12);
  const auto y = nnls(a, 3, 2, {2, -2, 2});
  EXPECT_NEAR(y[0], 2, 1e-12);
  EXPECT_EQ(y[1], 0);
}

TEST(Calibration, SplitIsStratifiedAndSeeded) {
  std::vector<std::string> skipped;
  const auto cases = load_measured_cases(traces(), skipped);
  const auto a = split_cases(cases, 1), b = split_cases(cases, 1), c = split_cases(cases, 2);
  EXPECT_EQ(a.train, b.train);
  EXPECT_NE(a.train, c.train);
  EXPECT_EQ(a.train.size() + a.test.size(), cases.size());
  // Every class keeps 70% (rounded up) for training.
  std::map<std::string, std::pair<size_t, size_t>> counts;
  for (size_t i : a.train) ++counts[cases[i].kind].first;
  for (size_t i : a.test) ++counts[cases[i].kind].second;
  for (const auto& [kind, n] : counts) EXPECT_EQ(n.first, (7 * (n.first + n.second) + 9) / 10) << kind;
}

TEST(Calibration, SameSeedSameParametersToTheBit) {
  std::vector<std::string> skipped;
  const auto cases = load_measured_cases(traces(), skipped);
  const auto base = gpu_config("h100_sxm");
  const auto first = calibrate_gpu(base, cases, 7, 130);
  const auto second = calibrate_gpu(base, cases, 7, 130);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(first.calibrated, second.calibrated));
  // The fit may only lower the training error.
  EXPECT_LE(first.train_after.runtime_mape.at("all"), first.train_before.runtime_mape.at("all"));
  EXPECT_LT(first.train_after.energy_mape.at("all"), first.train_before.energy_mape.at("all"));
}

}  // namespace
}  // namespace cascade::validation
