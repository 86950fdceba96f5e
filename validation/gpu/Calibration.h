#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arch/gpu/GpuArchConfig.h"
#include "validation/gpu/GpuValidation.h"

namespace cascade::validation {

// Which measured cases train the fit and which are held out: per class, the cases (in the order of
// their files' names, each file's in its own order, so that the order the files are given in does
// not matter) shuffled by a Fisher-Yates pass driven by mt19937_64(seed), the first 70% for
// training.
struct CalibrationSplit {
  std::vector<size_t> train, test;
};
CalibrationSplit split_cases(const std::vector<MeasuredCase>& cases, uint64_t seed);

struct CalibrationResult {
  config::GpuArch calibrated;
  CalibrationSplit split;
  ValidationReport train_before, train_after, test_before, test_after;
};

// Fits the GPU model's free parameters on the training cases:
//  - runtime: library and framework overheads, DRAM latency, DRAM, FP32 and per-type tensor
//    efficiencies, the L2 bandwidth and its share usable by gathered tables, the work
//    distributor's block interval and each kernel family's efficiency, by coordinate search on the
//    training error (the mean of the overall MAPE and the classes' mean MAPE; multiplicative steps
//    that shrink, each repeated until it stops helping: deterministic);
//  - energy: idle power from the traces' idle windows (`idle_watts`, 0 keeps the config's), then
//    busy power, the energies per FP32 flop, tensor flop, DRAM, L2 and shared-memory byte and SFU
//    operation and each kernel family's own power by nnls_least_absolute on the measured energy per
//    launch over the energy windows' periods.
// The same inputs and seed give the same parameters, to the bit.
CalibrationResult calibrate_gpu(const arch::gpu::GpuArchConfig& base, const std::vector<MeasuredCase>& cases,
                                uint64_t seed, double idle_watts);

// Solves min |A x - b| with x >= 0 (Lawson-Hanson active set); A is rows x cols, row-major.
std::vector<double> nnls(const std::vector<double>& a, size_t rows, size_t cols, const std::vector<double>& b);

// min sum |(A x - b)_r| with x >= 0, by iteratively reweighted nnls (each row by 1 / sqrt(its last
// absolute residual), the residual floored at `floor`; 20 rounds from the least-squares answer).
std::vector<double> nnls_least_absolute(const std::vector<double>& a, size_t rows, size_t cols,
                                        const std::vector<double>& b, double floor);

}  // namespace cascade::validation
