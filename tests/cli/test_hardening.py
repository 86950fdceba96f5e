"""Hostile and malformed input to the `cascade` CLI: each case of the hardening review as a test.

Nothing a user feeds the CLI may run a shell command, crash, hang, take unbounded memory, wrap
around or succeed silently: bad input exits with code 2 and a message naming the file, line and
field; an output that cannot be written is an error, not a success; outputs never replace a
directory or leave a half-written file. Every command is bounded by TIMEOUT seconds (a hang fails
the test), and under ULIMIT_KB of address space where a case could take unbounded memory.

Environment (set by ctest): CASCADE_BIN, CASCADE_SOURCE_DIR.
"""
import json
import os
import resource
import subprocess
import tempfile
import threading
import unittest

SOURCE = os.environ["CASCADE_SOURCE_DIR"]
CLI = os.environ["CASCADE_BIN"]
TRACES = os.path.join(SOURCE, "validation", "traces", "h100")
H100 = os.path.join(SOURCE, "configs", "arch", "gpu", "h100_sxm.pbtxt")
FUSEMAX = os.path.join(SOURCE, "configs", "arch", "fusemax_cloud.pbtxt")
BERT = os.path.join(SOURCE, "workloads", "library", "transformers", "bert_base.pbtxt")
THREE_PASS = os.path.join(SOURCE, "workloads", "library", "attention", "attention_3pass.pbtxt")
TIMEOUT = 60
# 4 GiB of address space: far above what any case here needs, far below reading /dev/zero to the end
# (sanitizer builds reserve their shadow memory up front and run without this limit).
ULIMIT_KB = 4 << 20


def limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (ULIMIT_KB << 10, ULIMIT_KB << 10))


def run(*args, cwd=None, bounded_memory=False):
    sanitized = os.environ.get("CASCADE_SANITIZED") == "1"
    return subprocess.run([CLI, *args], capture_output=True, text=True, cwd=cwd, timeout=TIMEOUT,
                          errors="replace",
                          preexec_fn=limit_memory if bounded_memory and not sanitized else None)


def write(path, text, mode="w"):
    with open(path, mode) as f:
        f.write(text)
    return path


def workload(name='"x"', einsum="B[m] = exp(A[m])", extra=""):
    return (f'name: {name}\nrank {{ name: "M" size: 4 }}\n'
            'tensor { name: "A" ranks: ["M"] type: FP32 }\n'
            'tensor { name: "B" ranks: ["M"] type: FP32 }\n'
            f'{extra}einsum: "{einsum}"\n')


def self_contained(path):
    """An accelerator config with its imports written out where its `import:` line is, each one-line
    block of the file (`array2d { register_file_depth: 12 }`) put inside the block the import opens
    over several lines (as configs/arch/*_cloud.pbtxt import cloud_hardware.pbtxt)."""
    with open(path) as f:
        lines = f.read().split("\n")
    imports = [i for i, line in enumerate(lines) if line.startswith('import: "')]
    if not imports:
        return "\n".join(lines)
    at = imports[0]
    imported = self_contained(os.path.join(os.path.dirname(path), lines[at].split('"')[1])).split("\n")
    rest = []
    for line in lines[:at] + lines[at + 1:]:
        head, _, tail = line.partition(" { ")
        opening = [i for i, l in enumerate(imported) if l.startswith(head + " {") and "}" not in l] if tail else []
        if opening and " }" in tail:
            inner, _, comment = tail.rpartition(" }")
            imported.insert(opening[0] + 1, "  " + inner + comment)
        else:
            rest.append(line)
    return "\n".join(rest[:at] + imported + rest[at:])


def self_contained_gpu(path):
    """A GPU config that takes its SM limits from compute_capabilities.pbtxt beside it, with its
    compute capability's `limits` block written out after `sm_count`."""
    with open(path) as f:
        text = f.read()
    if "\nlimits {" in text:
        return text
    cc = text[text.index("compute_capability {"):]
    cc = cc[:cc.index("}") + 1]
    with open(os.path.join(os.path.dirname(path), "compute_capabilities.pbtxt")) as f:
        table = f.read()
    start = table.index("  limits {", table.index(cc))
    block = table[start:table.index("\n  }\n", start) + 5]
    limits = "".join(line[2:] + "\n" for line in block.split("\n")[:-1])
    after = text.index("\n", text.index("sm_count:")) + 1
    return text[:after] + limits + text[after:]


def replaced(path, old, new):
    text = self_contained_gpu(path) if "compute_capability" in open(path).read() else self_contained(path)
    assert old in text, old
    return text.replace(old, new, 1)


class Base(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def path(self, *names):
        return os.path.join(self.dir, *names)

    def assert_bad_input(self, r, *texts):
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        for t in texts:
            self.assertIn(t, r.stderr)

    def assert_ok(self, r):
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def one_row_edited(self, trace, kind, column, value):
        """The trace's preamble and header with its first row of class `kind` (None: its first row),
        `column` set to `value`; the path and the line of that row."""
        with open(os.path.join(TRACES, trace)) as f:
            lines = f.read().splitlines(keepends=True)
        header = next(i for i, line in enumerate(lines) if line.startswith("name,"))
        row = header + 1 if kind is None else next(i for i, line in enumerate(lines) if f",{kind}," in line)
        cells = lines[row].rstrip("\n").split(",")
        cells[lines[header].rstrip("\n").split(",").index(column)] = value
        path = write(self.path(trace), "".join(lines[:header + 1]) + ",".join(cells) + "\n")
        return path, header + 2

    def assert_no_shell_ran(self):
        self.assertFalse(os.path.exists(self.path("PWNED")), "a shell command ran")


class ShellInjection(Base):
    """Names and paths reach gnuplot only as sanitized literals in a script file; it never sees a
    path, and no shell is involved in starting it."""

    HOSTILE = ["x\n!touch PWNED\n", "x'\n!touch PWNED\nprint '", "`touch PWNED`", "@x !touch PWNED",
               "x'; system('touch PWNED'); '"]

    def test_a_name_with_a_newline_is_refused(self):
        bad = write(self.path("w.pbtxt"), workload(name='"x\\n!touch PWNED\\n"'))
        self.assert_bad_input(run("workload", "check", bad), bad + ":1:1: error: workload: the name has a control character")

    def test_printable_hostile_names_are_plotted_as_text(self):
        for i, name in enumerate(n for n in self.HOSTILE if "\n" not in n):
            with self.subTest(name=name):
                w = write(self.path(f"w{i}.pbtxt"), workload(name=json.dumps(name)))
                png = self.path(f"ops{i}.png")
                self.assert_ok(run("workload", "show", w, "--plot", png, cwd=self.dir))
                self.assertGreater(os.path.getsize(png), 1000)
                self.assert_no_shell_ran()

    def test_hostile_plot_paths_are_file_names(self):
        for i, name in enumerate(self.HOSTILE):
            with self.subTest(name=name):
                png = self.path(f"{i}{name}.png".replace("/", "_"))
                self.assert_ok(run("workload", "show", THREE_PASS, "--plot", png, cwd=self.dir))
                self.assertTrue(os.path.isfile(png), os.listdir(self.dir))
                self.assert_no_shell_ran()

    def test_hostile_out_folders_of_reproduce_and_gpu_validate(self):
        out = self.path("r\n!touch PWNED\n")
        self.assert_ok(run("reproduce", "fusemax", "--root", SOURCE, "--out", out, cwd=self.dir))
        self.assertTrue(os.path.isfile(os.path.join(out, "fusemax.png")))
        self.assert_ok(run("gpu", "validate", "--arch", H100, "--traces", os.path.join(TRACES, "sdpa.csv"),
                           "--out", out, cwd=self.dir))
        self.assertTrue(os.path.isfile(os.path.join(out, "validation.svg")))
        self.assert_no_shell_ran()

    def test_hostile_gpu_config_names(self):
        bad = write(self.path("g.pbtxt"), replaced(H100, 'name: "h100_sxm"', 'name: "x\\n!touch PWNED\\n"'))
        self.assert_bad_input(run("gpu", "validate", "--arch", bad, "--traces", os.path.join(TRACES, "sdpa.csv"),
                                  "--out", self.dir, cwd=self.dir),
                              bad + ":", "the name has a control character")
        named = write(self.path("h.pbtxt"), replaced(H100, 'name: "h100_sxm"', "name: \"x' ; !touch PWNED ; '\""))
        self.assert_ok(run("gpu", "validate", "--arch", named, "--traces", os.path.join(TRACES, "sdpa.csv"),
                           "--out", self.dir, cwd=self.dir))
        self.assert_no_shell_ran()


class OutputsNeverDestroy(Base):
    def test_an_empty_directory_at_the_plot_path_stays(self):
        target = self.path("empty")
        os.mkdir(target)
        self.assert_bad_input(run("workload", "show", THREE_PASS, "--plot", target), target + ": error: cannot write: it is a directory")
        self.assertTrue(os.path.isdir(target))

    def test_a_full_directory_at_the_plot_path_stays(self):
        target = self.path("full")
        os.mkdir(target)
        write(os.path.join(target, "keep"), "data")
        self.assert_bad_input(run("workload", "show", THREE_PASS, "--plot", target), "it is a directory")
        self.assertEqual(os.listdir(target), ["keep"])

    def test_a_failed_write_leaves_the_old_file(self):
        # /dev/full fails every write: a device is written in place, and the failure is reported.
        r = run("run", "--arch", FUSEMAX, "--workload", BERT, "--set", "M=1024", "-o", "/dev/full")
        self.assert_bad_input(r, "/dev/full: error: cannot write: No space left on device")
        r = run("gpu", "calibrate", "--arch", H100, "--traces", os.path.join(TRACES, "kernels.csv"), "-o", "/dev/full")
        self.assert_bad_input(r, "/dev/full: error: cannot write: No space left on device")

    def test_outputs_replace_files_atomically(self):
        out = write(self.path("r.json"), "old")
        self.assert_ok(run("run", "--arch", FUSEMAX, "--workload", BERT, "--set", "M=1024", "-o", out))
        with open(out) as f:
            self.assertEqual(json.load(f)["workload"], "bert_base")
        self.assertEqual(sorted(os.listdir(self.dir)), ["r.json"])  # no temporary left behind

    def test_unwritable_outputs(self):
        file = write(self.path("file"), "x")
        for args, message in [
            (["run", "--arch", FUSEMAX, "--workload", BERT, "-o", os.path.join(file, "r.json")],
             "cannot write: folder '" + file + "' does not exist"),
            (["run", "--arch", FUSEMAX, "--workload", BERT, "-o", self.path("no", "r.json")],
             "does not exist"),
            (["reproduce", "fusemax", "--root", SOURCE, "--out", file], file + ": error: cannot create the folder: a file is in the way"),
            (["gpu", "validate", "--arch", H100, "--traces", os.path.join(TRACES, "sdpa.csv"), "--out", file],
             "a file is in the way"),
            (["workload", "show", THREE_PASS, "--plot", os.path.join(file, "x.png")], "does not exist"),
        ]:
            with self.subTest(args=args[0]):
                self.assert_bad_input(run(*args), message)

    def test_default_output_name_stays_in_the_working_folder(self):
        # The run record's default name comes from the config's and workload's names: no path.
        arch = write(self.path("a.pbtxt"), replaced(FUSEMAX, 'name: "fusemax_cloud"', 'name: "../../escape"'))
        os.mkdir(self.path("work"))
        self.assert_ok(run("run", "--arch", arch, "--workload", BERT, "--set", "M=1024", cwd=self.path("work")))
        self.assertEqual(os.listdir(self.path("work")), ["_._.._escape.bert_base.json"])


class Crashes(Base):
    def test_deep_parentheses_and_minus_signs(self):
        for einsum in ["(" * 20000 + "A[m]" + ")" * 20000, "-" * 20000 + "A[m]"]:
            with self.subTest(einsum=einsum[:3]):
                w = write(self.path("w.pbtxt"), workload(einsum="B[m] = " + einsum))
                self.assert_bad_input(run("workload", "check", w), w + ":5:", "nests deeper than 256 levels")

    def test_a_flat_sum_of_200000_terms(self):
        w = write(self.path("w.pbtxt"), workload(einsum="B[m] = " + " + ".join(["A[m]"] * 200000)))
        self.assert_bad_input(run("workload", "check", w), w + ":5:", "deeper than 256 levels")

    def test_a_gemm_row_of_zero_size(self):
        for column in ("M", "N", "batch"):
            with self.subTest(column=column):
                bad, line = self.one_row_edited("kernels.csv", "gemm", column, "0")
                message = f"{bad}:{line}: error: column '{column}': 0 is not a whole number from 1 to"
                self.assert_bad_input(run("gpu", "validate", "--arch", H100, "--traces", bad), message)
                self.assert_bad_input(run("gpu", "calibrate", "--arch", H100, "--traces", bad, "-o", self.path("c.pbtxt")), message)
                self.assertFalse(os.path.exists(self.path("c.pbtxt")))


class HangsAndMemory(Base):
    def test_infinite_dram_latency(self):
        bad = write(self.path("g.pbtxt"), replaced(H100, "dram_latency_ns: ", "dram_latency_ns: inf #"))
        self.assert_bad_input(run("gpu", "validate", "--arch", bad, "--traces", os.path.join(TRACES, "sdpa.csv")),
                              "timing.dram_latency_ns: inf is not a finite number of at least 0")

    def test_cudas_largest_grid_in_a_moment(self):
        kernel = write(self.path("k.pbtxt"), 'name: "max" grid { x: 2147483647 y: 65535 z: 65535 } block { x: 128 }\n'
                                             'registers_per_thread: 32 work { fp32_flops: 1e22 dram_bytes: 1e20 }\n')
        r = run("gpu", "time", "--arch", H100, "--kernel", kernel)
        self.assert_ok(r)
        # 2^31-1 x 65535^2 blocks, 16 a SM on 132 SMs: ceil(9223090559730712575 / 2112) waves.
        self.assertIn("blocks: 9223090559730712575  waves: 4366993636236133", r.stdout)

    def test_a_grid_beyond_cudas(self):
        kernel = write(self.path("k.pbtxt"), 'name: "k" grid { x: 4294967295 } block { x: 128 }\n')
        self.assert_bad_input(run("gpu", "time", "--arch", H100, "--kernel", kernel),
                              kernel + ":1:", "grid.x of 4294967295 is above CUDA's limit of 2147483647")

    def kineto(self, events):
        return write(self.path("trace.json"), json.dumps({"traceEvents": events}))

    def test_a_kineto_layer_norm_with_a_zero_dimension(self):
        ops = [{"cat": "cpu_op", "name": "aten::native_layer_norm", "args": {"External id": 1, "Input Dims": [[0, 768], [768]]}},
               {"cat": "cpu_op", "name": "aten::add_", "args": {"External id": 2, "Input Dims": [[4096, 768], [4096, 768]]}}]
        kernels = [{"cat": "kernel", "name": "vectorized_layer_norm_kernel", "dur": 10.0,
                    "args": {"External id": 1, "grid": [0, 1, 1], "block": [32, 4, 1]}},
                   {"cat": "kernel", "name": "vectorized_elementwise_kernel", "dur": 10.0,
                    "args": {"External id": 2, "grid": [3072, 1, 1], "block": [128, 1, 1]}}]
        r = run("gpu", "validate", "--arch", H100, "--traces", self.kineto(ops + kernels))
        self.assert_ok(r)
        self.assertIn("operator 'aten::native_layer_norm' has an input with a dimension of 0", r.stdout)

    def test_a_hash_grid_of_4e9_levels(self):
        bad, line = self.one_row_edited("neural.csv", "hash_grid", "levels", "4000000000")
        self.assert_bad_input(run("gpu", "validate", "--arch", H100, "--traces", bad, bounded_memory=True),
                              f"{bad}:{line}: error: column 'levels': 4000000000 is not a whole number from 1 to 64")

    def test_devices_fifos_and_folders_are_not_read(self):
        fifo = self.path("fifo")
        os.mkfifo(fifo)
        for path, message in [("/dev/zero", "not a regular file"), (fifo, "not a regular file"),
                              (self.dir, "is a directory")]:
            with self.subTest(path=path):
                self.assert_bad_input(run("workload", "check", path, bounded_memory=True), path + ": error: " + message)
                self.assert_bad_input(run("gpu", "validate", "--arch", H100, "--traces", path + ".json"
                                          if path == self.dir else path), "error:")

    def test_a_deeply_nested_json_array(self):
        trace = write(self.path("deep.json"), '{"traceEvents": [{"args": ' + "[" * 100000 + "]" * 100000 + "}]}")
        self.assert_bad_input(run("gpu", "validate", "--arch", H100, "--traces", trace), "nested deeper than 64 levels")

    def test_a_huge_file_is_refused_unread(self):
        big = self.path("big.pbtxt")
        with open(big, "wb") as f:
            f.truncate((64 << 20) + 1)  # sparse: takes no disk
        self.assert_bad_input(run("workload", "check", big, bounded_memory=True), "more than the 64 MiB")

    def test_a_cycle_run_at_a_million_tokens_is_fast_forwarded(self):
        r = run("run", "--arch", FUSEMAX, "--workload", BERT, "--set", "M=1048576", "--fidelity", "cycle",
                "-o", self.path("r.json"), bounded_memory=True)
        self.assert_ok(r)


class NoWrapAround(Base):
    def test_bert_at_2_to_the_24_tokens(self):
        self.assert_bad_input(run("workload", "show", BERT, "--set", "M=16777216"),
                              BERT + ": error: the count of 'mac' operations overflows 64 bits at these rank sizes")

    def test_rank_sizes_are_bounded(self):
        self.assert_bad_input(run("workload", "show", THREE_PASS, "--set", "M=9223372036854775808"),
                              "a rank size must be between 1 and 2^62")
        big = write(self.path("w.pbtxt"), workload().replace("size: 4", "size: 18446744073709551615"))
        self.assert_bad_input(run("workload", "check", big), big + ":2:", "size must be between 1 and 2^62")


class BadInputIsExit2(Base):
    def test_a_number_beyond_a_double(self):
        w = write(self.path("w.pbtxt"), workload(einsum="B[m] = 1e999 * A[m]"))
        self.assert_bad_input(run("workload", "check", w),
                              w + ":5:17: error: number '1e999' is out of the range of a double")

    def test_an_unknown_tensor_type(self):
        w = write(self.path("w.pbtxt"), workload().replace("type: FP32 }\ntensor { name: \"B\"", "type: 99 }\ntensor { name: \"B\""))
        self.assert_bad_input(run("workload", "check", w), w + ":3:1: error: tensor 'A': unknown type 99")

    def test_a_kernel_with_an_unknown_tensor_type(self):
        kernel = write(self.path("k.pbtxt"), 'name: "k" grid { x: 4 } block { x: 128 }\n'
                                             'work { tensor_flops { key: "int4" value: 1e9 } }\n')
        self.assert_bad_input(run("gpu", "time", "--arch", H100, "--kernel", kernel),
                              kernel + ":2:", "no tensor-core rate for data type 'int4'")

    def test_zero_and_negative_durations_name_their_line(self):
        for value in ("0", "-1", "nan", "inf"):
            with self.subTest(value=value):
                bad, line = self.one_row_edited("sdpa.csv", None, "median_ms", value)
                self.assert_bad_input(run("gpu", "validate", "--arch", H100, "--traces", bad, "--out", self.dir),
                                      f"{bad}:{line}: error: column 'median_ms'")
                self.assertFalse(os.path.exists(self.path("validation.png")))


    def test_bad_ngpc_configs_and_encoding_blocks(self):
        nerf = os.path.join(SOURCE, "workloads", "library", "neural_graphics", "nerf.pbtxt")
        for field, value, message in (("processors", "0", "processors must be 1 to 4096, found 0"),
                                      ("mlp.rows", "0", "mlp.rows must be 1 to 4096, found 0"),
                                      ("clock_hz", "-1", "clock_hz")):
            with self.subTest(field=field):
                self.assert_bad_input(run("run", "--arch", "ngpc", "--root", SOURCE, "--arch-set", f"{field}={value}",
                                          "--workload", nerf, "-o", self.path("r.json")), message)
        # An SRAM that holds no table entry, in CAPACITY mode: at the field, once the workload meets it.
        self.assert_bad_input(run("run", "--arch", "ngpc", "--root", SOURCE, "--arch-set", "grid_sram_mode=CAPACITY",
                                  "--arch-set", "encoding.grid_sram_bytes=2", "--workload", nerf, "-o", self.path("r.json")),
                              "encoding.grid_sram_bytes: 2 bytes hold no entry of 'hashgrid' (4 bytes)")
        self.assertFalse(os.path.exists(self.path("r.json")))
        # A grid encoding of 0 levels, an unknown kind, a table of 2^40 entries: at the block's field.
        with open(nerf) as f:
            text = f.read()
        for old, new, message in (("levels: 16", "levels: 0", "levels must be 1 to 64, found 0"),
                                  ("kind: HASH", "kind: 7", "grid_encoding 'hashgrid': unknown kind"),
                                  ("log2_table_size: 19", "log2_table_size: 40", "log2_table_size must be 1 to 30, found 40")):
            with self.subTest(block=new):
                w = write(self.path("nerf.pbtxt"), text.replace(old, new, 1))
                r = run("workload", "show", w)
                self.assert_bad_input(r, message)
                self.assertRegex(r.stderr, r"nerf\.pbtxt:\d+:\d+: error: ")


class NoSilentSuccess(Base):
    def test_meaningless_gpu_config_numbers(self):
        for old, new, message in [
            ("launch_overhead_us: ", "launch_overhead_us: -1 #", "timing.launch_overhead_us: -1 is not a finite number"),
            ("sm_boost_mhz: ", "sm_boost_mhz: inf #", "clocks.sm_boost_mhz: inf is not a finite number"),
            ("sm_count: 132", "sm_count: 4294967295", "sm_count of 4294967295 is above 4096"),
            ("fp32_fma_per_second: ", "fp32_fma_per_second: nan #", "peak.fp32_fma_per_second: nan"),
        ]:
            with self.subTest(field=old):
                bad = write(self.path("g.pbtxt"), replaced(H100, old, new))
                self.assert_bad_input(run("gpu", "occupancy", "--arch", bad, "--block", "128", "--regs", "32"),
                                      bad + ":", message)

    def test_rates_far_too_low(self):
        gpu = write(self.path("g.pbtxt"), replaced(H100, "dram_bandwidth_bytes_per_second: 3.35e12",
                                                   "dram_bandwidth_bytes_per_second: 1e-300"))
        self.assert_bad_input(run("gpu", "validate", "--arch", gpu, "--traces", os.path.join(TRACES, "kernels.csv")),
                              gpu + ": error: kernel 'copy_b128' would take longer than any finite time")
        arch = write(self.path("a.pbtxt"), replaced(FUSEMAX, "bandwidth_bytes_per_second: 429496729600",
                                                    "bandwidth_bytes_per_second: 1e-300"))
        for fidelity in ("analytical", "cycle"):
            self.assert_bad_input(run("run", "--arch", arch, "--workload", BERT, "--fidelity", fidelity,
                                      "-o", self.path("r.json")),
                                  arch + ": error: phase 'q' would take inf cycles (DRAM traffic), more than 2^50")

    def test_meaningless_kernel_numbers(self):
        for work, message in [("fp32_flops: -1e9", "work.fp32_flops: -1e+09 is not a finite number"),
                              ("dram_bytes: nan", "work.dram_bytes: nan"),
                              ("peak_fraction: 2", "work.peak_fraction is a fraction: at most 1")]:
            with self.subTest(work=work):
                kernel = write(self.path("k.pbtxt"), f'name: "k" grid {{ x: 4 }} block {{ x: 128 }}\nwork {{ {work} }}\n')
                self.assert_bad_input(run("gpu", "time", "--arch", H100, "--kernel", kernel), kernel + ":2:", message)
        # A grid's parts run in turn (phases): each part's numbers are checked as the work's, at the
        # part's line, and at most 64 parts.
        kernel = write(self.path("k.pbtxt"), 'name: "k" grid { x: 4 } block { x: 128 }\nphases { l2_bytes: 1 }\n'
                                             'phases { l2_bytes: -1 }\n')
        self.assert_bad_input(run("gpu", "time", "--arch", H100, "--kernel", kernel), kernel + ":3:",
                              "phases[1].l2_bytes: -1 is not a finite number")
        kernel = write(self.path("k.pbtxt"), 'name: "k" grid { x: 4 } block { x: 128 }\n' + "phases { }\n" * 65)
        self.assert_bad_input(run("gpu", "time", "--arch", H100, "--kernel", kernel), kernel + ":2:",
                              "phases: 65 parts, more than 64")

    def test_meaningless_accelerator_config_numbers(self):
        for old, new, message in [
            ('clock_hz: 940e6', 'clock_hz: inf', "clock_hz: inf is not a finite number"),
            ('picojoules: 17.1645', 'picojoules: -3', "picojoules: -3 is not a finite number"),
            ('phase: "attention"', 'phase: "attentoin"', "mapping tiling: phase 'attentoin' is not one of the mapping's phases"),
        ]:
            with self.subTest(field=old):
                bad = write(self.path("a.pbtxt"), replaced(FUSEMAX, old, new))
                self.assert_bad_input(run("run", "--arch", bad, "--workload", BERT, "-o", self.path("r.json")), bad + ":", message)
                self.assertFalse(os.path.exists(self.path("r.json")))

    def test_nan_durations_and_grids_beyond_cuda_in_kineto(self):
        ops = [{"cat": "cpu_op", "name": "aten::add_", "args": {"External id": 2, "Input Dims": [[4096, 768], [4096, 768]]}}]
        kernels = [{"cat": "kernel", "name": "nan", "dur": "NaN", "args": {"External id": 2}},
                   {"cat": "kernel", "name": "huge", "dur": 10.0, "args": {"External id": 2, "grid": [1e20, 1, 1]}},
                   {"cat": "kernel", "name": "ok", "dur": 10.0, "args": {"External id": 2, "grid": [3072, 1, 1], "block": [128, 1, 1]}}]
        trace = write(self.path("t.json"), json.dumps({"traceEvents": ops + kernels}, indent=0))
        r = run("gpu", "validate", "--arch", H100, "--traces", trace)
        self.assert_ok(r)
        self.assertRegex(r.stdout, r"skipped: .*t\.json:\d+: record 1: kernel without a duration above 0")
        self.assertRegex(r.stdout, r"skipped: .*t\.json:\d+: record 2: 'grid' has a dimension that is not a whole number")

    def test_traces_without_measured_kernels(self):
        empty = write(self.path("empty.csv"), "")
        header = write(self.path("header.csv"), "name,class,dtype,grid,block,regs,smem,flops,bytes,median_ms\n")
        binary = write(self.path("binary.csv"), b"\x89PNG\r\n\x1a\n\x00\x00", mode="wb")
        events = write(self.path("events.json"), '{"traceEvents": []}')
        for trace, message in [(empty, "no header row"), (header, "no measured kernel to compare"),
                               (binary, "binary data"), (events, "no measured kernel to compare"),
                               (self.dir, "is a directory")]:
            with self.subTest(trace=os.path.basename(trace)):
                self.assert_bad_input(run("gpu", "validate", "--arch", H100, "--traces", trace), trace + ": error: " + message)
                out = self.path("c.pbtxt")
                self.assert_bad_input(run("gpu", "calibrate", "--arch", H100, "--traces", trace, "-o", out), message)
                self.assertFalse(os.path.exists(out))

    def test_a_folder_is_not_an_empty_workload(self):
        self.assert_bad_input(run("workload", "check", self.dir), self.dir + ": error: is a directory, not a file")

    def test_a_rank_set_twice(self):
        self.assert_bad_input(run("workload", "show", THREE_PASS, "--set", "M=16", "--set", "M=32"),
                              "--set: error: 'M=32': rank M is already set to 16")


class Messages(Base):
    def test_gpu_help(self):
        r = run("gpu", "--help")
        self.assert_ok(r)
        self.assertIn("usage: cascade gpu <command>", r.stdout)

    def test_an_overlong_gpu_name_is_not_found(self):
        self.assert_bad_input(run("gpu", "occupancy", "--arch", "a" * 5000, "--block", "128", "--regs", "32"),
                              "cascade: --arch: no GPU config 'aaaa")

    def test_a_bad_trace_row_names_file_and_line(self):
        bad, line = self.one_row_edited("kernels.csv", "stream", "grid", "1e12")
        self.assert_bad_input(run("gpu", "validate", "--arch", H100, "--traces", bad),
                              f"{bad}:{line}: error: column 'grid': 1e12 is not a whole number from 1 to 2147483647")


class Concurrency(Base):
    def test_two_runs_writing_one_output_leave_one_whole_file(self):
        out = self.path("r.json")
        results = []

        def go():
            results.append(run("run", "--arch", FUSEMAX, "--workload", BERT, "--set", "M=4096", "-o", out))

        threads = [threading.Thread(target=go) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for r in results:
            self.assert_ok(r)
        with open(out) as f:
            self.assertEqual(json.load(f)["workload"], "bert_base")
        self.assertEqual(os.listdir(self.dir), ["r.json"])


if __name__ == "__main__":
    unittest.main()
