"""The `cascade` Python module gives the same record as the CLI (run by ctest with Debian's python3).

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


def library(path):
    return os.path.join(SOURCE, "workloads", "library", path)


def cli_json(path, sets):
    args = [CLI, "workload", "show", path, "--format", "json"]
    for rank, size in sets.items():
        args += ["--set", f"{rank}={size}"]
    # The sanitizer build preloads its runtime into Python (for the module); the CLI carries its own.
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    return json.loads(subprocess.run(args, check=True, capture_output=True, text=True, env=env).stdout)


class LoadWorkload(unittest.TestCase):
    def test_three_pass_counts_by_hand(self):
        # M = P = 4096, E = F = 64: QK and AV are M*P*E = 2^30 MACs each; GM, SN, SD, A one op of
        # their kind per (m, p) = 2^24.
        w = cascade.load_workload(library("attention/attention_3pass.pbtxt"), {"M": 4096})
        self.assertEqual(w.passes, 3)
        self.assertEqual(w.pass_rank, "M")
        self.assertEqual(w.total_ops["mac"], 2 * 2**30)
        for kind in ("max", "sub", "exp", "add", "div"):
            self.assertEqual(w.total_ops[kind], 2**24, kind)
        self.assertEqual(w.rank_sizes["P"], 4096)

    def test_same_counts_and_passes_as_the_cli(self):
        for path, sets in [
            ("attention/attention_3pass.pbtxt", {"M": 4096}),
            ("attention/attention_2pass.pbtxt", {"M": 1024}),
            ("attention/attention_1pass.pbtxt", {"M": 2048, "E": 128}),
            ("attention/attention_fusemax.pbtxt", {"M": 65536, "M0": 512}),
            ("transformers/xlm.pbtxt", {"M": 1048576}),
        ]:
            with self.subTest(path=path):
                w = cascade.load_workload(library(path), sets)
                record = cli_json(library(path), sets)
                self.assertEqual(w.passes, record["passes"])
                self.assertEqual(w.pass_rank, record["pass_rank"])
                # protobuf's JSON mapping writes 64-bit counts as strings.
                self.assertEqual(w.total_ops, {o["kind"]: int(o["count"]) for o in record["total_ops"]})
                self.assertEqual([e["expression"] for e in w.einsums],
                                 [e["expression"] for e in record["einsum"]])
                self.assertEqual([sum(e["ops"].values()) for e in w.einsums],
                                 [sum(int(o["count"]) for o in e["ops"]) for e in record["einsum"]])
                self.assertEqual(json.loads(w.to_json()), record)

    def test_pass_counts_of_the_four_attention_cascades(self):
        got = [cascade.load_workload(library(f"attention/attention_{k}.pbtxt")).passes
               for k in ("3pass", "2pass", "1pass", "fusemax")]
        self.assertEqual(got, [3, 2, 1, 1])

    def test_bad_input_raises_workload_error_with_position(self):
        with self.assertRaises(cascade.InputError) as ctx:
            cascade.load_workload(library("attention/attention_fusemax.pbtxt"), {"M0": 300})
        err = ctx.exception
        self.assertIsInstance(err, ValueError)
        self.assertEqual(err.message, "partition size M0=300 does not divide M=4096")
        self.assertTrue(err.file.endswith("attention_fusemax.pbtxt"))
        self.assertGreater(err.line, 0)

    def test_missing_file(self):
        with self.assertRaises(cascade.InputError) as ctx:
            cascade.load_workload(os.path.join(SOURCE, "no-such-file.pbtxt"))
        self.assertIn("cannot open file", str(ctx.exception))

    def test_to_json_is_the_same_bytes_every_time(self):
        # Map fields (rank sizes) in key order, not hash order.
        texts = {cascade.load_workload(library("transformers/bert_base.pbtxt"), {"M": 4096}).to_json()
                 for _ in range(5)}
        self.assertEqual(len(texts), 1)

    def test_hostile_input_raises_input_error(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "w.pbtxt")
            for einsum, message in [("B[m] = 1e999 * A[m]", "number '1e999' is out of the range of a double"),
                                    ("B[m] = " + "(" * 5000 + "A[m]" + ")" * 5000, "nests deeper than 256 levels")]:
                with self.subTest(einsum=einsum[:12]):
                    with open(path, "w") as f:
                        f.write('name: "x"\nrank { name: "M" size: 4 }\n'
                                'tensor { name: "A" ranks: ["M"] type: FP32 }\n'
                                'tensor { name: "B" ranks: ["M"] type: FP32 }\n'
                                f'einsum: "{einsum}"\n')
                    with self.assertRaises(cascade.InputError) as ctx:
                        cascade.load_workload(path)
                    self.assertIn(message, ctx.exception.message)
                    self.assertEqual(ctx.exception.line, 5)
        with self.assertRaises(cascade.InputError) as ctx:
            cascade.load_workload(library("transformers/bert_base.pbtxt"), {"M": 2**24})
        self.assertIn("overflows 64 bits", str(ctx.exception))
        with self.assertRaises(cascade.InputError):
            cascade.load_workload(library("attention/attention_3pass.pbtxt"), {"M": 2**63})


if __name__ == "__main__":
    unittest.main()
