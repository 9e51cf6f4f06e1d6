"""Networks: text encoder, autoencoder (f=8, 4 latent channels), conditional UNet.

All convolutions pad circularly (textures tile) and every network is fully
convolutional; attention runs only at 1/2 and 1/4 of the latent resolution.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


EXPORTING = [False]


def wrap_pad(x, p):
    """Circular padding. For ONNX export it is built from slices + concat (plain Slice/Concat nodes);
    in training F.pad's circular mode computes the same values with a cheaper backward pass."""
    if p == 0:
        return x
    if not EXPORTING[0]:
        return F.pad(x, (p, p, p, p), mode="circular")
    x = torch.cat([x[:, :, -p:], x, x[:, :, :p]], dim=2)
    return torch.cat([x[:, :, :, -p:], x, x[:, :, :, :p]], dim=3)


def attention(q, k, v, heads, causal=False):
    """Attention of q [B, Sq, C] over k, v [B, Sk, C] in `heads` heads, scaled by 1/sqrt(C / heads); `causal` hides
    later keys (Sq == Sk)."""
    b, n, c = q.shape
    q = q.reshape(b, n, heads, c // heads).transpose(1, 2)
    k = k.reshape(b, -1, heads, c // heads).transpose(1, 2)
    v = v.reshape(b, -1, heads, c // heads).transpose(1, 2)
    logits = q @ k.transpose(-1, -2) * (1.0 / math.sqrt(c // heads))
    if causal:
        logits = logits + torch.full((n, n), float("-inf")).triu(1)
    return (torch.softmax(logits, dim=-1) @ v).transpose(1, 2).reshape(b, n, c)


class MultiHeadAttention(torch.autograd.Function):
    """`attention` for export, where it becomes one com.microsoft MultiHeadAttention node: ONNX Runtime runs it as a
    single kernel, where the traced graph is a dozen reshapes, transposes and matmuls per attention. The text
    encoder's training path keeps its own arithmetic, so training is unchanged bit for bit."""

    @staticmethod
    def forward(ctx, q, k, v, heads, causal):
        return attention(q, k, v, heads, causal)

    @staticmethod
    def symbolic(g, q, k, v, heads, causal):
        return g.op("com.microsoft::MultiHeadAttention", q, k, v, num_heads_i=heads, unidirectional_i=int(causal))


def frozen(t):
    """`t`'s values as a tensor the ONNX tracer stores as one initialiser, not as the ops that derived it from the
    parameters (the exporter's constant folding does not fold every such op, e.g. a flip)."""
    return torch.from_numpy(t.detach().numpy().copy())


class Conv(nn.Module):
    """k×k convolution with circular padding."""

    def __init__(self, cin, cout, k=3, stride=1):
        super().__init__()
        self.pad = (k - 1) // 2
        self.conv = nn.Conv2d(cin, cout, k, stride)

    def forward(self, x):
        return self.conv(wrap_pad(x, self.pad))


def norm(c):
    return nn.GroupNorm(min(8, c // 4), c)


# ---------------------------------------------------------------- text encoder

class TextEncoder(nn.Module):
    """Tiny CLIP-like causal transformer: input_ids [B,77] -> last_hidden_state [B,77,D]."""

    def __init__(self, vocab_size, dim=128, layers=2, heads=4, context=77):
        super().__init__()
        self.dim, self.heads = dim, heads
        self.tok = nn.Embedding(vocab_size, dim)
        self.pos = nn.Parameter(torch.randn(context, dim) * 0.01)
        self.blocks = nn.ModuleList([TextBlock(dim, heads) for _ in range(layers)])
        self.final = nn.LayerNorm(dim)
        self.register_buffer("mask", torch.full((context, context), float("-inf")).triu(1), persistent=False)

    def forward(self, input_ids):
        n = input_ids.shape[1]
        x = self.tok(input_ids) + self.pos[:n]
        mask = self.mask[:n, :n]
        for b in self.blocks:
            x = b(x, mask)
        return self.final(x)


class TextBlock(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.ln1, self.ln2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)
        self.ff = nn.Sequential(nn.Linear(dim, dim * 4), nn.GELU(), nn.Linear(dim * 4, dim))

    def forward(self, x, mask):
        b, n, d = x.shape
        h = self.heads
        if EXPORTING[0]:
            x = x + self.proj(MultiHeadAttention.apply(*self.qkv(self.ln1(x)).chunk(3, dim=-1), h, True))
            return x + self.ff(self.ln2(x))
        q, k, v = self.qkv(self.ln1(x)).reshape(b, n, 3, h, d // h).permute(2, 0, 3, 1, 4)
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d // h) + mask, dim=-1)
        x = x + self.proj((att @ v).transpose(1, 2).reshape(b, n, d))
        return x + self.ff(self.ln2(x))


# ---------------------------------------------------------------- autoencoder

class ResBlock(nn.Module):
    """Pre-activation residual block; `normalised=False` drops the GroupNorms (the autoencoder's choice)."""

    def __init__(self, cin, cout, temb=0, normalised=True):
        super().__init__()
        self.n1, self.c1 = (norm(cin) if normalised else nn.Identity()), Conv(cin, cout)
        self.n2, self.c2 = (norm(cout) if normalised else nn.Identity()), Conv(cout, cout)
        self.t = nn.Linear(temb, cout) if temb else None
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, t=None):
        h = self.c1(F.silu(self.n1(x)))
        if self.t is not None:
            h = h + self.t(t)[:, :, None, None]
        h = self.c2(F.silu(self.n2(h)))
        return h + (self.skip(x) if self.skip is not None else x)


class Encoder(nn.Module):
    """[B,3,H,W] in [-1,1] -> unscaled latent mean [B,4,H/8,W/8].

    No normalisation layers anywhere in the autoencoder: a GroupNorm normalises each image's features, so global
    colour survives only through the skip paths; with GroupNorms the first autoencoders turned green grass grey and
    teal water blue (the judge found the colour of 58% of reconstructions). Without them, 91% at the same budget."""

    def __init__(self, ch=(16, 32, 64, 96)):
        super().__init__()
        self.inp = Conv(3, ch[0])
        self.down1, self.r1 = Conv(ch[0], ch[1], 4, 2), ResBlock(ch[1], ch[1], normalised=False)
        self.down2, self.r2 = Conv(ch[1], ch[2], 4, 2), ResBlock(ch[2], ch[2], normalised=False)
        self.down3, self.r3 = Conv(ch[2], ch[3], 4, 2), ResBlock(ch[3], ch[3], normalised=False)
        self.out = nn.Sequential(nn.SiLU(), nn.Conv2d(ch[3], 4, 1))

    def forward(self, x):
        x = F.silu(self.inp(x))
        x = self.r1(self.down1(x))
        x = self.r2(self.down2(x))
        x = self.r3(self.down3(x))
        return self.out(x)


class Decoder(nn.Module):
    """Latent [B,4,h,w] -> image [B,3,8h,8w] in [-1,1]; pixel-shuffle upsampling, a residual block at every
    resolution but the full one, which gets one plain convolution (it dominates the runtime cost)."""

    def __init__(self, ch=(128, 64, 32, 16)):
        super().__init__()
        self.inp = Conv(4, ch[0])
        self.r1 = ResBlock(ch[0], ch[0], normalised=False)
        self.up1, self.r2 = nn.Conv2d(ch[0], ch[1] * 4, 1), ResBlock(ch[1], ch[1], normalised=False)
        self.up2, self.r3 = nn.Conv2d(ch[1], ch[2] * 4, 1), ResBlock(ch[2], ch[2], normalised=False)
        self.up3, self.c4 = nn.Conv2d(ch[2], ch[3] * 4, 1), Conv(ch[3], ch[3])
        self.out = Conv(ch[3], 3)

    def forward(self, z):
        x = self.r1(self.inp(z))
        x = self.r2(self._upsample(self.up1, x))
        x = self.r3(self._upsample(self.up2, x))
        x = F.silu(self.c4(self._upsample(self.up3, x)))
        return torch.tanh(self._out(x))

    @staticmethod
    def _upsample(conv, x):
        """1×1 convolution to 4× the channels, then pixel shuffle. Exported as one stride-2 transposed convolution
        with the same weights: ONNX Runtime's DepthToSpace is a generic transpose, and the two-op form made the
        whole decoder 9% slower. The bias, which differs between the four sub-pixels, rides on a channel of ones."""
        if not EXPORTING[0]:
            return F.pixel_shuffle(conv(x), 2)
        cout = conv.out_channels // 4
        w = conv.weight[:, :, 0, 0].reshape(cout, 2, 2, -1).permute(3, 0, 1, 2)
        w = frozen(torch.cat([w, conv.bias.reshape(1, cout, 2, 2)]))
        return F.conv_transpose2d(torch.cat([x, torch.ones_like(x[:, :1])], 1), w, stride=2)

    def _out(self, x):
        """The 16→3 output convolution. Exported as a transposed convolution with the flipped kernel, which is the
        same sum: ONNX Runtime's blocked convolution pads 3 output channels to 16 and spent as long on this layer
        as on the 16→16 one before it (the transposed form made the decoder 7% faster)."""
        if not EXPORTING[0]:
            return self.out(x)
        conv = self.out.conv
        return F.conv_transpose2d(wrap_pad(x, 1), frozen(conv.weight.flip(2, 3).transpose(0, 1)), conv.bias, padding=2)


# ---------------------------------------------------------------- UNet

def timestep_embedding(t, dim=128):
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    args = t.float()[:, None] * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=1)


def guidance_scale_embedding(w, dim=256):
    """diffusers' get_guidance_scale_embedding; callers pass (guidance_scale - 1)."""
    w = w.float() * 1000.0
    half = dim // 2
    freqs = torch.exp(torch.arange(half, dtype=torch.float32) * -(math.log(10000.0) / (half - 1)))
    args = w[:, None] * freqs[None]
    return torch.cat([torch.sin(args), torch.cos(args)], dim=1)


class AttnBlock(nn.Module):
    """Self-attention then cross-attention to the text, then a feed-forward, over spatial tokens."""

    def __init__(self, c, ctx, heads=4):
        super().__init__()
        self.heads = heads
        self.gn = norm(c)
        self.ln1, self.ln2, self.ln3 = nn.LayerNorm(c), nn.LayerNorm(c), nn.LayerNorm(c)
        self.qkv = nn.Linear(c, 3 * c, bias=False)
        self.o1 = nn.Linear(c, c)
        self.q2 = nn.Linear(c, c, bias=False)
        self.kv2 = nn.Linear(ctx, 2 * c, bias=False)
        self.o2 = nn.Linear(c, c)
        self.ff = nn.Sequential(nn.Linear(c, 4 * c), nn.GELU(), nn.Linear(4 * c, c))

    def _attend(self, q, k, v):
        if EXPORTING[0]:
            return MultiHeadAttention.apply(q, k, v, self.heads, False)
        return attention(q, k, v, self.heads)

    def forward(self, x, ctx):
        b, c, hh, ww = x.shape
        s = self.gn(x).flatten(2).transpose(1, 2)
        q, k, v = self.qkv(self.ln1(s)).chunk(3, dim=-1)
        s = s + self.o1(self._attend(q, k, v))
        k2, v2 = self.kv2(ctx).chunk(2, dim=-1)
        s = s + self.o2(self._attend(self.q2(self.ln2(s)), k2, v2))
        s = s + self.ff(self.ln3(s))
        return x + s.transpose(1, 2).reshape(b, c, hh, ww)


class UNet(nn.Module):
    """Conditional UNet: (sample, timestep, encoder_hidden_states, timestep_cond) -> out_sample, in the recipe's
    prediction type (config.prediction).

    timestep_cond (the guidance embedding) enters through a zero-initialised projection
    added to the timestep embedding, as in diffusers' time_cond_proj; the teacher sees zeros.
    The text enters twice: cross-attention for where things go, and its mean over the context tokens
    added to the time embedding (as SDXL adds pooled text), a direct path for global properties such
    as colour and family that a from-scratch model learns in a few hundred steps.
    Cross-attention reads the first CONTEXT_TOKENS text states only: with the causal text encoder
    those are exactly what a 16-token encoding gives, which makes training the encoder 5x cheaper.
    Widths (48, 96, 192): twice the second package's, affordable once PyTorch runs on OpenBLAS (0.57 s per batch of
    48 on one thread, against 1.27 s for the narrow UNet on the reference BLAS)."""

    def __init__(self, ctx_dim=128, ch=(48, 96, 192), temb=192, cond_dim=256):
        super().__init__()
        self.ch = ch
        self.time_mlp = nn.Sequential(nn.Linear(128, temb), nn.SiLU(), nn.Linear(temb, temb))
        self.cond_proj = nn.Linear(cond_dim, 128, bias=False)
        nn.init.zeros_(self.cond_proj.weight)
        self.text_proj = nn.Sequential(nn.Linear(ctx_dim, temb), nn.SiLU(), nn.Linear(temb, temb))
        self.inp = Conv(4, ch[0])
        self.d1 = ResBlock(ch[0], ch[0], temb)
        self.down1 = Conv(ch[0], ch[1], 3, 2)
        self.d2 = ResBlock(ch[1], ch[1], temb)
        self.a2 = AttnBlock(ch[1], ctx_dim)
        self.down2 = Conv(ch[1], ch[2], 3, 2)
        self.m = ResBlock(ch[2], ch[2], temb)
        self.am = AttnBlock(ch[2], ctx_dim)
        self.u2 = ResBlock(ch[2] + ch[1], ch[1], temb)
        self.au2 = AttnBlock(ch[1], ctx_dim)
        self.u1 = ResBlock(ch[1] + ch[0], ch[0], temb)
        self.out = nn.Sequential(norm(ch[0]), nn.SiLU(), Conv(ch[0], 4))

    def forward(self, sample, timestep, encoder_hidden_states, timestep_cond):
        ctx = encoder_hidden_states[:, :CONTEXT_TOKENS]
        t = self.time_mlp(timestep_embedding(timestep) + self.cond_proj(timestep_cond)) + self.text_proj(ctx.mean(1))
        h1 = self.d1(self.inp(sample), t)
        h2 = self.a2(self.d2(self.down1(h1), t), ctx)
        m = self.am(self.m(self.down2(h2), t), ctx)
        u = F.interpolate(m, scale_factor=2.0, mode="nearest")
        u = self.au2(self.u2(torch.cat([u, h2], 1), t), ctx)
        u = F.interpolate(u, scale_factor=2.0, mode="nearest")
        u = self.u1(torch.cat([u, h1], 1), t)
        return self.out(u)


CONTEXT_TOKENS = 16


def count_params(m):
    return sum(p.numel() for p in m.parameters())


def count_macs(model, *inputs):
    """Multiply-adds of Conv2d/Linear layers and attention matmuls for one forward pass."""
    total = [0]
    hooks = []

    def conv_hook(mod, inp, out):
        total[0] += out.numel() * mod.in_channels // mod.groups * mod.kernel_size[0] * mod.kernel_size[1]

    def lin_hook(mod, inp, out):
        total[0] += out.numel() * mod.in_features

    def attn_hook(mod, inp, out):
        x, ctx = inp
        b, c, h, w = x.shape
        total[0] += 2 * b * (h * w) ** 2 * c + 2 * b * h * w * ctx.shape[1] * c

    for mod in model.modules():
        if isinstance(mod, nn.Conv2d):
            hooks.append(mod.register_forward_hook(conv_hook))
        elif isinstance(mod, nn.Linear):
            hooks.append(mod.register_forward_hook(lin_hook))
        elif isinstance(mod, AttnBlock):
            hooks.append(mod.register_forward_hook(attn_hook))
    with torch.no_grad():
        model(*inputs)
    for h in hooks:
        h.remove()
    return total[0]
