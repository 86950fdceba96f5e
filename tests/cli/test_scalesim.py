"""`cascade reproduce scalesim`: our systolic timing beside SCALE-Sim v2's runs (a table in
run_scalesim.py's format): the cycles side by side (deterministic), the wall times apart; bad
tables and unwritable outputs exit 2.

Environment (set by ctest): CASCADE_BIN, CASCADE_SOURCE_DIR.
"""
import csv
import os
import subprocess
import tempfile
import unittest

SOURCE = os.environ["CASCADE_SOURCE_DIR"]
CLI = os.environ["CASCADE_BIN"]
HEADER = ("topology,layer,M,N,K,rows,cols,dataflow,total_cycles,stall_cycles,overall_util_pct,"
          "mapping_efficiency_pct,compute_util_pct,wall_s\n")
# Total Cycles SCALE-Sim v2 (22f88b1) reported on an 8 x 8 array with SRAM that never stalls.
ROWS = ("g,a,16,16,16,8,8,os,119,0,1,1,1,1.5\n"
        "g,b,24,16,32,8,8,ws,367,0,1,1,1,1.6\n"
        "g,c,10,12,7,8,8,is,67,0,1,1,1,1.4\n"
        "startup,one_mac,1,1,1,8,8,os,1,0,1,1,1,1.2\n")


def run(*args):
    return subprocess.run([CLI, *args], capture_output=True, text=True)


class ReproduceScaleSim(unittest.TestCase):
    def reproduce(self, table_text, *extra):
        d = tempfile.mkdtemp()
        table = os.path.join(d, "runs.csv")
        with open(table, "w") as f:
            f.write(table_text)
        out = os.path.join(d, "out")
        return run("reproduce", "scalesim", "--root", SOURCE, "--table", table, "--out", out, *extra), out

    def test_cycles_beside_scalesim(self):
        r, out = self.reproduce("# made by hand\n" + HEADER + ROWS)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("GEMMs: 3; closed form, tile-granular and PE-level = SCALE-Sim + 2 cycles on 3", r.stdout)
        with open(os.path.join(out, "scalesim.csv")) as f:
            rows = list(csv.DictReader(f))
        # The start-up run is not a GEMM of the comparison; each of ours is SCALE-Sim's + 2.
        self.assertEqual([row["layer"] for row in rows], ["a", "b", "c"])
        for row in rows:
            expected = int(row["scalesim_cycles"]) + 2
            self.assertEqual([int(row[k]) for k in ("closed_form", "tile_granular", "pe_level")], [expected] * 3)
        with open(os.path.join(out, "scalesim_speed.csv")) as f:
            speed = list(csv.DictReader(f))
        self.assertEqual(len(speed), 3)
        # SCALE-Sim's simulation of the OS GEMM: its 1.5 s less the 1.2 s of its one-MAC run on the
        # same array and dataflow; none for the others.
        self.assertEqual([s["scalesim_simulation_s"] for s in speed], ["0.300", "0.000", "0.000"])
        with open(os.path.join(out, "scalesim.md")) as f:
            self.assertIn("ours = SCALE-Sim's Total Cycles + 2 (our edge register and our capture): 3 of 3", f.read())

    def test_deterministic_without_the_wall_times(self):
        d = tempfile.mkdtemp()
        table = os.path.join(d, "runs.csv")
        with open(table, "w") as f:
            f.write(HEADER + ROWS)
        outputs = []
        for n in range(2):
            out = os.path.join(d, f"out{n}")
            r = run("reproduce", "scalesim", "--table", table, "--out", out, "--no-pe-level")
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(os.path.join(out, "scalesim.csv"), "rb") as f, open(os.path.join(out, "scalesim.md"), "rb") as g:
                outputs.append(f.read() + g.read())
        self.assertEqual(outputs[0], outputs[1])
        self.assertIn(b",0,2\n", outputs[0])  # no PE-level run: 0 in its column

    def test_bad_table_exits_2(self):
        r, _ = self.reproduce(HEADER + "g,a,16,16,16,8,8,xs,119,0,1,1,1,1.5\n")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(":2: error: column 8 (dataflow): 'xs' is not os, ws or is", r.stderr)
        r = run("reproduce", "scalesim", "--table", os.path.join(SOURCE, "no_such.csv"), "--out",
                tempfile.mkdtemp())
        self.assertEqual(r.returncode, 2, r.stderr)

    def test_unwritable_output_exits_2(self):
        d = tempfile.mkdtemp()
        blocker = os.path.join(d, "file")
        open(blocker, "w").close()
        r = run("reproduce", "scalesim", "--root", SOURCE, "--out", os.path.join(blocker, "out"), "--no-pe-level")
        self.assertEqual(r.returncode, 2, r.stderr)


if __name__ == "__main__":
    unittest.main()
