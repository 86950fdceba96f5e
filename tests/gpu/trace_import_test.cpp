// Importers of real GPU traces: the Kineto trace captured on the H100 (validation/traces/h100/,
// a BERT-Base encoder layer in bf16 at sequence 512 and 4096) and Nsight Compute's raw CSV (a
// fixture in ncu's format, tests/gpu/data/ncu_raw_sample.csv, with its preamble, units row and
// thousands separators); malformed files keep their good records.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "GpuTestSupport.h"
#include "validation/gpu/TraceImport.h"

namespace cascade::validation {
namespace {

using arch::gpu::testing_support::source_path;

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string temp_file(const std::string& name, const std::string& text) {
  const std::string path = testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

TEST(KinetoImport, ReadsEveryKernelOfTheBertLayer) {
  const auto r = import_kineto_json(source_path("validation/traces/h100/kineto_bert_base_bf16_seq4096.json"));
  EXPECT_TRUE(r.problems.empty());
  ASSERT_EQ(r.traces.run_size(), 9);  // QKV, attention, output projection, 2 adds, 2 norms, 2 FFN GEMMs
  EXPECT_EQ(r.traces.meta().at("gpu"), "NVIDIA H100 80GB HBM3");
  const auto& qkv = r.traces.run(0);
  EXPECT_EQ(qkv.name().rfind("nvjet_sm90", 0), 0u);
  EXPECT_EQ(qkv.kernel().grid().x(), 2u);
  EXPECT_EQ(qkv.kernel().grid().y(), 66u);
  EXPECT_EQ(qkv.kernel().block().x(), 384u);
  EXPECT_EQ(qkv.kernel().registers_per_thread(), 168u);
  EXPECT_NEAR(qkv.duration_s(), 177.4e-6, 0.1e-6);
  // The launching operator and its input shapes: the QKV projection of 8 x 4096 tokens.
  EXPECT_EQ(qkv.operator_name(), "aten::addmm");
  EXPECT_NE(qkv.input_shapes().find("[32768,768]"), std::string::npos) << qkv.input_shapes();
  EXPECT_NE(r.traces.run(1).name().find("flash"), std::string::npos);
}

TEST(KinetoImport, TruncatedFileKeepsTheEventsBeforeTheCut) {
  const std::string text = read(source_path("validation/traces/h100/kineto_bert_base_bf16_seq512.json"));
  const size_t cut = text.find("\"cat\": \"kernel\"", text.find("\"cat\": \"kernel\"") + 1);  // inside the 2nd kernel
  const std::string path = temp_file("truncated_kineto.json", text.substr(0, cut));
  const auto r = import_kineto_json(path);
  EXPECT_EQ(r.traces.run_size(), 1);  // the first kernel survives
  ASSERT_EQ(r.problems.size(), 1u);
  // "file:line: record N: ...": the cut is on the file's last line.
  const auto lines = static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<long>(cut), '\n')) + 1;
  EXPECT_EQ(r.problems[0].rfind(path + ":" + std::to_string(lines) + ": record ", 0), 0u) << r.problems[0];
  EXPECT_NE(r.problems[0].find("truncated"), std::string::npos) << r.problems[0];
}

TEST(KinetoImport, KernelWithoutDurationIsReportedAndSkipped) {
  std::string text = read(source_path("validation/traces/h100/kineto_bert_base_bf16_seq512.json"));
  const size_t kernel = text.find("\"cat\": \"kernel\"");
  const size_t dur = text.find("\"dur\": ", kernel);
  text.replace(dur, 7, "\"dur_missing\": ");
  const auto r = import_kineto_json(temp_file("no_duration_kineto.json", text));
  EXPECT_EQ(r.traces.run_size(), 8);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_NE(r.problems[0].find("kernel without a duration"), std::string::npos);
}

TEST(KinetoImport, DataTypeFromTheOperatorsInputs) {
  // The launching operator's "Input type": c10::BFloat16 in the BERT layer, c10::Half in SDPA.
  const auto bert = import_kineto_json(source_path("validation/traces/h100/kineto_bert_base_bf16_seq512.json"));
  const auto sdpa = import_kineto_json(source_path("validation/traces/h100/kineto_sdpa_cudnn_fp16.json"));
  ASSERT_GT(bert.traces.run_size(), 0);
  ASSERT_GT(sdpa.traces.run_size(), 0);
  for (const auto& run : bert.traces.run()) EXPECT_EQ(run.dtype(), "bf16") << run.name();
  for (const auto& run : sdpa.traces.run()) EXPECT_EQ(run.dtype(), "fp16") << run.name();
}

TEST(NcuImport, ReadsRowsWithUnitsAndThousandsSeparators) {
  const auto r = import_ncu_csv(source_path("tests/gpu/data/ncu_raw_sample.csv"));
  EXPECT_TRUE(r.problems.empty());
  ASSERT_EQ(r.traces.run_size(), 2);
  const auto& k = r.traces.run(0);
  EXPECT_EQ(k.name(), "smem_kernel");
  EXPECT_DOUBLE_EQ(k.duration_s(), 9824e-9);  // "9,824" ns
  EXPECT_EQ(k.kernel().grid().x(), 1188u);
  EXPECT_EQ(k.kernel().block().x(), 256u);
  EXPECT_EQ(k.kernel().registers_per_thread(), 16u);
  EXPECT_EQ(k.kernel().dynamic_smem_bytes(), 49152u);
  EXPECT_DOUBLE_EQ(r.traces.run(1).duration_s(), 1162160e-9);
  EXPECT_EQ(r.traces.run(1).name(), "triad_k(float *, const float *, const float *, float, unsigned long)");
}

// A real capture: `ncu --csv --page raw --set full -k regex:layer_norm` of PyTorch's layer norm on the
// H100 (validation/cuda/ncu_layer_norm.py), with ncu's ==PROF== and ==WARNING== lines before the
// header and 2238 metric columns; the values asserted are the file's own.
TEST(NcuImport, ReadsARealCaptureFromTheH100) {
  const auto r = import_ncu_csv(source_path("validation/traces/h100/ncu_layer_norm.csv"));
  EXPECT_TRUE(r.problems.empty()) << r.problems.front();
  ASSERT_EQ(r.traces.run_size(), 2);
  for (const auto& run : r.traces.run()) {
    EXPECT_NE(run.name().find("vectorized_layer_norm_kernel"), std::string::npos);
    EXPECT_EQ(run.kernel().block().x(), 128u);  // launch__block_size: the (32, 4, 1) block's threads
  }
  EXPECT_EQ(r.traces.run(0).kernel().grid().x(), 2048u);
  EXPECT_DOUBLE_EQ(r.traces.run(0).duration_s(), 9504e-9);  // "9,504" ns
  EXPECT_EQ(r.traces.run(1).kernel().grid().x(), 32768u);
  EXPECT_DOUBLE_EQ(r.traces.run(1).duration_s(), 85600e-9);
}

TEST(NcuImport, RowWithAMissingColumnIsReportedAndTheRestKept) {
  std::string text = read(source_path("tests/gpu/data/ncu_raw_sample.csv"));
  const size_t row = text.find("\"0\",\"4242\"");
  const size_t cell = text.find("\"38.86\"", row);
  text.erase(cell - 1, 8);  // drop the last cell of the first record
  const std::string path = temp_file("missing_column_ncu.csv", text);
  const auto r = import_ncu_csv(path);
  EXPECT_EQ(r.traces.run_size(), 1);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0], path + ":8: record 1: 16 cells where the header has 17");
}

TEST(NcuImport, KernelWithNoDuration) {
  std::string text = read(source_path("tests/gpu/data/ncu_raw_sample.csv"));
  const size_t at = text.find("\"9,824\"");
  text.replace(at, 7, "\"\"");
  const std::string path = temp_file("no_duration_ncu.csv", text);
  const auto r = import_ncu_csv(path);
  EXPECT_EQ(r.traces.run_size(), 1);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0], path + ":8: record 1: kernel without a duration ('')");
}

TEST(NcuImport, UnitsRowShorterThanTheHeader) {
  // Found by ncu_fuzz: a units row with fewer cells than the header was read past its end.
  std::string text = read(source_path("tests/gpu/data/ncu_raw_sample.csv"));
  const size_t units = text.find('\n', text.find("\"ID\"")) + 1;
  const size_t end = text.find('\n', units);
  text.replace(units, end - units, "\"\",\"\"");
  const std::string path = temp_file("short_units_ncu.csv", text);
  try {
    import_ncu_csv(path);
    ADD_FAILURE() << "accepted";
  } catch (const base::InputError& e) {
    EXPECT_EQ(e.message(), "the units row has 2 cells where the header has 17");
    EXPECT_EQ(e.pos().line, 7);
  }
}

TEST(TraceCsv, ExportsOneRowPerRun) {
  const auto r = import_ncu_csv(source_path("tests/gpu/data/ncu_raw_sample.csv"));
  const std::string csv = trace_set_to_csv(r.traces);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 3);
  EXPECT_NE(csv.find("\"smem_kernel\",,,1188,256,16,0,49152"), std::string::npos) << csv;
}

}  // namespace
}  // namespace cascade::validation
