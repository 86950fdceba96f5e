"""End-to-end tests of `cascade gpu occupancy`: the printed result, --arch by name (with --root or
from the source tree as the working directory) or by path, and exit code 2 with the message for bad
input.

Environment (set by ctest): CASCADE_BIN, CASCADE_SOURCE_DIR.
"""
import os
import subprocess
import tempfile
import unittest

SOURCE = os.environ["CASCADE_SOURCE_DIR"]
CLI = os.environ["CASCADE_BIN"]


def occupancy(*args, cwd=SOURCE):
    return subprocess.run([CLI, "gpu", "occupancy", *args], capture_output=True, text=True, cwd=cwd)


class GpuOccupancy(unittest.TestCase):
    def test_h100_worked_example(self):
        r = occupancy("--arch", "h100_sxm", "--block", "256", "--regs", "64", "--smem", "49152")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("blocks per SM:  4\n", r.stdout)
        self.assertIn("warps per SM:   32 of 64\n", r.stdout)
        self.assertIn("occupancy:      50.0% (theoretical)\n", r.stdout)
        self.assertIn("limited by:     registers, shared memory\n", r.stdout)
        self.assertIn("  registers               4  <- limiting\n", r.stdout)
        self.assertIn("  warps                   8\n", r.stdout)

    def test_root_and_path(self):
        with tempfile.TemporaryDirectory() as elsewhere:
            by_root = occupancy("--arch", "a100_sxm", "--root", SOURCE, "--block", "128",
                                "--regs", "32", "--smem", "20480", cwd=elsewhere)
            by_path = occupancy("--arch", os.path.join(SOURCE, "configs/arch/gpu/a100_sxm.pbtxt"),
                                "--block", "128", "--regs", "32", "--smem", "20480", cwd=elsewhere)
        self.assertEqual(by_root.returncode, 0, by_root.stderr)
        self.assertEqual(by_root.stdout, by_path.stdout)
        self.assertIn("blocks per SM:  7\n", by_root.stdout)

    def test_carveout_and_opt_in(self):
        r = occupancy("--arch", "h100_sxm", "--block", "256", "--regs", "8", "--smem", "100000",
                      "--max-dynamic-smem", "100000")
        self.assertIn("blocks per SM:  2\n", r.stdout)
        r = occupancy("--arch", "h100_sxm", "--block", "256", "--regs", "8", "--smem", "49152",
                      "--carveout", "25")
        self.assertIn("blocks per SM:  1\n", r.stdout)

    def test_kernel_that_cannot_launch(self):
        r = occupancy("--arch", "h100_sxm", "--block", "1024", "--regs", "72")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("blocks per SM:  0\n", r.stdout)
        self.assertIn("cannot launch (too many resources requested)", r.stdout)

    def test_bad_input(self):
        cases = [
            (["--arch", "h100_sxm", "--block", "0", "--regs", "32"],
             "kernel: error: block of 0 threads: a block has 1 to 1024 threads on h100_sxm (cc 9.0)"),
            (["--arch", "h100_sxm", "--block", "256", "--regs", "256"],
             "kernel: error: 256 registers per thread"),
            (["--arch", "h100_sxm", "--block", "256", "--regs", "32", "--smem", "60000"],
             "exceeds the default per-block limit of 49152 bytes"),
            (["--arch", "h100", "--block", "256", "--regs", "32"],
             "no GPU config 'h100'"),
            (["--block", "256", "--regs", "32"], "give --arch"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                r = occupancy(*args)
                self.assertEqual(r.returncode, 2, r.stdout)
                self.assertIn(message, r.stderr)


class GpuTime(unittest.TestCase):
    def test_kernel_file_timed(self):
        # 1056 blocks x 256 threads spinning 1 ms each: 8 blocks per SM on 132 SMs, one wave of
        # 1 ms plus the 5.06 us launch overhead of the H100 config (measured: an empty kernel).
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "spin.pbtxt")
            with open(path, "w") as f:
                f.write('name: "spin" grid { x: 1056 } block { x: 256 } registers_per_thread: 16\n'
                        'work { seconds_per_block: 0.001 }\n')
            r = subprocess.run([CLI, "gpu", "time", "--arch", "h100_sxm", "--kernel", path],
                               capture_output=True, text=True, cwd=SOURCE)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("blocks per SM: 8", r.stdout)
            self.assertIn("waves: 1", r.stdout)
            self.assertIn("time: 1005.06 us", r.stdout)
            # Back to back: the 1 ms makespan plus the config's 2 us gap between kernels.
            self.assertIn("(one every 1002.00 us)", r.stdout)

    def test_bad_kernel_is_bad_input(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "bad.pbtxt")
            with open(path, "w") as f:
                f.write('name: "k" grid { x: 1 } block { x: 2048 }\n')
            r = subprocess.run([CLI, "gpu", "time", "--arch", "h100_sxm", "--kernel", path],
                               capture_output=True, text=True, cwd=SOURCE)
            self.assertEqual(r.returncode, 2)
            self.assertIn("2048", r.stderr)


class GpuValidate(unittest.TestCase):
    TRACES = os.path.join(SOURCE, "validation", "traces", "h100")

    def test_validate_prints_mape_per_class_and_writes_the_plots(self):
        with tempfile.TemporaryDirectory() as d:
            r = subprocess.run([CLI, "gpu", "validate", "--arch", "h100_sxm", "--traces",
                                os.path.join(self.TRACES, "kernels.csv"),
                                os.path.join(self.TRACES, "kineto_bert_base_bf16_seq512.json"),
                                "--out", d], capture_output=True, text=True, cwd=SOURCE)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("runtime MAPE by class:  all", r.stdout)
            self.assertIn("whole pass", r.stdout)
            for ext in ("png", "svg"):
                self.assertGreater(os.path.getsize(os.path.join(d, "validation." + ext)), 1000)

    def test_missing_trace_is_bad_input(self):
        r = subprocess.run([CLI, "gpu", "validate", "--arch", "h100_sxm", "--traces", "nope.csv"],
                           capture_output=True, text=True, cwd=SOURCE)
        self.assertEqual(r.returncode, 2)
        self.assertIn("nope.csv: error: cannot open file", r.stderr)


class UsageErrors(unittest.TestCase):
    def test_each_usage_error_names_what_is_missing(self):
        cases = [
            (["gpu"], "cascade: gpu: give a subcommand: occupancy, time, validate, compare or calibrate\n"),
            (["gpu", "frob"], "cascade: gpu: unknown subcommand 'frob' (known: occupancy, time, validate, compare, calibrate)\n"),
            (["gpu", "occupancy", "--arch", "h100_sxm", "--regs", "32"],
             "cascade: gpu occupancy: give --block THREADS\n"),
            (["gpu", "time", "--arch", "h100_sxm"], "cascade: gpu time: give --kernel FILE\n"),
            (["gpu", "validate", "--arch", "h100_sxm"], "cascade: gpu validate: give --traces FILE...\n"),
            (["gpu", "compare", "--arch", "h100_sxm", "-o", "t.json"], "cascade: gpu compare: give --trace KINETO.json\n"),
            (["gpu", "compare", "--arch", "h100_sxm", "--trace", "t.json"], "cascade: gpu compare: give -o TIMELINE.json\n"),
            (["gpu", "calibrate", "--arch", "h100_sxm"], "cascade: gpu calibrate: give --arch, --traces and --output\n"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                r = subprocess.run([CLI, *args], capture_output=True, text=True, cwd=SOURCE)
                self.assertEqual(r.returncode, 2, r.stdout)
                self.assertTrue(r.stderr.startswith(message), r.stderr)

    def test_calibrate_to_an_unwritable_file(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "missing", "out.pbtxt")
            r = subprocess.run([CLI, "gpu", "calibrate", "--arch", "h100_sxm", "--traces",
                                os.path.join(SOURCE, "validation", "traces", "h100", "kernels.csv"),
                                "-o", out], capture_output=True, text=True, cwd=SOURCE)
        self.assertEqual(r.returncode, 2, r.stdout)
        self.assertIn(out + ": error: cannot write: folder '" + os.path.dirname(out) + "' does not exist",
                      r.stderr)


if __name__ == "__main__":
    unittest.main()
