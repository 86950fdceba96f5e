"""`cascade sweep`: points in the spec's order with stable ids, each row the record `cascade run`
gives for the same parameters, ranges and zips as written, a bad point as a row with its error, a
bad spec as exit 2 at its line (run by ctest with Debian's python3).

Environment (set by ctest): CASCADE_BIN, CASCADE_SOURCE_DIR.
"""
import csv
import json
import os
import subprocess
import tempfile
import unittest

SOURCE = os.environ["CASCADE_SOURCE_DIR"]
CLI = os.environ["CASCADE_BIN"]
FUSEMAX = os.path.join(SOURCE, "configs", "arch", "fusemax_cloud.pbtxt")
BERT = os.path.join(SOURCE, "workloads", "library", "transformers", "bert_base.pbtxt")
GPT2 = os.path.join(SOURCE, "workloads", "library", "transformers", "gpt2_small_layer.pbtxt")


def run(*args):
    return subprocess.run([CLI, *args], capture_output=True, text=True)


class Sweep(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def sweep(self, spec, *extra):
        path = os.path.join(self.dir, "spec.pbtxt")
        with open(path, "w") as f:
            f.write(spec)
        out = os.path.join(self.dir, "r.csv")
        r = run("sweep", path, "-o", out, "--root", SOURCE, *extra)
        rows = []
        if r.returncode == 0:
            with open(out) as f:
                rows = list(csv.DictReader(f))
        return r, rows

    def test_rows_equal_single_runs(self):
        # 2 array sizes x 2 sequence lengths = 4 points, the last axis fastest; each row's cycles are
        # those `cascade run` gives with the same overrides.
        r, rows = self.sweep(f'arch: "{FUSEMAX}"\nworkload: "{BERT}"\n'
                             'axis { field: "array2d.rows" values: ["128", "256"] }\n'
                             'axis { field: "rank.M" values: ["1024", "2048"] }\n')
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual([(x["array2d.rows"], x["rank.M"]) for x in rows],
                         [("128", "1024"), ("128", "2048"), ("256", "1024"), ("256", "2048")])
        for x in rows:
            out = os.path.join(self.dir, "one.json")
            one = run("run", "--arch", FUSEMAX, "--arch-set", "array2d.rows=" + x["array2d.rows"],
                      "--workload", BERT, "--set", "M=" + x["rank.M"], "-o", out)
            self.assertEqual(one.returncode, 0, one.stderr)
            with open(out) as f:
                self.assertEqual(int(json.load(f)["cycles"]), int(x["cycles"]), x)
        self.assertEqual(len({x["id"] for x in rows}), 4)

    def test_fusemax_and_the_gpu_in_one_sweep(self):
        r, rows = self.sweep(f'arch: "fusemax_cloud"\narch: "h100_sxm.calibrated"\nworkload: "{GPT2}"\n'
                             'axis { field: "rank.M" values: ["512", "1024"] }\n')
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual([x["model"] for x in rows], ["fusemax", "fusemax", "gpu", "gpu"])
        self.assertTrue(all(int(x["cycles"]) > 0 for x in rows))

    def test_ranges_zips_and_stable_ids(self):
        # A whole linear range 128..512 in 4 points is 128, 256, 384, 512; a log range 1024..4096 in
        # 3 points is 1024, 2048, 4096; zipped axes advance together.
        r, rows = self.sweep(f'arch: "{FUSEMAX}"\nworkload: "{BERT}"\n'
                             'axis { field: "array2d.rows" range { from: 128 to: 512 points: 4 whole: true } }\n'
                             'zip { axis { field: "rank.M" range { from: 1024 to: 4096 points: 3 log: true whole: true } }\n'
                             '      axis { field: "array2d.cols" values: ["64", "128", "256"] } }\n')
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sorted({x["array2d.rows"] for x in rows}, key=int), ["128", "256", "384", "512"])
        self.assertEqual([(x["rank.M"], x["array2d.cols"]) for x in rows[:3]],
                         [("1024", "64"), ("2048", "128"), ("4096", "256")])
        # The same points with the axes written in another order keep their ids.
        r2, rows2 = self.sweep(f'arch: "{FUSEMAX}"\nworkload: "{BERT}"\n'
                               'zip { axis { field: "array2d.cols" values: ["64", "128", "256"] }\n'
                               '      axis { field: "rank.M" values: ["1024", "2048", "4096"] } }\n'
                               'axis { field: "array2d.rows" values: ["128", "256", "384", "512"] }\n')
        self.assertEqual(r2.returncode, 0, r2.stderr)
        self.assertEqual({x["id"]: x["cycles"] for x in rows}, {x["id"]: x["cycles"] for x in rows2})

    def test_a_bad_point_is_a_row_with_its_error(self):
        r, rows = self.sweep(f'arch: "{FUSEMAX}"\nworkload: "{BERT}"\n'
                             'axis { field: "array2d.rows" values: ["0", "256"] }\n'
                             'sizes { key: "M" value: 1024 }\n')
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("1 errors", r.stderr)
        self.assertIn("array2d has 0 PEs", rows[0]["error"])
        self.assertEqual(rows[0]["cycles"], "")
        self.assertEqual(rows[1]["error"], "")

    def test_bad_specs_exit_2_at_their_line(self):
        for spec, text in ((f'arch: "{FUSEMAX}"\nworkload: "{BERT}"\naxis {{ field: "array2d.rowz" values: ["1"] }}\n',
                            ":3:8: error: axis on " + FUSEMAX + ": 'array2d.rowz': PeArray has no field 'rowz' (its fields: rows, cols, op_cost, register_file_depth)"),
                           (f'arch: "{FUSEMAX}"\nworkload: "{BERT}"\naxis {{ field: "rank.Q" values: ["1"] }}\n',
                            ":3:8: error: axis 'rank.Q': workload 'bert_base' has no rank 'Q'"),
                           (f'arch: "{FUSEMAX}"\nworkload: "{BERT}"\naxis {{ field: "rank.M" range {{ from: 1 to: 2 }} }}\n',
                            ":3:24: error: range: points must be 1 to 2^24"),
                           (f'arch: "tpu_v9"\nworkload: "{BERT}"\n', ":1:1: error: no architecture config 'tpu_v9'"),
                           (f'arch: "{FUSEMAX}"\nworkload: "{BERT}"\nzip {{ axis {{ field: "rank.M" values: ["1024"] }}\n'
                            'axis { field: "array2d.rows" values: ["1", "2"] } }\n',
                            ":4:1: error: zip: its axes must have as many values each (1 and 2)"),
                           (f'arch: "{FUSEMAX}"\nworkload: "{BERT}"\naxis {{ field: "rank.M" values: ["1024"] }}\n'
                            'axis { field: "rank.M" values: ["2048"] }\n', ":4:8: error: axis 'rank.M' is swept twice"),
                           (f'arch: "{FUSEMAX}"\nworkload: "{BERT}"\naxis {{ field: "rank.M" values: ["1024"] '
                            'range { from: 1 to: 2 points: 2 } }\n', ":3:41: error: axis: give values or a range, not both"),
                           (f'arch: "{FUSEMAX}"\nworkload: "{BERT}"\naxis {{ field: "rank.M" '
                            'range { from: 0 to: 2 points: 2 log: true } }\n',
                            ":3:24: error: range: a log range needs from and to above 0")):
            with self.subTest(text=text):
                r, _ = self.sweep(spec)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(text, r.stderr)

    def test_the_example_spec(self):
        # configs/sweeps/gpt2_fusemax_vs_h100.pbtxt: 2 architectures x 4 sequence lengths (512 to 4096
        # in 4 geometric steps), no point in error.
        out = os.path.join(self.dir, "ex.csv")
        r = run("sweep", os.path.join(SOURCE, "configs", "sweeps", "gpt2_fusemax_vs_h100.pbtxt"), "-o", out,
                "--root", SOURCE)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out) as f:
            rows = list(csv.DictReader(f))
        self.assertEqual([x["rank.M"] for x in rows], ["512", "1024", "2048", "4096"] * 2)
        self.assertEqual({x["error"] for x in rows}, {""})

    def test_arch_set_needs_field_and_value(self):
        r = run("run", "--arch", FUSEMAX, "--arch-set", "array2d.rows", "--workload", BERT)
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr, "cascade: --arch-set: expected FIELD=VALUE, got 'array2d.rows'\n")

    def test_same_spec_same_bytes(self):
        spec = (f'arch: "{FUSEMAX}"\nworkload: "{BERT}"\n'
                'axis { field: "rank.M" values: ["1024", "4096"] }\nfidelity: "cycle"\n')
        outputs = []
        for _ in range(2):
            r, _ = self.sweep(spec, "--jsonl", os.path.join(self.dir, "r.jsonl"))
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(os.path.join(self.dir, "r.csv"), "rb") as f, open(os.path.join(self.dir, "r.jsonl"), "rb") as g:
                outputs.append((f.read(), g.read()))
        self.assertEqual(outputs[0], outputs[1])
        self.assertEqual(len(outputs[0][1].splitlines()), 2)

    def test_metrics_and_constraints(self):
        # The metrics kept are the spec's, in its order; edp_js = energy_j x seconds and power_w =
        # energy_j / seconds by definition. A constraint on an axis drops the points outside it
        # (rows 16..512 in 5 whole steps: 16, 140, 264, 388, 512; max 300 keeps 3), one on a metric
        # drops the points whose metric is outside (checked against the unconstrained sweep).
        base = (f'arch: "{FUSEMAX}"\nworkload: "{BERT}"\n'
                'axis { field: "array2d.rows" range { from: 16 to: 512 points: 5 whole: true } }\n'
                'axis { field: "rank.M" values: ["1024", "4096"] }\n'
                'metric: "seconds" metric: "energy_j" metric: "edp_js" metric: "power_w"\n')
        r, everything = self.sweep(base)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(list(everything[0].keys())[-5:], ["seconds", "energy_j", "edp_js", "power_w", "error"])
        for x in everything:
            self.assertAlmostEqual(float(x["edp_js"]), float(x["energy_j"]) * float(x["seconds"]),
                                   delta=1e-12 * float(x["edp_js"]))
            self.assertAlmostEqual(float(x["power_w"]), float(x["energy_j"]) / float(x["seconds"]),
                                   delta=1e-12 * float(x["power_w"]))
        r, rows = self.sweep(base + 'constraint { name: "array2d.rows" max: 300 }\n')
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sorted({x["array2d.rows"] for x in rows}, key=int), ["16", "140", "264"])
        self.assertIn("(6 rows, 0 errors, 4 dropped)", r.stderr)
        median = sorted(float(x["seconds"]) for x in everything)[len(everything) // 2]
        r, rows = self.sweep(base + f'constraint {{ name: "seconds" min: {median!r} }}\n')
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual([x["id"] for x in rows], [x["id"] for x in everything if float(x["seconds"]) >= median])

    def test_bad_metrics_and_constraints(self):
        for spec, text in ((f'arch: "{FUSEMAX}"\nworkload: "{BERT}"\nmetric: "cycles"\nmetric: "speed"\n',
                            ":4:1: error: unknown metric 'speed' (metrics: cycles, seconds, "),
                           (f'arch: "{FUSEMAX}"\nworkload: "{BERT}"\nconstraint {{ name: "area" max: 1 }}\n',
                            ":3:14: error: constraint on 'area', which is neither an axis of the sweep nor a metric"),
                           (f'arch: "{FUSEMAX}"\nworkload: "{BERT}"\nconstraint {{ name: "seconds" }}\n',
                            ":3:1: error: constraint: give min, max or both"),
                           (f'arch: "{FUSEMAX}"\nworkload: "{BERT}"\nconstraint {{ name: "seconds" min: 2 max: 1 }}\n',
                            ":3:1: error: constraint: min is above max")):
            with self.subTest(text=text):
                r, _ = self.sweep(spec)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(text, r.stderr)

    def test_bad_options(self):
        spec = f'arch: "{FUSEMAX}"\nworkload: "{BERT}"\n'
        out = os.path.join(self.dir, "r.csv")
        for extra, text in ((["-j", "0"], "cascade: sweep: -j takes 1 to 1024 threads\n"),
                            (["-j", "1025"], "cascade: sweep: -j takes 1 to 1024 threads\n"),
                            (["--jsonl", out], "cascade: sweep: --jsonl and --output name the same file\n")):
            with self.subTest(extra=extra):
                r, _ = self.sweep(spec, *extra)
                self.assertEqual((r.returncode, r.stderr), (2, text))

    def test_progress_lines_and_quiet(self):
        # Not a terminal: a plain line per period (0: after every batch) with done of total, rate,
        # time left, errors and dropped; then the summary. --quiet prints nothing.
        spec = (f'arch: "{FUSEMAX}"\nworkload: "{BERT}"\n'
                'axis { field: "array2d.rows" values: ["0", "64", "128", "256"] }\n'
                'axis { field: "rank.M" values: ["1024", "2048", "4096", "8192", "16384"] }\n')
        r, _ = self.sweep(spec, "--progress-every", "0")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stderr.splitlines()
        self.assertRegex(lines[0], r"^sweep: \d+ of 20 points \(\d+\.\d%\), \d+ points/s, .* left, \d+ errors, 0 dropped$")
        self.assertRegex(lines[-1], r"^sweep: 20 points \(20 rows, 5 errors, 0 dropped\) in [0-9.]+ s, \d+ points/s$")
        r, _ = self.sweep(spec, "--quiet")
        self.assertEqual((r.returncode, r.stdout, r.stderr), (0, "", ""))
        r, _ = self.sweep(spec, "--progress-every", "-1")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--progress-every takes 0 to 86400 seconds", r.stderr)

    def test_threads_give_the_same_bytes(self):
        # 8 x 8 x 3 = 192 points, with error points (0 rows) and dropped ones, on 1, 2 and 3 threads.
        spec = (f'arch: "{FUSEMAX}"\nworkload: "{BERT}"\n'
                'axis { field: "array2d.rows" values: ["0", "16", "32", "64", "128", "256", "512", "1024"] }\n'
                'axis { field: "array2d.cols" range { from: 8 to: 1024 points: 8 log: true whole: true } }\n'
                'axis { field: "rank.M" values: ["512", "2048", "8192"] }\n'
                'constraint { name: "array2d.cols" min: 16 }\n')
        outputs = []
        for jobs in ("1", "2", "3"):
            r, _ = self.sweep(spec, "--jsonl", os.path.join(self.dir, "r.jsonl"), "-j", jobs)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(os.path.join(self.dir, "r.csv"), "rb") as f, open(os.path.join(self.dir, "r.jsonl"), "rb") as g:
                outputs.append((f.read(), g.read()))
        self.assertEqual(outputs[0], outputs[1])
        self.assertEqual(outputs[0], outputs[2])
        self.assertEqual(len(outputs[0][1].splitlines()), 8 * 7 * 3)  # cols 8 dropped
        self.assertEqual(outputs[0][1].count(b'"error"'), 7 * 3)  # the 0-row points


if __name__ == "__main__":
    unittest.main()
