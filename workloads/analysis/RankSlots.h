#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "workloads/analysis/ShapeBinding.h"
#include "workloads/ir/Cascade.h"

namespace cascade::workloads {

// The ranks of a cascade (declared ones and partition parts) numbered in name order, the order of
// RankSizes::all(), so that analyses compiled once (OpCountPlan) read a binding's sizes by number
// instead of by name.
class RankSlots {
 public:
  explicit RankSlots(const Cascade& cascade);
  // The slot of `rank`; a name the cascade does not have gets a slot of its own.
  size_t slot_of(const std::string& rank);
  size_t size() const { return names_.size(); }
  const std::vector<std::string>& names() const { return names_; }

  // A binding's sizes by slot. A rank the binding lacks is read through RankSizes::of when used,
  // which throws std::out_of_range as reading it by name does.
  class Sizes {
   public:
    uint64_t of(size_t slot) const { return present_[slot] ? sizes_[slot] : named_->of((*names_)[slot]); }
    const RankSizes& named() const { return *named_; }

   private:
    friend class RankSlots;
    std::vector<uint64_t> sizes_;
    std::vector<char> present_;
    const RankSizes* named_ = nullptr;
    const std::vector<std::string>* names_ = nullptr;
  };
  // Reads `sizes` into `out` (its storage reused); `sizes` must outlive `out`'s use.
  void read(const RankSizes& sizes, Sizes& out) const;

 private:
  std::vector<std::string> names_;  // ascending, then the names added by slot_of
  size_t sorted_ = 0;               // how many of names_ are in ascending order
};

}  // namespace cascade::workloads
