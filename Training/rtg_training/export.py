"""Export to the diffusers/Optimum ONNX layout, plus fixed test vectors for the C# side."""
import io
import json
import os
import shutil

import numpy as np
import onnx
import torch

from . import textures as TX
from .diffusion import guidance_cond
from .evaluate import recommended_guidance
from .models import CONTEXT_TOKENS, EXPORTING, AttnBlock, TextBlock, count_macs, count_params

OPSET = 17
TOKENIZER_PROMPTS = ["mossy red brick wall", "", "dark wet cobblestone"]
_SPATIAL = {0: "batch", 2: "height", 3: "width"}
# (input names, output names, dynamic axes) of each exported part; package_weights exports the same graphs.
# The text encoder's token axis is dynamic: it is causal and the UNet reads only its first CONTEXT_TOKENS states,
# which model_index.json declares ("unet_text_tokens"), so a pipeline may encode just those (0.2 against 0.8 ms).
TEXT_ENCODER_IO = (["input_ids"], ["last_hidden_state"],
                   {"input_ids": {0: "batch", 1: "sequence"}, "last_hidden_state": {0: "batch", 1: "sequence"}})
UNET_IO = (["sample", "timestep", "encoder_hidden_states", "timestep_cond"], ["out_sample"],
           {"sample": _SPATIAL, "timestep": {0: "batch"}, "encoder_hidden_states": {0: "batch"},
            "timestep_cond": {0: "batch"}, "out_sample": _SPATIAL})
DECODER_IO = (["latent_sample"], ["sample"], {"latent_sample": _SPATIAL, "sample": _SPATIAL})
ENCODER_IO = (["sample"], ["latent_sample"], {"sample": _SPATIAL, "latent_sample": _SPATIAL})


class _Decode(torch.nn.Module):
    def __init__(self, dec):
        super().__init__()
        self.dec = dec

    def forward(self, latent_sample):
        return self.dec(latent_sample)


def _export(model, args, path, io_spec):
    """Exports `model` to `path` (a file name or a writable binary stream); `io_spec` is (inputs, outputs, axes).

    The traced graph must pass ONNX's strict shape inference, a check that its shapes and types are consistent,
    and is saved with the inferred shapes (tools then show every tensor's shape; ONNX Runtime's speed is the same
    either way, measured)."""
    inputs, outputs, axes = io_spec
    traced = io.BytesIO()
    # Attention exports as com.microsoft MultiHeadAttention; naming the domain for a graph without it makes the
    # exporter log a warning.
    contrib = {"com.microsoft": 1} if any(isinstance(m, (AttnBlock, TextBlock)) for m in model.modules()) else None
    EXPORTING[0] = True
    try:
        with torch.no_grad():
            torch.onnx.export(model, args, traced, opset_version=OPSET, input_names=inputs, output_names=outputs,
                              dynamic_axes=axes, do_constant_folding=True, custom_opsets=contrib)
    finally:
        EXPORTING[0] = False
    graph = onnx.shape_inference.infer_shapes(onnx.load_from_string(traced.getvalue()), strict_mode=True)
    onnx.checker.check_model(graph)
    data = graph.SerializeToString()
    if isinstance(path, str):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    else:
        path.write(data)


def _json(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)


def _bin(folder, name, t):
    arr = t.detach().numpy() if isinstance(t, torch.Tensor) else t
    arr = np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<"))
    with open(os.path.join(folder, name), "wb") as f:
        f.write(arr.tobytes())
    return {"file": name, "dtype": str(arr.dtype.name), "shape": list(arr.shape)}


def export_package(run, dest):
    """Writes the complete package to `dest` (replacing it) from the run's trained parts."""
    if os.path.exists(dest):
        shutil.rmtree(dest)
    os.makedirs(dest)
    tok = run.load_tokenizer()
    te, _ = run.load_teacher()
    unet = run.load_student()
    enc, dec = run.load_ae()
    lat = torch.load(run.path("latents.pt"))
    scale = lat["scaling_factor"]
    dim = te.dim

    _json(f"{dest}/model_index.json", {
        "_class_name": "LatentConsistencyModelPipeline", "_diffusers_version": "0.25.0",
        "feature_extractor": [None, None], "requires_safety_checker": False, "safety_checker": [None, None],
        "scheduler": ["diffusers", "LCMScheduler"], "text_encoder": ["transformers", "CLIPTextModel"],
        "tokenizer": ["transformers", "CLIPTokenizer"], "unet": ["diffusers", "UNet2DConditionModel"],
        "vae_decoder": ["diffusers", "AutoencoderKL"], "vae_encoder": ["diffusers", "AutoencoderKL"],
        # Our own keys (diffusers skips "_" keys, the C# pipeline reads them): the default guidance scale (the eval's
        # pick) and how many leading text states the UNet reads.
        "_realtimegen": {"guidance_scale": recommended_guidance(run), "unet_text_tokens": CONTEXT_TOKENS},
    })
    _json(f"{dest}/scheduler/scheduler_config.json", {
        "_class_name": "LCMScheduler", "_diffusers_version": "0.25.0", "num_train_timesteps": 1000,
        "beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "scaled_linear", "trained_betas": None,
        "original_inference_steps": 50, "prediction_type": run.cfg.prediction, "timestep_scaling": 10.0,
        "set_alpha_to_one": True, "steps_offset": 1, "clip_sample": False, "clip_sample_range": 1.0,
        "thresholding": False, "dynamic_thresholding_ratio": 0.995, "sample_max_value": 1.0,
        "rescale_betas_zero_snr": False, "timestep_spacing": "leading",
    })
    os.makedirs(f"{dest}/tokenizer")
    tok.save(f"{dest}/tokenizer")

    ids = torch.tensor([tok.encode(TOKENIZER_PROMPTS[0])], dtype=torch.long)
    _export(te, (ids,), f"{dest}/text_encoder/model.onnx", TEXT_ENCODER_IO)
    _json(f"{dest}/text_encoder/config.json", {
        "architectures": ["CLIPTextModel"], "model_type": "clip_text_model", "hidden_size": dim,
        "intermediate_size": dim * 4, "num_hidden_layers": len(te.blocks), "num_attention_heads": te.heads,
        "max_position_embeddings": 77, "vocab_size": tok.vocab_size, "bos_token_id": tok.sot,
        "eos_token_id": tok.eot, "pad_token_id": tok.eot, "hidden_act": "gelu", "causal_mask": True,
    })

    g = torch.Generator().manual_seed(7)
    sample = torch.randn((1, 4, 16, 16), generator=g)
    timestep = torch.tensor([759], dtype=torch.long)
    with torch.no_grad():
        ehs = te(ids)
    cond = guidance_cond(8.5, 1)
    _export(unet, (sample, timestep, ehs, cond), f"{dest}/unet/model.onnx", UNET_IO)
    _json(f"{dest}/unet/config.json", {
        "_class_name": "UNet2DConditionModel", "_diffusers_version": "0.25.0", "in_channels": 4,
        "out_channels": 4, "sample_size": 16, "cross_attention_dim": dim, "time_cond_proj_dim": 256,
        "block_out_channels": list(unet.ch), "padding_mode": "circular",
        "attention_resolutions": "1/2 and 1/4 of the latent size",
    })

    latent = torch.randn((1, 4, 8, 8), generator=g) / scale
    _export(_Decode(dec), (latent,), f"{dest}/vae_decoder/model.onnx", DECODER_IO)
    vae_cfg = {"_class_name": "AutoencoderKL", "_diffusers_version": "0.25.0", "in_channels": 3,
               "out_channels": 3, "latent_channels": 4, "sample_size": 128, "scaling_factor": scale,
               "downsampling_factor": 8, "padding_mode": "circular",
               "note": "encoder outputs the unscaled latent mean; multiply by scaling_factor before the UNet, "
                       "divide by it before the decoder"}
    _json(f"{dest}/vae_decoder/config.json", vae_cfg)
    image = torch.from_numpy(TX.render(TX.Spec(0, 0, None, "mossy", None, 42))).permute(2, 0, 1)[None]
    image = image.float() / 127.5 - 1
    _export(enc, (image,), f"{dest}/vae_encoder/model.onnx", ENCODER_IO)
    _json(f"{dest}/vae_encoder/config.json", vae_cfg)

    tv = f"{dest}/test_vectors"
    os.makedirs(tv)
    with torch.no_grad():
        cases = [
            {"part": "text_encoder", "inputs": {"input_ids": _bin(tv, "text_encoder.input_ids.bin", ids)},
             "outputs": {"last_hidden_state": _bin(tv, "text_encoder.last_hidden_state.bin", ehs)}, "atol": 1e-4},
            {"part": "unet", "inputs": {
                "sample": _bin(tv, "unet.sample.bin", sample), "timestep": _bin(tv, "unet.timestep.bin", timestep),
                "encoder_hidden_states": _bin(tv, "unet.encoder_hidden_states.bin", ehs),
                "timestep_cond": _bin(tv, "unet.timestep_cond.bin", cond)},
             "outputs": {"out_sample": _bin(tv, "unet.out_sample.bin", unet(sample, timestep, ehs, cond))},
             "atol": 1e-4, "note": "timestep 759, timestep_cond = guidance embedding of 8.5 - 1"},
            {"part": "vae_decoder", "inputs": {"latent_sample": _bin(tv, "vae_decoder.latent_sample.bin", latent)},
             "outputs": {"sample": _bin(tv, "vae_decoder.sample.bin", dec(latent))}, "atol": 1e-4},
            {"part": "vae_encoder", "inputs": {"sample": _bin(tv, "vae_encoder.sample.bin", image)},
             "outputs": {"latent_sample": _bin(tv, "vae_encoder.latent_sample.bin", enc(image))}, "atol": 1e-4},
        ]
    _json(f"{tv}/manifest.json", {
        "cases": cases,
        "tokenizer": [{"prompt": p, "ids": tok.encode(p)} for p in TOKENIZER_PROMPTS],
        "guidance_scale": 8.5, "scaling_factor": scale,
    })

    x = torch.randn(1, 4, 16, 16)
    summary = {
        "params": {"text_encoder": count_params(te), "unet": count_params(unet), "vae_decoder": count_params(dec),
                   "vae_encoder": count_params(enc)},
        "macs": {"text_encoder": count_macs(te, ids), "unet_16x16": count_macs(unet, x, timestep, ehs, cond),
                 "vae_decoder_128": count_macs(dec, x), "vae_encoder_128": count_macs(enc, image)},
        "package_bytes": sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(dest) for f in fs),
    }
    _json(run.path("export_summary.json"), summary)
    print(f"[export] package at {dest}: {summary}", flush=True)
