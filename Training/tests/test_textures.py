"""The procedural data: deterministic by seed, tileable for every family, and brick joints wide enough for an 8x
autoencoder to keep (1.5 px joints were lost in its reconstructions, so no model learnt the running bond)."""
import os
import sys
import unittest

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from rtg_training import textures as TX  # noqa: E402


def _wrap_excess(img):
    """Per axis, the mean step across the wrap edge over the largest mean step across any inner row or column
    boundary. Structure aligned to the grid (plank or brick joints) may sit on the wrap edge, so the wrap step is
    compared with the strongest inner edge, not the average one; a texture that does not tile shows a step
    there larger than any inside it."""
    x = img.astype(np.float64)
    worst = 0.0
    for axis in (0, 1):
        steps = np.abs(np.diff(np.concatenate([x, x.take([0], axis)], axis), axis=axis)).mean(axis=tuple(
            a for a in range(x.ndim) if a != axis))
        worst = max(worst, steps[-1] / max(steps[:-1].max(), 1e-9))
    return worst


def _shortest_run(mask):
    """The shortest run of True along any row or column of `mask` (wrapping runs count whole)."""
    shortest = mask.shape[0]
    for lines in (mask, mask.T):
        for line in lines:
            if line.all() or not line.any():
                continue
            start = int(np.argmin(line))  # begin at a gap so no run is cut by the array's end
            run = 0
            for v in np.roll(line, -start):
                if v:
                    run += 1
                elif run:
                    shortest, run = min(shortest, run), 0
            if run:
                shortest = min(shortest, run)
    return shortest


class TexturesTest(unittest.TestCase):
    def test_same_spec_same_pixels_other_seed_other_pixels(self):
        for family in range(len(TX.FAMILIES)):
            a = TX.render(TX.Spec(family, 0, None, None, None, 7))
            b = TX.render(TX.Spec(family, 0, None, None, None, 7))
            c = TX.render(TX.Spec(family, 0, None, None, None, 8))
            self.assertTrue(np.array_equal(a, b), TX.FAMILIES[family][1])
            self.assertFalse(np.array_equal(a, c), TX.FAMILIES[family][1])

    def test_every_family_tiles(self):
        for family in range(len(TX.FAMILIES)):
            for scale in (None, "large", "small"):
                for condition in (None, "mossy", "cracked"):
                    img = TX.render(TX.Spec(family, 3, scale, condition, None, 11))
                    excess = _wrap_excess(img)
                    # A grid-aligned joint on the wrap edge is one of several alike, so it may top the others a little.
                    self.assertLess(excess, 1.25, f"{TX.FAMILIES[family][1]}, {scale}, {condition}: {excess:.2f}")

    def test_the_tiling_check_finds_a_texture_that_does_not_tile(self):
        ramp = np.broadcast_to(np.linspace(0, 255, TX.SIZE)[None, :, None], (TX.SIZE, TX.SIZE, 3))
        self.assertGreater(_wrap_excess(ramp), 1.25)

    def test_brick_joints_are_at_least_three_pixels_wide(self):
        for scale in (None, "large", "small"):
            _, mortar, _ = TX._brick(np.random.default_rng(0), scale)
            mask = mortar > 0.4  # the renderer blends in 0.8 x the mortar weight: > 0.4 is mostly mortar
            self.assertTrue(mask.any() and not mask.all(), f"scale {scale}")
            self.assertGreaterEqual(_shortest_run(mask), 3, f"scale {scale}")


if __name__ == "__main__":
    unittest.main()
