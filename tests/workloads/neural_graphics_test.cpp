// The neural-graphics blocks and the four applications of the NGPC paper: operation counts and
// bytes per query of each encoding, the grids' table sizes and the MLPs' MACs, derived by hand from
// tiny-cuda-nn's layout and instant-ngp's configurations (../shared/reference/ngpc.md section 2.5).
#include <gtest/gtest.h>

#include <map>

#include "../support/ConfigTextEdits.h"
#include "LibraryFiles.h"
#include "WorkloadTestSupport.h"
#include "base/TextProtoFile.h"

namespace cascade::workloads {
namespace {

using cascade::testing_support::replaced;
using testing_support::error_of;
using testing_support::library_file;
using testing_support::tensor_named;

std::string app_text(const std::string& app) {
  return base::TextProtoFile::read(library_file("neural_graphics/" + app + ".pbtxt"));
}

// The operation counts of the Einsums whose output starts with `prefix` (a block's tensors) or is
// one of `also`, summed by kind.
std::map<std::string, uint64_t> ops_of(const config::WorkloadReport& r, const std::string& prefix,
                                       const std::vector<std::string>& also = {}) {
  std::map<std::string, uint64_t> ops;
  for (const auto& e : r.einsum()) {
    const bool in = e.name().rfind(prefix, 0) == 0 || std::find(also.begin(), also.end(), e.name()) != also.end();
    if (in)
      for (const auto& o : e.ops()) ops[o.kind()] += o.count();
  }
  return ops;
}

// Small sizes so the per-query arithmetic is plain: NeRF with 100 rays of 10 samples.
constexpr uint64_t kRays = 100, kSamples = 10, kQueries = kRays * kSamples;

config::WorkloadReport nerf(const std::string& text) {
  return analyze_workload(parse_workload_text(text, "nerf"), {{"P", kRays}, {"S", kSamples}});
}

TEST(NeuralGraphics, HashGridCountsPerQueryByHand) {
  const auto r = nerf(app_text("nerf"));
  const auto ops = ops_of(r, "hashgrid_", {"ENC"});
  // Per query and level (d = 3, 2^3 = 8 corners, F = 2):
  //   position: scale x + 0.5 (3 mul, 3 add), floor and frac of each coordinate (3 + 3);
  //   corners: cell + offset (24 add); hash: coordinate x prime and their xor (24 mul, 24 xor);
  //   mod the level's size (8); weights: o w + (1 - o)(1 - w) per corner and dimension (48 mul,
  //   24 add, 3 sub of 1 - w; 1 - o once for the 24 (corner, dimension) pairs), the product of
  //   three factors per corner (16 mul); interpolation: 8 corners x 2 features MACs and gathers.
  const uint64_t ql = kQueries * 16;
  EXPECT_EQ(ops.at("mul"), ql * (3 + 24 + 48 + 16));
  EXPECT_EQ(ops.at("add"), ql * (3 + 24 + 24));
  EXPECT_EQ(ops.at("sub"), ql * 3 + 24);
  EXPECT_EQ(ops.at("floor"), ql * 3);
  EXPECT_EQ(ops.at("frac"), ql * 3);
  EXPECT_EQ(ops.at("xor"), ql * 24);
  EXPECT_EQ(ops.at("mod"), ql * 8);
  EXPECT_EQ(ops.at("mac"), ql * 16);
  EXPECT_EQ(ops.at("gather"), ql * 16);
  EXPECT_EQ(ops.size(), 9u);
  // Bytes per query: 3 FP32 coordinates in, 16 levels x 2 FP16 features out, and the gathers'
  // 16 x 8 x 2 FP16 values (512 B) from the tables.
  EXPECT_EQ(tensor_named(r, "X").bytes(), kQueries * 12);
  EXPECT_EQ(tensor_named(r, "ENC").bytes(), kQueries * 64);
  EXPECT_EQ(ops.at("gather") * 2, kQueries * 512);
}

TEST(NeuralGraphics, NerfHashTableIsTcnnsLayout) {
  // tcnn grid.h with N_min = 16, b = 1.3819: res_l = ceil(16 b^l - 1) + 1 = 16, 23, 31, 43, 59 for
  // levels 0-4, next_multiple(res^3, 8) = 4096, 12168, 29792, 79512, 205384 entries; level 5 has 81^3
  // = 531441 > 2^19 vertices, so levels 5-15 hash into 2^19 each: 330952 + 11 x 524288 = 6098120
  // entries of 2 FP16 features (23.3 MiB, ngpc.md section 2.5).
  const auto r = nerf(app_text("nerf"));
  EXPECT_EQ(tensor_named(r, "hashgrid_GRID").elements(), 6098120u * 2);
  EXPECT_EQ(tensor_named(r, "hashgrid_GRID").bytes(), 6098120u * 4);
  // 1000 queries x 8 corners = 8000 lookups per level touch at most min(entries, 8000) of each:
  // 4096 of level 0, 8000 of each of the other 15.
  EXPECT_EQ(tensor_named(r, "hashgrid_GRID").touched_bytes(), (4096u + 15 * 8000) * 4);
}

TEST(NeuralGraphics, DenseGridsCountAndSizeByHand) {
  // instant-ngp's configs/nerf/densegrid.json: 8 dense levels of 2 features, N_min 16, b = 1.405:
  // res = 16, 23, 32, 45, 63, 88, 124, 173, so 4096 + 12168 + 32768 + 91128 + 250048 + 681472 +
  // 1906624 + 5177720 = 8156024 entries (31.1 MiB of FP16 pairs, ngpc.md section 2.5).
  const std::string block = "kind: HASH levels: 16 features: 2\n                log2_table_size: 19 base_resolution: 16 per_level_scale: 1.3819";
  const auto multi = nerf(replaced(app_text("nerf"), block, "kind: DENSE levels: 8 features: 2 base_resolution: 16 per_level_scale: 1.405"));
  EXPECT_EQ(tensor_named(multi, "hashgrid_GRID").elements(), 8156024u * 2);
  // The dense index is a sum of coordinate x stride (24 MACs per query and level) instead of the
  // hash's multiplies and xors; the interpolation's 16 MACs stay.
  const auto ops = ops_of(multi, "hashgrid_", {"ENC"});
  const uint64_t ql = kQueries * 8;
  EXPECT_EQ(ops.at("mac"), ql * (24 + 16));
  EXPECT_EQ(ops.at("mul"), ql * (3 + 48 + 16));
  EXPECT_EQ(ops.count("xor"), 0u);
  // densegrid_1res.json: 2 levels of 8 features at 128^3 (per-level scale 1): 2 x 2097152 entries.
  const auto low = nerf(replaced(app_text("nerf"), block, "kind: DENSE levels: 2 features: 8 base_resolution: 128 per_level_scale: 1"));
  EXPECT_EQ(tensor_named(low, "hashgrid_GRID").elements(), 2u * 2097152 * 8);
  // Both emit 16 features, so NeRF's density network's first layer is 16 x 64 (ngpc.md: 9216
  // MACs per query in all instead of 10240).
  for (const auto* r : {&multi, &low}) {
    const auto density = ops_of(*r, "density_", {"DENS"}), color = ops_of(*r, "color_", {"RGBS"});
    EXPECT_EQ(density.at("mac") + color.at("mac"), kQueries * 9216);
  }
}

TEST(NeuralGraphics, MlpMacsPerQueryAsTheReferenceDerives) {
  // ngpc.md section 2.5 (padded outputs): NeRF = density 32 x 64 + 64 x 16 and color (16 SH + 16
  // density features) x 64 + 64 x 64 + 64 x 16 = 3072 + 7168 = 10240; the others 32 x 64 + 64 x 64
  // + 64 x 16 = 7168. A concatenated input's first layer adds its parts: one add per neuron.
  const auto r = nerf(app_text("nerf"));
  EXPECT_EQ(ops_of(r, "density_", {"DENS"}).at("mac"), kQueries * 3072);
  EXPECT_EQ(ops_of(r, "color_", {"RGBS"}).at("mac"), kQueries * 7168);
  EXPECT_EQ(ops_of(r, "color_", {"RGBS"}).at("add"), kQueries * 64);
  EXPECT_EQ(ops_of(r, "color_", {"RGBS"}).at("relu"), kQueries * 128);
  const std::pair<const char*, const char*> others[] = {{"nsdf", "sdf_"}, {"nvr", "volume_"}, {"gia", "image_"}};
  const std::map<std::string, std::string> outputs = {{"nsdf", "SDF"}, {"nvr", "VOL"}, {"gia", "RGBS"}};
  for (const auto& [app, prefix] : others) {
    // NSDF and NVR: 100 rays x their K steps; GIA one query per pixel.
    const auto report = analyze_workload(load_workload_file(library_file(std::string("neural_graphics/") + app + ".pbtxt")),
                                         {{"P", kRays}});
    const uint64_t steps = std::string(app) == "nsdf" ? 32 : std::string(app) == "nvr" ? 64 : 1;
    EXPECT_EQ(ops_of(report, prefix, {outputs.at(app)}).at("mac"), kRays * steps * 7168) << app;
  }
}

TEST(NeuralGraphics, SphericalHarmonicsCountsByHand) {
  // Degree 4: u = 2 x - 1 (3 mul, 3 sub); powers u^1..u^3 of each coordinate (9 mul); the 20
  // monomials of degree below 4, each a product of three gathered powers (40 mul, 60 gathers); the
  // 16 basis functions, two terms each (32 MACs, 32 gathers).
  const auto ops = ops_of(nerf(app_text("nerf")), "sh_", {"SH"});
  EXPECT_EQ(ops.at("mul"), kQueries * (3 + 9 + 40));
  EXPECT_EQ(ops.at("sub"), kQueries * 3);
  EXPECT_EQ(ops.at("gather"), kQueries * (60 + 32));
  EXPECT_EQ(ops.at("mac"), kQueries * 32);
}

TEST(NeuralGraphics, GigapixelTableIsCappedPerLevel) {
  // GIA: 2D, T = 2^24, N_min 16, b = 1.6466: levels 12-15 (res > 4096) hash into 2^24 entries; the
  // table is 346 MiB (ngpc.md section 2.5: 214-346 MiB by image).
  const auto r = analyze_workload(load_workload_file(library_file("neural_graphics/gia.pbtxt")), {});
  const uint64_t bytes = tensor_named(r, "hashgrid_GRID").bytes();
  EXPECT_GT(bytes, 4u * (uint64_t{1} << 24) * 4);
  EXPECT_EQ(bytes / (1u << 20), 346u);
}

TEST(NeuralGraphics, BadBlocksNameTheirField) {
  const std::string nerf_text = app_text("nerf");
  EXPECT_EQ(error_of(replaced(nerf_text, "levels: 16", "levels: 0")),
            "bad.pbtxt:58:70: error: grid_encoding 'hashgrid': levels must be 1 to 64, found 0");
  EXPECT_EQ(error_of(replaced(nerf_text, "kind: HASH ", "")),
            "bad.pbtxt:58:1: error: grid_encoding 'hashgrid': missing field 'kind' (HASH or DENSE)");
  EXPECT_EQ(error_of(replaced(nerf_text, "input: \"X\"", "input: \"Y\"")),
            "bad.pbtxt:58:34: error: grid_encoding 'hashgrid': reads undeclared tensor 'Y' (declare it with tensor { ... })");
  EXPECT_EQ(error_of(replaced(nerf_text, "per_level_scale: 1.3819", "per_level_scale: 0.5")),
            "bad.pbtxt:59:57: error: grid_encoding 'hashgrid': per_level_scale must be 1 to 64");
  EXPECT_EQ(error_of(replaced(nerf_text, "features: [\"L\", \"F\"]", "features: [\"L\", \"Z\"]")),
            "bad.pbtxt:60:23: error: mlp 'density': input 'ENC' has no rank 'Z'");
  EXPECT_EQ(error_of(replaced(nerf_text, "width: 64 hidden_layers: 1", "width: 0 hidden_layers: 1")),
            "bad.pbtxt:61:7: error: mlp 'density': width must be 1 to 4096, found 0");
  EXPECT_EQ(error_of(replaced(nerf_text, "degree: 4", "degree: 5")),
            "bad.pbtxt:62:52: error: sh_encoding 'sh': degree must be 1 to 4, found 5");
  // The dims must match the input's last rank.
  EXPECT_EQ(error_of(replaced(nerf_text, "kind: HASH levels", "kind: HASH dims: 2 levels")),
            "bad.pbtxt:58:70: error: grid_encoding 'hashgrid': the input's last rank D has 3 positions, not dims = 2");
}

}  // namespace
}  // namespace cascade::workloads
