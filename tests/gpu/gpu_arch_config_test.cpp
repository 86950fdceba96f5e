// The GPU configs: every shipped config loads, its SM limits are its compute capability's row of
// compute_capabilities.pbtxt, and bad configs are reported at the field.
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <regex>
#include <sstream>
#include <tuple>
#include <vector>

#include "../base/TempFolder.h"
#include "GpuTestSupport.h"
#include "../support/ConfigTextEdits.h"
#include "base/Csv.h"
#include "base/InputError.h"
#include "base/InputFile.h"

namespace cascade::arch::gpu {
namespace {

using testing_support::compute_capabilities;
using testing_support::gpu_config;
using testing_support::source_path;

TEST(GpuArchConfig, ComputeCapabilityTableHasTheSupportedSix) {
  EXPECT_EQ(compute_capabilities().names(),
            (std::vector<std::string>{"7.0", "7.5", "8.0", "8.6", "8.9", "9.0"}));
}

TEST(GpuArchConfig, ShippedConfigsUseTheirComputeCapabilityRow) {
  const std::pair<const char*, const char*> expected[] = {
      {"h100_sxm", "9.0"}, {"h200", "9.0"}, {"a100_sxm", "8.0"}, {"rtx4090", "8.9"},
      {"rtx3090", "8.6"}};
  for (const auto& [name, cc] : expected) {
    SCOPED_TRACE(name);
    const GpuArchConfig config = gpu_config(name);
    EXPECT_EQ(config.proto().name(), name);
    EXPECT_EQ(compute_capability_name(config.proto().compute_capability()), cc);
    config::SmLimits mine = config.proto().limits();
    config::SmLimits row = compute_capabilities().limits(config.proto().compute_capability().major(),
                                                         config.proto().compute_capability().minor());
    mine.clear_source();
    row.clear_source();
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(mine, row))
        << mine.DebugString() << "\nvs the table's\n" << row.DebugString();
  }
}

TEST(GpuArchConfig, H100Numbers) {
  const GpuArchConfig config = gpu_config("h100_sxm");  // kept alive: proto() refers into it
  const config::GpuArch& h100 = config.proto();
  EXPECT_EQ(h100.sm_count(), 132u);
  EXPECT_EQ(h100.limits().shared_memory_per_sm_bytes(), 233472u);
  EXPECT_EQ(h100.limits().shared_memory_per_block_optin_bytes(), 232448u);
  EXPECT_DOUBLE_EQ(h100.power().tdp_watts(), 700);
  // 132 SMs x 128 FP32 lanes x 1.98 GHz.
  EXPECT_NEAR(h100.peak().fp32_fma_per_second(), 132 * 128 * 1.98e9, 1e10);
  EXPECT_EQ(config.label(), "h100_sxm (cc 9.0)");
}

// Each FP32 (SIMT) tile's instructions, read from Nsight Compute on the H200 (the same die and
// cuBLAS as the H100's configs): a thread issues its main loop's FFMAs at the loop's FFMA share
// (peak_fraction) and tile_instructions_per_thread more per tile, so over the launches of the tile
// its instructions a thread (smsp__inst_executed.sum x 32 / threads launched) lie on a line against
// its FFMAs a thread (smsp__sass_thread_inst_executed_op_ffma_pred_on.sum / threads launched) of
// slope 1 / peak_fraction and intercept tile_instructions_per_thread: the least-squares line where
// the tile ran at least two shapes; where it ran one, the line through that launch with the config's
// loop share. cuBLAS names its column-major tile M x N; here it is N x M (tile_m is cuBLAS's N).
TEST(GpuArchConfig, SimtTilesIssueTheirMeasuredInstructions) {
  std::istringstream ncu(base::read_input_file(source_path("validation/traces/h200/ncu_kernels.csv"), 1 << 24));
  std::string line;
  std::vector<std::string> header;
  // (tile_m, tile_n) -> each launch's (FFMAs, instructions) a thread.
  std::map<std::pair<uint32_t, uint32_t>, std::vector<std::pair<double, double>>> launches;
  const std::regex tile(R"(sm80_xmma_gemm_f32f32_.*_tilesize(\d+)x(\d+)x8_.*_execute_kernel)");
  const auto number = [](std::string cell) {
    cell.erase(std::remove(cell.begin(), cell.end(), ','), cell.end());
    return std::stod(cell);
  };
  while (std::getline(ncu, line)) {
    if (line.empty() || line[0] != '"') continue;
    const auto cells = base::split_csv_line(line).cells;
    if (header.empty()) {
      header = cells;
      continue;
    }
    const auto at = [&](const std::string& name) {
      const auto it = std::find(header.begin(), header.end(), name);
      EXPECT_NE(it, header.end()) << name;
      return cells.at(static_cast<size_t>(it - header.begin()));
    };
    std::smatch m;
    const std::string name = at("Kernel Name");
    if (!std::regex_search(name, m, tile)) continue;
    const double threads = number(at("launch__grid_size")) * number(at("launch__block_size"));
    launches[{static_cast<uint32_t>(std::stoul(m[2])), static_cast<uint32_t>(std::stoul(m[1]))}].push_back(
        {number(at("smsp__sass_thread_inst_executed_op_ffma_pred_on.sum")) / threads,
         number(at("smsp__inst_executed.sum")) * 32 / threads});
  }
  for (const char* gpu : {"h100_sxm", "h200"}) {
    const GpuArchConfig config = gpu_config(gpu);
    int simt_tiles = 0;
    for (const auto& t : config.proto().gemm_tile()) {
      if (t.dtype() != "fp32") continue;
      ++simt_tiles;
      const auto measured = launches.find({t.tile_m(), t.tile_n()});
      ASSERT_NE(measured, launches.end()) << gpu << ": no cuBLAS kernel of tile " << t.tile_m() << "x" << t.tile_n();
      const auto& points = measured->second;
      const std::string which = std::string(gpu) + " " + std::to_string(t.tile_m()) + "x" + std::to_string(t.tile_n());
      if (points.size() == 1) {
        const auto [ffma, instructions] = points.front();
        EXPECT_NEAR(ffma / (ffma / t.peak_fraction() + t.tile_instructions_per_thread()), ffma / instructions, 0.0005)
            << which;
        continue;
      }
      double sx = 0, sy = 0, sxx = 0, sxy = 0;
      for (const auto& [x, y] : points) sx += x, sy += y, sxx += x * x, sxy += x * y;
      const double n = static_cast<double>(points.size());
      const double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx), intercept = (sy - slope * sx) / n;
      // The configs write the share to three decimals and the instructions whole.
      EXPECT_NEAR(t.peak_fraction(), 1 / slope, 0.0005) << which;
      EXPECT_NEAR(t.tile_instructions_per_thread(), intercept, 0.5) << which;
    }
    EXPECT_EQ(simt_tiles, 7) << gpu;
  }
}

TEST(GpuArchConfig, Rtx3090Numbers) {
  // The datasheet values (NVIDIA Ampere GA102 whitepaper v2.0, appendix A, GeForce RTX 3090).
  const GpuArchConfig config = gpu_config("rtx3090");  // kept alive: proto() refers into it
  const config::GpuArch& rtx3090 = config.proto();
  EXPECT_EQ(rtx3090.sm_count(), 82u);                                         // 82 SMs
  EXPECT_DOUBLE_EQ(rtx3090.memory().dram_bandwidth_bytes_per_second(), 936e9);  // 936 GB/s
  EXPECT_DOUBLE_EQ(rtx3090.clocks().memory_data_rate_mtps() * 1e6 * 384 / 8, 936e9);  // 19.5 Gbps x 384 bits
  EXPECT_EQ(rtx3090.memory().l2_bytes(), 6144u * 1024);                       // 6144 KB L2
  EXPECT_DOUBLE_EQ(rtx3090.power().tdp_watts(), 350);                          // 350 W
  // cc 8.6's SM limits (CUDA programming guide): 1536 threads, 16 blocks, 100 KB shared memory per
  // SM, 99 KB per block with opt-in.
  EXPECT_EQ(rtx3090.limits().max_threads_per_sm(), 1536u);
  EXPECT_EQ(rtx3090.limits().max_blocks_per_sm(), 16u);
  EXPECT_EQ(rtx3090.limits().shared_memory_per_sm_bytes(), 100u * 1024);
  EXPECT_EQ(rtx3090.limits().shared_memory_per_block_optin_bytes(), 99u * 1024);
  EXPECT_EQ(config.label(), "rtx3090 (cc 8.6)");
}

TEST(GpuArchConfig, UnknownComputeCapability) {
  try {
    compute_capabilities().limits(6, 1);
    ADD_FAILURE() << "accepted";
  } catch (const base::InputError& e) {
    EXPECT_EQ(e.message(), "no compute capability 6.1 (known: 7.0, 7.5, 8.0, 8.6, 8.9, 9.0)");
  }
}

std::string h100_text() {
  return cascade::testing_support::self_contained_gpu(source_path("configs/arch/gpu/h100_sxm.pbtxt"));
}
using cascade::testing_support::replaced;
using cascade::testing_support::where;

std::string error_of(const std::string& text) {
  try {
    GpuArchConfig config(text, "bad.pbtxt");
  } catch (const base::InputError& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(GpuArchConfig, WarpsDisagreeWithThreads) {
  const std::string text = replaced(h100_text(), "max_warps_per_sm: 64", "max_warps_per_sm: 60");
  EXPECT_EQ(error_of(text), where(text, "max_warps_per_sm: 60") +
                                ": error: limits: max_warps_per_sm 60 disagrees with "
                                "max_threads_per_sm / warp_size = 2048 / 32");
}

TEST(GpuArchConfig, CarveoutsNotAscending) {
  const std::string text = replaced(h100_text(), "[0, 8, 16, 32,", "[0, 16, 8, 32,");
  EXPECT_EQ(error_of(text),
            where(text, "carveout_kb") + ": error: limits: carveout_kb must be strictly ascending");
}

TEST(GpuArchConfig, LargestCarveoutTooSmall) {
  const std::string text = replaced(h100_text(), "196, 228]", "196]");
  EXPECT_EQ(error_of(text), where(text, "carveout_kb") +
                                ": error: limits: the largest carveout, 200704 bytes, must hold "
                                "shared_memory_per_sm_bytes (233472) and the opt-in block with its "
                                "reservation (233472)");
}

TEST(GpuArchConfig, MissingLimit) {
  const std::string text = replaced(h100_text(), "  sub_partitions: 4", "  sub_partitions: 0");
  EXPECT_EQ(error_of(text),
            where(text, "limits {") + ": error: limits: missing or zero field 'sub_partitions'");
}

TEST(GpuArchConfig, UnifiedCacheSmallerThanItsSharedMemory) {
  const std::string text =
      replaced(h100_text(), "unified_cache_per_sm_bytes: 262144", "unified_cache_per_sm_bytes: 131072");
  EXPECT_EQ(error_of(text), where(text, "unified_cache_per_sm_bytes") +
                                ": error: limits: the unified data cache (131072 bytes) is smaller than the shared "
                                "memory carved from it (shared_memory_per_sm_bytes 233472)");
}

TEST(GpuArchConfig, UnknownTensorType) {
  const std::string text = replaced(h100_text(), "key: \"fp8\"", "key: \"fp4\"");
  EXPECT_EQ(error_of(text), where(text, "tensor_flops_per_second") +
                                ": error: peak: unknown tensor data type 'fp4' (known: bf16, fp16, "
                                "tf32, fp8)");
}

TEST(GpuArchConfig, MeaninglessNumbers) {
  // NaN, infinities and negative numbers where they stand; counts beyond any GPU's (the occupancy
  // calculator's int arithmetic would overflow); fractions of a peak above 1.
  for (const auto& [from, to, message] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"dram_latency_ns: 500", "dram_latency_ns: inf", "timing.dram_latency_ns: inf is not a finite number of at least 0"},
           {"dram_latency_ns: 500", "dram_latency_ns: 0", "timing: dram_latency_ns must be positive"},
           {"l2_lone_sector_bytes: 96", "l2_lone_sector_bytes: 16",
            "timing: l2_lone_sector_bytes must be 0 or 32 to 4096"},
           {"dram_lone_sector_bytes: 122", "dram_lone_sector_bytes: 1e9",
            "timing: dram_lone_sector_bytes must be 0 or 64 to 4096"},
           {"tile_instructions_per_thread: 739", "tile_instructions_per_thread: 1e10",
            "gemm_tile: tile_instructions_per_thread: more than 10^9"},
           {"tile_instructions_per_thread: 739", "tile_instructions_per_thread: -1",
            "gemm_tile.tile_instructions_per_thread: -1 is not a finite number of at least 0"},
           {"split_k_min_depth: 1024", "split_k_min_depth: 1048577", "gemm_tile: split_k_min_depth: more than 2^20"},
           {"issue_knee_exponent: 4", "issue_knee_exponent: 17",
            "timing: issue_knee_exponent must be 0 (the hard knee) to 16"},
           {"issue_knee_exponent: 4", "issue_knee_exponent: nan",
            "timing.issue_knee_exponent: nan is not a finite number of at least 0"},
           {"launch_overhead_us: 5.06", "launch_overhead_us: -5", "timing.launch_overhead_us: -5 is not a finite number of at least 0"},
           {"sm_count: 132", "sm_count: 4294967295", "sm_count of 4294967295 is above 4096"},
           {"max_blocks_per_sm: 32", "max_blocks_per_sm: 2147483648", "limits: max_blocks_per_sm of 2147483648 is above 4096"},
           {"name: \"h100_sxm\"", "name: \"h100\\n!sh\"", "the name has a control character (a newline?)"},
       }) {
    const std::string text = replaced(h100_text(), from, to);
    EXPECT_EQ(error_of(text), where(text, to) + ": error: " + message);
  }
}

TEST(GpuArchConfig, UnknownField) {
  const std::string text = replaced(h100_text(), "sm_count: 132", "sm_counts: 132");
  const std::string error = error_of(text);
  EXPECT_EQ(error.substr(0, 13), where(text, "sm_counts").substr(0, 13)) << error;
  EXPECT_NE(error.find("sm_counts"), std::string::npos) << error;
}

}  // namespace
}  // namespace cascade::arch::gpu

namespace cascade::arch::gpu {
namespace {

// A GPU config in a folder with a copy of compute_capabilities.pbtxt: the shipped H100 config with
// `limits` (a block or nothing) in place of its comment on them.
std::string h100_beside_the_table(const base::TempFolder& t, const std::string& limits) {
  t.file("compute_capabilities.pbtxt",
         cascade::testing_support::file_text(source_path("configs/arch/gpu/compute_capabilities.pbtxt")));
  std::string text = cascade::testing_support::file_text(source_path("configs/arch/gpu/h100_sxm.pbtxt"));
  text = cascade::testing_support::replaced(
      text, "# SM limits: the row of compute_capabilities.pbtxt for this compute capability.\n", limits);
  return t.file("g.pbtxt", text);
}

TEST(GpuArchConfig, LimitsComeFromTheTableAndWhatTheConfigWritesReplacesThem) {
  const base::TempFolder t;
  const config::SmLimits& row = compute_capabilities().limits(9, 0);
  // None written: the row, exactly.
  EXPECT_EQ(GpuArchConfig::load(h100_beside_the_table(t, "")).proto().limits().SerializeAsString(),
            row.SerializeAsString());
  EXPECT_TRUE(GpuArchConfig::load(h100_beside_the_table(t, "")).limits_from_table());
  // One written: that one replaced (16 blocks an SM where the row has 32), the rest the row's; a
  // carveout list replaces the row's whole list.
  const GpuArchConfig some =
      GpuArchConfig::load(h100_beside_the_table(t, "limits { max_blocks_per_sm: 16 carveout_kb: [0, 228] }\n"));
  EXPECT_EQ(some.proto().limits().max_blocks_per_sm(), 16u);
  EXPECT_EQ(some.proto().limits().max_threads_per_sm(), row.max_threads_per_sm());
  EXPECT_EQ(some.proto().limits().carveout_kb_size(), 2);
  EXPECT_FALSE(some.limits_from_table());
  // A zero written is a zero, not "take the row's" (and so an error).
  const std::string zero = h100_beside_the_table(t, "limits { sub_partitions: 0 }\n");
  try {
    GpuArchConfig::load(zero);
    ADD_FAILURE() << "accepted";
  } catch (const base::InputError& e) {
    EXPECT_EQ(e.message(), "limits: missing or zero field 'sub_partitions'");
  }
}

TEST(GpuArchConfig, NoLimitsAndNoTableIsAnError) {
  const base::TempFolder t;
  const std::string text = cascade::testing_support::file_text(source_path("configs/arch/gpu/h100_sxm.pbtxt"));
  const std::string alone = t.file("g.pbtxt", text);
  try {
    GpuArchConfig::load(alone);
    ADD_FAILURE() << "accepted";
  } catch (const base::InputError& e) {
    EXPECT_EQ(e.message(), "no limits, and no compute_capabilities.pbtxt beside the config to take them from (" +
                               t.path("compute_capabilities.pbtxt") + ")");
  }
}

// A product beside the shipped configs (configs/arch/gpu/), given as text: its family config is
// found there.
GpuArchConfig product(const std::string& text) {
  return GpuArchConfig(text, source_path("configs/arch/gpu/product.pbtxt"));
}
std::string h200_text() { return cascade::testing_support::file_text(source_path("configs/arch/gpu/h200.pbtxt")); }

TEST(GpuArchConfig, AProductTakesWhatItsCalibratedFamilyFitted) {
  // h200.pbtxt: the datasheet's and measured numbers, everything fitted the H100's calibration's.
  const GpuArchConfig h200 = gpu_config("h200"), h100 = gpu_config("h100_sxm.calibrated");
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(h200.proto().timing(), h100.proto().timing()));
  // L2 grows with its slices: 60 MiB against the H100's 50 MiB at the same clock, 1.2 times the rate
  // (Nsight Compute counts 94 of the H200's slices looking up a tag a clock each at 1.707 GHz,
  // 1.60e11 a second: validation/traces/h200/memory_probe_gather_ncu.csv).
  EXPECT_DOUBLE_EQ(h200.proto().memory().l2_bandwidth_bytes_per_second(),
                   h100.proto().memory().l2_bandwidth_bytes_per_second() * 62914560 / 52428800);
  EXPECT_DOUBLE_EQ(h200.proto().memory().dram_bandwidth_bytes_per_second(), 4.8e12);
  EXPECT_EQ(h200.proto().memory().l2_bytes(), 62914560u);
  EXPECT_DOUBLE_EQ(h200.proto().power().idle_watts(), 130.3);
  EXPECT_TRUE(h200.proto().calibrated_family().empty());  // merged: the proto is complete
  EXPECT_EQ(h200.family_file(), source_path("configs/arch/gpu/h100_sxm.calibrated.pbtxt"));
  // It lists no GEMM tile and writes no mapping: the family's (the same cuBLAS and cuDNN kernels).
  ASSERT_EQ(h200.proto().gemm_tile_size(), h100.proto().gemm_tile_size());
  for (int i = 0; i < h100.proto().gemm_tile_size(); ++i)
    EXPECT_TRUE(
        google::protobuf::util::MessageDifferencer::Equals(h200.proto().gemm_tile(i), h100.proto().gemm_tile(i)));
  EXPECT_EQ(h200.proto().mapping().attention_family(), "flash_attention_3");
  // A product that lists tiles or writes a mapping keeps its own.
  const GpuArchConfig own =
      product(h200_text() + "gemm_tile { dtype: \"bf16\" tile_m: 64 tile_n: 64 threads: 128 tensor_cores: true }\n" +
              "mapping { attention_family: \"flash_attention_2\" }\n");
  ASSERT_EQ(own.proto().gemm_tile_size(), 1);
  EXPECT_EQ(own.proto().gemm_tile(0).tile_m(), 64u);
  EXPECT_EQ(own.proto().mapping().attention_family(), "flash_attention_2");
  // Half the L2 at half the clock: a quarter of the H100's L2 bandwidth (per byte of L2 and clock,
  // the family's); half the SMs change nothing of it. A timing field the product writes is its own,
  // the others the family's.
  const GpuArchConfig half =
      product(replaced(replaced(replaced(replaced(h200_text(), "sm_count: 132", "sm_count: 66"),
                                        "l2_bytes: 62914560", "l2_bytes: 26214400"),
                                "sm_boost_mhz: 1980", "sm_boost_mhz: 990"),
                       "sm_base_mhz: 1590", "sm_base_mhz: 800") +
              "timing { launch_overhead_us: 9 }\n");
  EXPECT_DOUBLE_EQ(half.proto().memory().l2_bandwidth_bytes_per_second(),
                   h100.proto().memory().l2_bandwidth_bytes_per_second() / 4);
  EXPECT_DOUBLE_EQ(half.proto().timing().launch_overhead_us(), 9);
  EXPECT_DOUBLE_EQ(half.proto().timing().dram_latency_ns(), h100.proto().timing().dram_latency_ns());
  EXPECT_EQ(half.proto().timing().kernel_family_efficiency_size(),
            h100.proto().timing().kernel_family_efficiency_size());
}

TEST(GpuArchConfig, BadCalibratedFamilies) {
  const auto error = [](const std::string& text) -> std::string {
    try {
      product(text);
    } catch (const base::InputError& e) {
      return e.message();
    }
    return "(accepted)";
  };
  const std::string family = "calibrated_family: \"h100_sxm.calibrated\"";
  EXPECT_EQ(error(replaced(h200_text(), family, "calibrated_family: \"../gpu/h100_sxm\"")),
            "calibrated_family: a config's name beside this one (e.g. \"h100_sxm.calibrated\"), found "
            "'../gpu/h100_sxm'");
  EXPECT_EQ(error(replaced(h200_text(), family, "calibrated_family: \"b200\"")),
            "calibrated_family: no config " + source_path("configs/arch/gpu/b200.pbtxt"));
  // A family names no family of its own: h200 takes the H100's.
  EXPECT_EQ(error(replaced(h200_text(), family, "calibrated_family: \"h200\"")),
            "calibrated_family: " + source_path("configs/arch/gpu/h200.pbtxt") +
                " names a family itself; name the calibrated config it names");
  // A family is one architecture's: the A100 (cc 8.0) is not a Hopper.
  const std::string a100 = cascade::testing_support::file_text(source_path("configs/arch/gpu/a100_sxm.pbtxt"));
  EXPECT_EQ(error(a100 + family + "\n"),
            "calibrated_family: h100_sxm (cc 9.0) is of another compute capability than 8.0: a family is one "
            "architecture's");
}

}  // namespace
}  // namespace cascade::arch::gpu
