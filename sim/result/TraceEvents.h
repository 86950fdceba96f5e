#pragma once

#include <string>
#include <utility>
#include <vector>

#include "sim/result/Timeline.h"

namespace cascade::sim {

// The timeline as Chrome trace-event JSON (the Trace Event Format's JSON object form), which
// Perfetto's UI (ui.perfetto.dev) and chrome://tracing open: one process named `title`, a thread
// per track in the timeline's order (named, sorted by that order), a complete event ("ph": "X")
// per interval with its category and arguments, a counter event ("ph": "C") per counter sample.
// Timestamps are microseconds, the format's unit; within a track events come in time order.
// `metadata` goes under "otherData" (the model, architecture, workload, clock). Deterministic:
// the same timeline gives the same bytes. Names are escaped for JSON; bytes outside ASCII are
// written as '?', so that the file is valid UTF-8 whatever a trace's names hold.
std::string trace_event_json(const Timeline& timeline, const std::string& title,
                             const std::vector<std::pair<std::string, std::string>>& metadata);

}  // namespace cascade::sim
