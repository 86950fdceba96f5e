"""An interrupted `cascade sweep` resumed with --resume ends with the bytes of an uninterrupted run:
killed (SIGKILL) at 20 random moments, stopped by SIGINT, with a torn last line, after a disk that
filled; a changed spec or a damaged checkpoint is not resumed, and a results file that cannot be
written is exit 2 naming it. Run by ctest with
Debian's python3.

Environment (set by ctest): CASCADE_BIN, CASCADE_SOURCE_DIR.
"""
import os
import random
import resource
import signal
import subprocess
import tempfile
import time
import unittest

SOURCE = os.environ["CASCADE_SOURCE_DIR"]
CLI = os.environ["CASCADE_BIN"]
BERT = os.path.join(SOURCE, "workloads", "library", "transformers", "bert_base.pbtxt")

# 24 x 24 x 4 = 2304 points at the cycle fidelity, with error points (0 rows) and a constraint that
# drops some: a few seconds uninterrupted.
SPEC = (f'arch: "fusemax_cloud"\nworkload: "{BERT}"\n'
        'axis { field: "array2d.rows" range { from: 0 to: 512 points: 24 whole: true } }\n'
        'axis { field: "array2d.cols" range { from: 8 to: 512 points: 24 log: true whole: true } }\n'
        'axis { field: "rank.M" values: ["256", "512", "1024", "2048"] }\n'
        'constraint { name: "array2d.cols" min: 10 }\nfidelity: "cycle"\n')


class Resume(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.spec = os.path.join(self.dir, "spec.pbtxt")
        with open(self.spec, "w") as f:
            f.write(SPEC)

    def tearDown(self):
        self.tmp.cleanup()

    def command(self, name, *extra):
        return [CLI, "sweep", self.spec, "-o", os.path.join(self.dir, name + ".csv"), "--jsonl",
                os.path.join(self.dir, name + ".jsonl"), "--root", SOURCE, "--quiet", *extra]

    def wait_for_checkpoint(self, p, name, after_s=0.0):
        """Waits until the sweep `p` has written its first checkpoint and `after_s` seconds have
        passed since the call; fails if it ends first or writes none in 300 s."""
        start = time.monotonic()
        checkpoint = os.path.join(self.dir, name + ".csv.resume")
        while not os.path.exists(checkpoint) or time.monotonic() - start < after_s:
            if p.poll() is not None:
                self.fail("the sweep ended (%d) before it could be interrupted: %s" % (p.returncode, p.stderr.read()))
            if time.monotonic() - start > 300:
                p.kill()
                self.fail("no checkpoint after 300 s")
            time.sleep(0.01)

    def interrupted(self, name, after_s):
        """Starts a sweep and stops it with SIGINT once it has written its first checkpoint (so it is
        past its start-up, signal handlers installed, however slow the build: a sanitizer's) and at
        least `after_s` seconds have passed; it must exit 130."""
        p = subprocess.Popen(self.command(name), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.wait_for_checkpoint(p, name, after_s)
        p.send_signal(signal.SIGINT)
        _, err = p.communicate()
        self.assertEqual(p.returncode, 130, err)
        return err

    def outputs(self, name):
        with open(os.path.join(self.dir, name + ".csv"), "rb") as f, \
                open(os.path.join(self.dir, name + ".jsonl"), "rb") as g:
            return f.read(), g.read()

    # The uninterrupted run's bytes and seconds, made once for every test.
    _reference = None

    def reference(self):
        if Resume._reference is None:
            start = time.monotonic()
            r = subprocess.run(self.command("reference"), capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            Resume._reference = (self.outputs("reference"), time.monotonic() - start)
        return Resume._reference

    def test_killed_at_20_random_moments(self):
        expected, seconds = self.reference()
        rng = random.Random(20261130)
        killed = 0
        for attempt in range(20):
            p = subprocess.Popen(self.command("killed", "--resume"), stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE)
            if attempt == 0:
                # The first kill lands after the first checkpoint, so that the later ones resume
                # however long the start-up takes (a sanitizer's build on a loaded machine).
                self.wait_for_checkpoint(p, "killed")
            # Moments within the first tenth of a whole run, so that all 20 land before the end.
            time.sleep(rng.uniform(0.0, seconds / 10))
            p.send_signal(signal.SIGKILL)
            _, err = p.communicate()
            self.assertIn(p.returncode, (-signal.SIGKILL, 0), err)
            killed += p.returncode == -signal.SIGKILL
        self.assertGreaterEqual(killed, 18, "the kills should land while the sweep runs")
        self.assertTrue(os.path.exists(os.path.join(self.dir, "killed.csv.resume")))
        r = subprocess.run(self.command("killed", "--resume"), capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.outputs("killed"), expected)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "killed.csv.resume")))
        self.assertFalse(os.path.exists(os.path.join(self.dir, "killed.csv.part")))

    def test_ctrl_c_then_resume(self):
        expected, seconds = self.reference()
        err = self.interrupted("stopped", seconds / 3)
        self.assertIn("run the same command with --resume to go on", err)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "stopped.csv")))
        # Without --resume the interrupted sweep's files are not overwritten.
        r = subprocess.run(self.command("stopped"), capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)
        self.assertIn("stopped.csv.resume: error: an interrupted sweep's checkpoint: add --resume", r.stderr)
        # A torn last line (a write cut short) is cut back at the checkpoint.
        with open(os.path.join(self.dir, "stopped.csv.part"), "ab") as f:
            f.write(b'0123456789abcdef,"fusemax_cl')
        with open(os.path.join(self.dir, "stopped.jsonl.part"), "ab") as f:
            f.write(b'{"id":"01')
        r = subprocess.run(self.command("stopped", "--resume"), capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.outputs("stopped"), expected)

    def test_a_changed_spec_is_not_resumed(self):
        self.interrupted("changed", 0.5)
        with open(self.spec, "a") as f:
            f.write('metric: "cycles"\n')
        r = subprocess.run(self.command("changed", "--resume"), capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)
        self.assertIn("the interrupted sweep had another spec, architectures or workloads", r.stderr)

    def test_resumed_with_other_outputs_is_refused(self):
        self.interrupted("outputs", 0.5)
        r = subprocess.run([CLI, "sweep", self.spec, "-o", os.path.join(self.dir, "outputs.csv"), "--root", SOURCE,
                            "--quiet", "--resume"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr, os.path.join(self.dir, "outputs.csv.resume") + ": error: the interrupted sweep "
                         "wrote JSON Lines: resume it with the same outputs\n")

    def test_damaged_checkpoints_are_refused(self):
        self.interrupted("damaged", 0.5)
        checkpoint = os.path.join(self.dir, "damaged.csv.resume")
        with open(checkpoint) as f:
            good = f.read()
        for text, why in ((good.replace("next ", "next 1"), "its counts disagree"),
                          (good.replace("csv_bytes ", "csv_bytes 9"), "fewer than the"),
                          (good.replace("rows ", "rows x"), "line 'rows x"),
                          ("garbage\n", "not a checkpoint")):
            with self.subTest(why=why):
                with open(checkpoint, "w") as f:
                    f.write(text)
                r = subprocess.run(self.command("damaged", "--resume"), capture_output=True, text=True)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(why, r.stderr)

    def test_a_full_disk_then_resume(self):
        # A disk that fills mid-sweep, as a file-size limit of 64 KiB (RLIMIT_FSIZE, SIGXFSZ ignored so
        # that the write fails with EFBIG): exit 2 naming the file, then --resume with room finishes
        # with the uninterrupted bytes.
        expected, _ = self.reference()
        self.assertGreater(len(expected[0]), 64 * 1024)

        def small_disk():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

        r = subprocess.run(self.command("full"), capture_output=True, text=True, preexec_fn=small_disk)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertRegex(r.stderr, r"full\.(csv|jsonl)\.part: error: cannot write: File too large")
        r = subprocess.run(self.command("full", "--resume"), capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.outputs("full"), expected)

    def test_a_failed_write_is_an_error_and_resumable(self):
        # A JSON Lines file whose .part cannot be made (a directory is in its way): exit 2 naming it.
        os.mkdir(os.path.join(self.dir, "blocked.jsonl.part"))
        r = subprocess.run(self.command("blocked"), capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)
        self.assertIn("blocked.jsonl.part", r.stderr)


if __name__ == "__main__":
    unittest.main()
