"""cascade.load_arch and cascade.run: the same record as `cascade run` for every kind of model, and
field overrides by dotted path (run by ctest with Debian's python3).

Environment (set by ctest): PYTHONPATH holds the built module, CASCADE_BIN the CLI, CASCADE_SOURCE_DIR
the source tree.
"""
import json
import os
import subprocess
import tempfile
import unittest

import cascade

SOURCE = os.environ["CASCADE_SOURCE_DIR"]
CLI = os.environ["CASCADE_BIN"]
H100 = os.path.join(SOURCE, "configs", "arch", "gpu", "h100_sxm.calibrated.pbtxt")
FUSEMAX = os.path.join(SOURCE, "configs", "arch", "fusemax_cloud.pbtxt")
BERT = os.path.join(SOURCE, "workloads", "library", "transformers", "bert_base.pbtxt")
LAYER = os.path.join(SOURCE, "workloads", "library", "transformers", "bert_base_layer.pbtxt")


def cli_record(*args):
    # The sanitizer build preloads its runtime into Python (for the module); the CLI carries its own.
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "r.json")
        subprocess.run([CLI, "run", *args, "-o", out], check=True, capture_output=True, text=True, env=env)
        with open(out) as f:
            return json.load(f)


class Run(unittest.TestCase):
    def test_same_record_as_the_cli_for_the_gpu_and_fusemax(self):
        self.assertEqual(cascade.run(H100, LAYER, {"M": 2048}),
                         cli_record("--arch", H100, "--workload", LAYER, "--set", "M=2048"))
        self.assertEqual(cascade.run(FUSEMAX, BERT, {"M": 4096}, "cycle"),
                         cli_record("--arch", FUSEMAX, "--workload", BERT, "--set", "M=4096", "--fidelity", "cycle"))

    def test_overrides_equal_the_clis_arch_set(self):
        arch = cascade.load_arch(FUSEMAX, {"array2d.rows": 128, "array2d.cols": 128})
        self.assertEqual(arch.model, "fusemax")
        self.assertEqual(cascade.run(arch, BERT, {"M": 4096}),
                         cli_record("--arch", FUSEMAX, "--arch-set", "array2d.rows=128", "--arch-set",
                                    "array2d.cols=128", "--workload", BERT, "--set", "M=4096"))

    def test_fewer_sms_take_more_waves(self):
        # residual1 at M = 512: 8 x 512 x 768 elements, 8 a thread, 128 threads a block: 3072 blocks;
        # 16 blocks fit an SM (2048 threads, 32 registers a thread). 132 SMs hold 2112 at once: 2
        # waves; 66 SMs hold 1056: 3 waves.
        def waves(record):
            return {k["name"]: int(k["waves"]) for k in record["kernel"]}["residual1"]
        self.assertEqual(waves(cascade.run(H100, LAYER)), 2)
        self.assertEqual(waves(cascade.run(cascade.load_arch(H100, {"sm_count": 66}), LAYER)), 3)

    def test_bad_overrides_are_input_errors(self):
        for overrides, text in (({"array2d.rowz": 1}, "PeArray has no field 'rowz'"),
                                ({"sm_count": -1}, "is not a whole number from 0 to 4294967295"),
                                ({"gemm_tile[99].tile_m": 1}, "index 99 of 'gemm_tile'"),
                                ({"peak": 1}, "names a message, not a value"),
                                ({"clocks.sm_boost_mhz": 1e-3, "clocks.sm_base_mhz": 1}, "sm_base_mhz exceeds sm_boost_mhz")):
            with self.subTest(overrides=overrides):
                with self.assertRaises(cascade.InputError) as e:
                    cascade.load_arch(H100 if "rowz" not in str(overrides) else FUSEMAX, overrides)
                self.assertIn(text, str(e.exception))

    def test_map_entry_by_key(self):
        # Halving the bf16 tensor rate makes the tensor-core-bound projection slower.
        fast = cascade.run(H100, LAYER, {"M": 4096})
        slow = cascade.run(cascade.load_arch(H100, {"peak.tensor_flops_per_second[bf16]": 494.7e12}), LAYER, {"M": 4096})
        self.assertGreater(slow["kernel"][0]["seconds"], fast["kernel"][0]["seconds"])


if __name__ == "__main__":
    unittest.main()
