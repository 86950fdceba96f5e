// What the round pipeline engine records on a timeline (RoundPipelineOptions::timeline), and the
// timeline's trace-event JSON. Expected intervals are derived by hand in each test.
#include <gtest/gtest.h>

#include <map>

#include "sim/engine/RoundPipelineSim.h"
#include "sim/result/TraceEvents.h"

namespace cascade::sim {
namespace {

RoundProgram two_stage(uint64_t a_cycles, uint64_t b_cycles, uint64_t rounds) {
  RoundProgram p;
  p.units = {"a", "b"};
  p.blocks.push_back({{{{RoundTask{"A", 0, a_cycles, {}}, RoundTask{"B", 1, b_cycles, {{"A", 0}}}}, rounds}}, 1});
  return p;
}

struct Span {
  std::string name, category;
  double start, end;
  bool operator==(const Span& o) const {
    return name == o.name && category == o.category && start == o.start && end == o.end;
  }
};

std::map<std::string, std::vector<Span>> by_track(const Timeline& t) {
  std::map<std::string, std::vector<Span>> out;
  for (const auto& i : t.intervals()) out[i.track].push_back({i.name, i.category, i.start, i.start + i.duration});
  return out;
}

TEST(Timeline, EveryCycleOfEveryUnitIsBusyStalledOrIdle) {
  // A takes 3 cycles a round, B 5 after A's round; two rounds in flight. A: rounds 0 and 1 at
  // [0, 3) and [3, 6); round 2 waits for round 0's end (B's, at 8): stalled [6, 8), busy [8, 11);
  // round 3 waits for round 1's end (13): stalled [11, 13), busy [13, 16); idle to the run's end,
  // 5 x 4 + 3 = 23. B: waits for A's round 0, stalled [0, 3), then busy back to back to 23. Times
  // are offset by 100 cycles, as a phase after another.
  Timeline t;
  RoundPipelineOptions options;
  options.fast_forward = false;
  options.timeline = &t;
  options.timeline_offset = 100;
  options.timeline_phase = "p";
  const auto stats = simulate_round_pipeline(two_stage(3, 5, 4), options);
  ASSERT_EQ(stats.cycles, 23u);
  const auto tracks = by_track(t);
  const std::vector<Span> a = {{"A", "busy", 100, 103},
                               {"A", "busy", 103, 106},
                               {"stalled: buffers full", "stalled", 106, 108},
                               {"A", "busy", 108, 111},
                               {"stalled: buffers full", "stalled", 111, 113},
                               {"A", "busy", 113, 116},
                               {"idle", "idle", 116, 123}};
  const std::vector<Span> b = {{"stalled: B waits on its inputs", "stalled", 100, 103},
                               {"B", "busy", 103, 108},
                               {"B", "busy", 108, 113},
                               {"B", "busy", 113, 118},
                               {"B", "busy", 118, 123}};
  EXPECT_EQ(tracks.at("a"), a);
  EXPECT_EQ(tracks.at("b"), b);
  EXPECT_EQ(t.tracks(), (std::vector<std::string>{"a", "b"}));
  for (const auto& i : t.intervals()) {
    ASSERT_FALSE(i.args.empty());
    EXPECT_EQ(i.args.front(), std::make_pair(std::string("phase"), std::string("p")));
  }
}

TEST(Timeline, AFastForwardedStretchIsOneIntervalWithItsRepeats) {
  // 100,000 rounds of the same pipeline: the skipped rounds are one interval a unit, labelled with
  // how many rounds it stands for; each unit's intervals still cover [0, cycles) without a gap or
  // an overlap, and there are few of them.
  Timeline t;
  RoundPipelineOptions options;
  options.timeline = &t;
  const auto stats = simulate_round_pipeline(two_stage(3, 5, 100000), options);
  ASSERT_EQ(stats.cycles, 5 * 100000 + 3u);
  EXPECT_LT(t.intervals().size(), 200u);
  for (const auto& [track, spans] : by_track(t)) {
    double at = 0;
    uint64_t skipped = 0;
    for (const auto& s : spans) {
      EXPECT_EQ(s.start, at) << track;
      at = s.end;
      if (s.category == "fast_forward") ++skipped;
    }
    EXPECT_EQ(at, static_cast<double>(stats.cycles)) << track;
    EXPECT_EQ(skipped, 1u) << track;
  }
  bool labelled = false;
  for (const auto& i : t.intervals())
    if (i.category == "fast_forward")
      for (const auto& [key, value] : i.args) labelled = labelled || (key == "rounds" && std::stoull(value) > 99000);
  EXPECT_TRUE(labelled);
}

TEST(Timeline, StopsAtItsBoundAndSaysHowMuchItDropped) {
  Timeline t(3);
  for (int i = 0; i < 5; ++i) t.add({"x", "busy", "busy", static_cast<double>(i), 1, {}});
  t.add_counter("c", 0, 1);
  t.add_counter("c", 1, 2);
  t.add_counter("c", 2, 3);
  t.add_counter("c", 3, 4);
  EXPECT_EQ(t.intervals().size(), 3u);
  EXPECT_EQ(t.counters().size(), 3u);
  EXPECT_EQ(t.dropped(), 3u);
  EXPECT_NE(trace_event_json(t, "run", {}).find("\"dropped\":\"3 intervals"), std::string::npos);
}

TEST(TraceEvents, TracksInOrderEventsInTimeOrderNamesEscaped) {
  // Ticks of 1 GHz: 1500 ticks is 1.5 us. The second track's events, added out of order, come out
  // in time order after the first track's; a quote, a newline and a byte outside ASCII in a name
  // are escaped or replaced.
  Timeline t;
  t.ticks_per_second = 1e9;
  t.add_track("first");
  t.add({"second", "late", "busy", 3000, 500, {}});
  t.add({"second", "early", "busy", 1000, 500, {{"round", "7"}}});
  t.add({"first", "a\"b\nc\xC3\xA9", "busy", 0, 1500, {}});
  t.add_counter("rate", 2000, 42.5);
  const std::string json = trace_event_json(t, "run", {{"model", "m"}});
  const std::string expected =
      "{\"traceEvents\":[\n"
      "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"tid\":0,\"args\":{\"name\":\"run\"}},\n"
      "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":1,\"args\":{\"name\":\"first\"}},\n"
      "{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":1,\"tid\":1,\"args\":{\"sort_index\":1}},\n"
      "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":2,\"args\":{\"name\":\"second\"}},\n"
      "{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":1,\"tid\":2,\"args\":{\"sort_index\":2}},\n"
      "{\"name\":\"a\\\"b\\u000ac??\",\"cat\":\"busy\",\"ph\":\"X\",\"ts\":0.000000,\"dur\":1.500000,\"pid\":1,"
      "\"tid\":1,\"args\":{}},\n"
      "{\"name\":\"early\",\"cat\":\"busy\",\"ph\":\"X\",\"ts\":1.000000,\"dur\":0.500000,\"pid\":1,\"tid\":2,"
      "\"args\":{\"round\":\"7\"}},\n"
      "{\"name\":\"late\",\"cat\":\"busy\",\"ph\":\"X\",\"ts\":3.000000,\"dur\":0.500000,\"pid\":1,\"tid\":2,"
      "\"args\":{}},\n"
      "{\"name\":\"rate\",\"ph\":\"C\",\"ts\":2.000000,\"pid\":1,\"tid\":0,\"args\":{\"value\":42.5}}\n"
      "],\"displayTimeUnit\":\"ns\",\"otherData\":{\"model\":\"m\",\"ticks_per_second\":\"1000000000.000000\"}}\n";
  EXPECT_EQ(json, expected);
}

}  // namespace
}  // namespace cascade::sim
