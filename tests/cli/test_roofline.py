"""`cascade run --roofline STEM`: a run's phases or kernels on the architecture's roofline, charted
(STEM.png, STEM.svg) and recorded (the run record's `roofline`).

Environment (set by ctest): CASCADE_BIN, CASCADE_SOURCE_DIR.
"""
import json
import os
import subprocess
import tempfile
import unittest

SOURCE = os.environ["CASCADE_SOURCE_DIR"]
CLI = os.environ["CASCADE_BIN"]
LIBRARY = os.path.join(SOURCE, "workloads", "library")


def run(*args):
    return subprocess.run([CLI, *args], capture_output=True, text=True)


class Roofline(unittest.TestCase):
    def chart(self, arch, workload, *extra):
        with tempfile.TemporaryDirectory() as d:
            record, stem = os.path.join(d, "r.json"), os.path.join(d, "roof")
            r = run("run", "--arch", arch, "--root", SOURCE, "--workload", workload, "-o", record,
                    "--roofline", stem, *extra)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(stem + ".png", "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
            with open(stem + ".svg", encoding="utf-8") as f:
                self.assertIn("<svg", f.read())
            with open(record) as f:
                return json.load(f)

    def assert_under_the_roofs(self, roofline):
        # No phase or kernel runs faster than its peak or moves DRAM bytes faster than DRAM can.
        top = max(r["ops_per_second"] for r in roofline["compute_roof"])
        bandwidth = roofline["dram_bytes_per_second"]
        for p in roofline["point"]:
            self.assertLessEqual(p.get("ops", 0), top * p["seconds"] * (1 + 1e-9), p["name"])
            self.assertLessEqual(p.get("dram_bytes", 0), bandwidth * p["seconds"] * (1 + 1e-9), p["name"])

    def test_gpu_kernels(self):
        # One point a kernel, for its device time; c_attn, the GPT-2 layer's QKV projection, does
        # 2 x (8 x 1024) x 2304 x 768 flops (its tiles divide the problem: nothing padded). The FP32
        # roof is the H100 SXM datasheet's 66.9 TFLOP/s (its config's 3.345e13 FMAs a second).
        rec = self.chart("h100_sxm.calibrated", os.path.join(LIBRARY, "transformers", "gpt2_small_layer.pbtxt"))
        roof = rec["roofline"]
        self.assertEqual(roof["ops_unit"], "flop")
        self.assertEqual([p["name"] for p in roof["point"]], [k["name"] for k in rec["kernel"]])
        for p, k in zip(roof["point"], rec["kernel"]):
            self.assertEqual(p["seconds"], k["seconds"])
        ops = {p["name"]: p["ops"] for p in roof["point"]}
        self.assertEqual(ops["c_attn"], 2 * 8 * 1024 * 2304 * 768)
        fp32 = dict((r["name"], r["ops_per_second"]) for r in roof["compute_roof"])["FP32"]
        self.assertEqual(fp32, 66.9e12)
        self.assert_under_the_roofs(roof)

    def test_spatial_phases(self):
        # One point a phase, for its cycles at the clock.
        rec = self.chart("fusemax_cloud", os.path.join(LIBRARY, "attention", "attention_fusemax.pbtxt"),
                         "--set", "M=16384", "--set", "P=16384", "--fidelity", "cycle")
        roof = rec["roofline"]
        self.assertEqual(roof["ops_unit"], "op")
        phases = {p["name"]: int(p["cycles"]) for p in rec["phase"]}
        self.assertEqual(sorted(p["name"] for p in roof["point"]), sorted(phases))
        for p in roof["point"]:
            self.assertAlmostEqual(p["seconds"], phases[p["name"]] / rec["clock_hz"], delta=1e-15)
        self.assert_under_the_roofs(roof)

    def test_ngpc_operators(self):
        # One point an NGPC operator (the GPU's rest of the frame is the GPU's), its bytes over the
        # L2 port. NGPC-64 at 1 GHz with 64 x 64 MAC arrays: an MLP roof of 64 x 64 x 64 x 1e9 MACs a
        # second; the port at the RTX 3090's 936 GB/s (configs/arch/ngpc.pbtxt, its datasheet). An
        # operator's time is the longer of its unit's busy cycles (its phase) and its bytes on the port.
        rec = self.chart("ngpc", os.path.join(LIBRARY, "neural_graphics", "nerf.pbtxt"))
        roof = rec["roofline"]
        self.assertEqual((roof["ops_unit"], roof["memory_level"]), ("op", "L2 port"))
        self.assertEqual(roof["dram_bytes_per_second"], 936e9)
        roofs = dict((r["name"], r["ops_per_second"]) for r in roof["compute_roof"])
        self.assertEqual(roofs["MLP engines"], 64 * 64 * 64 * 1e9)
        self.assertEqual(sorted(roofs), ["MLP engines", "SH unit: sh", "encoding engines: hashgrid"])
        phases = {p["name"]: int(p["cycles"]) for p in rec["phase"]}
        self.assertEqual(sorted(p["name"] for p in roof["point"]), ["color", "density", "hashgrid", "sh"])
        for p in roof["point"]:
            busy = phases[p["name"]] / rec["clock_hz"]
            self.assertAlmostEqual(p["seconds"], max(busy, p["dram_bytes"] / 936e9), delta=1e-15)
        # The hash grid reads the march's positions from the GPU (1080p's 2073600 rays x 16 samples x 3
        # FP32) and loads its tables whole (ALL_HIT): 16 levels of at most 2^19 entries of 2 fp16
        # features, the finest full.
        grid = next(p for p in roof["point"] if p["name"] == "hashgrid")
        positions = 2073600 * 16 * 3 * 4
        self.assertGreaterEqual(grid["dram_bytes"], positions + 2**19 * 4)
        self.assertLessEqual(grid["dram_bytes"], positions + 16 * 2**19 * 4)
        self.assert_under_the_roofs(roof)

    def test_an_unwritable_chart_is_an_error_before_the_run(self):
        with tempfile.TemporaryDirectory() as d:
            r = run("run", "--arch", "fusemax_cloud", "--root", SOURCE, "--workload",
                    os.path.join(LIBRARY, "attention", "attention_fusemax.pbtxt"), "-o", os.path.join(d, "r.json"),
                    "--roofline", os.path.join(d, "no", "roof"))
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn(os.path.join(d, "no", "roof.png"), r.stderr)
            self.assertFalse(os.path.exists(os.path.join(d, "r.json")))


if __name__ == "__main__":
    unittest.main()
