// Bad architecture configs: each error names the file, the line and column of the field (found
// in the test's own text) and what is wrong.
#include <gtest/gtest.h>

#include <tuple>
#include <vector>

#include "ModelTestSupport.h"
#include "arch/fusemax/QueryTilingTraffic.h"
#include "../support/ConfigTextEdits.h"

namespace cascade::arch {
namespace {

using testing_support::source_path;

std::string fusemax_text() {
  return cascade::testing_support::self_contained(source_path("configs/arch/fusemax_cloud.pbtxt"));
}
using cascade::testing_support::replaced;
using cascade::testing_support::where;

std::string error_of(const std::string& text, const std::string& workload = "") {
  try {
    const ArchConfig config(text, "bad.pbtxt");
    const auto model = ModelRegistry::builtin().create(config);
    if (!workload.empty()) {
      const auto c = workloads::load_workload_file(source_path("workloads/library/" + workload));
      model->evaluate(c, workloads::bind_shapes(c, {}), Fidelity::Analytical);
    }
  } catch (const base::InputError& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(BadArchConfig, ArrayOfZeroPes) {
  const std::string text = replaced(fusemax_text(), "  rows: 256\n", "  rows: 0\n");
  EXPECT_EQ(error_of(text),
            where(text, "array2d {") + ": error: array2d has 0 PEs: give rows and cols of at least 1");
}

TEST(BadArchConfig, BufferTooSmallForTheTile) {
  // One 256-key chunk of K and V: 256 * (64 + 64) * 2 = 65536 B; one 256-query tile of Q, RM, RD
  // and RNV: 256 * 130 * 2 = 66560 B; a 100000-byte buffer holds only the chunk.
  const std::string text = replaced(fusemax_text(), "capacity_bytes: 16777216", "capacity_bytes: 100000");
  EXPECT_EQ(error_of(text, "transformers/bert_base.pbtxt"),
            where(text, "capacity_bytes") +
                ": error: global_buffer of 100000 bytes is too small for the chosen tile: one key "
                "chunk needs 65536 bytes and one query tile 66560");
}

TEST(BadArchConfig, KeyChunkOtherThanTheWorkloads) {
  // BERT-Base partitions its keys into chunks of M0 = 256 (the workload file); 419 keys a chunk
  // would size the buffer for chunks that never stream (found by arch_config_fuzz, where the cycle
  // program's shares went negative).
  const std::string text = replaced(fusemax_text(), "key_chunk: 256", "key_chunk: 419");
  EXPECT_EQ(error_of(text, "transformers/bert_base.pbtxt"),
            where(text, "key_chunk") +
                ": error: mapping tiling: key_chunk 419 is not the workload's chunk: 'bert_base' partitions M into "
                "chunks of M0 = 256 keys");
}

TEST(BadArchConfig, MappingToAUnitThatDoesNotExist) {
  // Units are an enum: a unit that does not exist is no value of it; a binding without one is named.
  const std::string text = replaced(fusemax_text(), R"(einsum: "SLD" unit: ARRAY2D)", R"(einsum: "SLD" unit: ARRAY3D)");
  // protobuf's parser reports it at the token after it, 8 columns on ("ARRAY3D }").
  const std::string at = where(text, "ARRAY3D");
  const std::string after = at.substr(0, at.rfind(':') + 1) + std::to_string(std::stoi(at.substr(at.rfind(':') + 1)) + 8);
  EXPECT_EQ(error_of(text), after + ": error: Unknown enumeration value of \"ARRAY3D\" for field \"unit\".");
  const std::string none = replaced(fusemax_text(), R"(einsum: "SLD" unit: ARRAY2D)", R"(einsum: "SLD")");
  EXPECT_EQ(error_of(none), where(none, R"(binding { einsum: "SLD")") +
                                ": error: mapping binds Einsum 'SLD' to no unit (ARRAY2D or ARRAY1D)");
}

TEST(BadArchConfig, MeaninglessNumbers) {
  // Every number is a count, size, rate, time or energy: NaN, infinite and negative ones are
  // refused where they stand, before any model runs.
  for (const auto& [from, to, field] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"clock_hz: 940e6", "clock_hz: inf", "clock_hz: inf"},
           {"clock_hz: 940e6", "clock_hz: nan", "clock_hz: nan"},
           {"picojoules: 17.1645", "picojoules: -1", "energy.picojoules: -1"}}) {
    const std::string text = replaced(fusemax_text(), from, to);
    EXPECT_EQ(error_of(text), where(text, to) + ": error: " + field + " is not a finite number of at least 0");
  }
  const std::string huge = replaced(fusemax_text(), "  rows: 256\n", "  rows: 4294967295\n");
  EXPECT_EQ(error_of(huge), where(huge, "rows: 4294967295") + ": error: array2d: rows of 4294967295 is above 65536");
}

TEST(BadArchConfig, RatesFarTooLowForTheWorkload) {
  // 1e-300 bytes a second: BERT-Base's first phase (the Q projection) would take an infinite
  // number of cycles, which no cast may turn into a count (found by UBSan's float-cast-overflow).
  const std::string text =
      replaced(fusemax_text(), "bandwidth_bytes_per_second: 429496729600", "bandwidth_bytes_per_second: 1e-300");
  EXPECT_EQ(error_of(text, "transformers/bert_base.pbtxt"),
            "bad.pbtxt: error: phase 'q' would take inf cycles (DRAM traffic), more than 2^50: the config's rates "
            "(PE arrays, clock_hz, dram.bandwidth_bytes_per_second) are far too low for this workload");
}

TEST(BadArchConfig, TilingOfAPhaseThatDoesNotExist) {
  const std::string text = replaced(fusemax_text(), "    phase: \"attention\"", "    phase: \"atention\"");
  EXPECT_EQ(error_of(text), where(text, "phase: \"atention\"") +
                                ": error: mapping tiling: phase 'atention' is not one of the mapping's phases");
}

TEST(BadArchConfig, AnEinsumBoundTwice) {
  const std::string text = replaced(fusemax_text(), R"(binding { einsum: "BK" unit: ARRAY2D })",
                                    R"(binding { einsum: "Q" unit: ARRAY1D })");
  EXPECT_EQ(error_of(text), where(text, R"(binding { einsum: "Q" unit: ARRAY1D })") +
                                ": error: mapping binds Einsum 'Q' twice");
}

TEST(QueryTiling, LargestDivisorAtMost) {
  // By hand: 360 = 2^3 3^2 5; its divisors up to 50 end ..., 36, 40, 45.
  EXPECT_EQ(largest_divisor_at_most(360, 50), 45u);
  EXPECT_EQ(largest_divisor_at_most(360, 7), 6u);
  EXPECT_EQ(largest_divisor_at_most(360, 400), 360u);
  EXPECT_EQ(largest_divisor_at_most(360, 1), 1u);
  EXPECT_EQ(largest_divisor_at_most(97, 96), 1u);  // a prime
  // At the largest n, primes (checked with sympy): 2^40 - 87 has no divisor but itself and 1; the
  // square of 2^20 - 3 has one more, 2^20 - 3. Each search is at most 2^20 steps.
  EXPECT_EQ(largest_divisor_at_most(kMaxQueryTiles - 87, kMaxQueryTiles - 88), 1u);
  EXPECT_EQ(largest_divisor_at_most(kMaxQueryTiles - 87, uint64_t{1} << 19), 1u);
  const uint64_t p = (uint64_t{1} << 20) - 3;
  EXPECT_EQ(largest_divisor_at_most(p * p, p * p - 1), p);
  EXPECT_EQ(largest_divisor_at_most(p * p, p - 1), 1u);
  EXPECT_THROW(largest_divisor_at_most(kMaxQueryTiles + 1, 2), std::invalid_argument);
}

TEST(BadArchConfig, UnknownOrMissingModel) {
  // The model is the field of the `model` oneof that is set: a misspelt one is no field at all
  // (protobuf's parser reports it at the token after its name), a missing one is named.
  const std::string text = replaced(fusemax_text(), "fusemax {}", "fusemox {}");
  EXPECT_EQ(error_of(text), where(text, "fusemox {}").substr(0, where(text, "fusemox {}").rfind(':')) + ":9" +
                                ": error: Message type \"cascade.config.Arch\" has no field named \"fusemox\".");
  const std::string none = replaced(fusemax_text(), "fusemax {}", "");
  EXPECT_EQ(error_of(none), "bad.pbtxt: error: no model: set one of fusemax {}, flat { choice {...} }, unfused {}");
}

TEST(BadArchConfig, MissingField) {
  const std::string text = replaced(fusemax_text(), "clock_hz: 940e6", "");
  EXPECT_EQ(error_of(text), "bad.pbtxt: error: missing field 'clock_hz'");
}

TEST(BadArchConfig, MissingEnergyOfAnAction) {
  std::string text = fusemax_text();
  const size_t at = text.find("energy { component: \"array1d\" action: \"divide\"");
  text.erase(at, text.find('\n', at) - at);
  EXPECT_EQ(error_of(text, "attention/attention_fusemax.pbtxt"),
            "bad.pbtxt: error: missing field 'energy' for component 'array1d' action 'divide'");
}

TEST(BadArchConfig, PhaseWithAnEinsumTheWorkloadLacks) {
  const std::string text = replaced(fusemax_text(), R"(stage { group: "RM" })",
                                    R"(stage { group: "RM RX" })");
  EXPECT_EQ(error_of(text, "attention/attention_fusemax.pbtxt"),
            where(text, "phase {\n    name: \"attention\"") +
                ": error: mapping phase 'attention' names Einsum 'RX', which the workload "
                "'attention_fusemax' does not have");
}

}  // namespace
}  // namespace cascade::arch
