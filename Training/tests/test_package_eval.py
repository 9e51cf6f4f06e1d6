"""Judging a package through the C# pipeline: the PNG reader decodes every row filter exactly, and the bake manifest
names one raw image per eval prompt and seed."""
import os
import struct
import sys
import tempfile
import unittest
import zlib

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from rtg_training import evaluate as E  # noqa: E402
from rtg_training import package_eval as PE  # noqa: E402
from rtg_training.config import FULL  # noqa: E402
from rtg_training.png import read_png, write_png  # noqa: E402


def _filtered_png(path, rgba, kinds):
    """Writes RGBA rows with the given filter per row, straight from the PNG specification's definitions."""
    h, w, ch = rgba.shape
    img = rgba.astype(np.int32)
    raw = b""
    for y in range(h):
        kind = kinds[y % len(kinds)]
        line, up = img[y].ravel(), (img[y - 1].ravel() if y else np.zeros(w * ch, np.int32))
        left = np.concatenate([np.zeros(ch, np.int32), line[:-ch]])
        upleft = np.concatenate([np.zeros(ch, np.int32), up[:-ch]])
        if kind == 0:
            pred = np.zeros_like(line)
        elif kind == 1:
            pred = left
        elif kind == 2:
            pred = up
        elif kind == 3:
            pred = (left + up) // 2
        else:
            p = left + up - upleft
            pa, pb, pc = np.abs(p - left), np.abs(p - up), np.abs(p - upleft)
            pred = np.where((pa <= pb) & (pa <= pc), left, np.where(pb <= pc, up, upleft))
        raw += bytes([kind]) + ((line - pred) & 255).astype(np.uint8).tobytes()

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw)))
        f.write(chunk(b"IEND", b""))


class PngReaderTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        rng = np.random.default_rng(5)
        # Noise over a gradient, so every predictor is wrong somewhere and sums wrap past 255.
        ramp = np.linspace(0, 255, 24)[None, :, None] + np.linspace(0, 120, 10)[:, None, None]
        self.rgba = np.clip(ramp + rng.integers(-60, 60, (10, 24, 4)), 0, 255).astype(np.uint8)

    def tearDown(self):
        self.tmp.cleanup()

    def test_every_row_filter_decodes_to_the_pixels_written(self):
        for kinds in ([0], [1], [2], [3], [4], [4, 1, 3, 0, 2]):
            path = os.path.join(self.tmp.name, "f.png")
            _filtered_png(path, self.rgba, kinds)
            self.assertTrue(np.array_equal(read_png(path), self.rgba[..., :3]), f"filters {kinds}")

    def test_reads_back_what_the_recipe_writes(self):
        path = os.path.join(self.tmp.name, "rgb.png")
        write_png(path, self.rgba[..., :3])
        self.assertTrue(np.array_equal(read_png(path), self.rgba[..., :3]))

    def test_a_file_that_is_not_a_png_is_refused_by_name(self):
        path = os.path.join(self.tmp.name, "not.png")
        with open(path, "wb") as f:
            f.write(b"GIF89a" + bytes(20))
        with self.assertRaises(ValueError) as caught:
            read_png(path)
        self.assertIn(path, str(caught.exception))


class ManifestTest(unittest.TestCase):
    def test_one_raw_image_per_eval_prompt_and_seed(self):
        specs = E._eval_prompts(FULL)
        m = PE.manifest(specs, seeds=3, steps=4, guidance=1.5)
        self.assertEqual(len(m["assets"]), 3 * len(specs))
        self.assertEqual(len({a["name"] for a in m["assets"]}), len(m["assets"]))
        self.assertEqual(m["defaults"], {"size": 128, "steps": 4, "seamless": False, "guidance": 1.5})
        first = [a for a in m["assets"] if a["name"].startswith("p000s")]
        self.assertEqual({a["prompt"] for a in first}, {specs[0].caption()})
        self.assertEqual(len({a["seed"] for a in first}), 3)
        self.assertEqual(len({a["seed"] for a in m["assets"]}), len(m["assets"]))

    def test_a_missing_baked_image_names_the_file(self):
        with tempfile.TemporaryDirectory() as folder:
            with self.assertRaises(FileNotFoundError) as caught:
                PE.load_images(folder, 2, 1)
            self.assertIn(os.path.join(folder, "p000s0.png"), str(caught.exception))


if __name__ == "__main__":
    unittest.main()
