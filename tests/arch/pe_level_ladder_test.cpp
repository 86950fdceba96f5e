// The third rung of the fidelity ladder: on small arrays (8x8 to 32x32) the PE-level model, which
// clocks every PE and link (arch/systolic), against the cycle mode's tile timing for the same GEMM.
// The cycle mode assumes a tile keeps every PE busy from its first to its last MAC (fill and drain
// overlapped with the neighbouring tiles); the PE-level array does not overlap tiles, so each
// output-stationary tile adds its fill and drain, 2R + C - 2 cycles (arch/systolic/SystolicGemmCycles.h:
// a tile costs 2r + c + K - 2, of which K stream). The two agree up to exactly that constant.
#include <gtest/gtest.h>

#include "ModelTestSupport.h"
#include "arch/systolic/SimulateSystolicGemm.h"
#include "arch/systolic/SystolicGemmCycles.h"

namespace cascade::arch {
namespace {

std::string gemm_arch(uint32_t rows, uint32_t cols) {
  return R"(name: "small" fusemax {} clock_hz: 1e9 word_bytes: 2
array2d { rows: )" + std::to_string(rows) + " cols: " + std::to_string(cols) + R"(
  op_cost { op: "mac" cycles: 1 actions { action: "mac" count: 1 } } }
array1d { rows: 1 cols: 16 }
global_buffer { capacity_bytes: 1048576 line_bytes: 64 }
dram { bandwidth_bytes_per_second: 1e18 }
energy { component: "array2d" action: "mac" picojoules: 1 }
energy { component: "regfile2d" action: "read" picojoules: 0 }
energy { component: "regfile2d" action: "write" picojoules: 0 }
energy { component: "global_buffer" action: "read" picojoules: 0 }
energy { component: "global_buffer" action: "write" picojoules: 0 }
energy { component: "dram" action: "read" picojoules: 0 }
energy { component: "dram" action: "write" picojoules: 0 }
mapping { binding { einsum: "C" unit: ARRAY2D } phase { name: "gemm" stage { group: "C" } } }
)";
}

std::string gemm_workload(uint64_t m, uint64_t n, uint64_t k) {
  return "name: \"gemm\"\nrank { name: \"M\" size: " + std::to_string(m) +
         " }\nrank { name: \"N\" size: " + std::to_string(n) + " }\nrank { name: \"K\" size: " +
         std::to_string(k) +
         " }\n"
         "tensor { name: \"A\" ranks: [\"M\", \"K\"] type: INT16 }\n"
         "tensor { name: \"B\" ranks: [\"K\", \"N\"] type: INT16 }\n"
         "tensor { name: \"C\" ranks: [\"M\", \"N\"] type: INT32 }\n"
         "einsum: \"C[m,n] = A[m,k] * B[k,n]\"\n";
}

TEST(PeLevelLadder, CycleModeEqualsPeLevelLessFillAndDrainPerTile) {
  const struct {
    uint32_t rows, cols;
    uint64_t m, n, k;
  } cases[] = {{8, 8, 16, 16, 8}, {8, 8, 32, 8, 20}, {16, 16, 32, 48, 16}, {32, 32, 64, 32, 40}};
  for (const auto& c : cases) {
    SCOPED_TRACE(std::to_string(c.rows) + "x" + std::to_string(c.cols) + " GEMM " +
                 std::to_string(c.m) + "x" + std::to_string(c.n) + "x" + std::to_string(c.k));
    const ArchConfig config(gemm_arch(c.rows, c.cols), "small.pbtxt");
    const auto model = ModelRegistry::builtin().create(config);
    const auto cascade = workloads::parse_workload_text(gemm_workload(c.m, c.n, c.k), "gemm");
    const auto cycle = model->evaluate(cascade, workloads::bind_shapes(cascade, {}), Fidelity::Cycle);
    // Cycle mode: M*N*K / (R*C) MAC cycles, plus the first load and the last store (one cycle each
    // at this bandwidth) that nothing overlaps.
    const uint64_t macs_per_pe = c.m * c.n * c.k / (c.rows * c.cols);
    EXPECT_EQ(cycle.phases.at("gemm").first, macs_per_pe + 2);

    IntMatrix a(c.m, c.k), b(c.k, c.n);
    for (uint64_t i = 0; i < a.values.size(); ++i) a.values[i] = static_cast<int64_t>(i % 7) - 3;
    for (uint64_t i = 0; i < b.values.size(); ++i) b.values[i] = static_cast<int64_t>(i % 5) - 2;
    const SystolicArrayConfig array{c.rows, c.cols, Dataflow::OutputStationary};
    const auto pe = simulate_systolic_gemm(array, a, b);
    const uint64_t tiles = (c.m / c.rows) * (c.n / c.cols);
    EXPECT_EQ(pe.total_cycles, tiles * (2 * c.rows + c.cols + c.k - 2));
    EXPECT_EQ(pe.total_cycles - (cycle.phases.at("gemm").first - 2), tiles * (2 * c.rows + c.cols - 2));
  }
}

}  // namespace
}  // namespace cascade::arch
