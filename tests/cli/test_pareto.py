"""`cascade pareto` and `cascade chart` on a sweep's results: the non-dominated rows of a small table
whose front is known by hand, maximized metrics, charts written as PNG and SVG, and bad tables and
options as exit 2 (run by ctest with Debian's python3).

Environment (set by ctest): CASCADE_BIN, CASCADE_SOURCE_DIR.
"""
import csv
import os
import subprocess
import tempfile
import unittest

SOURCE = os.environ["CASCADE_SOURCE_DIR"]
CLI = os.environ["CASCADE_BIN"]
BERT = os.path.join(SOURCE, "workloads", "library", "transformers", "bert_base.pbtxt")

# seconds, energy_j: a (1, 10), b (2, 5), c (3, 6) is beaten by b, d (4, 1), e (2, 5) equals b so
# both stay, f has an error, g lacks energy, h (5, 1) is beaten by d. Front by hand: a, b, d, e.
TABLE = """id,arch,workload,"array2d.rows",model,"seconds","energy_j","utilization.array2d",error
a,"x","w","1","fusemax",1,10,0.5,""
b,"x","w","2","fusemax",2,5,0.9,""
c,"x","w","3","fusemax",3,6,0.95,""
d,"x","w","4","fusemax",4,1,0.1,""
e,"x","w","5","fusemax",2,5,0.2,""
f,"x","w","6","fusemax",,,,"array2d has 0 PEs"
g,"x","w","7","fusemax",0.5,,0.3,""
h,"x","w","8","fusemax",5,1,0.05,""
"""


def run(*args):
    return subprocess.run([CLI, *args], capture_output=True, text=True)


class Pareto(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.table = os.path.join(self.dir, "results.csv")
        with open(self.table, "w") as f:
            f.write(TABLE)

    def tearDown(self):
        self.tmp.cleanup()

    def front_ids(self, *args):
        out = os.path.join(self.dir, "front.csv")
        r = run("pareto", self.table, "-o", out, *args)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out) as f:
            return [x["id"] for x in csv.DictReader(f)], r.stdout

    def test_the_front_by_hand(self):
        ids, printed = self.front_ids("--minimize", "seconds,energy_j")
        self.assertEqual(ids, ["a", "b", "d", "e"])
        self.assertIn("8 rows, 6 with every metric, 4 on the Pareto front (min seconds, min energy_j)", printed)

    def test_maximize(self):
        # min seconds, max utilization: a (1, .5), b (2, .9), c (3, .95) all stay; e (2, .2) is beaten
        # by b, d and h by a; g (0.5, .3) leads on seconds.
        ids, _ = self.front_ids("--minimize", "seconds", "--maximize", "utilization.array2d")
        self.assertEqual(ids, ["a", "b", "c", "g"])

    def test_charts(self):
        stem = os.path.join(self.dir, "front")
        r = run("pareto", self.table, "--minimize", "seconds,energy_j", "--plot", stem, "--log")
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(stem + ".png", "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
        with open(stem + ".svg") as f:
            self.assertIn("<svg", f.read())

    def test_bad_input(self):
        r = run("pareto", self.table, "--minimize", "speed")
        self.assertEqual(r.returncode, 2)
        self.assertIn("results.csv:1:1: error: no column 'speed' (columns: id, arch, workload, array2d.rows", r.stderr)
        r = run("pareto", self.table)
        self.assertEqual(r.returncode, 2)
        self.assertIn("give metrics to --minimize or --maximize", r.stderr)
        r = run("pareto", self.table, "--minimize", "seconds", "--plot", os.path.join(self.dir, "x"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("--plot needs two metrics", r.stderr)
        with open(self.table, "a") as f:
            f.write('i,"x","w\n')
        r = run("pareto", self.table, "--minimize", "seconds,energy_j")
        self.assertEqual(r.returncode, 2)
        self.assertIn("results.csv:10:9: error: a quoted field is not closed", r.stderr)

    def test_bad_options(self):
        stem = os.path.join(self.dir, "c")
        for args, text in ((["pareto", self.table, "--minimize", "seconds,seconds"],
                            "cascade: pareto: metric 'seconds' given twice\n"),
                           (["chart", self.table, "--x", "array2d.rows", "--y", "seconds", "--plot", stem, "--fix", "x"],
                            "cascade: chart: --fix takes AXIS=VALUE, not 'x'\n"),
                           (["chart", self.table, "--x", "array2d.rows"],
                            "cascade: chart: give the results file, --x, --y and --plot\n")):
            with self.subTest(args=args):
                r = run(*args)
                self.assertEqual((r.returncode, r.stderr), (2, text))

    def test_chart_along_an_axis(self):
        spec = os.path.join(self.dir, "spec.pbtxt")
        with open(spec, "w") as f:
            f.write(f'arch: "fusemax_cloud"\nworkload: "{BERT}"\n'
                    'axis { field: "array2d.rows" values: ["64", "128", "256"] }\n'
                    'axis { field: "rank.M" values: ["1024", "4096"] }\n')
        results = os.path.join(self.dir, "sweep.csv")
        r = run("sweep", spec, "-o", results, "--root", SOURCE, "--quiet")
        self.assertEqual(r.returncode, 0, r.stderr)
        stem = os.path.join(self.dir, "rows")
        r = run("chart", results, "--x", "array2d.rows", "--y", "seconds", "--fix", "rank.M=4096", "--plot", stem)
        self.assertEqual(r.returncode, 0, r.stderr)
        # The three rows at M = 4096, in the order of the axis.
        with open(results) as f:
            expected = [x for x in csv.DictReader(f) if x["rank.M"] == "4096"]
        lines = [l.split() for l in r.stdout.splitlines()[1:]]
        self.assertEqual([(l[1], float(l[2])) for l in lines],
                         [(x["array2d.rows"], float(x["seconds"])) for x in expected])
        self.assertIn("rank.M=4096", r.stdout.splitlines()[0])
        self.assertTrue(os.path.getsize(stem + ".png") > 0 and os.path.getsize(stem + ".svg") > 0)
        r = run("chart", results, "--x", "array2d.rows", "--y", "seconds", "--fix", "rank.M=5", "--plot", stem)
        self.assertEqual(r.returncode, 2)
        self.assertIn("no row with a value of 'seconds' at the --fix values", r.stderr)


if __name__ == "__main__":
    unittest.main()
