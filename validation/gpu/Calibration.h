#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arch/gpu/GpuArchConfig.h"
#include "validation/gpu/GpuValidation.h"

namespace cascade::validation {

// Which measured cases train the fit and which are held out: per class, the cases shuffled by a
// Fisher-Yates pass driven by mt19937_64(seed), the first 70% for training.
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
//  - runtime: launch and library-call overheads, DRAM latency, DRAM, FP32 and per-type tensor
//    efficiencies, by coordinate search on the training MAPE (multiplicative steps that shrink,
//    a fixed number of rounds: deterministic);
//  - energy: idle power from the traces' idle windows (`idle_watts`, 0 keeps the config's), then
//    busy power and the energies per FP32 flop, tensor flop, DRAM byte and L2 byte by non-negative
//    least squares (Lawson and Hanson) on the measured energy per launch.
// The same inputs and seed give the same parameters, to the bit.
CalibrationResult calibrate_gpu(const arch::gpu::GpuArchConfig& base, const std::vector<MeasuredCase>& cases,
                                uint64_t seed, double idle_watts);

// Solves min |A x - b| with x >= 0 (Lawson-Hanson active set); A is rows x cols, row-major.
std::vector<double> nnls(const std::vector<double>& a, size_t rows, size_t cols, const std::vector<double>& b);

}  // namespace cascade::validation
