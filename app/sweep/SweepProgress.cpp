#include "app/sweep/SweepProgress.h"

#include "base/Format.h"

namespace cascade::app {
namespace {

std::string duration_text(double s) {
  if (!(s < 1e9)) return "?";
  const auto whole = static_cast<uint64_t>(s + 0.5);
  if (whole < 60) return std::to_string(whole) + "s";
  if (whole < 3600) return base::format("%llum%02llus", static_cast<unsigned long long>(whole / 60),
                                        static_cast<unsigned long long>(whole % 60));
  return base::format("%lluh%02llum", static_cast<unsigned long long>(whole / 3600),
                      static_cast<unsigned long long>(whole / 60 % 60));
}

}  // namespace

SweepProgress::SweepProgress(std::ostream& out, Style style, uint64_t total, double period_s)
    : out_(out), style_(style), total_(total), period_s_(period_s) {}

std::string SweepProgress::line(const SweepCounts& c, uint64_t start, double elapsed) const {
  const double done = static_cast<double>(c.next - start);
  const double rate = elapsed > 0 ? done / elapsed : 0;
  const double left = rate > 0 ? static_cast<double>(total_ - c.next) / rate : 1e18;
  return base::format("sweep: %llu of %llu points (%.1f%%), %.0f points/s, %s left, %llu errors, %llu dropped",
                      static_cast<unsigned long long>(c.next), static_cast<unsigned long long>(total_),
                      total_ ? 100.0 * static_cast<double>(c.next) / static_cast<double>(total_) : 100.0, rate,
                      duration_text(left).c_str(), static_cast<unsigned long long>(c.errors),
                      static_cast<unsigned long long>(c.dropped));
}

void SweepProgress::update(const SweepCounts& counts, uint64_t start) {
  if (style_ == Style::kQuiet) return;
  const double now = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin_).count();
  if (now - last_ < (style_ == Style::kTerminal ? 0.2 : period_s_)) return;
  last_ = now;
  if (style_ == Style::kTerminal)
    out_ << "\r" << line(counts, start, now) << "\033[K" << std::flush;
  else
    out_ << line(counts, start, now) << "\n" << std::flush;
}

void SweepProgress::finish(const SweepCounts& counts, uint64_t start) {
  if (style_ == Style::kQuiet) return;
  const double now = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin_).count();
  if (style_ == Style::kTerminal) out_ << "\r\033[K";
  out_ << base::format("sweep: %llu points (%llu rows, %llu errors, %llu dropped) in %.2f s, %.0f points/s",
                       static_cast<unsigned long long>(counts.next), static_cast<unsigned long long>(counts.rows),
                       static_cast<unsigned long long>(counts.errors),
                       static_cast<unsigned long long>(counts.dropped), now,
                       now > 0 ? static_cast<double>(counts.next - start) / now : 0.0)
       << "\n" << std::flush;
}

}  // namespace cascade::app
