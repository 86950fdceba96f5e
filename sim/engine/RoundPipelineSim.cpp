#include "sim/engine/RoundPipelineSim.h"

// sc_spawn needs the dynamic-process part of the SystemC headers.
#define SC_INCLUDE_DYNAMIC_PROCESSES
#include <systemc>

#include <algorithm>
#include <memory>
#include <set>
#include <stdexcept>
#include <unordered_map>

#include "sim/systemc/FreshSimContext.h"

namespace cascade::sim {
namespace {

using sc_core::sc_event;
using sc_core::sc_module;
using sc_core::sc_module_name;
using sc_core::sc_time;
using sc_core::SC_NS;

// A template with its name index and its tasks per unit, prepared once.
struct PreparedTemplate {
  const std::vector<RoundTask>* tasks = nullptr;
  std::unordered_map<std::string, uint32_t> index;
  std::vector<std::vector<uint32_t>> by_unit;
  std::vector<double> busy;  // cycles per unit per round
};

// Where a global round lies: block, repetition, run, round within the run.
struct RoundPlace {
  size_t block = 0, run = 0;
  uint64_t rep = 0, round = 0;
  uint64_t block_start = 0, rep_start = 0, run_start = 0;
};

// A skip of `rounds` rounds from `from`, each period of `period` rounds taking `delta` cycles;
// rounds in it are read off the simulated period ending at `base`.
struct Skip {
  uint64_t from = 0, rounds = 0, period = 1, base = 0;
  uint64_t period_delta = 0;  // cycles per period
  uint64_t delta() const { return period_delta * (rounds / period); }
};

class Engine : public sc_module {
 public:
  Engine(const sc_module_name& name, const RoundProgram& program, const RoundPipelineOptions& options)
      : sc_module(name), program_(program), options_(options) {
    prepare();
    stats_.busy_cycles.assign(program.units.size(), 0);
    stats_.rounds = total_rounds_;
    current_.assign(program.units.size(), 0);
    cursor_.assign(program.units.size(), 0);
    if (options_.timeline)
      for (const auto& unit : program.units) options_.timeline->add_track(unit);
    for (size_t u = 0; u < program.units.size(); ++u)
      sc_core::sc_spawn([this, u] { unit_thread(u); }, ("unit_" + program.units[u]).c_str());
  }

  RoundPipelineStats stats() const {
    RoundPipelineStats s = stats_;
    s.cycles = last_done_;
    return s;
  }

  // Every unit idle from its last task to the run's end.
  void close_timeline() {
    for (size_t u = 0; u < program_.units.size(); ++u) record(u, last_done_, last_done_, "", "", {});
  }

 private:
  static uint64_t key(uint64_t round, uint32_t task) { return (round << 16) | task; }
  static uint64_t now() { return static_cast<uint64_t>(sc_core::sc_time_stamp() / sc_time(1, SC_NS)); }

  void prepare() {
    if (program_.rounds_in_flight == 0)
      throw std::invalid_argument("RoundProgram rounds_in_flight must be at least 1");
    for (const auto& block : program_.blocks) {
      if (block.repeat == 0) throw std::invalid_argument("RoundProgram block repeat must be at least 1");
      uint64_t per_rep = 0;
      for (const auto& run : block.runs) {
        if (run.tasks.empty() || run.tasks.size() > 0xffff)
          throw std::invalid_argument("RoundProgram run needs 1 to 65535 tasks, got " +
                                      std::to_string(run.tasks.size()));
        PreparedTemplate t;
        t.tasks = &run.tasks;
        t.by_unit.resize(program_.units.size());
        t.busy.assign(program_.units.size(), 0);
        for (uint32_t i = 0; i < run.tasks.size(); ++i) {
          const RoundTask& task = run.tasks[i];
          if (task.unit < 0 || static_cast<size_t>(task.unit) >= program_.units.size())
            throw std::invalid_argument("RoundProgram task '" + task.name + "' names unit " +
                                        std::to_string(task.unit) + ", which does not exist");
          if (!t.index.emplace(task.name, i).second)
            throw std::invalid_argument("RoundProgram task name '" + task.name + "' repeats in a round");
          t.by_unit[static_cast<size_t>(task.unit)].push_back(i);
          t.busy[static_cast<size_t>(task.unit)] += static_cast<double>(task.cycles);
        }
        for (const auto& task : run.tasks)
          for (const auto& dep : task.deps)
            if (dep.rounds_back == 0 && !t.index.count(dep.task))
              throw std::invalid_argument("RoundProgram task '" + task.name + "' depends on '" +
                                          dep.task + "', which its round lacks");
        templates_.push_back(std::move(t));
        per_rep += run.count;
      }
      rounds_per_rep_.push_back(per_rep);
      block_start_.push_back(total_rounds_);
      total_rounds_ += per_rep * block.repeat;
      // Fast-forward compares a block's repetitions over two periods (from its third repetition).
      if (options_.fast_forward && block.repeat >= 3) horizon_ = std::max(horizon_, 2 * per_rep + 1);
    }
    horizon_ = std::max<uint64_t>(horizon_, 3);  // a run's rounds compared over two rounds
    horizon_ = std::max(horizon_, program_.rounds_in_flight + 1);
    for (const auto& block : program_.blocks)
      for (const auto& run : block.runs)
        for (const auto& task : run.tasks)
          for (const auto& dep : task.deps) horizon_ = std::max<uint64_t>(horizon_, dep.rounds_back + 1);
  }

  RoundPlace place(uint64_t g) const {
    RoundPlace p;
    size_t template_base = 0;
    for (size_t b = 0; b < program_.blocks.size(); ++b) {
      const uint64_t span = rounds_per_rep_[b] * program_.blocks[b].repeat;
      if (g < block_start_[b] + span) {
        p.block = b;
        p.block_start = block_start_[b];
        p.rep = (g - block_start_[b]) / rounds_per_rep_[b];
        p.rep_start = block_start_[b] + p.rep * rounds_per_rep_[b];
        uint64_t at = p.rep_start;
        for (size_t r = 0; r < program_.blocks[b].runs.size(); ++r) {
          const uint64_t count = program_.blocks[b].runs[r].count;
          if (g < at + count) {
            p.run = template_base + r;
            p.run_start = at;
            p.round = g - at;
            return p;
          }
          at += count;
        }
      }
      template_base += program_.blocks[b].runs.size();
    }
    throw std::logic_error("round beyond the program");
  }

  // When the task finished, if known now: simulated, or read off a skipped period.
  bool done_time(uint64_t round, uint32_t task, uint64_t& time) const {
    if (auto it = done_.find(key(round, task)); it != done_.end()) {
      time = it->second;
      return true;
    }
    for (const Skip& s : applied_skips_)
      if (round >= s.from && round < s.from + s.rounds) {
        const uint64_t periods = (round - s.base + s.period - 1) / s.period;
        if (!done_time(round - periods * s.period, task, time)) return false;
        time += periods * s.period_delta;
        return true;
      }
    return false;
  }

  void wait_for(uint64_t round, const RoundTask::Dep& dep) {
    if (dep.rounds_back > round) return;
    const uint64_t target = round - dep.rounds_back;
    const PreparedTemplate& t = templates_[place(target).run];
    const auto it = t.index.find(dep.task);
    if (it == t.index.end()) return;
    uint64_t time = 0;
    while (!done_time(target, it->second, time)) wait(task_done_);
    if (time > now()) wait(sc_time(static_cast<double>(time - now()), SC_NS));
  }

  // Until round `g` has finished: simulated, or skipped and past the time its last task would have
  // finished (read off the period the skip repeats), so that a unit after a skip does not run ahead
  // of the rounds it skipped.
  void wait_for_round(uint64_t g) {
    while (!round_done(g)) wait(task_done_);
    const PreparedTemplate& t = templates_[place(g).run];
    uint64_t end = 0;
    for (uint32_t i = 0; i < t.tasks->size(); ++i) {
      uint64_t time = 0;
      if (done_time(g, i, time)) end = std::max(end, time);
    }
    if (end > now()) wait(sc_time(static_cast<double>(end - now()), SC_NS));
  }

  // Records [start, end) on unit u's track (what came since its last record, idle), when asked
  // (callers test options_.timeline first, so that a run without one builds no names).
  void record(size_t u, uint64_t start, uint64_t end, const std::string& name, const char* category,
              std::vector<std::pair<std::string, std::string>> args) {
    Timeline* timeline = options_.timeline;
    if (!timeline) return;
    const double offset = static_cast<double>(options_.timeline_offset);
    const auto phase = [&] { return std::make_pair(std::string("phase"), options_.timeline_phase); };
    if (start > cursor_[u])
      timeline->add({program_.units[u], "idle", "idle", offset + static_cast<double>(cursor_[u]),
                     static_cast<double>(start - cursor_[u]), {phase()}});
    if (end > start) {
      args.insert(args.begin(), phase());
      timeline->add({program_.units[u], name, category, offset + static_cast<double>(start),
                     static_cast<double>(end - start), std::move(args)});
    }
    cursor_[u] = std::max(cursor_[u], end);
  }

  void unit_thread(size_t u) {
    uint64_t g = 0;
    while (g < total_rounds_) {
      current_[u] = g;
      if (pending_ && g == pending_skip_.from) {
        const uint64_t start = now();
        wait(sc_time(static_cast<double>(pending_skip_.delta()), SC_NS));
        if (options_.timeline)
          record(u, start, now(), "fast-forward", "fast_forward",
                 {{"rounds", std::to_string(pending_skip_.rounds)},
                  {"repeats", std::to_string(pending_skip_.rounds / pending_skip_.period)},
                  {"cycles_per_repeat", std::to_string(pending_skip_.period_delta)}});
        g += pending_skip_.rounds;
        if (++units_skipped_ == program_.units.size()) pending_ = false;
        continue;
      }
      const RoundPlace p = place(g);
      const PreparedTemplate& t = templates_[p.run];
      // Bounded run-ahead: the queues and buffers between units hold `rounds_in_flight` rounds. A
      // unit with nothing to do in a round still keeps pace, so that a skip finds it before the
      // skipped rounds.
      if (g >= program_.rounds_in_flight) {
        const uint64_t start = now();
        wait_for_round(g - program_.rounds_in_flight);
        if (options_.timeline)
          record(u, start, now(), "stalled: buffers full", "stalled", {{"round", std::to_string(g)}});
      }
      for (uint32_t i : t.by_unit[u]) {
        const RoundTask& task = (*t.tasks)[i];
        const uint64_t ready = now();
        for (const auto& dep : task.deps) wait_for(g, dep);
        if (options_.timeline)
          record(u, ready, now(), "stalled: " + task.name + " waits on its inputs", "stalled",
                 {{"round", std::to_string(g)}});
        const uint64_t start = now();
        if (task.cycles) wait(sc_time(static_cast<double>(task.cycles), SC_NS));
        if (options_.timeline) record(u, start, now(), task.name, "busy", {{"round", std::to_string(g)}});
        finish(g, i, t, p);
      }
      ++g;
    }
    current_[u] = total_rounds_;
  }

  void finish(uint64_t g, uint32_t i, const PreparedTemplate& t, const RoundPlace& p) {
    const uint64_t time = now();
    done_[key(g, i)] = time;
    stats_.peak_completions_kept = std::max<uint64_t>(stats_.peak_completions_kept, done_.size());
    last_done_ = std::max(last_done_, time);
    ++stats_.tasks_simulated;
    stats_.busy_cycles[static_cast<size_t>((*t.tasks)[i].unit)] += static_cast<double>((*t.tasks)[i].cycles);
    task_done_.notify(sc_core::SC_ZERO_TIME);
    auto [it, fresh] = remaining_.emplace(g, t.tasks->size());
    if (--it->second == 0) {
      remaining_.erase(it);
      finish_round(g, p);
    }
    forget_old_rounds();
  }

  // Memory independent of the program's length: completion times are kept only as far back as
  // anything can still look (a dependence, the run-ahead bound, the periodicity check over two
  // periods), measured from the earliest round a unit is at or fast-forward still has to check.
  void forget_old_rounds() {
    uint64_t low = *std::min_element(current_.begin(), current_.end());
    if (options_.fast_forward) low = std::min(low, next_check_);
    if (low < horizon_ || low - horizon_ <= forgotten_below_ + horizon_) return;
    const uint64_t until = low - horizon_;
    for (uint64_t r = forgotten_below_; r < until;) {
      bool skipped = false;
      for (const Skip& s : applied_skips_) {
        if (r >= s.from && r < s.from + s.rounds) {  // skipped: nothing was recorded
          r = s.from + s.rounds;
          skipped = true;
        }
        if (r + s.period > s.base && r <= s.base) {  // the period a skip is read off: kept
          r = s.base + 1;
          skipped = true;
        }
      }
      if (skipped || r >= until) continue;
      const size_t tasks = templates_[place(r).run].tasks->size();
      for (uint32_t i = 0; i < tasks; ++i) done_.erase(key(r, i));
      ++r;
    }
    forgotten_below_ = until;
  }

  bool round_done(uint64_t g) const {
    if (g < finished_below_ || finished_rounds_.count(g)) return true;
    for (const Skip& s : applied_skips_)
      if (g >= s.from && g < s.from + s.rounds) return true;
    return false;
  }

  void finish_round(uint64_t g, const RoundPlace& p) {
    ++stats_.rounds_simulated;
    finished_rounds_.insert(g);
    // Rounds below the watermark are all finished (simulated or skipped) and leave the set.
    while (true) {
      if (finished_rounds_.count(finished_below_)) {
        finished_rounds_.erase(finished_below_++);
        continue;
      }
      bool moved = false;
      for (const Skip& s : applied_skips_)
        if (finished_below_ >= s.from && finished_below_ < s.from + s.rounds) {
          finished_below_ = s.from + s.rounds;
          moved = true;
        }
      if (!moved) break;
    }
    if (!options_.fast_forward) return;
    completed_.insert(g);
    // Rounds complete out of order across units; look at them in order, past skipped ones.
    while (true) {
      bool moved = false;
      for (const Skip& s : applied_skips_)
        if (next_check_ >= s.from && next_check_ < s.from + s.rounds) {
          next_check_ = s.from + s.rounds;
          moved = true;
        }
      if (moved) continue;
      if (!completed_.count(next_check_)) break;
      completed_.erase(next_check_);
      consider_skip(next_check_, next_check_ == g ? p : place(next_check_));
      ++next_check_;
    }
  }

  // Uniform advance of every task's completion from one period to the next, twice in a row.
  bool periodic(uint64_t g, uint64_t period, uint64_t& delta) const {
    if (g < 2 * period) return false;
    const PreparedTemplate& t = templates_[place(g).run];
    bool first = true;
    for (uint32_t i = 0; i < t.tasks->size(); ++i) {
      const auto a = done_.find(key(g - 2 * period, i)), b = done_.find(key(g - period, i)),
                 c = done_.find(key(g, i));
      if (a == done_.end() || b == done_.end() || c == done_.end()) return false;
      const uint64_t d1 = b->second - a->second, d2 = c->second - b->second;
      if (d1 != d2 || (!first && d2 != delta)) return false;
      delta = d2;
      first = false;
    }
    return true;
  }

  void consider_skip(uint64_t g, const RoundPlace& p) {
    if (pending_) return;
    uint64_t started = 0;
    for (uint64_t c : current_) started = std::max(started, c);
    const uint64_t from = started + 1;
    uint64_t delta = 0;
    // Rounds of one run: period one round.
    const uint64_t run_end = p.run_start + program_.blocks[p.block].runs[p.run - first_template(p.block)].count;
    if (p.round >= 2 && from + 2 < run_end && place(g - 2).run == p.run && periodic(g, 1, delta)) {
      schedule({from, run_end - from - 1, 1, g, delta});
      return;
    }
    // Repetitions of a block: period one repetition, checked at its last round.
    const uint64_t per_rep = rounds_per_rep_[p.block];
    const uint64_t block_end = p.block_start + per_rep * program_.blocks[p.block].repeat;
    if (g + 1 == p.rep_start + per_rep && p.rep >= 2 && periodic(g, per_rep, delta) &&
        from + 2 * per_rep < block_end) {
      const uint64_t periods = (block_end - from) / per_rep - 1;
      schedule({from, periods * per_rep, per_rep, g, delta});
    }
  }

  size_t first_template(size_t block) const {
    size_t n = 0;
    for (size_t b = 0; b < block; ++b) n += program_.blocks[b].runs.size();
    return n;
  }

  void schedule(const Skip& skip) {
    if (skip.rounds == 0) return;
    // Every unit is still before `from`: it waits out the skipped time when it gets there.
    pending_ = true;
    pending_skip_ = skip;
    units_skipped_ = 0;
    applied_skips_.push_back(skip);
    // The busy time of the skipped rounds, known from their templates.
    for (uint64_t r = 0; r < skip.period; ++r) {
      const PreparedTemplate& t = templates_[place(skip.from + r).run];
      for (size_t u = 0; u < t.busy.size(); ++u)
        stats_.busy_cycles[u] += t.busy[u] * static_cast<double>(skip.rounds / skip.period);
    }
  }

  const RoundProgram& program_;
  RoundPipelineOptions options_;
  std::vector<PreparedTemplate> templates_;
  std::vector<uint64_t> rounds_per_rep_, block_start_;
  uint64_t total_rounds_ = 0;
  // Completion times of recent rounds' tasks, and of the periods skips are read off.
  std::unordered_map<uint64_t, uint64_t> done_;
  uint64_t horizon_ = 0;                           // rounds of completion times kept (prepare)
  uint64_t forgotten_below_ = 0;
  std::unordered_map<uint64_t, size_t> remaining_;
  std::set<uint64_t> completed_;
  std::set<uint64_t> finished_rounds_;  // finished at or above finished_below_
  uint64_t finished_below_ = 0;
  uint64_t next_check_ = 0;
  std::vector<uint64_t> current_;
  std::vector<uint64_t> cursor_;  // per unit: the end of its last timeline record
  sc_event task_done_;
  bool pending_ = false;
  Skip pending_skip_;
  size_t units_skipped_ = 0;
  std::vector<Skip> applied_skips_;
  uint64_t last_done_ = 0;
  RoundPipelineStats stats_;
};

}  // namespace

uint64_t round_count(const RoundProgram& program) {
  uint64_t n = 0;
  for (const auto& block : program.blocks) {
    uint64_t per_rep = 0;
    for (const auto& run : block.runs) per_rep += run.count;
    n += per_rep * block.repeat;
  }
  return n;
}

RoundPipelineStats simulate_round_pipeline(const RoundProgram& program,
                                           const RoundPipelineOptions& options) {
  if (program.units.empty()) throw std::invalid_argument("RoundProgram has no units");
  FreshSimContext context;
  Engine engine("round_pipeline", program, options);
  sc_core::sc_start();
  engine.close_timeline();
  return engine.stats();
}

}  // namespace cascade::sim
