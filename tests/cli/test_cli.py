"""End-to-end tests of the `cascade` CLI: exit codes (0 success, 2 bad input, 1 internal error),
help on every subcommand, and the outputs of `workload check` and `workload show`.

Environment (set by ctest): CASCADE_BIN, CASCADE_SOURCE_DIR.
"""
import json
import os
import subprocess
import tempfile
import unittest

SOURCE = os.environ["CASCADE_SOURCE_DIR"]
CLI = os.environ["CASCADE_BIN"]
THREE_PASS = os.path.join(SOURCE, "workloads", "library", "attention", "attention_3pass.pbtxt")


def run(*args, env=None):
    return subprocess.run([CLI, *args], capture_output=True, text=True, env=env)


class Help(unittest.TestCase):
    def test_help_on_every_command(self):
        for args in (["--help"], ["workload", "--help"], ["workload", "check", "--help"],
                     ["workload", "show", "--help"]):
            with self.subTest(args=args):
                r = run(*args)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn("usage: cascade", r.stdout)

    def test_show_help_lists_its_options(self):
        out = run("workload", "show", "--help").stdout
        for option in ("--set", "--format", "--plot"):
            self.assertIn(option, out)


class ExitCodes(unittest.TestCase):
    def assert_bad_input(self, r, text):
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(text, r.stderr)

    def test_no_command(self):
        self.assert_bad_input(run(), "usage: cascade")

    def test_unknown_command(self):
        self.assert_bad_input(run("simulate"), "cascade: unknown command 'simulate'")

    def test_unknown_option(self):
        self.assert_bad_input(run("workload", "show", THREE_PASS, "--colour"), "unrecognised option '--colour'")

    def test_missing_file(self):
        self.assert_bad_input(run("workload", "show", "nope.pbtxt"), "nope.pbtxt: error: cannot open file")

    def test_bad_format(self):
        self.assert_bad_input(run("workload", "show", THREE_PASS, "--format", "xml"),
                              "--format must be text or json, not 'xml'")

    def test_bad_set(self):
        self.assert_bad_input(run("workload", "show", THREE_PASS, "--set", "M=lots"),
                              "'M=lots': expected RANK=SIZE, e.g. M=4096")

    def test_malformed_file_names_line_and_column(self):
        with tempfile.TemporaryDirectory() as d:
            bad = os.path.join(d, "bad.pbtxt")
            with open(bad, "w") as f:
                f.write('name: "x"\nrank { name: "M" size: 4 }\n'
                        'tensor { name: "A" ranks: ["M"] type: FP32 }\n'
                        'einsum: "A[m] = exp(B[m])"\n')
            # "einsum: \"" is 9 characters; B is at offset 11 of the Einsum: column 21.
            self.assert_bad_input(run("workload", "show", bad), bad + ":4:21: error: undeclared tensor 'B'")

    def test_plot_into_missing_folder(self):
        self.assert_bad_input(run("workload", "show", THREE_PASS, "--plot", "/no/such/dir/ops.png"),
                              "/no/such/dir/ops.png: error: cannot write: folder '/no/such/dir' does not exist")

    def test_check_reports_each_file_and_fails_if_any_is_bad(self):
        r = run("workload", "check", THREE_PASS, "nope.pbtxt")
        self.assertEqual(r.returncode, 2)
        self.assertIn(THREE_PASS + ": ok (attention_3pass, 6 Einsums)", r.stdout)
        self.assertIn("nope.pbtxt: error: cannot open file", r.stderr)

    def test_check_of_good_files_succeeds(self):
        library = os.path.join(SOURCE, "workloads", "library")
        files = [os.path.join(root, f) for root, _, names in os.walk(library) for f in names]
        r = run("workload", "check", *files)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.count(": ok ("), len(files))

    def test_internal_error_when_gnuplot_is_missing(self):
        # An environment failure is not the user's input: exit code 1.
        with tempfile.TemporaryDirectory() as d:
            env = dict(os.environ, PATH=d)
            r = run("workload", "show", THREE_PASS, "--plot", os.path.join(d, "ops.png"), env=env)
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertIn("cascade: internal error: gnuplot not found on PATH", r.stderr)


class Run(unittest.TestCase):
    ARCH = os.path.join(SOURCE, "configs", "arch", "fusemax_cloud.pbtxt")
    BERT = os.path.join(SOURCE, "workloads", "library", "transformers", "bert_base.pbtxt")

    def test_run_prints_a_summary_and_writes_json(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "r.json")
            r = run("run", "--arch", self.ARCH, "--workload", self.BERT, "--set", "M=1024", "-o", out)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("fusemax on bert_base", r.stdout)
            with open(out) as f:
                record = json.load(f)
            # Attention: 3072 query tiles x (138 x 4 chunks + 64) cycles (tests/arch derive it);
            # the six GEMMs of the layer add 7077888 cycles.
            phases = {p["name"]: int(p["cycles"]) for p in record["phase"]}
            self.assertEqual(phases["attention"], 3072 * (138 * 4 + 64))
            self.assertEqual(int(record["cycles"]), 3072 * (138 * 4 + 64) + 7077888)

    def test_bad_config_exits_2_naming_the_field(self):
        with tempfile.TemporaryDirectory() as d:
            bad = os.path.join(d, "bad.pbtxt")
            with open(self.ARCH) as f:
                text = f.read().replace('fusemax {}', 'fusemox {}')
            with open(bad, "w") as f:
                f.write(text)
            r = run("run", "--arch", bad, "--workload", self.BERT, "-o", os.path.join(d, "r.json"))
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn(bad + ":5:9: error: Message type \"cascade.config.Arch\" has no field named \"fusemox\"", r.stderr)

    def test_gpu_runs_the_pytorch_layer_as_its_kernels(self):
        # bert_base_layer's operators, in cascade order, each one kernel: the launches a Kineto
        # trace of torch.nn.TransformerEncoderLayer records (tests/gpu compares them one to one).
        layer = os.path.join(SOURCE, "workloads", "library", "transformers", "bert_base_layer.pbtxt")
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "r.json")
            r = run("run", "--root", SOURCE, "--arch", "h100_sxm.calibrated", "--workload", layer,
                    "--set", "M=1024", "-o", out)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("gpu on bert_base_layer (arch h100_sxm", r.stdout)
            self.assertIn("kernels (in launch order)", r.stdout)
            with open(out) as f:
                record = json.load(f)
            self.assertEqual([k["name"] for k in record["kernel"]],
                             ["in_proj", "attention", "out_proj", "residual1", "norm1", "linear1",
                              "linear2", "residual2", "norm2"])
            self.assertEqual([k["kind"] for k in record["kernel"]],
                             ["gemm", "attention", "gemm", "elementwise", "layer_norm", "gemm", "gemm",
                              "elementwise", "layer_norm"])
            device_s = sum(k["seconds"] for k in record["kernel"])
            self.assertAlmostEqual(record["seconds"], device_s, delta=device_s * 1e-6)

    def test_arch_by_name_and_unknown_name(self):
        with tempfile.TemporaryDirectory() as d:
            r = run("run", "--root", SOURCE, "--arch", "fusemax_cloud", "--workload", self.BERT,
                    "--set", "M=1024", "-o", os.path.join(d, "r.json"))
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("fusemax on bert_base", r.stdout)
        r = run("run", "--root", SOURCE, "--arch", "tpu_v9", "--workload", self.BERT)
        self.assertEqual(r.returncode, 2)
        self.assertIn("no architecture config 'tpu_v9'", r.stderr)
        self.assertIn("fusemax_cloud", r.stderr)
        self.assertIn("h100_sxm", r.stderr)

    def test_config_of_neither_schema_names_the_one_it_reads_further(self):
        # A GPU config with a misspelt field on line 3 parses further as a GPU config than as an
        # accelerator config (which stops at line 2, `part`).
        with tempfile.TemporaryDirectory() as d:
            bad = os.path.join(d, "bad.pbtxt")
            with open(bad, "w") as f:
                f.write('name: "g"\npart: "p"\nsm_cuont: 1\n')
            r = run("run", "--arch", bad, "--workload", self.BERT, "-o", os.path.join(d, "r.json"))
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn(bad + ":3:", r.stderr)
            self.assertIn("(read as a gpu config, configs/gpu.proto)", r.stderr)

    def test_unavailable_fidelity_is_bad_input(self):
        r = run("run", "--arch", self.ARCH, "--workload", self.BERT, "--fidelity", "quantum")
        self.assertEqual(r.returncode, 2)
        self.assertIn("'quantum': expected analytical or cycle", r.stderr)

    def test_reproduce_fusemax_writes_table_csv_and_plot(self):
        with tempfile.TemporaryDirectory() as d:
            r = run("reproduce", "fusemax", "--root", SOURCE, "--out", d)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("attention speedup over FLAT: paper 6.7", r.stdout)
            with open(os.path.join(d, "fusemax.md")) as f:
                self.assertIn("| attention speedup over FLAT | 6.70 |", f.read())
            with open(os.path.join(d, "fusemax.csv")) as f:
                self.assertEqual(len(f.read().splitlines()), 25)
            with open(os.path.join(d, "fusemax.png"), "rb") as f:
                self.assertEqual(f.read(4), b"\x89PNG")

    def test_reproduce_ngpc_writes_table_csv_and_plot(self):
        # 4 apps x 3 encodings of GPU frames (3 rows each), 4 apps x 4 scales (4 rows each), 4 gaps,
        # 18 headlines and the header: 36 + 64 + 4 + 18 + 1 rows.
        with tempfile.TemporaryDirectory() as d:
            r = run("reproduce", "ngpc", "--root", SOURCE, "--out", d)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("mean hash-grid speedup, NGPC-64: paper 39", r.stdout)
            self.assertIn("NGPC-8 area, % of the GPU die: paper 4.52, ours 4.52 (holds)", r.stdout)
            self.assertRegex(r.stdout, r"largest difference of the cycle fidelity from the analytical, % \(every point\): "
                                       r"paper 0, ours [0-9.e-]+ \(holds\)")
            with open(os.path.join(d, "ngpc.md")) as f:
                text = f.read()
            self.assertIn("# NGPC reproduction (Mubarik et al., ISCA 2023) beside rtx3090", text)
            self.assertIn("| NGPC-64 area, % of the GPU die | 36.18 | 36.16 | 0.999 | within 1% | yes |", text)
            with open(os.path.join(d, "ngpc.csv")) as f:
                self.assertEqual(len(f.read().splitlines()), 36 + 64 + 4 + 18 + 1)
            with open(os.path.join(d, "ngpc.png"), "rb") as f:
                self.assertEqual(f.read(4), b"\x89PNG")
            # The same study beside the H200; a --gpu that is no config name is refused.
            r = run("reproduce", "ngpc", "--root", SOURCE, "--out", d, "--gpu", "h200")
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(os.path.join(d, "ngpc.md")) as f:
                self.assertIn("beside h200", f.read())
            r = run("reproduce", "ngpc", "--root", SOURCE, "--out", d, "--gpu", "../h200")
            self.assertEqual(r.returncode, 2)
            self.assertIn("--gpu takes a config name of configs/arch/gpu/", r.stderr)
            r = run("reproduce", "ngpc", "--root", SOURCE, "--out", d, "--gpu", "none")
            self.assertEqual(r.returncode, 2)
            self.assertIn("gpu: ", r.stderr)


class Show(unittest.TestCase):
    def test_json_counts_by_hand(self):
        r = run("workload", "show", THREE_PASS, "--set", "M=1024", "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        record = json.loads(r.stdout)
        ops = {o["kind"]: int(o["count"]) for o in record["total_ops"]}
        # M = P = 1024, E = F = 64: 2 * 1024 * 1024 * 64 MACs; one exp per (m, p).
        self.assertEqual(ops["mac"], 2 * 1024 * 1024 * 64)
        self.assertEqual(ops["exp"], 1024 * 1024)
        self.assertEqual(record["passes"], 3)

    def test_text_report(self):
        out = run("workload", "show", THREE_PASS).stdout
        self.assertIn("passes: 3 over M", out)
        self.assertIn("QK[m,p] = Q[e,p] * K[e,m]", out)

    def test_plot_writes_a_png(self):
        with tempfile.TemporaryDirectory() as d:
            png = os.path.join(d, "ops.png")
            r = run("workload", "show", THREE_PASS, "--plot", png)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(png, "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
            self.assertGreater(os.path.getsize(png), 5000)


if __name__ == "__main__":
    unittest.main()
