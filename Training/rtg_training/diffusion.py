"""Noise schedule, LCM/DDIM samplers and the LCD boundary scalings (diffusers' definitions)."""
import numpy as np
import torch

from .models import guidance_scale_embedding

T = 1000
ORIGINAL_STEPS = 50
SKIP = T // ORIGINAL_STEPS  # k = 20
TIMESTEP_SCALING = 10.0
SIGMA_DATA = 0.5

BETAS = torch.linspace(0.00085 ** 0.5, 0.012 ** 0.5, T, dtype=torch.float64) ** 2
ALPHAS_CUMPROD = torch.cumprod(1.0 - BETAS, 0).float()
# The 50-step LCM grid 19, 39, ..., 999 (ascending), as diffusers' DDIMSolver / LCMScheduler build it.
DDIM_TIMESTEPS = torch.arange(1, ORIGINAL_STEPS + 1) * SKIP - 1


def boundary_scalings(t):
    """c_skip, c_out of diffusers' LCMScheduler for integer timesteps t (tensor)."""
    scaled = t.float() * TIMESTEP_SCALING
    c_skip = SIGMA_DATA ** 2 / (scaled ** 2 + SIGMA_DATA ** 2)
    c_out = scaled / (scaled ** 2 + SIGMA_DATA ** 2) ** 0.5
    return c_skip, c_out


def bcast(v):
    return v[:, None, None, None]


def add_noise(x0, noise, t):
    a = bcast(ALPHAS_CUMPROD[t])
    return a.sqrt() * x0 + (1 - a).sqrt() * noise


def x0_from_eps(x, eps, alpha):
    return (x - (1 - alpha).sqrt() * eps) / alpha.sqrt()


def split_output(x, out, alpha, prediction):
    """(x0, ε) implied by a UNet output under diffusers' prediction_type ("epsilon" or "v_prediction")."""
    if prediction == "v_prediction":
        a, s = alpha.sqrt(), (1 - alpha).sqrt()
        return a * x - s * out, s * x + a * out
    return x0_from_eps(x, out, alpha), out


def guided_ddim_step(x, out_cond, out_uncond, alpha, alpha_prev, w, prediction):
    """The teacher's DDIM step (eta 0) from x at ᾱ = alpha to ᾱ = alpha_prev, classifier-free guided in (x0, ε)
    space with w = scale - 1 (0 gives the plain conditional step), as the LCM distillation's solver takes it."""
    x0_c, e_c = split_output(x, out_cond, alpha, prediction)
    x0_u, e_u = split_output(x, out_uncond, alpha, prediction)
    x0_g = x0_c + w * (x0_c - x0_u)
    eps_g = e_c + w * (e_c - e_u)
    return alpha_prev.sqrt() * x0_g + (1 - alpha_prev).sqrt() * eps_g


def training_target(x0, noise, alpha, prediction):
    """What the UNet learns to output for x_t = √ᾱ x0 + √(1-ᾱ) ε."""
    if prediction == "v_prediction":
        return alpha.sqrt() * noise - (1 - alpha).sqrt() * x0
    return noise


def min_snr_weight(alpha, gamma, prediction):
    """Per-example loss weights of Min-SNR-γ: the x0-space weight min(SNR, γ) expressed for the model's own target.
    A v-target's squared error is (SNR + 1)× the x0 error, so v-prediction uses min(SNR + 1, γ) / (SNR + 1), which keeps
    full weight at high noise (as plain v-prediction does) and caps it near t = 0; ε-prediction uses min(SNR, γ) / SNR."""
    snr = alpha / (1 - alpha)
    if prediction == "v_prediction":
        return torch.clamp(snr + 1, max=gamma) / (snr + 1)
    return torch.clamp(snr, max=gamma) / snr


def lcm_timesteps(steps):
    """diffusers LCMScheduler.set_timesteps with original_inference_steps=50 (e.g. 4 -> 999, 759, 499, 259)."""
    origin = DDIM_TIMESTEPS.numpy()[::-1]
    idx = np.floor(np.linspace(0, ORIGINAL_STEPS, num=steps, endpoint=False)).astype(np.int64)
    return [int(origin[i]) for i in idx]


def guidance_cond(scale, batch):
    """timestep_cond for CFG scale `scale`: the embedding of (scale - 1)."""
    return guidance_scale_embedding(torch.full((batch,), float(scale) - 1.0), 256)


def lcm_step(x, out, t, t_next, prediction, generator):
    """One LCMScheduler step from the UNet output `out` at timestep t: (denoised, x re-noised to t_next);
    after the last step (t_next None) the second is None and no noise is drawn."""
    x0, _ = split_output(x, out, ALPHAS_CUMPROD[t], prediction)
    c_skip, c_out = boundary_scalings(torch.tensor(float(t)))
    denoised = c_out * x0 + c_skip * x
    if t_next is None:
        return denoised, None
    a_next = ALPHAS_CUMPROD[t_next]
    return denoised, a_next.sqrt() * denoised + (1 - a_next).sqrt() * torch.randn(x.shape, generator=generator)


@torch.no_grad()
def lcm_sample(unet, ctx, steps, guidance, generator, hw, prediction):
    """Multistep LCM sampling; returns the final denoised latents (scaled latent space)."""
    b = ctx.shape[0]
    x = torch.randn((b, 4) + tuple(hw), generator=generator)
    cond = guidance_cond(guidance, b)
    ts = lcm_timesteps(steps)
    denoised = x
    for i, t in enumerate(ts):
        out = unet(x, torch.full((b,), t, dtype=torch.long), ctx, cond)
        denoised, x = lcm_step(x, out, t, ts[i + 1] if i + 1 < len(ts) else None, prediction, generator)
    return denoised


@torch.no_grad()
def ddim_sample(unet, ctx, uncond_ctx, steps, guidance, generator, hw, prediction):
    """Teacher DDIM (eta 0, 'leading' spacing, steps_offset 1) with classifier-free guidance."""
    b = ctx.shape[0]
    x = torch.randn((b, 4) + tuple(hw), generator=generator)
    ratio = T // steps
    ts = [int(t) + 1 for t in (np.arange(0, steps) * ratio)[::-1]]
    zero = torch.zeros(b, 256)
    both_ctx = torch.cat([uncond_ctx.expand(b, -1, -1), ctx])
    for t in ts:
        tt = torch.full((2 * b,), t, dtype=torch.long)
        eu, ec = unet(torch.cat([x, x]), tt, both_ctx, torch.cat([zero, zero])).chunk(2)
        a = ALPHAS_CUMPROD[t]
        a_prev = ALPHAS_CUMPROD[t - ratio] if t - ratio >= 0 else torch.tensor(1.0)
        x0, eps = split_output(x, eu + guidance * (ec - eu), a, prediction)
        x = a_prev.sqrt() * x0 + (1 - a_prev).sqrt() * eps
    return x
