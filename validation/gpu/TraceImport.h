#pragma once

#include <string>
#include <vector>

#include "configs/trace.pb.h"

namespace cascade::validation {

// What an import found: the runs it could read, and one line per record it could not
// ("file: record N: what is wrong"); a bad record never stops the rest of the file.
struct ImportResult {
  config::TraceSet traces;
  std::vector<std::string> problems;
};

// The PyTorch profiler's Kineto chrome-trace JSON: one run per "kernel" event (name, grid, block,
// registers per thread, shared memory, duration), with the CPU operator that launched it (linked
// by "External id") and that operator's input shapes. A truncated file keeps the events before
// the cut. Records are named "file:line: record N". A kernel without a duration above 0 or with a
// launch number beyond CUDA's limits is a problem, not a run; a file that is no such trace
// (not JSON, no "traceEvents", a syntax error before the events) is an InputError.
ImportResult import_kineto_json(const std::string& path);
// The same from text in memory; `file` is the name records and errors carry.
ImportResult parse_kineto_json(const std::string& text, const std::string& file);

// Nsight Compute's `ncu --csv --page raw` export: preamble lines (==PROF==, ==WARNING==) skipped,
// a header row, a units row, one row per profiled kernel; numbers may carry thousands separators.
// Reads Kernel Name, launch__grid_size, launch__block_size, launch__registers_per_thread,
// launch__shared_mem_per_block_static / _dynamic and gpu__time_duration.sum (scaled by its unit).
// A record without a duration above 0 or with a launch number beyond CUDA's limits is a problem; a
// file without the header or its name and duration columns is an InputError.
ImportResult import_ncu_csv(const std::string& path);
ImportResult parse_ncu_csv(const std::string& text, const std::string& file);

// The runs as CSV, one row each (name, kind, dtype, grid, block, registers, shared memory, the
// work's flops and bytes, durations, energy, operator, input shapes, source).
std::string trace_set_to_csv(const config::TraceSet& traces);

}  // namespace cascade::validation
