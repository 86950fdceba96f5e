#include "validation/scalesim/ScaleSimComparison.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>
#include <sstream>
#include <tuple>

#include "arch/systolic/SystolicGemmCycles.h"
#include "arch/systolic/SystolicTileProgram.h"
#include "arch/systolic/VectorisedPeArray.h"
#include "base/Csv.h"
#include "base/Format.h"
#include "base/InputError.h"
#include "base/TextProtoFile.h"

namespace cascade::validation {
namespace {

constexpr const char* kColumns[] = {"topology", "layer", "M", "N", "K", "rows", "cols", "dataflow", "total_cycles",
                                    "stall_cycles", "overall_util_pct", "mapping_efficiency_pct", "compute_util_pct",
                                    "wall_s"};
constexpr size_t kColumnCount = sizeof(kColumns) / sizeof(kColumns[0]);

std::uint64_t whole(const std::string& path, int line, size_t column, const std::string& cell, std::uint64_t low,
                    std::uint64_t high) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(cell.c_str(), &end, 10);
  if (cell.empty() || cell[0] == '-' || end == cell.c_str() || *end != '\0' || errno == ERANGE || v < low || v > high)
    throw base::InputError(path, {line, 0}, "column " + std::to_string(column + 1) + " (" + kColumns[column] + "): '" +
                                                cell + "' is not a whole number from " + std::to_string(low) +
                                                " to " + std::to_string(high));
  return v;
}

double seconds(const std::string& path, int line, size_t column, const std::string& cell) {
  char* end = nullptr;
  const double v = std::strtod(cell.c_str(), &end);
  if (cell.empty() || end == cell.c_str() || *end != '\0' || !std::isfinite(v) || v < 0 || v > 1e7)
    throw base::InputError(path, {line, 0}, "column " + std::to_string(column + 1) + " (" + kColumns[column] + "): '" +
                                                cell + "' is not a number of seconds from 0 to 1e7");
  return v;
}

// Seconds a call takes: repeated until a millisecond has passed (the closed form takes
// nanoseconds), at most `limit` times.
template <typename F>
double time_per_call(F&& call, int limit) {
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  int n = 0;
  double elapsed = 0;
  do {
    call();
    ++n;
    elapsed = std::chrono::duration<double>(clock::now() - start).count();
  } while (elapsed < 1e-3 && n < limit);
  return elapsed / n;
}

arch::IntMatrix operand(std::uint64_t rows, std::uint64_t cols, std::uint64_t seed) {
  arch::IntMatrix m(rows, cols);
  for (std::size_t i = 0; i < m.values.size(); ++i) m.values[i] = static_cast<std::int64_t>((i * 7 + seed) % 9) - 4;
  return m;
}

std::string dataflow_name(arch::Dataflow d) {
  return d == arch::Dataflow::OutputStationary ? "os" : d == arch::Dataflow::WeightStationary ? "ws" : "is";
}

bool is_startup(const ScaleSimRun& r) { return r.topology == "startup"; }

// The GEMM's cells of a row: topology, layer, M, N, K, rows, cols, dataflow.
constexpr const char* kGemmHeader = "topology,layer,M,N,K,rows,cols,dataflow";
std::string gemm_cells(const ScaleSimRun& s) {
  std::ostringstream o;
  o << base::csv_cell(s.topology) << "," << base::csv_cell(s.layer) << "," << s.M << "," << s.N << "," << s.K << ","
    << s.rows << "," << s.cols << "," << dataflow_name(s.dataflow);
  return o.str();
}

}  // namespace

std::vector<ScaleSimRun> load_scalesim_runs(const std::string& path) {
  std::istringstream in(base::TextProtoFile::read(path));
  std::vector<ScaleSimRun> runs;
  std::string text;
  int line = 0;
  bool header = true;
  while (std::getline(in, text)) {
    ++line;
    if (text.empty() || text[0] == '#') continue;
    const base::CsvLine row = base::split_csv_line(text);
    if (row.unclosed_quote) throw base::InputError(path, {line, 0}, "a quoted cell is not closed");
    if (row.cells.size() != kColumnCount)
      throw base::InputError(path, {line, 0}, "expected " + std::to_string(kColumnCount) + " columns, found " +
                                                  std::to_string(row.cells.size()));
    if (header) {
      for (size_t c = 0; c < kColumnCount; ++c)
        if (row.cells[c] != kColumns[c])
          throw base::InputError(path, {line, 0}, "column " + std::to_string(c + 1) + ": expected the header '" +
                                                      kColumns[c] + "', found '" + row.cells[c] + "'");
      header = false;
      continue;
    }
    const auto& c = row.cells;
    ScaleSimRun r;
    r.topology = c[0];
    r.layer = c[1];
    r.M = whole(path, line, 2, c[2], 1, kMaxScaleSimDimension);
    r.N = whole(path, line, 3, c[3], 1, kMaxScaleSimDimension);
    r.K = whole(path, line, 4, c[4], 1, kMaxScaleSimDimension);
    r.rows = whole(path, line, 5, c[5], 1, kMaxScaleSimArraySide);
    r.cols = whole(path, line, 6, c[6], 1, kMaxScaleSimArraySide);
    if (c[7] == "os") {
      r.dataflow = arch::Dataflow::OutputStationary;
    } else if (c[7] == "ws") {
      r.dataflow = arch::Dataflow::WeightStationary;
    } else if (c[7] == "is") {
      r.dataflow = arch::Dataflow::InputStationary;
    } else {
      throw base::InputError(path, {line, 0}, "column 8 (dataflow): '" + c[7] + "' is not os, ws or is");
    }
    r.total_cycles = whole(path, line, 8, c[8], 0, std::uint64_t{1} << 62);
    r.stall_cycles = whole(path, line, 9, c[9], 0, std::uint64_t{1} << 62);
    r.wall_s = seconds(path, line, 13, c[13]);
    runs.push_back(std::move(r));
  }
  if (header) throw base::InputError(path, {line, 0}, "no header line: expected the columns of run_scalesim.py");
  return runs;
}

ScaleSimComparison compare_with_scalesim(const std::vector<ScaleSimRun>& runs, const std::string& source,
                                         bool pe_level) {
  ScaleSimComparison out;
  out.source = source;
  std::map<std::tuple<std::uint64_t, std::uint64_t, arch::Dataflow>, double> startup;
  for (const auto& r : runs)
    if (is_startup(r)) startup[{r.rows, r.cols, r.dataflow}] = r.wall_s;
  for (const auto& r : runs) {
    if (is_startup(r)) continue;
    ScaleSimComparisonRow row;
    row.scalesim = r;
    const arch::SystolicArrayConfig config{r.rows, r.cols, r.dataflow, arch::TileOverlap::Pipelined};
    row.closed_form = arch::gemm_cycles(config, r.M, r.N, r.K);
    row.closed_form_s = time_per_call([&] { return arch::gemm_cycles(config, r.M, r.N, r.K); }, 100000);
    row.tile_granular = arch::simulate_systolic_tiles(config, r.M, r.N, r.K).cycles;
    row.tile_granular_s = time_per_call([&] { return arch::simulate_systolic_tiles(config, r.M, r.N, r.K); }, 1000);
    if (pe_level) {
      const arch::IntMatrix a = operand(r.M, r.K, 1), b = operand(r.K, r.N, 2);
      row.pe_level_s = time_per_call([&] { row.pe_level = arch::simulate_systolic_gemm_vectorised(config, a, b).total_cycles; }, 1);
    }
    const auto base = startup.find({r.rows, r.cols, r.dataflow});
    if (base != startup.end()) row.scalesim_simulation_s = std::max(0.0, r.wall_s - base->second);
    out.rows.push_back(std::move(row));
  }
  return out;
}

std::string scalesim_csv(const ScaleSimComparison& comparison) {
  std::ostringstream o;
  o << kGemmHeader << ",scalesim_cycles,closed_form,tile_granular,pe_level,closed_form_minus_scalesim\n";
  for (const auto& row : comparison.rows) {
    const auto& s = row.scalesim;
    o << gemm_cells(s) << "," << s.total_cycles << "," << row.closed_form
      << "," << row.tile_granular << "," << row.pe_level << ","
      << static_cast<std::int64_t>(row.closed_form - s.total_cycles) << "\n";
  }
  return o.str();
}

std::string scalesim_speed_csv(const ScaleSimComparison& comparison) {
  std::ostringstream o;
  o << kGemmHeader << ",scalesim_wall_s,scalesim_simulation_s,closed_form_s,tile_granular_s,pe_level_s,"
       "tile_granular_speedup,pe_level_speedup\n";
  for (const auto& row : comparison.rows) {
    const auto& s = row.scalesim;
    o << gemm_cells(s) << "," << base::format("%.3f", s.wall_s) << ","
      << base::format("%.3f", row.scalesim_simulation_s) << "," << base::format("%.3g", row.closed_form_s) << ","
      << base::format("%.3g", row.tile_granular_s) << "," << base::format("%.3g", row.pe_level_s) << ","
      << base::format("%.0f", row.tile_granular_s > 0 ? s.wall_s / row.tile_granular_s : 0) << ","
      << base::format("%.1f", row.pe_level_s > 0 ? s.wall_s / row.pe_level_s : 0) << "\n";
  }
  return o.str();
}

ScaleSimSummary summarize(const ScaleSimComparison& comparison) {
  ScaleSimSummary s;
  for (const auto& row : comparison.rows) {
    const bool closed_form = row.closed_form == row.scalesim.total_cycles + kCyclesOverScaleSim;
    const bool modes = row.tile_granular == row.closed_form && (row.pe_level == 0 || row.pe_level == row.closed_form);
    s.closed_form_agrees += closed_form;
    s.modes_agree += modes;
    s.all_agree += closed_form && modes;
    s.stalled += row.scalesim.stall_cycles != 0;
    const bool simulated = row.scalesim_simulation_s >= kClearOfStartupSeconds;
    s.tile_granular.push_back(row.scalesim.wall_s / row.tile_granular_s);
    if (simulated) s.tile_granular_simulation.push_back(row.scalesim_simulation_s / row.tile_granular_s);
    if (row.pe_level_s > 0) {
      s.pe_level.push_back(row.scalesim.wall_s / row.pe_level_s);
      if (simulated) s.pe_level_simulation.push_back(row.scalesim_simulation_s / row.pe_level_s);
    }
  }
  return s;
}

std::string scalesim_markdown(const ScaleSimComparison& comparison) {
  std::ostringstream o;
  const ScaleSimSummary summary = summarize(comparison);
  o << "# Systolic arrays against SCALE-Sim v2\n\n"
    << "SCALE-Sim's runs: `" << comparison.source << "` (validation/scalesim/run_scalesim.py). Ours: Pipelined tiles, "
    << "as the closed form, the tile-granular cycle mode and the vectorised PE-level model count them "
    << "(arch/systolic/SystolicGemmCycles.h).\n\n"
    << "- GEMMs compared: " << comparison.rows.size() << "\n"
    << "- ours = SCALE-Sim's Total Cycles + " << kCyclesOverScaleSim << " (our edge register and our capture): "
    << summary.closed_form_agrees << " of " << comparison.rows.size() << "\n"
    << "- the three of ours equal: " << summary.modes_agree << " of " << comparison.rows.size() << "\n"
    << "- SCALE-Sim runs that stalled on memory: " << summary.stalled << "\n\n"
    << "| topology | layer | M | N | K | array | dataflow | SCALE-Sim | closed form | tile-granular | PE-level | "
       "difference |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& row : comparison.rows) {
    const auto& s = row.scalesim;
    o << "| " << s.topology << " | " << s.layer << " | " << s.M << " | " << s.N << " | " << s.K << " | " << s.rows
      << "x" << s.cols << " | " << dataflow_name(s.dataflow) << " | " << s.total_cycles << " | " << row.closed_form
      << " | " << row.tile_granular << " | " << (row.pe_level ? std::to_string(row.pe_level) : std::string("-"))
      << " | " << static_cast<std::int64_t>(row.closed_form - s.total_cycles) << " |\n";
  }
  return o.str();
}

}  // namespace cascade::validation
