#pragma once

#include <cstddef>
#include <vector>

namespace cascade::app {

// The non-dominated points of `points` (each a vector of objectives, all to be minimized: negate
// one to maximize it): the indices of the points no other point is at least as good as in every
// objective and better in one, in ascending order. Equal points are all kept.
std::vector<size_t> pareto_front(const std::vector<std::vector<double>>& points);

}  // namespace cascade::app
