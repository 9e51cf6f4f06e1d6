"""A model package's ONNX weights loaded back into the recipe's PyTorch networks.

The PyTorch baseline of `realtimegen bench --torch` then runs exactly the weights the C# pipeline runs, on a fresh
clone, without the 80-minute recipe run that made them. The exporter renames some parameters (a Linear's weight is
stored transposed under an anonymous name, a GroupNorm's affine as [C, 1, 1] Mul/Add constants), so the map from
ONNX initialisers to state-dict entries is learnt, not written down: the same network with random weights is exported
in memory, and each of its initialisers is matched by value to the parameter it came from. An initialiser is named by
the graph node that reads it, which the exporter derives from the module path, so the map carries over to the package.
"""
import io
import json
import os
import warnings
from dataclasses import dataclass

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from .export import DECODER_IO, TEXT_ENCODER_IO, UNET_IO, _Decode, _export
from .models import Decoder, TextEncoder, UNet
from .tokenizer import ClipTokenizer


class PackageError(Exception):
    """A package that these networks cannot be loaded from; the message names the file and what was expected."""


@dataclass
class PackageNetworks:
    tokenizer: ClipTokenizer
    text_encoder: TextEncoder
    unet: UNet
    decoder: Decoder
    scaling_factor: float
    prediction: str


def _read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        raise PackageError(f"{path} is missing") from None
    except json.JSONDecodeError as e:
        raise PackageError(f"{path} is not valid JSON: {e}") from None


def _tokenizer(folder):
    path = os.path.join(folder, "tokenizer", "merges.txt")
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        raise PackageError(f"{path} is missing") from None
    merges = [tuple(line.split(" ")) for line in lines if line and not line.startswith("#version")]
    bad = next((m for m in merges if len(m) != 2), None)
    if bad is not None:
        raise PackageError(f"{path}: expected two symbols per merge line, found {' '.join(bad)!r}")
    return ClipTokenizer(merges)


def _consumers(model):
    """Initialiser name -> (name of the first node that reads it, input index)."""
    names = {i.name for i in model.graph.initializer}
    out = {}
    for node in model.graph.node:
        for k, name in enumerate(node.input):
            if name in names and name not in out:
                out[name] = (node.name, k)
    return out


def _initialisers_by_reader(model):
    readers = _consumers(model)
    return {readers[i.name]: numpy_helper.to_array(i) for i in model.graph.initializer if i.name in readers}


def exported_bytes(net, args, io_spec):
    """`net` exported in memory exactly as the package's export writes it (the same graph settings)."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the tracer's warnings concern the shipped export, made the same way
        _export(net, args, buffer, io_spec)
    return buffer.getvalue()


def _weight_map(net, args, io_spec):
    """(reader node, input index) -> (state-dict key, transposed) for every parameter of `net`'s export."""
    g = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(torch.randn(p.shape, generator=g))
    exported = _initialisers_by_reader(onnx.load_from_string(exported_bytes(net, args, io_spec)))
    params = {k: v.detach().numpy() for k, v in net.named_parameters()}
    found = {}
    for key, value in exported.items():
        for name, p in params.items():
            if value.size != p.size:
                continue
            if np.array_equal(value.reshape(p.shape), p):
                found[key] = (name, False)
                break
            if p.ndim == 2 and value.shape == p.T.shape and np.array_equal(value, p.T):
                found[key] = (name, True)
                break
    return found


def _load(net, args, path, part, io_spec):
    """Fills `net`'s parameters from the ONNX file at `path`; every parameter must be found there."""
    try:
        model = onnx.load(path)
    except FileNotFoundError:
        raise PackageError(f"{path} is missing") from None
    except Exception as e:  # onnx raises DecodeError and others for a damaged file
        raise PackageError(f"{path} is not a readable ONNX model: {e}") from None
    mapping = _weight_map(net, args, io_spec)
    shipped = _initialisers_by_reader(model)
    state = net.state_dict()
    filled = set()
    for key, (name, transposed) in mapping.items():
        if key not in shipped:
            raise PackageError(f"{path}: expected an initialiser read by node {key[0]!r} (input {key[1]}) for "
                               f"{part} parameter {name}, found none: the file was not exported from these networks")
        value = shipped[key].T if transposed else shipped[key]
        if value.size != state[name].numel():
            raise PackageError(f"{path}: {part} parameter {name} has shape {tuple(state[name].shape)}, "
                               f"the initialiser read by {key[0]!r} has {value.shape}")
        state[name] = torch.from_numpy(np.array(value)).reshape(state[name].shape)
        filled.add(name)
    missing = [n for n, _ in net.named_parameters() if n not in filled]
    if missing:
        listed = ", ".join(missing[:4]) + (", ..." if len(missing) > 4 else "")
        raise PackageError(f"{path}: no initialiser found for {len(missing)} {part} parameters ({listed})")
    net.load_state_dict(state)
    return net.eval()


def load(folder):
    """The package at `folder` as the recipe's networks (text encoder, student UNet, decoder) in eval mode."""
    if not os.path.isdir(folder):
        raise PackageError(f"{folder} is not a folder: expected a model package (model_index.json, unet/, ...)")
    tok = _tokenizer(folder)
    te_cfg = _read_json(os.path.join(folder, "text_encoder", "config.json"))
    if te_cfg.get("vocab_size") != tok.vocab_size:
        raise PackageError(f"{folder}/text_encoder/config.json: vocab_size {te_cfg.get('vocab_size')}, expected "
                           f"{tok.vocab_size} from tokenizer/merges.txt")
    vae_cfg = _read_json(os.path.join(folder, "vae_decoder", "config.json"))
    scale = vae_cfg.get("scaling_factor")
    if not isinstance(scale, (int, float)) or not scale > 0:
        raise PackageError(f"{folder}/vae_decoder/config.json: scaling_factor {scale!r}, expected a positive number")
    prediction = _read_json(os.path.join(folder, "scheduler", "scheduler_config.json")).get("prediction_type")
    if prediction not in ("epsilon", "v_prediction", "sample"):
        raise PackageError(f"{folder}/scheduler/scheduler_config.json: prediction_type {prediction!r}, expected "
                           f"epsilon, v_prediction or sample")

    ids = torch.tensor([tok.encode("mossy red brick wall")])
    te = _load(TextEncoder(tok.vocab_size), (ids,), os.path.join(folder, "text_encoder", "model.onnx"), "text encoder",
               TEXT_ENCODER_IO)
    with torch.no_grad():
        ctx = te(ids)
    unet_args = (torch.zeros(1, 4, 16, 16), torch.tensor([759]), ctx, torch.zeros(1, 256))
    unet = _load(UNet(), unet_args, os.path.join(folder, "unet", "model.onnx"), "UNet", UNET_IO)
    decode = _load(_Decode(Decoder()), (torch.zeros(1, 4, 8, 8),), os.path.join(folder, "vae_decoder", "model.onnx"),
                   "decoder", DECODER_IO)
    return PackageNetworks(tok, te, unet, decode.dec, float(scale), prediction)
