"""`cascade script FILE.py [ARGS]`: the interpreter built into the binary imports `cascade` without
PYTHONPATH, passes the arguments as sys.argv, and exits with the script's status: sys.exit's, 1 for an
uncaught exception (its traceback printed), 2 for a script that cannot be read (run by ctest with
Debian's python3).

Environment (set by ctest): CASCADE_BIN, CASCADE_SOURCE_DIR.
"""
import os
import subprocess
import tempfile
import unittest

SOURCE = os.environ["CASCADE_SOURCE_DIR"]
CLI = os.environ["CASCADE_BIN"]
BERT = os.path.join(SOURCE, "workloads", "library", "transformers", "bert_base.pbtxt")
FUSEMAX = os.path.join(SOURCE, "configs", "arch", "fusemax_cloud.pbtxt")


def script(text, *args):
    # No PYTHONPATH: the module must come from the binary itself.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "LD_PRELOAD")}
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "s.py")
        with open(path, "w") as f:
            f.write(text)
        r = subprocess.run([CLI, "script", path, *args], capture_output=True, text=True, env=env)
        return r, path


class Script(unittest.TestCase):
    def test_the_module_is_built_in(self):
        r, path = script("import sys, cascade\n"
                         f"r = cascade.run({FUSEMAX!r}, {BERT!r}, {{'M': int(sys.argv[1])}})\n"
                         "print(sys.argv[1:], r['cycles'], cascade.__name__)\n", "1024", "x y")
        self.assertEqual(r.returncode, 0, r.stderr)
        with tempfile.TemporaryDirectory() as d:
            one = subprocess.run([CLI, "run", "--arch", FUSEMAX, "--workload", BERT, "--set", "M=1024", "-o",
                                  os.path.join(d, "r.json")], capture_output=True, text=True)
        cycles = [l.split()[1] for l in one.stdout.splitlines() if l.startswith("cycles:")]
        self.assertEqual(r.stdout, f"['1024', 'x y'] {cycles[0]} cascade\n")

    def test_modules_beside_the_script_import(self):
        # As python3 FILE.py: the script's folder is first on sys.path.
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "helper_beside.py"), "w") as f:
                f.write("ANSWER = 42\n")
            with open(os.path.join(d, "main.py"), "w") as f:
                f.write("import helper_beside\nprint(helper_beside.ANSWER)\n")
            r = subprocess.run([CLI, "script", os.path.join(d, "main.py")], capture_output=True, text=True)
        self.assertEqual((r.returncode, r.stdout), (0, "42\n"), r.stderr)

    def test_exit_statuses(self):
        self.assertEqual(script("import sys\nsys.exit(3)\n")[0].returncode, 3)
        self.assertEqual(script("import sys\nsys.exit()\n")[0].returncode, 0)
        r, _ = script("import sys\nsys.exit('no good')\n")
        self.assertEqual((r.returncode, r.stderr), (1, "no good\n"))
        r, path = script("def f():\n    raise KeyError('k')\nf()\n")
        self.assertEqual(r.returncode, 1)
        self.assertIn(f'File "{path}", line 2, in f', r.stderr)
        self.assertIn("KeyError: 'k'", r.stderr)
        r, _ = script("import cascade\ncascade.run('/nonexistent.pbtxt', 'x')\n")
        self.assertEqual(r.returncode, 1)
        self.assertIn("cascade.InputError: /nonexistent.pbtxt", r.stderr)
        r = subprocess.run([CLI, "script", "/nonexistent/s.py"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)
        self.assertIn("/nonexistent/s.py: error: cannot open file", r.stderr)
        r = subprocess.run([CLI, "script"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)
        self.assertIn("usage: cascade script FILE.py", r.stderr)


if __name__ == "__main__":
    unittest.main()
