#pragma once

#include <cstdint>
#include <string>

namespace cascade::base {

// The most bytes an input file of each kind may have. Inputs are read whole into memory, so these
// bound the memory a bad path (/dev/zero, a huge file) can take; real files are far smaller.
inline constexpr uint64_t kMaxConfigBytes = uint64_t{64} << 20;  // workloads, configs, kernels
inline constexpr uint64_t kMaxTraceBytes = uint64_t{1} << 30;    // measured traces, profiler exports

// The whole content of a regular file of at most `max_bytes` bytes. Anything else is an InputError
// naming the path: a missing or unreadable file, a directory, a device, FIFO or socket (opened
// without blocking, never read), a file over the limit.
std::string read_input_file(const std::string& path, uint64_t max_bytes = kMaxConfigBytes);

// The folder part of a path, with its final '/' ("configs/arch/" for "configs/arch/x.pbtxt"), or
// "" for a bare file name: what a file's relative references are resolved against.
std::string directory_of(const std::string& path);

}  // namespace cascade::base
