#pragma once

#include <string>

#include "sim/result/Result.h"

namespace cascade::plots {

// A roofline chart of a run, as PNG and SVG (`path_stem`.png, .svg): each phase or kernel placed
// by its operational intensity (operations a byte of the roofline's memory level: DRAM, or the
// NGPC's L2 port) and the rate it achieved (operations a second), one point series a kind, under
// the compute roofs (horizontal) and the memory roof (the level's bandwidth times the intensity),
// on log-log axes. A point without traffic at that level has no intensity
// and one without operations no rate: they are left out and counted in the title. Points are
// labelled with their names where there are at most 40. Throws std::runtime_error if gnuplot is
// missing or fails; an InputError if an output cannot be written.
void plot_roofline(const std::string& title, const sim::Roofline& roofline, const std::string& path_stem);

}  // namespace cascade::plots
