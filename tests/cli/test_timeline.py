"""`cascade run --timeline FILE.json`: the Chrome trace-event (Perfetto) timeline of a run, checked
against the trace-event format (each event's required fields; within a track, events in time order
and not overlapping) and against the run's record (the phases' and kernels' times).

Environment (set by ctest): CASCADE_BIN, CASCADE_SOURCE_DIR.
"""
import collections
import json
import os
import subprocess
import tempfile
import unittest

SOURCE = os.environ["CASCADE_SOURCE_DIR"]
CLI = os.environ["CASCADE_BIN"]
LIBRARY = os.path.join(SOURCE, "workloads", "library")
FUSEMAX = os.path.join(LIBRARY, "attention", "attention_fusemax.pbtxt")


def run(*args):
    return subprocess.run([CLI, *args], capture_output=True, text=True)


def check_trace_events(test, path):
    """The file as the Trace Event Format's JSON object: returns (events by track name, counters,
    otherData), after checking every event's fields and each track's time order."""
    with open(path, encoding="utf-8") as f:
        trace = json.load(f)
    test.assertIsInstance(trace["traceEvents"], list)
    test.assertIn(trace["displayTimeUnit"], ("ms", "ns"))
    names, events, counters = {}, collections.defaultdict(list), []
    for e in trace["traceEvents"]:
        test.assertIsInstance(e["name"], str)
        test.assertIsInstance(e["pid"], int)
        test.assertIsInstance(e["tid"], int)
        if e["ph"] == "M":
            test.assertIn(e["name"], ("process_name", "thread_name", "thread_sort_index"))
            if e["name"] == "thread_name":
                names[e["tid"]] = e["args"]["name"]
        elif e["ph"] == "X":
            test.assertIsInstance(e["cat"], str)
            test.assertIsInstance(e["args"], dict)
            test.assertGreaterEqual(e["ts"], 0)
            test.assertGreater(e["dur"], 0)
            events[e["tid"]].append(e)
        elif e["ph"] == "C":
            test.assertIsInstance(e["args"]["value"], (int, float))
            counters.append(e)
        else:
            test.fail(f"unexpected phase {e['ph']}")
    by_track = {}
    for tid, evs in events.items():
        test.assertIn(tid, names, "every track is named")
        for before, after in zip(evs, evs[1:]):
            test.assertLessEqual(before["ts"], after["ts"], names[tid])
            # Timestamps are printed to the picosecond (6 decimals of a microsecond): each of the
            # three numbers rounded by at most half of one.
            test.assertGreaterEqual(after["ts"], before["ts"] + before["dur"] - 1.5e-6, names[tid])
        by_track[names[tid]] = evs
    return by_track, counters, trace["otherData"]


class SpatialTimeline(unittest.TestCase):
    def cycle_run(self, arch, workload, tokens):
        """Runs a cycle simulation with a timeline and returns its tracks and the file's size, after
        checking that every unit's track covers every phase (its intervals with the phase's name
        sum to the phase's cycles as the record has them, the phases' to the run's) and that DRAM's
        bandwidth counter is its rate or 0."""
        with tempfile.TemporaryDirectory() as d:
            record, timeline = os.path.join(d, "r.json"), os.path.join(d, "t.json")
            r = run("run", "--arch", arch, "--root", SOURCE, "--workload", workload, "--set", f"M={tokens}",
                    "--set", f"P={tokens}", "--fidelity", "cycle", "-o", record, "--timeline", timeline)
            self.assertEqual(r.returncode, 0, r.stderr)
            size = os.path.getsize(timeline)
            tracks, counters, other = check_trace_events(self, timeline)
            with open(record) as f:
                rec = json.load(f)
        clock = float(other["clock_hz"])
        cycles = lambda us: us * clock / 1e6
        phases = {e["name"]: cycles(e["dur"]) for e in tracks["phases"]}
        for p in rec["phase"]:
            self.assertAlmostEqual(phases[p["name"]], int(p["cycles"]), delta=1)
        self.assertAlmostEqual(sum(phases.values()), int(rec["cycles"]), delta=1)
        for unit in ("array2d", "array1d", "dram"):
            per_phase = collections.Counter()
            for e in tracks[unit]:
                per_phase[e["args"]["phase"]] += cycles(e["dur"])
            self.assertEqual(set(per_phase), set(phases), unit)
            for phase, length in phases.items():
                # Each duration is printed to the picosecond: their sum can drift by a cycle in
                # a million (half a picosecond an interval, tens of thousands of them).
                self.assertAlmostEqual(per_phase[phase], length, delta=1 + 1e-6 * length, msg=f"{unit} {phase}")
        # DRAM's bandwidth while it streams, and 0 between.
        rates = {c["args"]["value"] for c in counters if c["name"] == "DRAM bandwidth (GB/s)"}
        self.assertEqual(len(rates), 2, rates)
        self.assertIn(0, rates)
        return tracks, size

    def test_baselines_cycle_runs(self):
        for arch in ("flat_cloud", "unfused_cloud"):
            with self.subTest(arch=arch):
                self.cycle_run(arch, os.path.join(LIBRARY, "transformers", "bert_base.pbtxt"), 4096)

    def test_fusemax_cycle_run_at_64k_tokens(self):
        # The file stays small: fast-forwarded stretches are one interval each.
        tracks, size = self.cycle_run("fusemax_cloud", FUSEMAX, 65536)
        self.assertLess(size, 20 << 20)
        self.assertEqual({e["name"] for e in tracks["phases"]}, {"k", "v", "attention"})
        categories = collections.Counter(e["cat"] for e in tracks["array2d"])
        self.assertGreater(categories["busy"], 0)
        self.assertGreater(categories["fast_forward"], 0)

    def test_analytical_runs_show_each_phase_busy_then_idle(self):
        with tempfile.TemporaryDirectory() as d:
            timeline = os.path.join(d, "t.json")
            r = run("run", "--arch", "fusemax_cloud", "--root", SOURCE, "--workload", FUSEMAX, "--set", "M=4096",
                    "--set", "P=4096", "-o", os.path.join(d, "r.json"), "--timeline", timeline)
            self.assertEqual(r.returncode, 0, r.stderr)
            tracks, _, _ = check_trace_events(self, timeline)
        total = sum(e["dur"] for e in tracks["phases"])
        for unit in ("array2d", "array1d", "dram"):
            self.assertAlmostEqual(sum(e["dur"] for e in tracks[unit]), total, delta=1e-3)

    def test_the_same_run_gives_the_same_bytes(self):
        with tempfile.TemporaryDirectory() as d:
            outputs = []
            for i in range(2):
                timeline = os.path.join(d, f"t{i}.json")
                r = run("run", "--arch", "fusemax_cloud", "--root", SOURCE, "--workload", FUSEMAX, "--set",
                        "M=16384", "--set", "P=16384", "--fidelity", "cycle", "-o", os.path.join(d, "r.json"),
                        "--timeline", timeline)
                self.assertEqual(r.returncode, 0, r.stderr)
                with open(timeline, "rb") as f:
                    outputs.append(f.read())
        self.assertEqual(outputs[0], outputs[1])


class GpuTimeline(unittest.TestCase):
    def test_kernels_and_their_waves(self):
        # One interval a kernel of the record, back to back, summing to the run's seconds; every
        # wave inside its kernel's interval.
        with tempfile.TemporaryDirectory() as d:
            record, timeline = os.path.join(d, "r.json"), os.path.join(d, "t.json")
            r = run("run", "--arch", "h100_sxm.calibrated", "--root", SOURCE, "--workload",
                    os.path.join(LIBRARY, "transformers", "gpt2_small_layer.pbtxt"), "-o", record,
                    "--timeline", timeline)
            self.assertEqual(r.returncode, 0, r.stderr)
            tracks, counters, _ = check_trace_events(self, timeline)
            with open(record) as f:
                rec = json.load(f)
        kernels = tracks["kernels"]
        self.assertEqual([e["name"] for e in kernels], [k["name"] for k in rec["kernel"]])
        self.assertAlmostEqual(sum(e["dur"] for e in kernels) * 1e-6, rec["seconds"], delta=rec["seconds"] * 1e-6)
        span = {e["name"]: (e["ts"], e["ts"] + e["dur"]) for e in kernels}
        waves = [e for name, evs in tracks.items() if name.startswith("SM group") for e in evs]
        self.assertGreater(len(waves), len(kernels))
        for w in waves:
            begin, end = span[w["args"]["kernel"]]
            self.assertGreaterEqual(w["ts"], begin - 1e-6)
            self.assertLessEqual(w["ts"] + w["dur"], end + 1e-6)
        self.assertTrue(any(c["name"] == "resident blocks" for c in counters))


class NgpcTimeline(unittest.TestCase):
    def test_engines_cover_the_frame(self):
        with tempfile.TemporaryDirectory() as d:
            timeline = os.path.join(d, "t.json")
            r = run("run", "--arch", "ngpc", "--root", SOURCE, "--workload",
                    os.path.join(LIBRARY, "neural_graphics", "nerf.pbtxt"), "--fidelity", "cycle", "-o",
                    os.path.join(d, "r.json"), "--timeline", timeline)
            self.assertEqual(r.returncode, 0, r.stderr)
            tracks, _, _ = check_trace_events(self, timeline)
        frame = sum(e["dur"] for e in tracks["frame"])
        for unit in ("l2_port", "mlp_engine", "gpu"):
            self.assertAlmostEqual(sum(e["dur"] for e in tracks[unit]), frame, delta=1e-3)


class GpuCompare(unittest.TestCase):
    TRACE = os.path.join(SOURCE, "validation", "traces", "h200", "kineto_llama2_7b_decode_kv2048.json")

    def test_every_kernel_measured_and_predicted_side_by_side(self):
        # Every kernel event of the trace is on the measured tracks at its traced time (from the
        # first kernel's start), and on the predicted tracks starting at the same time.
        with open(self.TRACE) as f:
            kernels = sorted((e for e in json.load(f)["traceEvents"] if e.get("cat") == "kernel"),
                             key=lambda e: e["ts"])
        with tempfile.TemporaryDirectory() as d:
            timeline = os.path.join(d, "t.json")
            r = run("gpu", "compare", "--arch", "h200", "--root", SOURCE, "--trace", self.TRACE, "-o", timeline)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn(f"{len(kernels)} kernels, {len(kernels)} described", r.stdout)
            tracks, _, _ = check_trace_events(self, timeline)
        # Kineto's timestamps are microseconds since an epoch (about 5e12): in seconds a double
        # keeps them to a few nanoseconds.
        origin = kernels[0]["ts"]
        expected = [(k["ts"] - origin, k["name"]) for k in kernels]
        for prefix in ("measured kernels", "predicted kernels"):
            got = sorted(((e["ts"], e["name"]) for name, evs in tracks.items() if name.startswith(prefix)
                          for e in evs), key=lambda x: x[0])
            self.assertEqual([n for _, n in got], [n for _, n in expected], prefix)
            for (ts, _), (want, _) in zip(got, expected):
                self.assertAlmostEqual(ts, want, delta=0.005)
        for name, evs in tracks.items():
            if name.startswith("predicted kernels"):
                for e in evs:
                    self.assertAlmostEqual(float(e["args"]["predicted_us"]), e["dur"], delta=1e-3)

    def test_a_whole_pass_is_the_sum_of_its_kernels(self):
        # gpu validate's measured pass: every kernel's traced duration, repeated launches included.
        with open(self.TRACE) as f:
            total = sum(e["dur"] for e in json.load(f)["traceEvents"] if e.get("cat") == "kernel")
        r = run("gpu", "validate", "--arch", "h200", "--root", SOURCE, "--traces", self.TRACE)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(f"measured {total:.1f} us", r.stdout)

    def test_bad_paths_exit_2(self):
        with tempfile.TemporaryDirectory() as d:
            for trace, out in ((os.path.join(d, "none.json"), os.path.join(d, "t.json")),
                               (self.TRACE, os.path.join(d, "no", "t.json"))):
                with self.subTest(trace=trace, out=out):
                    r = run("gpu", "compare", "--arch", "h200", "--root", SOURCE, "--trace", trace, "-o", out)
                    self.assertEqual(r.returncode, 2, r.stderr)
                    self.assertFalse(os.path.exists(os.path.join(d, "t.json")))


class BadTimelinePaths(unittest.TestCase):
    def test_a_missing_folder_or_a_folder_is_an_error_before_the_run(self):
        with tempfile.TemporaryDirectory() as d:
            for path in (os.path.join(d, "no", "t.json"), d):
                with self.subTest(path=path):
                    r = run("run", "--arch", "fusemax_cloud", "--root", SOURCE, "--workload", FUSEMAX,
                            "-o", os.path.join(d, "r.json"), "--timeline", path)
                    self.assertEqual(r.returncode, 2, r.stderr)
                    self.assertIn(path, r.stderr)
                    self.assertFalse(os.path.exists(os.path.join(d, "r.json")))


if __name__ == "__main__":
    unittest.main()
