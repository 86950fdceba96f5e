// Gathers (an index computed from another tensor: G[l, H[n,l,c], f]), floor, frac, mod, the xor
// reduction and ragged extents (a table per level of a multi-resolution grid): a small 2D hash grid
// whose counts, sizes and touched bytes are derived by hand below.
#include <gtest/gtest.h>

#include "../support/ConfigTextEdits.h"
#include "WorkloadTestSupport.h"
#include "workloads/parser/WorkloadPrinter.h"

namespace cascade::workloads {
namespace {

using cascade::testing_support::replaced;
using testing_support::error_of;
using testing_support::ops_of;
using testing_support::tensor_named;

// N = 10 queries, L = 3 levels, C = 4 corners of a 2D cell, D = 2 dimensions, F = 2 features,
// tables of at most T = 100 entries; the level sizes follow tcnn's layout (grid.h) with a base
// resolution of 4 and a scale of 2 per level.
const std::string kGrid = R"pb(name: "grid2d"
rank { name: "N" size: 10 }
rank { name: "L" size: 3 }
rank { name: "C" size: 4 }
rank { name: "D" size: 2 }
rank { name: "F" size: 2 }
rank { name: "T" size: 100 }
tensor { name: "X" ranks: ["N", "D"] type: FP32 }
tensor { name: "S" ranks: ["L"] type: FP32 }
tensor { name: "LS" ranks: ["L"] type: INT32 }
tensor { name: "CO" ranks: ["C", "D"] type: INT32 }
tensor { name: "PI" ranks: ["D"] type: INT32 }
tensor { name: "PS" ranks: ["N", "L", "D"] type: FP32 }
tensor { name: "PF" ranks: ["N", "L", "D"] type: INT32 }
tensor { name: "PW" ranks: ["N", "L", "D"] type: FP32 }
tensor { name: "CC" ranks: ["N", "L", "C", "D"] type: INT32 }
tensor { name: "H" ranks: ["N", "L", "C"] type: INT32 }
tensor { name: "HIDX" ranks: ["N", "L", "C"] type: INT32 }
tensor { name: "WF" ranks: ["N", "L", "C", "D"] type: FP32 }
tensor { name: "W" ranks: ["N", "L", "C"] type: FP32 }
tensor { name: "GRID" ranks: ["L", "T", "F"] type: FP16
         extent { rank: "T" along: "L" grid { dims: 2 base_resolution: 4 per_level_scale: 2 hashed: true } } }
tensor { name: "ENC" ranks: ["N", "L", "F"] type: FP16 }
einsum: "PS[n,l,d] = X[n,d] * S[l] + 0.5"
einsum: "PF[n,l,d] = floor(PS[n,l,d])"
einsum: "PW[n,l,d] = frac(PS[n,l,d])"
einsum: "CC[n,l,c,d] = PF[n,l,d] + CO[c,d]"
einsum: "H[n,l,c] = xor[d](CC[n,l,c,d] * PI[d])"
einsum: "HIDX[n,l,c] = mod(H[n,l,c], LS[l])"
einsum: "WF[n,l,c,d] = CO[c,d] * PW[n,l,d] + (1 - CO[c,d]) * (1 - PW[n,l,d])"
einsum: "W[n,l,c] = WF[n,l,c,0] * WF[n,l,c,1]"
einsum: "ENC[n,l,f] = W[n,l,c] * GRID[l,HIDX[n,l,c],f]"
operator { name: "encoding" kind: ENCODING einsum: ["PS", "PF", "PW", "CC", "H", "HIDX", "WF", "W", "ENC"] }
)pb";

TEST(Gather, PrintsAndParsesBack) {
  const Cascade c = parse_workload_text(kGrid, "grid2d");
  EXPECT_EQ(c.einsums.back().to_string(), "ENC[n,l,f] = W[n,l,c] * GRID[l,HIDX[n,l,c],f]");
  EXPECT_EQ(c.einsums[4].to_string(), "H[n,l,c] = xor[d](CC[n,l,c,d] * PI[d])");
  EXPECT_TRUE(parse_workload_text(print_workload(c), "printed").equals(c));
}

TEST(Gather, OperationCountsByHand) {
  const auto r = analyze_workload(parse_workload_text(kGrid, "grid2d"), {});
  // N L D = 60 points of the position Einsums, N L C D = 240 of the corners, N L C = 120 of the
  // hashes, N L C F = 240 of the interpolation.
  //  mul: X * S (60), CC * PI (240), CO * PW and (1 - CO) * (1 - PW) (240 each), the weight's
  //       product of two factors (120)                                      = 900
  //  add: + 0.5 (60), PF + CO (240), the weight factor's sum (240)          = 540
  //  sub: 1 - CO over (c, d) (8), 1 - PW over (n, l, d) (60)                = 68
  EXPECT_EQ(ops_of(r.total_ops(), "mul"), 900u);
  EXPECT_EQ(ops_of(r.total_ops(), "add"), 540u);
  EXPECT_EQ(ops_of(r.total_ops(), "sub"), 68u);
  EXPECT_EQ(ops_of(r.total_ops(), "floor"), 60u);
  EXPECT_EQ(ops_of(r.total_ops(), "frac"), 60u);
  EXPECT_EQ(ops_of(r.total_ops(), "xor"), 240u);  // one per point of the reduction, like a sum's add
  EXPECT_EQ(ops_of(r.total_ops(), "mod"), 120u);
  // The interpolation: a sum over the corners of weight x gathered feature, one MAC and one gather
  // per (n, l, c, f).
  EXPECT_EQ(ops_of(r.total_ops(), "mac"), 240u);
  EXPECT_EQ(ops_of(r.total_ops(), "gather"), 240u);
}

TEST(Gather, RaggedTableSizesFollowTheGridLevels) {
  const auto r = analyze_workload(parse_workload_text(kGrid, "grid2d"), {});
  // tcnn grid.h: scale_l = 4 x 2^l - 1 = 3, 7, 15; res_l = ceil(scale_l) + 1 = 4, 8, 16; entries
  // next_multiple(res^2, 8) = 16, 64, 256, the hashed last level capped at T = 100: 180 entries of
  // F = 2 FP16 features.
  const auto& grid = tensor_named(r, "GRID");
  EXPECT_EQ(grid.elements(), 180u * 2);
  EXPECT_EQ(grid.bytes(), 180u * 2 * 2);
  // 10 queries x 4 corners = 40 lookups per level reach at most min(16, 40) + min(64, 40) +
  // min(100, 40) = 96 entries.
  EXPECT_EQ(grid.touched_bytes(), 96u * 2 * 2);
  // Inputs: X 80 B, S 12, LS 12, CO 32, PI 8, and the table's touched 384 B.
  EXPECT_EQ(r.input_bytes(), 80u + 12 + 12 + 32 + 8 + 384);
  // Every other tensor is touched whole.
  EXPECT_EQ(tensor_named(r, "HIDX").touched_bytes(), tensor_named(r, "HIDX").bytes());
}

TEST(Gather, LevelsFollowTheBoundSizes) {
  // Two levels (4 x 4 and 8 x 8 cells: 16 and 64 entries), and a table rank of 1000 that caps nothing.
  std::string text = replaced(kGrid, "rank { name: \"L\" size: 3 }", "rank { name: \"L\" size: 2 }");
  EXPECT_EQ(tensor_named(analyze_workload(parse_workload_text(text, "two"), {}), "GRID").elements(), 80u * 2);
  EXPECT_EQ(tensor_named(analyze_workload(parse_workload_text(kGrid, "grid2d"), {{"T", 1000}}), "GRID").elements(),
            (16u + 64 + 256) * 2);
}

TEST(Gather, ListedExtentsAndAPlainTable) {
  // Sizes listed by hand, and a table without extent read at level 0 through a fixed index: 40
  // lookups of a 100-entry table touch at most 40 of its rows.
  std::string text = replaced(kGrid, "grid { dims: 2 base_resolution: 4 per_level_scale: 2 hashed: true }",
                              "sizes: [10, 20, 30]");
  text = replaced(text, "tensor { name: \"ENC\"",
                  "tensor { name: \"ROW\" ranks: [\"T\", \"F\"] type: FP16 }\n"
                  "tensor { name: \"E0\" ranks: [\"N\", \"F\"] type: FP16 }\ntensor { name: \"ENC\"");
  text += "einsum: \"E0[n,f] = W[n,0,c] * ROW[HIDX[n,0,c],f]\"\n";
  const auto r = analyze_workload(parse_workload_text(text, "listed"), {});
  EXPECT_EQ(tensor_named(r, "GRID").elements(), 60u * 2);
  EXPECT_EQ(tensor_named(r, "GRID").touched_bytes(), (10u + 20 + 30) * 2 * 2);
  EXPECT_EQ(tensor_named(r, "ROW").touched_bytes(), 40u * 2 * 2);
}

TEST(Gather, BadGathersAndExtentsNameTheirPlace) {
  const std::string einsum = "einsum: \"ENC[n,l,f] = W[n,l,c] * GRID[l,HIDX[n,l,c],f]\"";
  EXPECT_EQ(error_of(replaced(kGrid, "name: \"HIDX\" ranks: [\"N\", \"L\", \"C\"] type: INT32",
                              "name: \"HIDX\" ranks: [\"N\", \"L\", \"C\"] type: FP32")),
            "bad.pbtxt:32:41: error: gather index 'HIDX[n,l,c]' reads tensor 'HIDX' of type FP32: an index "
            "tensor holds integers (INT8, INT16 or INT32)");
  EXPECT_EQ(error_of(replaced(kGrid, einsum, "einsum: \"ENC[n,HIDX[n,l,c],f] = W[n,l,c]\"")),
            "bad.pbtxt:32:16: error: an output index must be a variable (m) or a recurrence step (m+1), not a gather");
  EXPECT_EQ(error_of(replaced(kGrid, einsum, "einsum: \"ENC[n,l,f] = W[n,l,c] * GRID[l,HIDX[n,l,H[n,l,c]],f]\"")),
            "bad.pbtxt:32:50: error: a gather's index tensor may not itself be indexed by a gather");
  EXPECT_EQ(error_of(replaced(kGrid, einsum, "einsum: \"ENC[n,l,f] = W[n,l,c] * GRID[l,HIDX[n,l,c],HIDX[n,l,c]]\"")),
            "bad.pbtxt:32:53: error: tensor 'GRID' is gathered at two ranks: an access gathers at most one");
  // A dense grid's level must fit the table rank (a hashed one is capped): level 2 has 16 x 16 cells.
  const std::string dense = replaced(kGrid, "hashed: true", "hashed: false");
  EXPECT_EQ(error_of(dense), "bad.pbtxt:22:10: error: tensor 'GRID': extent of T along L: dense level 2 (resolution "
                             "16) has 256 entries, more than T = 100 (enlarge T or hash the grid)");
  EXPECT_EQ(error_of(dense, {{"T", 256}}), "no error");
  EXPECT_EQ(error_of(replaced(kGrid, "grid { dims: 2 base_resolution: 4 per_level_scale: 2 hashed: true }",
                              "sizes: [10, 20]")),
            "bad.pbtxt:22:10: error: tensor 'GRID': extent of T along L lists 2 sizes but L = 3");
  EXPECT_EQ(error_of(replaced(kGrid, "grid { dims: 2 base_resolution: 4 per_level_scale: 2 hashed: true }",
                              "sizes: [10, 200, 30]")),
            "bad.pbtxt:22:10: error: tensor 'GRID': extent of T along L: size 200 exceeds T = 100");
  EXPECT_EQ(error_of(replaced(kGrid, "extent { rank: \"T\"", "extent { rank: \"M\"")),
            "bad.pbtxt:22:10: error: tensor 'GRID': extent names rank 'M', which the tensor does not have");
  EXPECT_EQ(error_of(replaced(kGrid, "dims: 2 base", "dims: 9 base")),
            "bad.pbtxt:22:47: error: tensor 'GRID': extent: grid dims must be 1 to 8, found 9");
  EXPECT_EQ(error_of(replaced(kGrid, "per_level_scale: 2", "per_level_scale: 0.5")),
            "bad.pbtxt:22:74: error: tensor 'GRID': extent: grid per_level_scale must be 1 to 64");
}

}  // namespace
}  // namespace cascade::workloads
