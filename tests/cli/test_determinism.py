"""Same inputs, same output bytes: every `cascade` command run twice gives identical standard
output and identical files (JSON records, CSV and Markdown tables, PNG and SVG charts, calibrated
configs).

Environment (set by ctest): CASCADE_BIN, CASCADE_SOURCE_DIR.
"""
import glob
import os
import shutil
import subprocess
import tempfile
import unittest

SOURCE = os.environ["CASCADE_SOURCE_DIR"]
CLI = os.environ["CASCADE_BIN"]
TRACES = os.path.join(SOURCE, "validation", "traces", "h100")
LIBRARY = sorted(glob.glob(os.path.join(SOURCE, "workloads", "library", "*", "*.pbtxt")))
BERT = os.path.join(SOURCE, "workloads", "library", "transformers", "bert_base.pbtxt")
FUSEMAX_1PASS = os.path.join(SOURCE, "workloads", "library", "attention", "attention_fusemax.pbtxt")
KINETO = sorted(glob.glob(os.path.join(TRACES, "kineto_bert_*.json")))
CSVS = [os.path.join(TRACES, f) for f in ("kernels.csv", "neural.csv", "sdpa.csv")]

# Each command with the files it writes under OUT (a folder the test makes, the same both times).
COMMANDS = {
    "workload check": (["workload", "check", *LIBRARY], []),
    "workload show text": (["workload", "show", FUSEMAX_1PASS, "--set", "M=65536"], []),
    "workload show json and plot": (["workload", "show", BERT, "--set", "M=4096", "--format", "json",
                                     "--plot", "OUT/ops.png"], ["ops.png"]),
    "run analytical": (["run", "--arch", os.path.join(SOURCE, "configs", "arch", "fusemax_cloud.pbtxt"),
                        "--workload", BERT, "--set", "M=65536", "-o", "OUT/r.json"], ["r.json"]),
    "run cycle": (["run", "--arch", os.path.join(SOURCE, "configs", "arch", "flat_cloud.pbtxt"),
                   "--workload", BERT, "--set", "M=4096", "--fidelity", "cycle", "-o", "OUT/r.json"], ["r.json"]),
    "run gpu": (["run", "--arch", "h100_sxm.calibrated", "--root", SOURCE, "--workload",
                 os.path.join(SOURCE, "workloads", "library", "transformers", "bert_base_layer.pbtxt"),
                 "--set", "M=2048", "-o", "OUT/r.json"], ["r.json"]),
    "reproduce fusemax": (["reproduce", "fusemax", "--root", SOURCE, "--fidelity", "cycle", "--out", "OUT"],
                          ["fusemax.md", "fusemax.csv", "fusemax.png"]),
    "gpu occupancy": (["gpu", "occupancy", "--arch", "h100_sxm", "--root", SOURCE, "--block", "256",
                       "--regs", "64", "--smem", "49152"], []),
    "gpu validate": (["gpu", "validate", "--arch", "h100_sxm.calibrated", "--root", SOURCE, "--out", "OUT",
                      "--traces", *CSVS, *KINETO], ["validation.png", "validation.svg"]),
    "gpu calibrate": (["gpu", "calibrate", "--arch", "h100_sxm", "--root", SOURCE, "--seed", "3", "-o", "OUT/c.pbtxt",
                   "--traces", *CSVS, *KINETO], ["c.pbtxt"]),
}


class TwoRunsSameBytes(unittest.TestCase):
    def outputs(self, args, files, out):
        if os.path.exists(out):
            shutil.rmtree(out)
        os.mkdir(out)
        r = subprocess.run([CLI, *[a.replace("OUT", out) for a in args]], capture_output=True, timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr.decode(errors="replace"))
        written = {}
        for name in files:
            with open(os.path.join(out, name), "rb") as f:
                written[name] = f.read()
        return r.stdout, written

    def test_every_command(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "out")
            for command, (args, files) in COMMANDS.items():
                with self.subTest(command=command):
                    first = self.outputs(args, files, out)
                    second = self.outputs(args, files, out)
                    self.assertEqual(first[0], second[0], "standard output differs")
                    for name in files:
                        self.assertGreater(len(first[1][name]), 0, name)
                        self.assertEqual(first[1][name], second[1][name], name + " differs")

    def test_gpu_time(self):
        with tempfile.TemporaryDirectory() as d:
            kernel = os.path.join(d, "k.pbtxt")
            with open(kernel, "w") as f:
                f.write('name: "k" grid { x: 1000 } block { x: 256 } registers_per_thread: 32\n'
                        'work { fp32_flops: 1e10 dram_bytes: 1e9 }\n')
            runs = [subprocess.run([CLI, "gpu", "time", "--arch", "h100_sxm", "--root", SOURCE, "--kernel", kernel],
                                   capture_output=True, timeout=60) for _ in range(2)]
            self.assertEqual(runs[0].returncode, 0, runs[0].stderr)
            self.assertEqual(runs[0].stdout, runs[1].stdout)


if __name__ == "__main__":
    unittest.main()
