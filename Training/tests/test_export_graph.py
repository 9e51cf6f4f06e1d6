"""The exported graphs are inference forms of the networks: the export-only arithmetic (attention as one
MultiHeadAttention node, the decoder's upsampling and output convolution as transposed convolutions) computes what
training computes, and the shipped files hold these forms and the shapes the export's strict inference checked."""
import os
import sys
import unittest

import onnx
import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from rtg_training.models import EXPORTING, Decoder, TextEncoder, UNet  # noqa: E402

PACKAGE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                       "Models", "rtg-texture-lcm")


def _both_forms(net, *args):
    """`net(*args)` as trained and as exported."""
    with torch.no_grad():
        trained = net(*args)
        EXPORTING[0] = True
        try:
            exported = net(*args)
        finally:
            EXPORTING[0] = False
    return trained, exported


def _randomised(net, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.05)
    return net.eval()


class ExportFormsTest(unittest.TestCase):
    def test_export_forms_compute_what_training_computes(self):
        g = torch.Generator().manual_seed(1)
        cases = {
            "decoder": (_randomised(Decoder(), 2), (torch.randn(2, 4, 8, 12, generator=g),)),
            "text encoder": (_randomised(TextEncoder(300), 3), (torch.randint(0, 300, (2, 77), generator=g),)),
            "UNet": (_randomised(UNet(), 4), (torch.randn(2, 4, 16, 8, generator=g), torch.tensor([759, 259]),
                                              torch.randn(2, 77, 128, generator=g), torch.randn(2, 256, generator=g))),
        }
        for name, (net, args) in cases.items():
            trained, exported = _both_forms(net, *args)
            scale = trained.abs().max().item()
            self.assertGreater(scale, 0.0, name)
            err = (trained - exported).abs().max().item()
            self.assertLess(err, 1e-5 * scale, f"{name}: export form differs by {err:g} (scale {scale:g})")

    def test_shipped_graphs_hold_the_export_forms_and_inferred_shapes(self):
        expected = {"text_encoder": ("MultiHeadAttention", 2), "unet": ("MultiHeadAttention", 6),
                    "vae_decoder": ("ConvTranspose", 4)}
        for part, (op, count) in expected.items():
            path = os.path.join(PACKAGE, part, "model.onnx")
            model = onnx.load(path)
            ops = [n.op_type for n in model.graph.node]
            self.assertEqual(ops.count(op), count, f"{path}: {op} nodes")
            self.assertNotIn("DepthToSpace", ops, path)
            if op == "MultiHeadAttention":
                causal = {a.i for n in model.graph.node if n.op_type == op for a in n.attribute
                          if a.name == "unidirectional"}
                self.assertEqual(causal, {1 if part == "text_encoder" else 0}, f"{path}: unidirectional")
            typed = {v.name for v in model.graph.value_info} | {o.name for o in model.graph.output}
            untyped = [n.name for n in model.graph.node if n.op_type != "Constant"
                       for o in n.output if o and o not in typed]
            self.assertEqual(untyped, [], f"{path}: node outputs without a stored shape")


if __name__ == "__main__":
    unittest.main()
