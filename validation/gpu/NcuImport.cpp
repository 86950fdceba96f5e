#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "base/CheckedMath.h"
#include "base/Csv.h"
#include "base/InputError.h"
#include "base/InputFile.h"
#include "base/Text.h"
#include "validation/gpu/TraceImport.h"

namespace cascade::validation {
namespace {

// A number as ncu prints it: thousands separators dropped. NaN if it is not one.
double ncu_number(std::string s) {
  std::string digits;
  for (char c : s)
    if (c != ',') digits += c;
  char* end = nullptr;
  const double v = std::strtod(digits.c_str(), &end);
  return digits.empty() || *end != '\0' ? std::nan("") : v;
}

double seconds_per(const std::string& unit) {
  if (unit == "ns" || unit == "nsecond") return 1e-9;
  if (unit == "us" || unit == "usecond") return 1e-6;
  if (unit == "ms" || unit == "msecond") return 1e-3;
  if (unit == "s" || unit == "second") return 1;
  return std::nan("");
}

}  // namespace

ImportResult import_ncu_csv(const std::string& path) {
  return parse_ncu_csv(base::read_input_file(path, base::kMaxTraceBytes), path);
}

ImportResult parse_ncu_csv(const std::string& text, const std::string& path) {
  ImportResult result;
  if (text.find('\0') != std::string::npos)
    throw base::InputError(path, {}, "binary data: not an Nsight Compute CSV export (ncu --csv --page raw)");
  std::istringstream in(text);
  std::string line;
  std::vector<std::string> header, units;
  int record = 0, number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] != '"') continue;  // ==PROF== and ==WARNING== chatter
    auto cells = base::split_csv_line(line).cells;
    if (header.empty()) {
      header = cells;
      continue;
    }
    if (units.empty()) {
      units = cells;
      if (units.size() != header.size())
        throw base::InputError(path, {number, 0},
                               "the units row has " + std::to_string(units.size()) + " cells where the header has " +
                                   std::to_string(header.size()));
      continue;
    }
    ++record;
    const std::string where = path + ":" + std::to_string(number) + ": record " + std::to_string(record);
    if (cells.size() != header.size()) {
      result.problems.push_back(where + ": " + std::to_string(cells.size()) + " cells where the header has " +
                                std::to_string(header.size()));
      continue;
    }
    const auto column = [&](const std::string& name) -> int {
      for (size_t i = 0; i < header.size(); ++i)
        if (header[i] == name) return static_cast<int>(i);
      return -1;
    };
    const int name_col = column("Kernel Name"), duration_col = column("gpu__time_duration.sum");
    if (name_col < 0 || duration_col < 0) {
      throw base::InputError(path, {number, 0},
                             "no column '" + std::string(name_col < 0 ? "Kernel Name" : "gpu__time_duration.sum") +
                                 "': not an Nsight Compute export (ncu --csv --page raw)");
    }
    const double duration = ncu_number(cells[static_cast<size_t>(duration_col)]) *
                            seconds_per(units[static_cast<size_t>(duration_col)]);
    if (!std::isfinite(duration) || !(duration > 0)) {
      result.problems.push_back(where + ": kernel without a duration ('" +
                                cells[static_cast<size_t>(duration_col)] + "')");
      continue;
    }
    config::MeasuredRun run;
    run.set_name(base::printable(cells[static_cast<size_t>(name_col)]));
    run.set_duration_s(duration);
    run.set_runs(1);
    run.set_source(where);
    run.set_line(static_cast<uint32_t>(number));
    config::Kernel& k = *run.mutable_kernel();
    k.set_name(run.name());
    // Each launch number whole and within CUDA's limits (a missing column counts 0); the first
    // that is not makes the record a problem.
    std::string bad;
    const auto whole = [&](const char* name, uint32_t most) -> uint32_t {
      const int c = column(name);
      if (c < 0 || !bad.empty()) return 0;
      const double v = ncu_number(cells[static_cast<size_t>(c)]);
      if (!base::is_whole_in_range<uint32_t>(v) || v > most) {
        bad = std::string(name) + " '" + cells[static_cast<size_t>(c)] + "' is not a whole number from 0 to " +
              std::to_string(most);
        return 0;
      }
      return static_cast<uint32_t>(v);
    };
    k.mutable_grid()->set_x(whole("launch__grid_size", (1u << 31) - 1));
    k.mutable_block()->set_x(whole("launch__block_size", 1024));
    k.set_registers_per_thread(whole("launch__registers_per_thread", 255));
    k.set_static_smem_bytes(whole("launch__shared_mem_per_block_static", UINT32_MAX));
    k.set_dynamic_smem_bytes(whole("launch__shared_mem_per_block_dynamic", UINT32_MAX));
    if (!bad.empty()) {
      result.problems.push_back(where + ": " + bad);
      continue;
    }
    *result.traces.add_run() = std::move(run);
  }
  if (header.empty()) throw base::InputError(path, {}, "no header row: not an Nsight Compute CSV export (ncu --csv --page raw)");
  return result;
}

std::string trace_set_to_csv(const config::TraceSet& traces) {
  std::ostringstream out;
  out << "name,kind,dtype,grid,block,registers,static_smem,dynamic_smem,fp32_flops,dram_bytes,"
         "duration_s,min_s,max_s,runs,energy_j,avg_power_w,operator,input_shapes,source\n";
  for (const auto& r : traces.run()) {
    const auto& k = r.kernel();
    const uint64_t grid = static_cast<uint64_t>(std::max(1u, k.grid().x())) * std::max(1u, k.grid().y()) *
                          std::max(1u, k.grid().z());
    const uint64_t block = static_cast<uint64_t>(std::max(1u, k.block().x())) * std::max(1u, k.block().y()) *
                           std::max(1u, k.block().z());
    out << base::csv_quoted(r.name()) << "," << r.kind() << "," << r.dtype() << "," << grid << "," << block << ","
        << k.registers_per_thread() << "," << k.static_smem_bytes() << "," << k.dynamic_smem_bytes()
        << "," << k.work().fp32_flops() << "," << k.work().dram_bytes() << "," << r.duration_s() << ","
        << r.min_s() << "," << r.max_s() << "," << r.runs() << "," << r.energy_j() << ","
        << r.avg_power_w() << "," << base::csv_quoted(r.operator_name()) << ","
        << base::csv_quoted(r.input_shapes()) << "," << base::csv_quoted(r.source()) << "\n";
  }
  return out.str();
}

}  // namespace cascade::validation
