// The spatial arrays' area model (arch/spatial/AreaModel.h) against the FuseMax artifact's numbers
// (docs/fusemax-model.md Sec. 1): its 2D array area at 256 x 256 PEs, CACTI's 32 MiB buffer, and
// the shipped config's total derived by hand; bad area entries are errors at their line.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "arch/ArchTemplate.h"
#include "base/InputError.h"
#include "base/TextProtoFile.h"

namespace cascade::arch {
namespace {

const std::string kFuseMax = std::string(CASCADE_SOURCE_DIR) + "/configs/arch/fusemax_cloud.pbtxt";

double area_of(const ArchTemplate& t, const std::vector<std::pair<std::string, std::string>>& overrides = {}) {
  return t.instantiate(overrides)->area_mm2().value();
}

TEST(AreaModel, FuseMaxCloudByHand) {
  const ArchTemplate fusemax(base::TextProtoFile::read(kFuseMax), kFuseMax);
  // 2D: 65536 PEs x (mac 1545 + max 49.28944 + 12 words x 178.7852722) um2; 1D: 256 PEs x
  // (divide 23740.9375 + exp 8240); buffer 16 MiB x 2.8066711 um2/B.
  const double expected_um2 = 65536 * (1545 + 49.28944 + 12 * 178.7852722) + 256 * (23740.9375 + 8240) +
                              16777216 * 2.8066711;
  EXPECT_NEAR(area_of(fusemax), expected_um2 * 1e-6, 1e-9);
  EXPECT_NEAR(area_of(fusemax), 300.361, 0.001);
}

TEST(AreaModel, ReproducesTheArtifactsArrayAndBuffer) {
  const ArchTemplate fusemax(base::TextProtoFile::read(kFuseMax), kFuseMax);
  // Half the rows is half the 2D array: the artifact's pareto.csv gives 245,085,811.9168 um2 for
  // FuseMax's whole 256 x 256 array.
  const double half_array = area_of(fusemax) - area_of(fusemax, {{"array2d.rows", "128"}});
  EXPECT_NEAR(half_array, 245.0858119168 / 2, 1e-6);
  // 16 MiB more buffer is half of CACTI's 32 MiB buffer, 94,176,255.9664 um2.
  const double more_buffer = area_of(fusemax, {{"global_buffer.capacity_bytes", "33554432"}}) - area_of(fusemax);
  EXPECT_NEAR(more_buffer, 94.1762559664 / 2, 1e-5);
  // Deeper register files grow every 2D PE: 4 more words x 65536 PEs x 178.7852722 um2.
  EXPECT_NEAR(area_of(fusemax, {{"array2d.register_file_depth", "16"}}) - area_of(fusemax),
              4 * 65536 * 178.7852722e-6, 1e-9);
}

TEST(AreaModel, BadEntriesAreErrorsAtTheirLine) {
  const std::string base = base::TextProtoFile::read(kFuseMax);
  const auto error_of = [&](const std::string& extra) {
    try {
      ArchTemplate(base + extra, kFuseMax);
    } catch (const base::InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const int line = static_cast<int>(std::count(base.begin(), base.end(), '\n')) + 1;
  EXPECT_EQ(error_of("area { component: \"array3d.mac\" square_um: 1 }\n"),
            kFuseMax + ":" + std::to_string(line) + ":8: error: area: unknown component 'array3d.mac' (array2d.<unit>, "
                       "array1d.<unit> per PE; regfile2d, regfile1d per word; global_buffer per byte)");
  EXPECT_EQ(error_of("area { component: \"regfile1d\" square_um: -1 }\n"),
            kFuseMax + ":" + std::to_string(line) + ":31: error: area.square_um: -1 is not a finite number of at least 0");
}

TEST(AreaModel, TheGpuHasNone) {
  const std::string h100 = std::string(CASCADE_SOURCE_DIR) + "/configs/arch/gpu/h100_sxm.calibrated.pbtxt";
  EXPECT_FALSE(ArchTemplate(base::TextProtoFile::read(h100), h100).instantiate({})->area_mm2().has_value());
}

}  // namespace
}  // namespace cascade::arch
