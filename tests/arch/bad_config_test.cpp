// Bad architecture configs: each error names the file, the line and column of the field (found
// in the test's own text) and what is wrong.
#include <gtest/gtest.h>


#include "ModelTestSupport.h"
#include "../support/ConfigTextEdits.h"

namespace cascade::arch {
namespace {

using testing_support::source_path;

std::string fusemax_text() {
  return cascade::testing_support::file_text(source_path("configs/arch/fusemax_cloud.pbtxt"));
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

TEST(BadArchConfig, MappingToAUnitThatDoesNotExist) {
  const std::string text = replaced(fusemax_text(), R"(einsum: "SLD" unit: "array2d")",
                                    R"(einsum: "SLD" unit: "array3d")");
  EXPECT_EQ(error_of(text), where(text, "unit: \"array3d\"") +
                                ": error: mapping binds Einsum 'SLD' to unit 'array3d', which does "
                                "not exist (units: array2d, array1d)");
}

TEST(BadArchConfig, UnknownModelName) {
  const std::string text = replaced(fusemax_text(), "model: \"fusemax\"", "model: \"fusemox\"");
  EXPECT_EQ(error_of(text), where(text, "model: \"fusemox\"") +
                                ": error: unknown model 'fusemox' (known: flat, fusemax, unfused)");
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
