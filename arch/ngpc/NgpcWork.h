#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "workloads/analysis/OperatorStructure.h"
#include "workloads/analysis/ShapeBinding.h"
#include "workloads/ir/Cascade.h"

namespace cascade::arch::ngpc {

// What an NGPC runs of a bound cascade: its grid encodings on the encoding engines, its other
// encodings (spherical harmonics) on their unit, its MLP layers (MLP operators' layers, LINEAR
// operators) on the MLP engine; every other operator is the GPU's (the rest of the frame).
struct MlpLayerWork {
  std::string name;          // the MLP or LINEAR operator
  uint64_t queries = 0;      // rows: the GEMMs' M (and batch)
  uint64_t inputs = 0;       // K: summed over GEMMs that read different activations (a concatenation)
  uint64_t outputs = 0;      // N: summed over GEMMs that read the same activation (a packed layer)
};

struct OtherEncodingWork {
  std::string name;
  uint64_t queries = 0;      // its output's elements over its last rank
};

struct GridEncodingWork {
  std::string name;
  workloads::GridEncodingStructure grid;
};

struct NgpcWork {
  std::vector<GridEncodingWork> grids;
  std::vector<OtherEncodingWork> other_encodings;
  std::vector<MlpLayerWork> layers;
  std::vector<std::string> ngpc_operators;  // names of every operator above
  // What crosses the L2 between the GPU and the NGPC: the tensors NGPC operators read that GPU
  // operators write (positions, directions), and those they write that GPU operators read.
  double input_bytes = 0, output_bytes = 0;
  // Per NGPC operator: its Einsums' operations (a MAC one, docs/workload-syntax.md "Counting") and
  // the bytes of the crossing tensors it reads or writes (a tensor two operators read counts for both).
  struct OperatorTotals {
    double ops = 0, crossing_bytes = 0;
  };
  std::map<std::string, OperatorTotals> per_operator;
};

// Throws InputError at an operator the NGPC should run but cannot read (a LINEAR operator without a
// GEMM, GEMMs of different rows).
NgpcWork ngpc_work(const workloads::Cascade& cascade, const workloads::RankSizes& sizes);

}  // namespace cascade::arch::ngpc
