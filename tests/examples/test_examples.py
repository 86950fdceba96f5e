"""The example scripts (examples/) under `cascade script`, as CI runs them: each prints its findings,
and what it claims is checked here independently (run by ctest with Debian's python3).

Environment (set by ctest): CASCADE_BIN, CASCADE_SOURCE_DIR.
"""
import csv
import os
import re
import subprocess
import tempfile
import unittest

SOURCE = os.environ["CASCADE_SOURCE_DIR"]
CLI = os.environ["CASCADE_BIN"]


def script(name, *args):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "LD_PRELOAD")}
    r = subprocess.run([CLI, "script", os.path.join(SOURCE, "examples", name), *args], capture_output=True,
                       text=True, env=env)
    print(r.stdout)
    return r


class Examples(unittest.TestCase):
    def test_fusemax_area_pareto(self):
        with tempfile.TemporaryDirectory() as d:
            r = script("fusemax_area_pareto.py", d)
            self.assertEqual(r.returncode, 0, r.stderr)
            budget = float(re.search(r"area budget ([0-9.]+) mm2", r.stdout).group(1))
            with open(os.path.join(d, "fusemax_area_sweep.csv")) as f:
                rows = list(csv.DictReader(f))
            with open(os.path.join(d, "fusemax_area_front.csv")) as f:
                front = {x["id"] for x in csv.DictReader(f)}
            self.assertTrue(os.path.getsize(os.path.join(d, "fusemax_area_front.png")) > 0)
        # Every row kept is within the budget (FuseMax's own area, 0.1 mm2 as printed), and the front is
        # exactly the rows no other row beats in time, energy and area, computed here by brute force.
        self.assertTrue(rows and all(float(x["area_mm2"]) <= budget + 0.05 for x in rows))
        key = lambda x: (float(x["seconds"]), float(x["energy_j"]), float(x["area_mm2"]))
        beaten = lambda a, b: all(p <= q for p, q in zip(key(b), key(a))) and key(a) != key(b)
        expected = {a["id"] for a in rows if not any(beaten(a, b) for b in rows)}
        self.assertEqual(front, expected)
        self.assertIn(f"{len(front)} on the Pareto front of time, energy and area", r.stdout)

    def test_ngpc_sensitivity(self):
        with tempfile.TemporaryDirectory() as d:
            r = script("ngpc_sensitivity.py", d)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(os.path.join(d, "ngpc_sensitivity.csv")) as f:
                rows = list(csv.DictReader(f))
            self.assertTrue(os.path.getsize(os.path.join(d, "ngpc_sensitivity_front.png")) > 0)
        # 4 processor counts x 5 SRAM sizes x 3 clocks, every one evaluated.
        self.assertEqual(len(rows), 60)
        # The front printed is the rows no other row beats in speedup (higher) and area (lower), by
        # brute force here.
        key = lambda x: (-float(x["speedup"]), float(x["area_mm2"]))
        beaten = lambda a, b: all(p <= q for p, q in zip(key(b), key(a))) and key(a) != key(b)
        front = [a for a in rows if not any(beaten(a, b) for b in rows)]
        self.assertIn(f"{len(front)} on the Pareto front of speedup and area", r.stdout)
        # More processors at the same SRAM and clock never slow the frame down, and area follows
        # processors and SRAM only (0.1 + 0.9 x SRAM / 1 MiB of 3.55 mm2 per processor, docs/ngpc.md).
        by = {(x["processors"], x["grid_sram_bytes"], x["clock_hz"]): x for x in rows}
        for (n, sram, clock), x in by.items():
            bigger = by.get((str(int(n) * 2), sram, clock))
            if bigger:
                self.assertGreaterEqual(float(bigger["speedup"]), float(x["speedup"]) * (1 - 1e-12))
            expected = int(n) * 0.00565 * 628.4 * (0.1 + 0.9 * int(sram) / 1048576)
            self.assertAlmostEqual(float(x["area_mm2"]), expected, places=6)
        smallest = min((x for x in rows if float(x["frames_per_second"]) >= 30), key=lambda x: float(x["area_mm2"]))
        self.assertIn(f"{float(smallest['frames_per_second']):.1f} FPS in {float(smallest['area_mm2']):.1f} mm2", r.stdout)

    def test_gpu_whatif_llama(self):
        r = script("gpu_whatif_llama.py")
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = re.findall(r"^(SMs|SM clock|HBM bandwidth)\s+([0-9.]+)\s+([0-9.]+)\s+([0-9.]+)$", r.stdout, re.M)
        self.assertEqual(len(rows), 12)
        # More of any resource never makes the layer slower, less never faster.
        for _, factor, _, speedup in rows:
            self.assertEqual(float(speedup) >= 1, float(factor) > 1, (factor, speedup))
        elasticity = dict(re.findall(r"^  (SMs|SM clock|HBM bandwidth)\s+([0-9.-]+)$", r.stdout, re.M))
        # At 4096 tokens the layer's GEMMs do ~4096 flops per weight byte, far above the H100's ridge
        # point (989 TFLOP/s / 3.35 TB/s = 295): compute, not HBM, sets the time.
        self.assertGreater(float(elasticity["SM clock"]), 0.5)
        self.assertLess(float(elasticity["HBM bandwidth"]), 0.25)
        self.assertRegex(r.stdout, r"finding: the layer's time follows (SMs|SM clock) most")

    def test_edp_search(self):
        r = script("edp_search.py")
        self.assertEqual(r.returncode, 0, r.stderr)
        evaluations = int(re.search(r"search \(seed 1\): (\d+) evaluations", r.stdout).group(1))
        found = float(re.search(r"best EDP ([0-9.e+]+) J\*s", r.stdout).group(1))
        optimum = float(re.search(r"exhaustive optimum: EDP ([0-9.e+]+) J\*s", r.stdout).group(1))
        self.assertLessEqual(evaluations, 2000)
        self.assertGreaterEqual(found, optimum * (1 - 1e-5))  # the optimum is the optimum (6 digits printed)
        self.assertLessEqual(found, optimum * 1.02)
        self.assertRegex(r.stdout, r"finding: the search is within [01]\.\d\d% of the exhaustive optimum")


if __name__ == "__main__":
    unittest.main()
