#include "app/sweep/SweepRunner.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace cascade::app {
namespace {

// Points a worker takes at a time: few enough to balance slow and fast points, enough to keep
// the shared counter cold.
constexpr uint64_t kChunk = 16;
// Batch sizes: a batch is checkpointed when done, so it should take about kBatchSeconds.
constexpr double kBatchSeconds = 0.5;
constexpr uint64_t kMaxBatchPerRank = uint64_t{1} << 16;

// Calls `each(i, evaluator)` for i in [begin, end) on `evaluators.size()` threads; rethrows the
// first exception a thread met (a bad point is not one: it is its row).
void parallel_points(std::vector<PointEvaluator>& evaluators, uint64_t begin, uint64_t end,
                     const std::function<void(uint64_t, PointEvaluator&)>& each) {
  if (evaluators.size() == 1 || end - begin <= kChunk) {
    for (uint64_t i = begin; i < end; ++i) each(i, evaluators.front());
    return;
  }
  std::atomic<uint64_t> next{begin};
  std::exception_ptr failure;
  std::mutex failure_lock;
  const auto work = [&](PointEvaluator& evaluator) {
    try {
      for (uint64_t c = next.fetch_add(kChunk); c < end; c = next.fetch_add(kChunk))
        for (uint64_t i = c; i < std::min(end, c + kChunk); ++i) each(i, evaluator);
    } catch (...) {
      const std::lock_guard<std::mutex> lock(failure_lock);
      if (!failure) failure = std::current_exception();
      next = end;
    }
  };
  std::vector<std::thread> threads;
  for (size_t t = 1; t < evaluators.size(); ++t) threads.emplace_back(work, std::ref(evaluators[t]));
  work(evaluators.front());
  for (auto& t : threads) t.join();
  if (failure) std::rethrow_exception(failure);
}

// One rank's share of a batch as text: "rows errors dropped csv_bytes\n", its CSV rows, its JSON
// lines.
struct BatchPart {
  uint64_t rows = 0, errors = 0, dropped = 0;
  std::string csv, jsonl;

  std::string encode() const {
    return std::to_string(rows) + " " + std::to_string(errors) + " " + std::to_string(dropped) + " " +
           std::to_string(csv.size()) + "\n" + csv + jsonl;
  }
  void add_encoded(const std::string& text) {
    uint64_t r = 0, e = 0, d = 0, csv_bytes = 0;
    const auto newline = text.find('\n');
    if (newline == std::string::npos ||
        std::sscanf(text.c_str(), "%lu %lu %lu %lu", &r, &e, &d, &csv_bytes) != 4 ||
        csv_bytes > text.size() - newline - 1)
      throw std::logic_error("sweep: a rank sent a damaged batch");
    rows += r;
    errors += e;
    dropped += d;
    csv.append(text, newline + 1, csv_bytes);
    jsonl.append(text, newline + 1 + csv_bytes);
  }
};

std::vector<PointEvaluator> make_evaluators(const SweepSpec& spec, unsigned threads) {
  std::vector<PointEvaluator> evaluators;
  evaluators.reserve(std::max(1u, threads));
  for (unsigned t = 0; t < std::max(1u, threads); ++t) evaluators.emplace_back(spec);
  return evaluators;
}

BatchPart evaluate_part(const SweepSpec& spec, std::vector<PointEvaluator>& evaluators, uint64_t begin,
                        uint64_t end, bool with_jsonl) {
  const uint64_t n = end - begin;
  std::vector<std::string> csv(n), jsonl(n);
  std::vector<char> kind(n, 0);  // 0 dropped, 1 row, 2 error row
  parallel_points(evaluators, begin, end, [&](uint64_t i, PointEvaluator& evaluator) {
    const auto row = evaluator.evaluate(spec.point(i));
    if (!row) return;
    const uint64_t k = i - begin;
    csv[k] = sweep_csv_row(spec, *row);
    if (with_jsonl) jsonl[k] = sweep_json_line(spec, *row);
    kind[k] = row->error.empty() ? 1 : 2;
  });
  BatchPart part;
  for (uint64_t k = 0; k < n; ++k) {
    if (kind[k] == 0) {
      ++part.dropped;
      continue;
    }
    ++part.rows;
    part.errors += kind[k] == 2 ? 1 : 0;
    part.csv += csv[k];
    part.jsonl += jsonl[k];
  }
  return part;
}

}  // namespace

std::vector<SweepRow> sweep_rows(const SweepSpec& spec, uint64_t begin, uint64_t end, unsigned threads) {
  std::vector<PointEvaluator> evaluators = make_evaluators(spec, threads);
  std::vector<std::optional<SweepRow>> rows(end - begin);
  parallel_points(evaluators, begin, end,
                  [&](uint64_t i, PointEvaluator& evaluator) { rows[i - begin] = evaluator.evaluate(spec.point(i)); });
  std::vector<SweepRow> kept;
  for (auto& r : rows)
    if (r) kept.push_back(std::move(*r));
  return kept;
}

SweepOutcome run_sweep(const SweepSpec& spec, const SweepRunOptions& options, SweepTeam& team) {
  const bool writer = team.rank() == 0;
  std::unique_ptr<SweepJournal> journal;
  SweepOutcome outcome;
  // Rank 0's failure (a checkpoint it cannot resume, a full disk) stops every rank: it is sent with
  // the next batch's control and thrown on rank 0 once the others know.
  std::exception_ptr failure;
  if (writer) {
    try {
      journal = std::make_unique<SweepJournal>(options.csv, options.jsonl, spec.fingerprint(), sweep_csv_header(spec),
                                               options.resume);
      outcome.counts = journal->counts();
    } catch (...) {
      failure = std::current_exception();
    }
  }
  std::vector<PointEvaluator> evaluators = make_evaluators(spec, options.threads);
  const uint64_t ranks = static_cast<uint64_t>(team.size());
  outcome.start = outcome.counts.next;
  uint64_t next = outcome.counts.next;
  uint64_t batch = std::max<uint64_t>(kChunk, kChunk * evaluators.size()) * ranks;
  bool first = true;
  while (true) {
    // Rank 0 says where the batch starts, how long it is (0: stop), and whether it failed.
    const bool stop = failure || (options.stop && options.stop->load());
    std::vector<uint64_t> control = {next, stop ? 0 : std::min(batch, spec.points() - next), failure ? 1u : 0u};
    team.broadcast(control);
    if (control[2] != 0) {
      if (failure) std::rethrow_exception(failure);
      throw SweepWriterFailed{};
    }
    next = control[0];
    if (first) outcome.start = next;
    first = false;
    const uint64_t n = control[1];
    if (n == 0) {
      outcome.interrupted = next < spec.points();
      break;
    }
    const auto began = std::chrono::steady_clock::now();
    const uint64_t r = static_cast<uint64_t>(team.rank());
    const uint64_t begin = next + n * r / ranks, end = next + n * (r + 1) / ranks;
    const BatchPart mine = evaluate_part(spec, evaluators, begin, end, !options.jsonl.empty());
    const std::vector<std::string> parts = team.gather(ranks == 1 ? std::string() : mine.encode());
    next += n;
    if (!writer) continue;
    BatchPart all;
    if (ranks == 1)
      all = mine;
    else
      for (const auto& p : parts) all.add_encoded(p);
    outcome.counts.next = next;
    outcome.counts.rows += all.rows;
    outcome.counts.errors += all.errors;
    outcome.counts.dropped += all.dropped;
    try {
      journal->append(all.csv, all.jsonl, outcome.counts);
    } catch (...) {
      failure = std::current_exception();
      continue;
    }
    if (options.progress) options.progress->update(outcome.counts, outcome.start);
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    if (took < kBatchSeconds / 2 && batch < kMaxBatchPerRank * ranks) batch *= 2;
    if (took > kBatchSeconds * 2 && batch > ranks) batch /= 2;
  }
  if (writer) {
    if (!outcome.interrupted) journal->finish();
    if (options.progress) options.progress->finish(outcome.counts, outcome.start);
  }
  return outcome;
}

}  // namespace cascade::app
