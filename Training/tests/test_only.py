"""`--only` runs the named stages again, and a stage run again makes what it made in the whole run: the stages
left out hand on the generator state they finished with; the eval's rows are the same whichever process judges
them."""
import json
import os
import shutil
import tempfile
import unittest
from unittest import mock

import torch

from rtg_training.__main__ import main


class OnlyTest(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="rtg-only-")

    def tearDown(self):
        shutil.rmtree(self.root, ignore_errors=True)

    def test_a_stage_run_again_reproduces_the_whole_runs_result(self):
        out = os.path.join(self.root, "run")
        self.assertEqual(main(["--smoke", "--out", out]), 0)
        judge = torch.load(os.path.join(out, "judge.pt"))
        os.remove(os.path.join(out, "judge.pt"))
        self.assertEqual(main(["--smoke", "--out", out, "--only", "classifier"]), 0)
        again = torch.load(os.path.join(out, "judge.pt"))  # missing if the stage was skipped as done
        self.assertEqual(judge.keys(), again.keys())
        different = [k for k in judge if not torch.equal(judge[k], again[k])]
        self.assertEqual(different, [], "the judge differs when its stage runs again on its own")

    def test_eval_rows_judged_in_worker_processes_equal_the_rows_judged_in_one(self):
        out = os.path.join(self.root, "run")
        self.assertEqual(main(["--smoke", "--out", out]), 0)
        with open(os.path.join(out, "eval.json")) as f:
            parallel = json.load(f)
        with mock.patch("os.cpu_count", return_value=1):  # one worker: every row in this process
            self.assertEqual(main(["--smoke", "--out", out, "--only", "eval"]), 0)
        with open(os.path.join(out, "eval.json")) as f:
            serial = json.load(f)
        for rows in (parallel["rows"], serial["rows"]):
            for row in rows:
                self.assertGreater(row.pop("ms_per_image"), 0.0)  # a wall time: the one figure that may differ
        self.assertEqual(len(serial["rows"]), 9)
        self.assertEqual(parallel, serial)


if __name__ == "__main__":
    unittest.main()
