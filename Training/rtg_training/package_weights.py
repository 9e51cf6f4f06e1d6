"""A model package's ONNX weights loaded back into the recipe's PyTorch networks.

The PyTorch baseline of `realtimegen bench --torch` then runs exactly the weights the C# pipeline runs, on a fresh
clone, without the 80-minute recipe run that made them. The exporter renames some parameters (a Linear's weight is
stored transposed under an anonymous name, a GroupNorm's affine as [C, 1, 1] Mul/Add constants, the decoder's
upsampling weight and bias rearranged into one transposed-convolution kernel), so the map from ONNX initialisers to
parameters is learnt, not written down: the same network is exported in memory with every parameter element set to
its own number, and each initialiser element then names the element it copies. An initialiser is named by the graph
node that reads it, which the exporter derives from the module path, so the map carries over to the package.
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


def _stored_tensors(model):
    """Every tensor stored in the graph: its initialisers and the values of its Constant nodes (the tracer stores a
    weight derived outside the traced ops, such as the decoder's flipped output kernel, as a Constant)."""
    tensors = {i.name: i for i in model.graph.initializer}
    for node in model.graph.node:
        if node.op_type == "Constant":
            value = next((a.t for a in node.attribute if a.name == "value"), None)
            if value is not None:
                tensors[node.output[0]] = value
    return tensors


def _initialisers_by_reader(model):
    """(name of the first node that reads a stored tensor, input index) -> that tensor's values."""
    tensors = _stored_tensors(model)
    out = {}
    for node in model.graph.node:
        for k, name in enumerate(node.input):
            if name in tensors:
                out.setdefault((node.name, k), numpy_helper.to_array(tensors.pop(name)))
    return out


def exported_bytes(net, args, io_spec):
    """`net` exported in memory exactly as the package's export writes it (the same graph settings)."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the tracer's warnings concern the shipped export, made the same way
        _export(net, args, buffer, io_spec)
    return buffer.getvalue()


# Parameter elements are numbered from here while the map is learnt: float32 holds every integer in [2^23, 2^24)
# exactly, and no constant of these graphs is that large, so each initialiser element names the element it copies.
_ID_BASE = 2 ** 23


def _weight_map(net, args, io_spec):
    """(reader node, input index) -> (parameter index, element index), each shaped like that initialiser, for every
    initialiser of `net`'s export that copies parameter elements. The export may reshape, transpose, flip or
    concatenate parameters (the decoder's upsampling stores weight and bias in one tensor); each of its elements is
    still a copy, so numbering every parameter element and exporting once recovers where each value came from."""
    params = list(net.parameters())
    offsets = np.cumsum([0] + [p.numel() for p in params])
    if offsets[-1] >= _ID_BASE:
        raise ValueError(f"{type(net).__name__} has {offsets[-1]} parameters; the map numbers at most {_ID_BASE}")
    with torch.no_grad():
        for p, start in zip(params, offsets):
            p.copy_((_ID_BASE + start + torch.arange(p.numel(), dtype=torch.float64)).reshape(p.shape))
    exported = _initialisers_by_reader(onnx.load_from_string(exported_bytes(net, args, io_spec)))
    found = {}
    for key, value in exported.items():
        if value.dtype != np.float32:
            continue
        ids = value.astype(np.float64) - _ID_BASE
        numbered = (ids >= 0) & (ids < offsets[-1]) & (ids == np.floor(ids))
        if not numbered.any():
            continue
        if not numbered.all():
            raise ValueError(f"initialiser read by {key[0]!r} mixes parameter values with constants")
        flat = ids.astype(np.int64)
        which = np.searchsorted(offsets, flat, side="right") - 1
        found[key] = (which, flat - offsets[which])
    return found


def _load(net, args, path, part, io_spec):
    """Fills `net`'s parameters from the ONNX file at `path`; every parameter element must be found there."""
    try:
        model = onnx.load(path)
    except FileNotFoundError:
        raise PackageError(f"{path} is missing") from None
    except Exception as e:  # onnx raises DecodeError and others for a damaged file
        raise PackageError(f"{path} is not a readable ONNX model: {e}") from None
    mapping = _weight_map(net, args, io_spec)
    shipped = _initialisers_by_reader(model)
    names = [n for n, _ in net.named_parameters()]
    values = [np.full(p.numel(), np.nan, dtype=np.float32) for p in net.parameters()]
    for key, (which, index) in mapping.items():
        first = names[int(which.flat[0])]
        if key not in shipped:
            raise PackageError(f"{path}: expected an initialiser read by node {key[0]!r} (input {key[1]}) for "
                               f"{part} parameter {first}, found none: the file was not exported from these networks")
        value = shipped[key]
        if value.shape != which.shape:
            raise PackageError(f"{path}: the initialiser read by {key[0]!r} for {part} parameter {first} has shape "
                               f"{value.shape}, expected {which.shape}")
        for k in np.unique(which):
            sel = which == k
            values[k][index[sel]] = value[sel]
    missing = [n for n, v in zip(names, values) if np.isnan(v).any()]
    if missing:
        listed = ", ".join(missing[:4]) + (", ..." if len(missing) > 4 else "")
        raise PackageError(f"{path}: no initialiser found for {len(missing)} {part} parameters ({listed})")
    with torch.no_grad():
        for p, v in zip(net.parameters(), values):
            p.copy_(torch.from_numpy(v).reshape(p.shape))
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
