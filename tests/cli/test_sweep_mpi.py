"""`mpirun -np K cascade sweep SPEC --mpi` writes the bytes `-j 1` writes, at 2 and 4 ranks on one
machine, and resumes a sweep interrupted in another run the same. Registered by ctest when the build
has Boost.MPI (setup.sh installs it); run with Debian's python3.

Environment (set by ctest): CASCADE_BIN, CASCADE_SOURCE_DIR, CASCADE_MPIRUN.
"""
import os
import signal
import subprocess
import tempfile
import time
import unittest

SOURCE = os.environ["CASCADE_SOURCE_DIR"]
CLI = os.environ["CASCADE_BIN"]
MPIRUN = os.environ["CASCADE_MPIRUN"]
BERT = os.path.join(SOURCE, "workloads", "library", "transformers", "bert_base.pbtxt")
GPT2 = os.path.join(SOURCE, "workloads", "library", "transformers", "gpt2_small_layer.pbtxt")

# FuseMax and the H100 on two workloads, with error points (0 rows) and dropped ones; the cycle
# fidelity, so that the resume test has time to interrupt it.
SPEC = (f'arch: "fusemax_cloud"\nworkload: "{BERT}"\nworkload: "{GPT2}"\n'
        'axis { field: "array2d.rows" range { from: 0 to: 512 points: 16 whole: true } }\n'
        'axis { field: "array2d.cols" values: ["8", "64", "256"] }\n'
        'axis { field: "rank.M" values: ["4096", "16384", "65536", "262144"] }\n'
        'constraint { name: "array2d.cols" min: 10 }\nfidelity: "cycle"\n')


def mpirun(ranks, *args):
    # As root (CI containers), Open MPI wants to be told; more ranks than cores, too.
    return [MPIRUN, "--allow-run-as-root", "--oversubscribe", "-np", str(ranks), CLI, *args, "--mpi"]


class Mpi(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.spec = os.path.join(self.dir, "spec.pbtxt")
        with open(self.spec, "w") as f:
            f.write(SPEC)

    def tearDown(self):
        self.tmp.cleanup()

    def args(self, name):
        return ["sweep", self.spec, "-o", os.path.join(self.dir, name + ".csv"), "--jsonl",
                os.path.join(self.dir, name + ".jsonl"), "--root", SOURCE, "--quiet"]

    def outputs(self, name):
        with open(os.path.join(self.dir, name + ".csv"), "rb") as f, \
                open(os.path.join(self.dir, name + ".jsonl"), "rb") as g:
            return f.read(), g.read()

    def test_ranks_write_the_bytes_of_one_thread(self):
        r = subprocess.run([CLI, *self.args("one"), "-j", "1"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        expected = self.outputs("one")
        self.assertEqual(len(expected[1].splitlines()), 2 * 16 * 2 * 4)
        for ranks in (2, 4):
            with self.subTest(ranks=ranks):
                r = subprocess.run(mpirun(ranks, *self.args(f"ranks{ranks}")), capture_output=True, text=True,
                                   timeout=300)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(self.outputs(f"ranks{ranks}"), expected)

    def test_resume_on_ranks(self):
        r = subprocess.run([CLI, *self.args("one")], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        expected = self.outputs("one")
        p = subprocess.Popen([CLI, *self.args("resumed")], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        # Interrupted once its first batch is checkpointed (the whole sweep takes seconds).
        checkpoint = os.path.join(self.dir, "resumed.csv.resume")
        for _ in range(6000):
            if os.path.exists(checkpoint) or p.poll() is not None:
                break
            time.sleep(0.01)
        p.send_signal(signal.SIGINT)
        _, err = p.communicate()
        self.assertEqual(p.returncode, 130, err)
        r = subprocess.run(mpirun(2, *self.args("resumed"), "--resume"), capture_output=True, text=True, timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.outputs("resumed"), expected)

    def test_rank_0s_error_ends_every_rank(self):
        # A checkpoint left beside the results and no --resume: rank 0 refuses, the other ranks stop
        # with it (no hang), exit 2 with rank 0's message.
        with open(os.path.join(self.dir, "left.csv.resume"), "w") as f:
            f.write("cascade sweep checkpoint 1\n")
        r = subprocess.run(mpirun(2, *self.args("left")), capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("left.csv.resume: error: an interrupted sweep's checkpoint: add --resume", r.stderr)


if __name__ == "__main__":
    unittest.main()
