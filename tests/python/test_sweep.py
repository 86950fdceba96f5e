"""cascade.sweep: a spec as a file or as a dict gives the rows `cascade sweep` writes, in the same
order and with the same values; bad specs raise cascade.InputError (run by ctest with Debian's
python3).

Environment (set by ctest): PYTHONPATH holds the built module, CASCADE_BIN the CLI, CASCADE_SOURCE_DIR
the source tree.
"""
import csv
import os
import subprocess
import tempfile
import unittest

import cascade

SOURCE = os.environ["CASCADE_SOURCE_DIR"]
CLI = os.environ["CASCADE_BIN"]
BERT = os.path.join(SOURCE, "workloads", "library", "transformers", "bert_base.pbtxt")
GPT2 = os.path.join(SOURCE, "workloads", "library", "transformers", "gpt2_small_layer.pbtxt")

SPEC = {"arch": ["fusemax_cloud", "h100_sxm.calibrated"], "workload": [GPT2],
        "zip": [{"axis": [{"field": "rank.M", "values": [512, 2048]}]}],
        "metric": ["cycles", "energy_j", "edp_js"]}


def cli_rows(spec_text):
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    with tempfile.TemporaryDirectory() as d:
        spec = os.path.join(d, "spec.pbtxt")
        with open(spec, "w") as f:
            f.write(spec_text)
        out = os.path.join(d, "r.csv")
        subprocess.run([CLI, "sweep", spec, "-o", out, "--root", SOURCE, "--quiet"], check=True, env=env)
        with open(out) as f:
            return list(csv.DictReader(f))


class Sweep(unittest.TestCase):
    def test_a_dict_gives_the_clis_rows(self):
        rows = cascade.sweep(SPEC, root=SOURCE)
        expected = cli_rows(f'arch: "fusemax_cloud"\narch: "h100_sxm.calibrated"\nworkload: "{GPT2}"\n'
                            'zip { axis { field: "rank.M" values: ["512", "2048"] } }\n'
                            'metric: "cycles" metric: "energy_j" metric: "edp_js"\n')
        self.assertEqual(len(rows), 4)
        for row, x in zip(rows, expected):
            self.assertEqual((row["id"], row["arch"], row["model"], row["params"]["rank.M"]),
                             (x["id"], x["arch"], x["model"], x["rank.M"]))
            for m in ("cycles", "energy_j", "edp_js"):
                self.assertEqual(row[m], float(x[m]), m)

    def test_a_file_and_threads(self):
        with tempfile.TemporaryDirectory() as d:
            spec = os.path.join(d, "spec.pbtxt")
            with open(spec, "w") as f:
                f.write(f'arch: "fusemax_cloud"\nworkload: "{BERT}"\n'
                        'axis { field: "array2d.rows" values: ["0", "64", "256"] }\n'
                        'axis { field: "rank.M" values: ["1024", "4096"] }\n')
            one, two = cascade.sweep(spec, root=SOURCE), cascade.sweep(spec, root=SOURCE, threads=2)
        self.assertEqual(one, two)
        self.assertEqual([r["params"]["array2d.rows"] for r in one], ["0", "0", "64", "64", "256", "256"])
        self.assertIn("array2d has 0 PEs", one[0]["error"])
        self.assertNotIn("cycles", one[0])

    def test_pareto_by_hand(self):
        # (seconds, energy): a (1, 3), b (2, 2), c (2, 3) beaten by b, d (3, 1), e lacks energy.
        rows = [{"id": "a", "seconds": 1, "energy_j": 3}, {"id": "b", "seconds": 2, "energy_j": 2},
                {"id": "c", "seconds": 2, "energy_j": 3}, {"id": "d", "seconds": 3, "energy_j": 1},
                {"id": "e", "seconds": 0.5, "energy_j": None}]
        self.assertEqual([r["id"] for r in cascade.pareto(rows, minimize=["seconds", "energy_j"])], ["a", "b", "d"])
        # Least time, most energy: a (1, 3) is at least as good as every other row in both.
        self.assertEqual([r["id"] for r in cascade.pareto(rows, minimize=["seconds"], maximize=["energy_j"])], ["a"])
        with self.assertRaises(cascade.InputError):
            cascade.pareto(rows)

    def test_area_and_the_merged_text(self):
        fusemax = os.path.join(SOURCE, "configs", "arch", "fusemax_cloud.pbtxt")
        arch = cascade.load_arch(fusemax, {"array2d.rows": 128})
        rows = cascade.sweep({"arch": [fusemax], "workload": [BERT], "sizes": {"M": 1024},
                              "axis": [{"field": "array2d.rows", "values": [128]}]})
        self.assertEqual(arch.area_mm2, rows[0]["area_mm2"])
        self.assertIsNone(cascade.load_arch(os.path.join(SOURCE, "configs", "arch", "gpu", "h100_sxm.pbtxt")).area_mm2)
        # The text is the whole config: cloud_hardware.pbtxt's entries merged in (its MAC area).
        self.assertIn('component: "array2d.mac"', cascade.load_arch(fusemax).text)

    def test_bad_specs_raise_input_error(self):
        for spec, text in (({"arch": ["fusemax_cloud"], "workload": [BERT], "axis": [{"field": "array2d.rowz",
                                                                                       "values": [1]}]},
                            "PeArray has no field 'rowz'"),
                           ({"arch": ["fusemax_cloud"], "workload": [BERT], "metrics": ["cycles"]},
                            "metrics"),
                           ({"arch": ["fusemax_cloud"]}, "missing field 'workload'")):
            with self.subTest(text=text):
                with self.assertRaises(cascade.InputError) as e:
                    cascade.sweep(spec, root=SOURCE)
                self.assertIn(text, str(e.exception))


if __name__ == "__main__":
    unittest.main()
