"""The shipped package's ONNX weights loaded back into the recipe's networks: the PyTorch outputs equal the package's
own test vectors, the networks export back to the shipped files byte for byte, and a damaged package is a clear
error naming the file."""
import json
import os
import shutil
import sys
import tempfile
import unittest

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from rtg_training import package_weights as PW  # noqa: E402
from rtg_training.diffusion import guidance_cond  # noqa: E402
from rtg_training.export import DECODER_IO, TEXT_ENCODER_IO, UNET_IO, _Decode  # noqa: E402

PACKAGE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                       "Models", "rtg-texture-lcm")


class PackageWeightsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.nets = PW.load(PACKAGE)

    def _vector(self, entry):
        path = os.path.join(PACKAGE, "test_vectors", entry["file"])
        return torch.from_numpy(np.fromfile(path, dtype=entry["dtype"]).reshape(entry["shape"]))

    def test_outputs_equal_the_packages_test_vectors(self):
        with open(os.path.join(PACKAGE, "test_vectors", "manifest.json")) as f:
            manifest = json.load(f)
        run = {"text_encoder": lambda i: self.nets.text_encoder(i["input_ids"]),
               "unet": lambda i: self.nets.unet(i["sample"], i["timestep"], i["encoder_hidden_states"],
                                                i["timestep_cond"]),
               "vae_decoder": lambda i: self.nets.decoder(i["latent_sample"])}
        checked = 0
        for case in manifest["cases"]:
            if case["part"] not in run:
                continue
            inputs = {k: self._vector(v) for k, v in case["inputs"].items()}
            (expected,) = [self._vector(v) for v in case["outputs"].values()]
            with torch.no_grad():
                actual = run[case["part"]](inputs)
            self.assertLessEqual(float((actual - expected).abs().max()), case["atol"], case["part"])
            checked += 1
        self.assertEqual(checked, 3)
        first = manifest["tokenizer"][0]
        self.assertEqual(self.nets.tokenizer.encode(first["prompt"]), first["ids"])
        self.assertEqual(self.nets.scaling_factor, manifest["scaling_factor"])
        self.assertEqual(self.nets.prediction, "v_prediction")

    def test_the_loaded_networks_export_back_to_the_shipped_files(self):
        ids = torch.tensor([self.nets.tokenizer.encode("mossy red brick wall")])
        with torch.no_grad():
            ctx = self.nets.text_encoder(ids)
        parts = [("text_encoder", self.nets.text_encoder, (ids,), TEXT_ENCODER_IO),
                 ("unet", self.nets.unet, (torch.zeros(1, 4, 16, 16), torch.tensor([759]), ctx, guidance_cond(8.5, 1)),
                  UNET_IO),
                 ("vae_decoder", _Decode(self.nets.decoder), (torch.zeros(1, 4, 8, 8),), DECODER_IO)]
        for name, net, args, spec in parts:
            with open(os.path.join(PACKAGE, name, "model.onnx"), "rb") as f:
                shipped = f.read()
            self.assertEqual(PW.exported_bytes(net, args, spec), shipped, f"{name}/model.onnx differs from the re-export")

    def _damaged(self, damage):
        folder = tempfile.mkdtemp(prefix="rtg-package-")
        self.addCleanup(shutil.rmtree, folder)
        copy = os.path.join(folder, "package")
        shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("docs", "vae_encoder", "test_vectors"))
        damage(copy)
        with self.assertRaises(PW.PackageError) as caught:
            PW.load(copy)
        return copy, str(caught.exception)

    def test_a_missing_or_corrupt_part_is_an_error_naming_the_file(self):
        def truncate(copy):
            path = os.path.join(copy, "unet", "model.onnx")
            with open(path, "r+b") as f:
                f.truncate(1000)

        copy, message = self._damaged(truncate)
        self.assertIn(os.path.join(copy, "unet", "model.onnx"), message)
        copy, message = self._damaged(lambda c: os.remove(os.path.join(c, "tokenizer", "merges.txt")))
        self.assertIn(os.path.join(copy, "tokenizer", "merges.txt") + " is missing", message)
        with self.assertRaises(PW.PackageError) as caught:
            PW.load(os.path.join(PACKAGE, "no-such-part"))
        self.assertIn("no-such-part is not a folder", str(caught.exception))

    def test_a_package_of_other_networks_is_refused(self):
        def swap(copy):  # the decoder's graph where the UNet's should be
            shutil.copy(os.path.join(copy, "vae_decoder", "model.onnx"), os.path.join(copy, "unet", "model.onnx"))

        _, message = self._damaged(swap)
        self.assertIn("unet", message)
        self.assertIn("UNet", message)


if __name__ == "__main__":
    unittest.main()
