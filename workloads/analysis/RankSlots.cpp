#include "workloads/analysis/RankSlots.h"

#include <algorithm>

namespace cascade::workloads {

RankSlots::RankSlots(const Cascade& cascade) {
  for (const auto& r : cascade.ranks) names_.push_back(r.name);
  for (const auto& p : cascade.partitions) {
    names_.push_back(p.outer);
    names_.push_back(p.inner);
  }
  std::sort(names_.begin(), names_.end());
  names_.erase(std::unique(names_.begin(), names_.end()), names_.end());
  sorted_ = names_.size();
}

size_t RankSlots::slot_of(const std::string& rank) {
  const auto end = names_.begin() + static_cast<std::ptrdiff_t>(sorted_);
  const auto it = std::lower_bound(names_.begin(), end, rank);
  if (it != end && *it == rank) return static_cast<size_t>(it - names_.begin());
  for (size_t i = sorted_; i < names_.size(); ++i)
    if (names_[i] == rank) return i;
  names_.push_back(rank);
  return names_.size() - 1;
}

void RankSlots::read(const RankSizes& sizes, Sizes& out) const {
  out.sizes_.assign(names_.size(), 0);
  out.present_.assign(names_.size(), 0);
  out.named_ = &sizes;
  out.names_ = &names_;
  // Both in name order: one walk, a lookup only for what is out of step.
  auto it = sizes.all().begin();
  for (size_t i = 0; i < names_.size(); ++i) {
    if (i < sorted_) {
      while (it != sizes.all().end() && it->first < names_[i]) ++it;
      if (it != sizes.all().end() && it->first == names_[i]) {
        out.sizes_[i] = it->second;
        out.present_[i] = 1;
      }
      continue;
    }
    const auto found = sizes.all().find(names_[i]);
    if (found != sizes.all().end()) {
      out.sizes_[i] = found->second;
      out.present_[i] = 1;
    }
  }
}

}  // namespace cascade::workloads
