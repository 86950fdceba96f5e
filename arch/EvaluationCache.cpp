#include "arch/EvaluationCache.h"

#include <algorithm>

namespace cascade::arch {

EvaluationCache::EvaluationCache() = default;
EvaluationCache::~EvaluationCache() = default;

EvaluationCache::Entry& EvaluationCache::find_or_build(const workloads::Cascade& cascade, const std::string& key,
                                                       const std::function<std::unique_ptr<Entry>()>& build) {
  for (size_t i = 0; i < slots_.size(); ++i)
    if (slots_[i].cascade == &cascade && slots_[i].key == key) {
      if (i > 0) std::rotate(slots_.begin(), slots_.begin() + static_cast<std::ptrdiff_t>(i),
                             slots_.begin() + static_cast<std::ptrdiff_t>(i) + 1);
      return *slots_.front().entry;
    }
  std::unique_ptr<Entry> built = build();
  if (slots_.size() >= kMaxEntries) slots_.pop_back();
  slots_.insert(slots_.begin(), Slot{&cascade, key, std::move(built)});
  return *slots_.front().entry;
}

}  // namespace cascade::arch
