// The evaluation cache (EvaluationCache) and the config template (ArchTemplate) that a sweep uses:
// a model evaluated with a cache gives bit for bit the result it gives without, at every point a
// sweep varies (array shape, buffer, clock, sequence length), for every model; a cache shared by
// configs whose structure differs never hands one config's structure to another; and a variant
// built from the parsed template is the model of the config printed with the same overrides.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "ModelTestSupport.h"
#include "arch/ArchLoader.h"
#include "arch/ArchTemplate.h"
#include "base/TextProtoFile.h"

namespace cascade::arch {
namespace {

using testing_support::source_path;
using Overrides = std::vector<std::pair<std::string, std::string>>;

void expect_same(const sim::Result& a, const sim::Result& b, const std::string& what) {
  EXPECT_EQ(a.model, b.model) << what;
  EXPECT_EQ(a.arch, b.arch) << what;
  EXPECT_EQ(a.workload, b.workload) << what;
  EXPECT_EQ(a.rank_sizes, b.rank_sizes) << what;
  EXPECT_EQ(a.cycles, b.cycles) << what;
  EXPECT_EQ(a.clock_hz, b.clock_hz) << what;
  EXPECT_EQ(a.action_counts, b.action_counts) << what;
  EXPECT_EQ(a.energy_pj, b.energy_pj) << what;
  EXPECT_EQ(a.busy_cycles, b.busy_cycles) << what;
  EXPECT_EQ(a.traffic_bytes, b.traffic_bytes) << what;
  EXPECT_EQ(a.phases, b.phases) << what;
  EXPECT_EQ(a.stats, b.stats) << what;
  EXPECT_EQ(a.kernels.size(), b.kernels.size()) << what;
}

ArchTemplate load_template(const std::string& config) {
  const std::string path = source_path("configs/arch/" + config);
  return ArchTemplate(base::TextProtoFile::read(path), path);
}

workloads::Cascade load(const std::string& workload) {
  return workloads::load_workload_file(source_path("workloads/library/" + workload));
}

// Every point of a small sweep: shapes, buffers, clocks and sequence lengths, one cache throughout.
void expect_cache_transparent(const std::string& config, const std::string& workload,
                              const std::vector<Overrides>& variants, const std::vector<uint64_t>& lengths) {
  const ArchTemplate arch = load_template(config);
  const workloads::Cascade cascade = load(workload);
  EvaluationCache cache;
  for (const auto& overrides : variants) {
    const auto model = arch.instantiate(overrides);
    for (uint64_t m : lengths) {
      const auto sizes = workloads::bind_shapes(cascade, {{"M", m}});
      const std::string what = config + " " + workload + " M=" + std::to_string(m) + " " +
                               (overrides.empty() ? "" : overrides.front().first + "=" + overrides.front().second);
      expect_same(model->evaluate(cascade, sizes, Fidelity::Analytical, &cache),
                  model->evaluate(cascade, sizes, Fidelity::Analytical), what);
    }
  }
}

const std::vector<Overrides> kSpatialVariants = {
    {},
    {{"array2d.rows", "128"}, {"array2d.cols", "64"}},
    {{"global_buffer.capacity_bytes", "33554432"}, {"clock_hz", "1.5e9"}},
    {{"array1d.cols", "512"}, {"dram.bandwidth_bytes_per_second", "1e12"}, {"word_bytes", "4"}},
    {{"array2d.rows", "512"}, {"array2d.cols", "512"}, {"global_buffer.capacity_bytes", "67108864"}},
};

TEST(EvaluationCache, FuseMaxResultsEqualUncachedAcrossPoints) {
  expect_cache_transparent("fusemax_cloud.pbtxt", "transformers/bert_base.pbtxt", kSpatialVariants,
                           {1024, 4096, 65536, 1 << 20, 4096});
}

TEST(EvaluationCache, FlatResultsEqualUncachedAcrossPoints) {
  expect_cache_transparent("flat_cloud.pbtxt", "transformers/bert_base.pbtxt", kSpatialVariants,
                           {1024, 16384, 1 << 20, 1024});
}

TEST(EvaluationCache, UnfusedResultsEqualUncachedAcrossPoints) {
  expect_cache_transparent("unfused_cloud.pbtxt", "transformers/bert_base.pbtxt", kSpatialVariants,
                           {1024, 65536, 1 << 20});
}

TEST(EvaluationCache, LoweredWorkloadResultsEqualUncached) {
  // A workload grouped into operators is lowered onto the mapping; the cache keeps the lowering.
  expect_cache_transparent("fusemax_cloud.pbtxt", "transformers/gpt2_small_layer.pbtxt",
                           {{}, {{"array2d.rows", "128"}, {"global_buffer.capacity_bytes", "8388608"}}}, {1024, 2048});
  expect_cache_transparent("unfused_cloud.pbtxt", "transformers/bert_base_layer.pbtxt",
                           {{}, {{"array1d.cols", "64"}}}, {512, 4096});
}

TEST(EvaluationCache, GpuResultsEqualUncached) {
  expect_cache_transparent("gpu/h100_sxm.pbtxt", "transformers/bert_base_layer.pbtxt",
                           {{}, {{"sm_count", "114"}}}, {512, 4096});
}

TEST(EvaluationCache, CycleFidelityResultsEqualUncached) {
  const ArchTemplate arch = load_template("fusemax_cloud.pbtxt");
  const workloads::Cascade cascade = load("transformers/bert_base.pbtxt");
  EvaluationCache cache;
  for (const char* rows : {"256", "128"}) {
    const auto model = arch.instantiate({{"array2d.rows", rows}});
    const auto sizes = workloads::bind_shapes(cascade, {{"M", 4096}});
    expect_same(model->evaluate(cascade, sizes, Fidelity::Cycle, &cache), model->evaluate(cascade, sizes, Fidelity::Cycle),
                std::string("cycle, rows ") + rows);
  }
}

TEST(EvaluationCache, ConfigsOfAnotherMappingGetTheirOwnStructure) {
  // One cache for the base config and variants whose mapping differs: moving the projections to
  // the 1D array, a smaller query tile, another model's mapping. Each result is its own config's.
  const ArchTemplate fusemax = load_template("fusemax_cloud.pbtxt");
  const ArchTemplate flat = load_template("flat_cloud.pbtxt");
  const workloads::Cascade cascade = load("transformers/bert_base.pbtxt");
  const auto sizes = workloads::bind_shapes(cascade, {{"M", 16384}});
  EvaluationCache cache;
  const auto base = fusemax.instantiate({});
  const sim::Result reference = base->evaluate(cascade, sizes, Fidelity::Analytical, &cache);
  const std::vector<Overrides> mappings = {
      {{"mapping.binding[0].unit", "ARRAY1D"}},
      {{"mapping.tiling.query_tile", "128"}},
      {{"array2d.op_cost[0].cycles", "2"}},
  };
  for (const auto& overrides : mappings) {
    const auto model = fusemax.instantiate(overrides);
    const sim::Result cached = model->evaluate(cascade, sizes, Fidelity::Analytical, &cache);
    expect_same(cached, model->evaluate(cascade, sizes, Fidelity::Analytical), overrides.front().first);
    EXPECT_FALSE(cached.cycles == reference.cycles && cached.stats == reference.stats &&
                 cached.energy_pj == reference.energy_pj)
        << overrides.front().first << ": the variant should differ from the base";
  }
  const sim::Result of_flat = flat.instantiate({})->evaluate(cascade, sizes, Fidelity::Analytical, &cache);
  expect_same(of_flat, flat.instantiate({})->evaluate(cascade, sizes, Fidelity::Analytical), "flat");
  EXPECT_EQ(of_flat.model, "flat");
  // The base config again: its entry is still right.
  expect_same(base->evaluate(cascade, sizes, Fidelity::Analytical, &cache), reference, "base again");
}

TEST(EvaluationCache, AnotherWorkloadGetsItsOwnStructure) {
  const auto model = load_template("fusemax_cloud.pbtxt").instantiate({});
  const workloads::Cascade bert = load("transformers/bert_base.pbtxt");
  const workloads::Cascade attention = load("attention/attention_fusemax.pbtxt");
  EvaluationCache cache;
  for (int round = 0; round < 2; ++round)
    for (const workloads::Cascade* c : {&bert, &attention}) {
      const auto sizes = workloads::bind_shapes(*c, {{"M", 4096}});
      expect_same(model->evaluate(*c, sizes, Fidelity::Analytical, &cache), model->evaluate(*c, sizes, Fidelity::Analytical),
                  c->name);
    }
  EXPECT_EQ(cache.size(), 2u);
}

// The model of a template's variant and of the config printed with the same overrides.
void expect_same_as_text(const std::string& config, const std::string& workload, const Overrides& overrides,
                         uint64_t m) {
  const std::string path = source_path("configs/arch/" + config);
  const std::string text = base::TextProtoFile::read(path);
  const workloads::Cascade cascade = load(workload);
  const auto sizes = workloads::bind_shapes(cascade, {{"M", m}});
  const auto from_template = ArchTemplate(text, path).instantiate(overrides);
  const auto from_text = create_model(arch_text_with_overrides(text, path, overrides), path);
  expect_same(from_template->evaluate(cascade, sizes, Fidelity::Analytical),
              from_text->evaluate(cascade, sizes, Fidelity::Analytical), config + " " + overrides.front().first);
}

TEST(ArchTemplate, VariantsEqualTheConfigPrintedWithOverrides) {
  expect_same_as_text("fusemax_cloud.pbtxt", "transformers/bert_base.pbtxt",
                      {{"array2d.rows", "128"}, {"array2d.cols", "32"}}, 65536);
  expect_same_as_text("fusemax_cloud.pbtxt", "transformers/bert_base.pbtxt",
                      {{"global_buffer.capacity_bytes", "4194304"}}, 16384);
  // Fields of the imported cloud_hardware.pbtxt: the clock, and an energy entry counted with the
  // imported entries first.
  expect_same_as_text("fusemax_cloud.pbtxt", "transformers/bert_base.pbtxt",
                      {{"clock_hz", "2e9"}, {"energy[0].picojoules", "3.5"}}, 4096);
  expect_same_as_text("flat_cloud.pbtxt", "transformers/bert_base.pbtxt",
                      {{"array1d.op_cost[0].cycles", "3"}, {"dram.bandwidth_bytes_per_second", "2e11"}}, 4096);
  expect_same_as_text("unfused_cloud.pbtxt", "transformers/bert_base.pbtxt", {{"word_bytes", "1"}}, 1024);
  expect_same_as_text("gpu/h100_sxm.pbtxt", "transformers/bert_base_layer.pbtxt", {{"sm_count", "100"}}, 1024);
}

// The message of the InputError `f` throws, or "" when it throws none.
template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const base::InputError& e) {
    return e.what();
  }
  return "";
}

TEST(ArchTemplate, BadOverridesNameTheField) {
  const ArchTemplate arch = load_template("fusemax_cloud.pbtxt");
  const std::string zero = error_of([&] { arch.instantiate({{"array2d.rows", "0"}}); });
  EXPECT_NE(zero.find("array2d has 0 PEs"), std::string::npos) << zero;
  EXPECT_NE(zero.find("array2d.rows=0"), std::string::npos) << zero;
  // Located at the base file's line that writes array2d.
  EXPECT_NE(zero.find("fusemax_cloud.pbtxt:7:"), std::string::npos) << zero;
  const std::string negative = error_of([&] { arch.instantiate({{"array2d.rows", "-1"}}); });
  EXPECT_NE(negative.find("array2d.rows"), std::string::npos) << negative;
  EXPECT_EQ(negative, error_of([&] { arch.check_override("array2d.rows", "-1"); }));
  const std::string unknown = error_of([&] { arch.instantiate({{"array2d.bogus", "1"}}); });
  EXPECT_NE(unknown.find("array2d.bogus"), std::string::npos) << unknown;
  EXPECT_EQ(unknown, error_of([&] { arch.check_override("array2d.bogus", "1"); }));
  EXPECT_EQ(error_of([&] { arch.check_override("array2d.rows", "64"); }), "");
  // A negative rate is no finite non-negative number; a buffer too small for a tile fails when
  // evaluated, still naming the override.
  const std::string clock = error_of([&] { arch.instantiate({{"clock_hz", "-1"}}); });
  EXPECT_NE(clock.find("clock_hz"), std::string::npos) << clock;
  const auto small = arch.instantiate({{"global_buffer.capacity_bytes", "1024"}});
  const workloads::Cascade cascade = load("transformers/bert_base.pbtxt");
  const std::string buffer = error_of([&] {
    small->evaluate(cascade, workloads::bind_shapes(cascade, {{"M", 4096}}), Fidelity::Analytical);
  });
  EXPECT_NE(buffer.find("too small"), std::string::npos) << buffer;
  EXPECT_NE(buffer.find("global_buffer.capacity_bytes=1024"), std::string::npos) << buffer;
}

TEST(ArchTemplate, GpuBadOverrideNamesTheField) {
  const ArchTemplate gpu = load_template("gpu/h100_sxm.pbtxt");
  const std::string unknown = error_of([&] { gpu.instantiate({{"sm_bogus", "1"}}); });
  EXPECT_NE(unknown.find("sm_bogus"), std::string::npos) << unknown;
  EXPECT_EQ(unknown, error_of([&] { gpu.check_override("sm_bogus", "1"); }));
}

}  // namespace
}  // namespace cascade::arch
