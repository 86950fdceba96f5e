// The NGPC model (arch/ngpc): its engines' cycles, its grid-SRAM modes, the overlap with the GPU's
// rest of the frame, area and power, derived by hand from the model's definition (NgpcModel.h) and
// the paper's published points (Mubarik et al., ISCA 2023; ../shared/reference/ngpc.md), and bad
// configs that exit 2 at their field.
#include <gtest/gtest.h>

#include <cmath>

#include "../support/ConfigTextEdits.h"
#include "ModelTestSupport.h"
#include "arch/ngpc/GridBanks.h"
#include "arch/ngpc/NgpcModel.h"
#include "base/InputError.h"
#include "base/TextProtoFile.h"

namespace cascade::arch::ngpc {
namespace {

using cascade::testing_support::replaced;
using testing_support::source_path;

std::string config_text() { return base::TextProtoFile::read(source_path("configs/arch/ngpc.pbtxt")); }

// The config with `edits` applied, read as if it were configs/arch/ngpc.pbtxt (its GPU beside it).
NgpcModel model_with(const std::string& text) { return NgpcModel(NgpcConfig(text, source_path("configs/arch/ngpc.pbtxt"))); }

sim::Result run(const NgpcModel& m, const std::string& app, const std::map<std::string, uint64_t>& sizes) {
  const auto cascade = workloads::load_workload_file(source_path("workloads/library/neural_graphics/" + app + ".pbtxt"));
  return m.evaluate(cascade, workloads::bind_shapes(cascade, sizes), Fidelity::Analytical);
}

// NeRF at 1000 rays of 10 samples: 10000 queries of the hash grid and the MLPs.
const std::map<std::string, uint64_t> kSmallNerf = {{"P", 1000}, {"S", 10}};

TEST(Ngpc, EnginesCyclesByHand) {
  const auto r = run(model_with(config_text()), "nerf", kSmallNerf);
  // 10000 queries in one batch (of at most 262144), ceil(10000 / 64) = 157 a processor. Hash grid:
  // 16 levels on 16 engines, each 157 lookups of 8 corners on 8 banks (one cycle each): 157
  // cycles; beside them the SH unit, one direction a cycle: 157. MLPs: density 32 -> 64 -> 16 and
  // color (16 + 16) -> 64 -> 64 -> 16 are 5 passes of the 64 x 64 array: 5 x 157 cycles. At 1 GHz.
  EXPECT_EQ(r.stats.at("batches"), 1);
  EXPECT_NEAR(r.stats.at("encoding_seconds"), 157e-9, 1e-15);
  EXPECT_EQ(r.busy_cycles.at("encoding_engines"), 157);
  EXPECT_EQ(r.busy_cycles.at("sh_unit"), 157);
  EXPECT_NEAR(r.stats.at("mlp_seconds"), 5 * 157e-9, 1e-15);
  // The port: ALL_HIT loads the table once, before the batch: 6098120 entries x 4 bytes over the
  // RTX 3090's 936 GB/s, 936 bytes a cycle: ceil(24392480 / 936) = 26061 cycles; then the batch's
  // positions and directions in (2 x 10000 x 12 bytes) and the density and color outputs back (2 x
  // 10000 x 16 x 2 bytes): ceil(880000 / 936) = 941 cycles.
  EXPECT_EQ(r.busy_cycles.at("l2_port"), 26061 + 941);
  const double stages = r.busy_cycles.at("l2_port") + r.busy_cycles.at("encoding_engines") +
                        r.busy_cycles.at("mlp_engine") + r.busy_cycles.at("gpu");
  // One batch: the frame is the load and the four stages one after another.
  EXPECT_EQ(static_cast<double>(r.cycles), stages);
}

TEST(Ngpc, BatchesPipelineThroughTheStages) {
  // NeRF at 20000 rays of 16 samples: 320000 queries, 2 batches of 160000 (2500 a processor):
  // load + sum of the stages + (2 - 1) x the longest stage; SERIAL: load + 2 x the sum.
  const auto m = model_with(config_text());
  const auto r = run(m, "nerf", {{"P", 20000}});
  EXPECT_EQ(r.stats.at("batches"), 2);
  EXPECT_NEAR(r.stats.at("encoding_seconds"), 2 * 2500 * 1e-9, 1e-15);
  EXPECT_NEAR(r.stats.at("mlp_seconds"), 2 * 5 * 2500 * 1e-9, 1e-15);
  const auto serial = run(model_with(replaced(config_text(), "overlap: PIPELINED", "overlap: SERIAL")), "nerf", {{"P", 20000}});
  const double load = 26061, per_batch = (static_cast<double>(serial.cycles) - load) / 2;
  const double longest = std::max({r.busy_cycles.at("encoding_engines") / 2, r.busy_cycles.at("mlp_engine") / 2,
                                   r.busy_cycles.at("gpu") / 2, (r.busy_cycles.at("l2_port") - load) / 2});
  EXPECT_NEAR(static_cast<double>(r.cycles), load + per_batch + longest, 1);
}

TEST(Ngpc, CycleFidelityAgreesWithTheAnalytical) {
  // The SystemC pipeline of batches (sim/engine: a thread per engine, the SH unit, the MLP engine,
  // the port and the GPU) against the closed form, on every application at 1080p and 4K, at two
  // scales, and with 4 engines for 16 levels and index-modulo banks, and serial: within 2%.
  const std::vector<std::pair<std::string, std::string>> variants = {
      {"", ""}, {"encoding {\n  engines: 16", "encoding {\n  bank_mapping: INDEX_MODULO engines: 4"},
      {"overlap: PIPELINED", "overlap: SERIAL"}};
  for (const auto& [from, to] : variants)
    for (const char* app : {"nerf", "nsdf", "nvr", "gia"})
      for (int n : {8, 64})
        for (uint64_t pixels : {uint64_t{1920} * 1080, uint64_t{3840} * 2160}) {
          std::string text = replaced(config_text(), "processors: 64", "processors: " + std::to_string(n));
          if (!from.empty()) text = replaced(text, from, to);
          const auto m = model_with(text);
          const auto cascade =
              workloads::load_workload_file(source_path(std::string("workloads/library/neural_graphics/") + app + ".pbtxt"));
          const auto sizes = workloads::bind_shapes(cascade, {{"P", pixels}});
          const auto a = m.evaluate(cascade, sizes, Fidelity::Analytical), c = m.evaluate(cascade, sizes, Fidelity::Cycle);
          EXPECT_NEAR(static_cast<double>(c.cycles), static_cast<double>(a.cycles), 0.02 * static_cast<double>(a.cycles))
              << app << " N = " << n << " P = " << pixels << " " << to;
          // With the shipped config, batches past the first few repeat: fast-forwarded.
          if (c.stats.at("rounds") > 20 && from.empty()) {
            EXPECT_LT(c.stats.at("rounds_simulated"), c.stats.at("rounds")) << app << " N = " << n << " " << to;
          }
        }
}

TEST(Ngpc, IndexModuloBanksConflictAsDerived) {
  // NeRF's hash grid on 8 banks by index modulo 8. Level 0 is dense at resolution 16: a cell's
  // corners are i, i+1, i+16, i+17, i+256, i+257, i+272, i+273, which modulo 8 fall in two banks,
  // four each: 4 cycles a lookup, always. Level 15 hashes: x_0 enters the hash with the prime 1, so
  // a corner and its x-neighbour differ in bit 0 of their hash, kept modulo 2^19 and modulo 8: they
  // never share a bank, so no bank holds more than 4 of the 8 corners; and the other primes spread
  // the 4 x-pairs, so some lookups conflict.
  const auto cascade = workloads::load_workload_file(source_path("workloads/library/neural_graphics/nerf.pbtxt"));
  const auto sizes = workloads::bind_shapes(cascade, kSmallNerf);
  const auto op = std::find_if(cascade.operators.begin(), cascade.operators.end(), [](auto& o) { return o.name == "hashgrid"; });
  ASSERT_NE(op, cascade.operators.end());
  const auto grid = workloads::grid_encoding_structure(cascade, op->einsums, sizes);
  ASSERT_TRUE(grid.has_value());
  const auto cycles = index_modulo_lookup_cycles(*grid, 8);
  ASSERT_EQ(cycles.size(), 16u);
  EXPECT_EQ(cycles[0], 4.0);
  EXPECT_GT(cycles[15], 1.0);
  EXPECT_LE(cycles[15], 4.0);
  // Each level has its engine: the encoding lasts as long as its slowest, level 0's engine with 157
  // lookups of 4 cycles: 628 cycles instead of 157.
  const auto parity = run(model_with(config_text()), "nerf", kSmallNerf);
  const auto modulo = run(model_with(replaced(config_text(), "banks: 8", "banks: 8 bank_mapping: INDEX_MODULO")), "nerf", kSmallNerf);
  EXPECT_NEAR(parity.stats.at("encoding_seconds"), 157e-9, 1e-15);
  EXPECT_NEAR(modulo.stats.at("encoding_seconds"), 628e-9, 1e-15);
}

TEST(Ngpc, CapacityModeEqualsAllHitWhenEveryLevelFits) {
  // NeRF's largest level is 2^19 entries x 4 bytes = 2 MiB: with 4 MiB per engine every level fits.
  const std::string big = replaced(config_text(), "grid_sram_bytes: 1048576", "grid_sram_bytes: 4194304");
  const auto all_hit = run(model_with(big), "nerf", kSmallNerf);
  const auto capacity = run(model_with(replaced(big, "grid_sram_mode: ALL_HIT", "grid_sram_mode: CAPACITY")), "nerf", kSmallNerf);
  EXPECT_EQ(capacity.cycles, all_hit.cycles);
  EXPECT_EQ(capacity.traffic("l2", "read"), all_hit.traffic("l2", "read"));
}

TEST(Ngpc, CapacityMissesByHand) {
  // With 1 MiB per engine the 11 hashed levels (2 MiB each) hit half their lookups: each misses
  // 10000 queries x 8 corners x 0.5 sectors of 32 bytes, and loads 1 MiB instead of 2; the 5 dense
  // levels (330952 entries, 1323808 bytes in all) fit.
  const auto all_hit = run(model_with(config_text()), "nerf", kSmallNerf);
  const auto capacity =
      run(model_with(replaced(config_text(), "grid_sram_mode: ALL_HIT", "grid_sram_mode: CAPACITY")), "nerf", kSmallNerf);
  const double hashed = 11, misses = hashed * 10000 * 8 * 0.5 * 32;
  EXPECT_NEAR(all_hit.traffic("l2", "read") - capacity.traffic("l2", "read"),
              hashed * (2097152 - 1048576) - misses, 1e-3);
}

TEST(Ngpc, SpeedupGrowsWithProcessorsUpToTheAmdahlBound) {
  // The frame's rest stays on the GPU at its fused time T_rest / 9.94, so no N beats
  // T_gpu / (T_rest / 9.94); PIPELINED overlaps the two sides, so it is never slower than SERIAL.
  for (const char* app : {"nerf", "nsdf", "nvr", "gia"}) {
    double last = 0;
    for (int n : {8, 16, 32, 64}) {
      const std::string text = replaced(config_text(), "processors: 64", "processors: " + std::to_string(n));
      const auto r = run(model_with(text), app, {{"P", 20000}});
      const double bound = r.stats.at("gpu_baseline_seconds") / (r.stats.at("gpu_rest_seconds") / 9.94);
      EXPECT_NEAR(r.stats.at("amdahl_bound"), bound, bound * 1e-12) << app;
      EXPECT_GE(r.stats.at("speedup"), last) << app << " N = " << n;
      EXPECT_LE(r.stats.at("speedup"), bound) << app << " N = " << n;
      const auto serial = run(model_with(replaced(text, "overlap: PIPELINED", "overlap: SERIAL")), app, {{"P", 20000}});
      EXPECT_LE(serial.stats.at("speedup"), r.stats.at("speedup")) << app;
      last = r.stats.at("speedup");
    }
  }
}

TEST(Ngpc, GridSramScalesItsShareOfTheArea) {
  // 0.9 of a processor's area is its 16 x 1 MiB of grid SRAM: twice the SRAM is 0.1 + 0.9 x 2 = 1.9
  // times the area, half of it 0.55 times.
  const double base = *model_with(config_text()).area_mm2();
  EXPECT_NEAR(*model_with(replaced(config_text(), "grid_sram_bytes: 1048576", "grid_sram_bytes: 2097152")).area_mm2(),
              1.9 * base, 1e-9);
  EXPECT_NEAR(*model_with(replaced(config_text(), "grid_sram_bytes: 1048576", "grid_sram_bytes: 524288")).area_mm2(),
              0.55 * base, 1e-9);
}

TEST(Ngpc, AreaAndPowerLinearInProcessorsAsThePaperReports) {
  // Per processor 0.565% of GA102's 628.4 mm2 and 0.344% of 350 W: NGPC-8 adds 4.52% area and
  // 2.75% power, NGPC-64 36.16% and 22.0% (the paper: 36.18% and 22.06%).
  for (int n : {8, 64}) {
    const auto m = model_with(replaced(config_text(), "processors: 64", "processors: " + std::to_string(n)));
    EXPECT_NEAR(*m.area_mm2() / 628.4, n * 0.00565, 1e-12);
    EXPECT_NEAR(run(m, "gia", {{"P", 1000}}).stats.at("ngpc_power_w") / 350, n * 0.00344, 1e-12);
  }
}

std::string error_of(const std::string& text, const std::string& app = "") {
  try {
    const NgpcModel m = model_with(text);
    if (!app.empty()) run(m, app, kSmallNerf);
  } catch (const base::InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(Ngpc, BadConfigsNameTheirField) {
  const std::string file = source_path("configs/arch/ngpc.pbtxt");
  EXPECT_EQ(error_of(replaced(config_text(), "processors: 64", "processors: 0")),
            file + ":8:1: error: processors must be 1 to 4096, found 0");
  EXPECT_EQ(error_of(replaced(config_text(), "mlp { rows: 64", "mlp { rows: 0")),
            file + ":15:7: error: mlp.rows must be 1 to 4096, found 0");
  // An SRAM that holds no entry of the table (2 features x 2 bytes), in CAPACITY mode and in
  // ALL_HIT mode (where every lookup still reads an entry out of it).
  EXPECT_EQ(error_of(replaced(replaced(config_text(), "grid_sram_bytes: 1048576", "grid_sram_bytes: 2"), "grid_sram_mode: ALL_HIT",
                          "grid_sram_mode: CAPACITY"),
                     "nerf"),
            file + ":12:3: error: encoding.grid_sram_bytes: 2 bytes hold no entry of 'hashgrid' (4 bytes)");
  EXPECT_EQ(error_of(replaced(config_text(), "grid_sram_bytes: 1048576", "grid_sram_bytes: 1"), "nerf"),
            file + ":12:3: error: encoding.grid_sram_bytes: 1 bytes hold no entry of 'hashgrid' (4 bytes)");
  const std::string missing = error_of(replaced(config_text(), "gpu/rtx3090.pbtxt", "gpu/none.pbtxt"));
  EXPECT_EQ(missing.find(file + ":7:1: error: gpu: "), 0u) << missing;
  EXPECT_EQ(error_of(replaced(config_text(), "clock_hz: 1e9", "clock_hz: 0")), file + ":9:1: error: clock_hz must be above 0");
}

}  // namespace
}  // namespace cascade::arch::ngpc
