"""A run interrupted inside the autoencoder, teacher and LCD loops and resumed in a fresh `Run` (as a new process
would) ends with exactly the weights of an uninterrupted run, and its stage wall times count every attempt; the
distillation's kept teacher anchors are reused only for the settings and teacher that made them."""
import os
import shutil
import json
import tempfile
import time
import unittest
from dataclasses import replace

import torch

from rtg_training import stages as S
from rtg_training.config import SMOKE

STAGES = ["data", "tokenizer", "ae", "latents", "teacher", "lcd"]
CFG = replace(SMOKE, ae_steps=8, teacher_steps=8, lcd_steps=6, ckpt_every=2)


class Interrupted(Exception):
    pass


def _whole_run(out):
    run = S.Run(CFG, out, S.Progress())  # seeds the process-wide generator, as a fresh process does
    for stage in STAGES:
        run.timed(stage, getattr(run, stage))


def _tensors(obj, prefix=""):
    if isinstance(obj, torch.Tensor):
        return {prefix: obj}
    found = {}
    if isinstance(obj, dict):
        for key, value in obj.items():
            found.update(_tensors(value, f"{prefix}/{key}"))
    return found


class ResumeTest(unittest.TestCase):
    def setUp(self):
        torch.set_num_threads(1)
        self.root = tempfile.mkdtemp(prefix="rtg-resume-")

    def tearDown(self):
        shutil.rmtree(self.root, ignore_errors=True)

    def test_interrupted_loops_resume_to_the_uninterrupted_weights(self):
        straight, resumed = os.path.join(self.root, "straight"), os.path.join(self.root, "resumed")
        _whole_run(straight)
        save = S._save_atomic
        try:
            for stage in ("ae", "teacher", "lcd"):
                def interrupt(obj, path, stage=stage):
                    save(obj, path)
                    if path.endswith(f"{stage}.ckpt.pt") and obj.get("step") == 4:
                        raise Interrupted(stage)
                S._save_atomic = interrupt
                with self.assertRaises(Interrupted):
                    _whole_run(resumed)
        finally:
            S._save_atomic = save
        _whole_run(resumed)
        for name in ("vae.pt", "teacher.pt", "student.pt"):
            a, b = _tensors(torch.load(os.path.join(straight, name))), _tensors(torch.load(os.path.join(resumed, name)))
            self.assertEqual(a.keys(), b.keys(), name)
            different = [k for k in a if not torch.equal(a[k], b[k])]
            self.assertEqual(different, [], f"{name}: tensors differ after resuming")

    def test_an_interrupted_stage_keeps_the_time_it_spent(self):
        def first_attempt():
            time.sleep(0.3)
            run.p.step("ae", 1, 2, time.time() - 0.3)
            raise Interrupted("ae")

        run = S.Run(CFG, self.root, S.Progress())
        with self.assertRaises(Interrupted):
            run.timed("ae", first_attempt)
        run = S.Run(CFG, self.root, S.Progress())  # a fresh process
        run.timed("ae", lambda: time.sleep(0.1))
        with open(run.path("ae.done.json")) as f:
            seconds = json.load(f)["seconds"]
        self.assertGreaterEqual(seconds, 0.4, "the interrupted attempt's 0.3 s must count")
        self.assertLess(seconds, 5.0)
        self.assertFalse(os.path.exists(run.path("ae.partial.json")))

    def test_kept_anchors_are_made_again_for_other_settings(self):
        _whole_run(self.root)
        path = os.path.join(self.root, "lcd.anchors.pt")
        kept = torch.load(path)
        os.utime(path, (1, 1))
        run = S.Run(CFG, self.root, S.Progress())
        te, teacher = run.load_teacher()
        ids = torch.load(run.path("latents.pt"))["ids"]
        with torch.no_grad():
            uncond = te(torch.tensor([run.load_tokenizer().encode("")])[:, :S.CONTEXT_TOKENS])
        reused = run._teacher_anchors(te, teacher, ids, uncond)
        self.assertTrue(torch.equal(reused["end"], kept["end"]))
        self.assertEqual(os.stat(path).st_mtime, 1, "same settings and teacher: the kept set is reused, not rewritten")
        other = S.Run(replace(CFG, lcd_guidance_min_t=900), self.root, S.Progress())
        made = other._teacher_anchors(te, teacher, ids, uncond)
        self.assertEqual(made["made_with"]["guidance_min_t"], 900)
        self.assertFalse(torch.equal(made["end"], kept["end"]), "guidance from t = 900 up must end elsewhere")
        self.assertTrue(torch.equal(made["points"][0], kept["points"][0]), "same seeded starting noise")

if __name__ == "__main__":
    unittest.main()
