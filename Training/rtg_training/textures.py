"""Procedural, captioned, tileable textures (deterministic by seed).

Every construction is periodic on the image grid (FFT-filtered noise, wrapped
Voronoi distances, integer frequencies), so each texture tiles without a seam.
"""
import numpy as np

SIZE = 128

FAMILIES = [
    ("brick", "brick wall"),
    ("wood", "wood planks"),
    ("marble", "marble"),
    ("cobblestone", "cobblestone"),
    ("grass", "grass"),
    ("sand", "sand"),
    ("water", "water"),
    ("lava", "lava"),
    ("metal", "metal plate"),
    ("fabric", "fabric weave"),
    ("tiles", "floor tiles"),
    ("camouflage", "camouflage"),
]

COLOURS = [
    ("red", (0.80, 0.12, 0.10)),
    ("orange", (0.93, 0.47, 0.08)),
    ("yellow", (0.93, 0.83, 0.15)),
    ("green", (0.22, 0.62, 0.16)),
    ("teal", (0.06, 0.58, 0.55)),
    ("blue", (0.14, 0.28, 0.86)),
    ("purple", (0.50, 0.17, 0.70)),
    ("pink", (0.96, 0.50, 0.70)),
    ("brown", (0.48, 0.29, 0.13)),
    ("grey", (0.52, 0.52, 0.52)),
    ("white", (0.94, 0.94, 0.92)),
    ("black", (0.09, 0.09, 0.10)),
]

SCALES = ["large", "small"]
CONDITIONS = ["mossy", "cracked", "old", "wet"]
TONES = ["dark", "light"]


def held_out_colour(family_index):
    """Colour index held out of training for a family: a permutation, so each colour is held out once."""
    return (5 * family_index + 3) % len(COLOURS)


def is_held_out(family_index, colour_index):
    return held_out_colour(family_index) == colour_index


class Spec:
    """What one sample shows: family, colour and modifiers, plus its seed."""

    __slots__ = ("family", "colour", "scale", "condition", "tone", "seed")

    def __init__(self, family, colour, scale, condition, tone, seed):
        self.family, self.colour, self.scale = family, colour, scale
        self.condition, self.tone, self.seed = condition, tone, seed

    def caption(self):
        words = [w for w in (self.scale, self.condition, self.tone) if w]
        words.append(COLOURS[self.colour][0])
        words.append(FAMILIES[self.family][1])
        return " ".join(words)


def sample_spec(rng, seed, held_out):
    """Draws a spec; held_out=False draws only training pairs, True only held-out pairs."""
    family = int(rng.integers(len(FAMILIES)))
    if held_out:
        colour = held_out_colour(family)
    else:
        colour = int(rng.integers(len(COLOURS) - 1))
        if colour >= held_out_colour(family):
            colour += 1
    scale = SCALES[rng.integers(2)] if rng.random() < 0.3 else None
    condition = CONDITIONS[rng.integers(4)] if rng.random() < 0.4 else None
    tone = None
    if COLOURS[colour][0] not in ("white", "black") and rng.random() < 0.25:
        tone = TONES[rng.integers(2)]
    return Spec(family, colour, scale, condition, tone, seed)


# ---------------------------------------------------------------- periodic building blocks

_FY, _FX = np.meshgrid(np.fft.fftfreq(SIZE) * SIZE, np.fft.fftfreq(SIZE) * SIZE, indexing="ij")
_YY, _XX = np.meshgrid((np.arange(SIZE) + 0.5) / SIZE, (np.arange(SIZE) + 0.5) / SIZE, indexing="ij")


def noise(rng, cutoff, beta=2.0, ax=1.0, ay=1.0, lowcut=0.0, diagonal=False):
    """Periodic Gaussian noise, zero mean, unit std: power ~ 1/f^beta below `cutoff` cycles per image.

    ax/ay stretch the spectrum: ay > 1 suppresses variation along y, so features run along y (vertical streaks).
    diagonal=True turns the axes by 45° (x to the lower right, y to the lower left); still periodic, since only
    the filter turns."""
    fx, fy = ((_FX + _FY) / np.sqrt(2), (_FY - _FX) / np.sqrt(2)) if diagonal else (_FX, _FY)
    r = np.sqrt((fx * ax) ** 2 + (fy * ay) ** 2)
    r[0, 0] = 1.0
    filt = r ** (-beta / 2.0) * np.exp(-((r / cutoff) ** 2))
    if lowcut > 0:
        filt *= 1.0 - np.exp(-((r / lowcut) ** 2))
    filt[0, 0] = 0.0
    white = rng.standard_normal((SIZE, SIZE))
    out = np.real(np.fft.ifft2(np.fft.fft2(white) * filt))
    return (out - out.mean()) / (out.std() + 1e-8)


def voronoi(rng, count, jitter=1.0):
    """Wrapped Voronoi: (F1, F2, nearest cell index) in image-width units."""
    side = max(1, int(round(np.sqrt(count))))
    gy, gx = np.meshgrid(np.arange(side), np.arange(side), indexing="ij")
    pts = np.stack([(gy.ravel() + 0.5 + jitter * (rng.random(side * side) - 0.5)) / side,
                    (gx.ravel() + 0.5 + jitter * (rng.random(side * side) - 0.5)) / side], 1)
    dy = np.abs(_YY[..., None] - pts[:, 0])
    dx = np.abs(_XX[..., None] - pts[:, 1])
    dy = np.minimum(dy, 1 - dy)
    dx = np.minimum(dx, 1 - dx)
    d = np.sqrt(dy * dy + dx * dx)
    idx = np.argsort(d, axis=-1)[..., :2]
    f1 = np.take_along_axis(d, idx[..., :1], -1)[..., 0]
    f2 = np.take_along_axis(d, idx[..., 1:2], -1)[..., 0]
    return f1, f2, idx[..., 0], side


def smoothstep(e0, e1, x):
    t = np.clip((x - e0) / (e1 - e0), 0, 1)
    return t * t * (3 - 2 * t)


# ---------------------------------------------------------------- families: each returns (lum, neutral, emissive)

def _brick(rng, s):
    # Rows of 21 px by default (about 3 latent pixels), so the half-brick offset of the running bond spans
    # latent pixels instead of falling between them. Joints are about 4 px wide: the 1.5 px joints before them
    # did not survive the 8x autoencoder (its reconstructions kept each brick's shade but lost the mortar), so
    # the models never saw the offset vertical joints that make a wall read as brick.
    rows = {None: 6, "large": 4, "small": 10}[s]
    per_row = rows // 2
    y = _YY * rows
    row = np.floor(y).astype(int)
    x = _XX * per_row + 0.5 * (row % 2)
    col = np.floor(x).astype(int) % per_row
    fy, fx = y - row, x - np.floor(x)
    # Distance to the nearest joint in pixels, then a plateau of mortar with a 1 px shoulder.
    joint = np.minimum(np.minimum(fy, 1 - fy) * SIZE / rows, np.minimum(fx, 1 - fx) * SIZE / per_row)
    half = {None: 2.0, "large": 2.5, "small": 1.5}[s]
    mortar = 1 - smoothstep(half - 0.5, half + 0.75, joint)
    shade = rng.normal(0, 0.12, (rows, per_row))[row, col]
    lum = 0.62 + shade + 0.08 * noise(rng, 40, 1.0)
    lum = lum * (1 - mortar) + (0.82 + 0.04 * noise(rng, 30, 1.0)) * mortar
    return lum, mortar * 0.8, None


def _wood(rng, s):
    planks = {None: 4, "large": 2, "small": 8}[s]
    x = _XX * planks
    p = np.floor(x).astype(int)
    fx = x - p
    offs = rng.random(planks)[p]
    grain = noise(rng, 60, 1.5, ax=1.0, ay=12.0)
    rings = np.sin(2 * np.pi * (fx * 3 + offs * 7) + 2.5 * grain)
    lum = 0.55 + 0.12 * rings + 0.08 * grain + rng.normal(0, 0.07, planks)[p]
    gap = 1 - smoothstep(0, 0.03, fx) * smoothstep(0, 0.03, 1 - fx)
    joint_y = rng.random(planks)[p]
    dj = np.abs(_YY - joint_y)
    dj = np.minimum(dj, 1 - dj)
    gap = np.maximum(gap, 1 - smoothstep(0.002, 0.008, dj))
    return lum * (1 - 0.75 * gap), None, None


def _marble(rng, s):
    # Veins about 4 px wide over smooth turbulence: the 8x autoencoder drops thinner ones.
    k = {None: 2, "large": 1, "small": 3}[s]
    turb = noise(rng, 8, 2.2)
    v = np.sin(2 * np.pi * k * (_XX + _YY) + 1.3 * turb)
    veins = np.exp(-((v / 0.45) ** 2))
    fine = noise(rng, 24, 1.2)
    lum = 0.80 + 0.05 * fine - 0.5 * veins
    return lum, veins * 0.3, None


def _cobblestone(rng, s):
    # Stones at least 20 px across with gaps of 3-4 px, so each stone spans several latent pixels.
    n = {None: 16, "large": 9, "small": 36}[s]
    f1, f2, idx, side = voronoi(rng, n)
    edge = (f2 - f1) * side
    gap = 1 - smoothstep(0.08, 0.24, edge)
    dome = np.clip(1 - (f1 * side) ** 2 * 1.2, 0, 1)
    cell = rng.normal(0, 0.1, side * side)[idx]
    lum = 0.45 + 0.25 * dome + cell + 0.06 * noise(rng, 50, 1.0)
    return lum * (1 - gap) + 0.12 * gap, gap * 0.5, None


def _grass(rng, s):
    # Diagonal blades coarse enough for the latent grid: vertical ones read as wood grain, horizontal ones as
    # water.
    cut = {None: 28, "large": 18, "small": 40}[s]
    blades = noise(rng, cut, 0.8, ax=1.0, ay=5.0, diagonal=True)
    clumps = noise(rng, 8, 2.0)
    lum = 0.45 + 0.22 * blades + 0.1 * clumps
    return lum, None, None


def _sand(rng, s):
    k = {None: 6, "large": 3, "small": 12}[s]
    kx, ky = k, int(rng.integers(-2, 3))
    warp = noise(rng, 6, 2.0)
    rip = np.sin(2 * np.pi * (kx * _XX + ky * _YY) + 1.4 * warp)
    grain = noise(rng, 64, 0.0)
    lum = 0.66 + 0.10 * rip + 0.07 * grain
    return lum, None, None


def _water(rng, s):
    # Rolling waves lit from above: a height field stretched along x, shaded by its slope, with glints on the
    # steepest faces. (Caustic line networks at a scale the latent grid keeps read as lava or marble.)
    cut = {None: 6, "large": 4, "small": 10}[s]
    h = noise(rng, cut, 3.0, ax=2.5, ay=1.0)
    slope = np.roll(h, -1, 0) - np.roll(h, 1, 0)
    slope = slope / (slope.std() + 1e-8)
    lum = 0.42 + 0.16 * slope + 0.04 * noise(rng, 3, 2.0)
    glint = smoothstep(1.3, 2.3, slope)
    return lum, None, glint * 0.6


def _lava(rng, s):
    cut = {None: 12, "large": 6, "small": 24}[s]
    n1 = noise(rng, cut, 2.0)
    ridge = (1 - np.clip(np.abs(n1) / 0.35, 0, 1)) ** 2
    crust = 0.10 + 0.05 * noise(rng, 40, 1.2)
    return crust, np.full((SIZE, SIZE), 0.9), ridge


def _metal(rng, s):
    # Diamond tread 21 px apart by default with bumps 5 px wide: at 16 px the bumps were 3 px wide, below what
    # the latent grid keeps.
    c = {None: 6, "large": 4, "small": 10}[s]
    brushed = noise(rng, 64, 0.5, ax=0.05, ay=1.0)
    u, v = _XX * c, _YY * c
    ci, cj = np.floor(u).astype(int), np.floor(v).astype(int)
    fu, fv = u - ci - 0.5, v - cj - 0.5
    sign = np.where((ci + cj) % 2 == 0, 1.0, -1.0)
    a = (fu + sign * fv) / np.sqrt(2)
    b = (fu - sign * fv) / np.sqrt(2)
    bump = np.clip(1 - (a / 0.34) ** 2 - (b / 0.12) ** 2, 0, 1)
    lum = 0.55 + 0.05 * brushed + 0.3 * bump - 0.15 * np.clip(-b / 0.12, 0, 1) * (bump > 0)
    seam = np.abs(_XX - 0.5) < 1.5 / SIZE
    lum = np.where(seam, 0.2, lum)
    return lum, np.full((SIZE, SIZE), 0.35), None


def _fabric(rng, s):
    # Threads 8-16 px wide: finer weaves decode to flat colour.
    t = {None: 12, "large": 8, "small": 16}[s]
    u, v = _XX * t, _YY * t
    ci, cj = np.floor(u).astype(int), np.floor(v).astype(int)
    fu, fv = u - ci, v - cj
    top = (ci + cj) % 2 == 0
    warp = np.sin(np.pi * fu) * (0.6 + 0.4 * np.sin(np.pi * fv))
    weft = np.sin(np.pi * fv) * (0.6 + 0.4 * np.sin(np.pi * fu))
    lum = 0.3 + 0.55 * np.where(top, warp, weft) + 0.05 * noise(rng, 64, 0.5)
    return lum, None, None


def _tiles(rng, s):
    g = {None: 4, "large": 2, "small": 8}[s]
    u, v = _XX * g, _YY * g
    ci, cj = np.floor(u).astype(int), np.floor(v).astype(int)
    fu, fv = u - ci, v - cj
    w = 0.035
    inside = smoothstep(0, w, fu) * smoothstep(0, w, 1 - fu) * smoothstep(0, w, fv) * smoothstep(0, w, 1 - fv)
    checker = np.where((ci + cj) % 2 == 0, 0.85, 0.55)
    bevel = 0.06 * (smoothstep(0, 0.12, fu) - smoothstep(0.88, 1, fu))
    lum = checker + bevel + rng.normal(0, 0.03, (g, g))[cj % g, ci % g] + 0.03 * noise(rng, 50, 1.0)
    return lum * inside + 0.3 * (1 - inside), (1 - inside) * 0.9, None


def _camouflage(rng, s):
    cut = {None: 6, "large": 3, "small": 12}[s]
    a = noise(rng, cut, 3.0)
    b = noise(rng, cut, 3.0)
    lum = np.where(a > 0.3, 0.25, np.where(b > 0.0, 0.85, 0.55))
    return lum + 0.02 * noise(rng, 64, 0.5), None, None


_RENDER = [_brick, _wood, _marble, _cobblestone, _grass, _sand, _water, _lava, _metal, _fabric, _tiles, _camouflage]


def render(spec):
    """Renders a spec to an HxWx3 uint8 image (tileable, deterministic by spec.seed)."""
    rng = np.random.default_rng(spec.seed)
    lum, neutral, emissive = _RENDER[spec.family](rng, spec.scale)
    lum = np.clip(lum, 0, 1)
    col = np.array(COLOURS[spec.colour][1]) + rng.normal(0, 0.03, 3)
    col = np.clip(col, 0, 1)
    rgb = col * (0.3 + 0.85 * lum[..., None]) + 0.06 * lum[..., None]
    if neutral is not None:
        grey = (0.15 + 0.75 * lum)[..., None] * np.ones(3)
        if spec.family == 7:
            grey = grey * 0.5
        rgb = rgb * (1 - neutral[..., None]) + grey * neutral[..., None]
    if emissive is not None:
        glow = np.clip(col * 1.2 + 0.15, 0, 1.2)
        rgb = rgb * (1 - emissive[..., None]) + glow * emissive[..., None]
    if spec.condition == "mossy":
        m = smoothstep(0.3, 0.9, noise(rng, 10, 2.0) + 0.3 * noise(rng, 60, 1.0))
        moss = np.array([0.26, 0.42, 0.12]) * (0.7 + 0.3 * noise(rng, 64, 0.5)[..., None])
        rgb = rgb * (1 - 0.85 * m[..., None]) + moss * 0.85 * m[..., None]
    elif spec.condition == "cracked":
        f1, f2, _, side = voronoi(rng, 9, 1.0)
        warp = 0.05 * noise(rng, 30, 1.5)
        crack = 1 - smoothstep(0.0, 0.025, (f2 - f1) * side + warp)
        crack *= smoothstep(-0.3, 0.3, noise(rng, 6, 2.0))
        rgb = rgb * (1 - 0.8 * crack[..., None])
    elif spec.condition == "old":
        grey = rgb.mean(-1, keepdims=True)
        rgb = 0.55 * rgb + 0.45 * grey
        dirt = 0.78 + 0.14 * noise(rng, 12, 2.0) + 0.06 * noise(rng, 64, 0.3)
        rgb = rgb * dirt[..., None]
    elif spec.condition == "wet":
        grey = rgb.mean(-1, keepdims=True)
        rgb = (grey + 1.3 * (rgb - grey)) * 0.72
        spec_hl = smoothstep(1.6, 2.6, noise(rng, 40, 1.0))
        rgb = rgb + 0.35 * spec_hl[..., None]
    if spec.tone == "dark":
        rgb = rgb * 0.5
    elif spec.tone == "light":
        rgb = rgb * 0.55 + 0.42
    return (np.clip(rgb, 0, 1) * 255 + 0.5).astype(np.uint8)


def make_specs(count, seed, held_out=False):
    rng = np.random.default_rng(seed)
    return [sample_spec(rng, seed * 1_000_003 + i, held_out) for i in range(count)]


def all_caption_words():
    words = set(SCALES + CONDITIONS + TONES)
    for c, _ in COLOURS:
        words.add(c)
    for _, noun in FAMILIES:
        words.update(noun.split())
    return sorted(words)
