"""`--only` runs the named stages again, and a stage run again makes what it made in the whole run: the stages
left out hand on the generator state they finished with."""
import os
import shutil
import tempfile
import unittest

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


if __name__ == "__main__":
    unittest.main()
