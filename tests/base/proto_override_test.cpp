// Config fields set by dotted path: nested messages, repeated elements, map entries, every scalar
// type's range, and each kind of bad path or value.
#include <gtest/gtest.h>

#include "base/InputError.h"
#include "base/ProtoOverride.h"
#include "configs/gpu.pb.h"
#include "configs/workload.pb.h"

namespace cascade::base {
namespace {

std::string error_of(google::protobuf::Message& m, const std::string& path, const std::string& value) {
  try {
    set_field_by_path(m, path, value);
  } catch (const InputError& e) {
    return e.message();
  }
  return "(accepted)";
}

TEST(ProtoOverride, SetsNestedRepeatedAndMapFields) {
  config::GpuArch g;
  g.add_gemm_tile()->set_tile_m(128);
  g.add_gemm_tile()->set_tile_m(64);
  set_field_by_path(g, "sm_count", "114");
  set_field_by_path(g, "clocks.sm_boost_mhz", "1755.5");
  set_field_by_path(g, "gemm_tile[1].tile_m", "32");
  set_field_by_path(g, "gemm_tile[0].tensor_cores", "true");
  set_field_by_path(g, "gemm_tile[0].dtype", "bf16");
  set_field_by_path(g, "peak.tensor_flops_per_second[bf16]", "9e14");
  set_field_by_path(g, "peak.tensor_flops_per_second[bf16]", "8e14");  // the same entry again
  EXPECT_EQ(g.sm_count(), 114u);
  EXPECT_DOUBLE_EQ(g.clocks().sm_boost_mhz(), 1755.5);
  EXPECT_EQ(g.gemm_tile(0).tile_m(), 128u);
  EXPECT_EQ(g.gemm_tile(1).tile_m(), 32u);
  EXPECT_TRUE(g.gemm_tile(0).tensor_cores());
  EXPECT_EQ(g.gemm_tile(0).dtype(), "bf16");
  EXPECT_EQ(g.peak().tensor_flops_per_second().size(), 1u);
  EXPECT_DOUBLE_EQ(g.peak().tensor_flops_per_second().at("bf16"), 8e14);
}

TEST(ProtoOverride, RefusesWhatTheSchemaCannotHold) {
  config::GpuArch g;
  g.add_gemm_tile();
  // An unknown field lists the message's fields, so a sweep's author sees the right spelling.
  EXPECT_EQ(error_of(g, "sm_cuont", "1").rfind("'sm_cuont': GpuArch has no field 'sm_cuont' (its fields: name, part, ", 0), 0u);
  EXPECT_NE(error_of(g, "sm_cuont", "1").find(", sm_count, "), std::string::npos);
  EXPECT_EQ(error_of(g, "sm_count", "-1"), "'sm_count': '-1' is not a whole number from 0 to 4294967295");
  EXPECT_EQ(error_of(g, "sm_count", "4294967296"), "'sm_count': '4294967296' is not a whole number from 0 to 4294967295");
  EXPECT_EQ(error_of(g, "sm_count", "1.5"), "'sm_count': '1.5' is not a whole number from 0 to 4294967295");
  EXPECT_EQ(error_of(g, "clocks.sm_boost_mhz", "inf"), "'clocks.sm_boost_mhz': 'inf' is not a finite number");
  EXPECT_EQ(error_of(g, "clocks.sm_boost_mhz", "1e999"), "'clocks.sm_boost_mhz': '1e999' is not a finite number");
  EXPECT_EQ(error_of(g, "gemm_tile[0].tensor_cores", "yes"), "'gemm_tile[0].tensor_cores': 'yes' is not true or false");
  EXPECT_EQ(error_of(g, "gemm_tile[1].tile_m", "1"), "'gemm_tile[1].tile_m': index 1 of 'gemm_tile', which has 1 entries");
  EXPECT_EQ(error_of(g, "gemm_tile.tile_m", "1"), "'gemm_tile.tile_m': 'gemm_tile' is repeated: give an index in brackets, from 0");
  EXPECT_EQ(error_of(g, "clocks", "1"), "'clocks': names a message, not a value: give one of its fields");
  EXPECT_EQ(error_of(g, "sm_count.x", "1"), "'sm_count.x': 'sm_count' is a value: nothing below it");
  EXPECT_EQ(error_of(g, "clocks[0].sm_boost_mhz", "1"), "'clocks[0].sm_boost_mhz': 'clocks' is neither repeated nor a map: no brackets");
  EXPECT_EQ(error_of(g, "peak.tensor_flops_per_second", "1"), "'peak.tensor_flops_per_second': 'tensor_flops_per_second' is a map: give its key in brackets");
  EXPECT_EQ(error_of(g, "clocks..sm_boost_mhz", "1"), "'clocks..sm_boost_mhz': an empty field name (expected names separated by '.')");
  EXPECT_EQ(error_of(g, "gemm_tile[0", "1"), "'gemm_tile[0': a '[' without its ']'");
  EXPECT_EQ(error_of(g, "", "1"), "'': an empty field name (expected names separated by '.')");
  EXPECT_EQ(g.sm_count(), 0u) << "a refused value changes nothing";
}

TEST(ProtoOverride, EnumsByName) {
  config::Workload w;
  w.add_tensor();
  set_field_by_path(w, "tensor[0].type", "BF16");
  EXPECT_EQ(w.tensor(0).type(), config::BF16);
  EXPECT_EQ(error_of(w, "tensor[0].type", "BF17"), "'tensor[0].type': 'BF17' is no value of ElementType");
}

}  // namespace
}  // namespace cascade::base
