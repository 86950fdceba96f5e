#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cascade::sim {

// A tile-granular program for in-order units (a 2D array, a 1D array, a DRAM channel): the work
// of a phase as a sequence of rounds, each round a list of tasks. A task occupies its unit for a
// number of cycles once its dependences are done; each unit runs its tasks in program order
// (round by round, in task order within a round).
struct RoundTask {
  struct Dep {
    std::string task;          // a task of this round or of an earlier one, by name
    uint32_t rounds_back = 0;  // 0: this round; 1: the previous round; ...
  };
  std::string name;  // unique within its template
  int unit = 0;      // index into RoundProgram::units
  uint64_t cycles = 0;
  std::vector<Dep> deps;  // a dep on a round before the first, or on a name an earlier round's
                          // template lacks, is ignored
};

// Rounds with the same template: `count` of them in a row.
struct RoundRun {
  std::vector<RoundTask> tasks;
  uint64_t count = 0;
};

// A block of runs repeated `repeat` times (FuseMax: one group of query tiles: M1 key chunks, then
// the final divisions).
struct RoundBlock {
  std::vector<RoundRun> runs;
  uint64_t repeat = 1;
};

struct RoundProgram {
  std::vector<std::string> units;
  std::vector<RoundBlock> blocks;
  // A unit starts a round's tasks only once the round this many before it has finished: the
  // queues and buffers between units hold that many rounds (2: double buffering).
  uint64_t rounds_in_flight = 2;
};

// What a simulation of a program found.
struct RoundPipelineStats {
  uint64_t cycles = 0;                 // when the last task finished
  std::vector<double> busy_cycles;     // per unit
  uint64_t rounds = 0;                 // rounds in the program
  uint64_t rounds_simulated = 0;       // rounds the kernel executed (the rest fast-forwarded)
  uint64_t tasks_simulated = 0;
  // The most task completion times held at once: bounded by the program's dependences and
  // periods, not by its length.
  uint64_t peak_completions_kept = 0;
};

// Total rounds of a program (counting repeats).
uint64_t round_count(const RoundProgram& program);

}  // namespace cascade::sim
