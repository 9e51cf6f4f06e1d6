"""The recipe's stages. Each writes its result under the run folder and is skipped when that exists;
training loops checkpoint every `ckpt_every` steps and resume from the checkpoint."""
import copy
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

from . import diffusion as D
from . import textures as TX
from .models import CONTEXT_TOKENS, Decoder, Encoder, TextEncoder, UNet, guidance_scale_embedding
from .tokenizer import ClipTokenizer, learn_merges


class Progress:
    """Prints step progress with stage and whole-run ETA (planned seconds per stage, rescaled by measured speed)."""

    PLAN = {"data": 70, "tokenizer": 1, "ae": 420, "latents": 160, "teacher": 2100, "lcd": 2300,
            "classifier": 300, "eval": 360, "export": 40, "sheets": 60}

    def __init__(self):
        self.start = time.time()
        self.walls = {}
        self.speed = 1.0
        # (stage, record path, seconds of earlier attempts, this attempt's start): every progress line records the
        # stage's wall time so far, so that a run killed mid-stage still counts the time it spent there.
        self.attempt = None

    def remaining_after(self, stage):
        names = list(self.PLAN)
        later = names[names.index(stage) + 1:] if stage in names else []
        return sum(self.PLAN[n] for n in later if n not in self.walls) * self.speed

    def step(self, stage, i, n, t0, extra="", rescale=True):
        """One progress line. `rescale` False: a stage's preliminary pass, whose pace says nothing of the plan's."""
        el = time.time() - t0
        eta = el / max(i, 1) * (n - i)
        if rescale and i >= n // 4 and stage in self.PLAN:
            self.speed = 0.5 * self.speed + 0.5 * (el / max(i, 1) * n) / self.PLAN[stage]
        total = eta + self.remaining_after(stage) + (0.0 if rescale else self.PLAN.get(stage, 0) * self.speed)
        print(f"[{stage}] {i}/{n} {extra} | {el:.0f}s elapsed, stage ETA {eta:.0f}s, run ETA {total / 60:.1f} min",
              flush=True)
        if self.attempt and self.attempt[0] == stage:
            _, path, before, started = self.attempt
            _json_atomic({"seconds": before + time.time() - started}, path)

    def done(self, stage, seconds):
        self.walls[stage] = seconds
        print(f"[{stage}] done in {seconds:.1f}s (run so far {time.time() - self.start:.0f}s)", flush=True)


def _replace_whole(path, write):
    """Writes through a temporary file, then renames it over `path`: a run killed mid-write leaves the old file or
    the new one, never a half-written checkpoint or record that the next run cannot read."""
    tmp = path + ".tmp"
    write(tmp)
    os.replace(tmp, path)


def _save_atomic(obj, path):
    _replace_whole(path, lambda tmp: torch.save(obj, tmp))


def _json_atomic(obj, path):
    def write(tmp):
        with open(tmp, "w") as f:
            json.dump(obj, f)
    _replace_whole(path, write)


def _ema(target, source, decay):
    with torch.no_grad():
        for pt, ps in zip(target.parameters(), source.parameters()):
            pt.mul_(decay).add_(ps.detach(), alpha=1 - decay)


def _restore_rng(saved):
    """Puts back the process-wide generator (initial weights, the autoencoder's latent noise) as it was when `saved`
    was written, so that resuming, in the same process or a new one, continues the uninterrupted run's sequence."""
    if "torch_rng" in saved:
        torch.set_rng_state(saved["torch_rng"])


def _step_seed(stream, step):
    """A training step's own seed: a loop resumed from a checkpoint draws exactly what an uninterrupted one would."""
    return stream * 1_000_003 + step


def _cosine_lr(opt, base, step, total, warmup=30):
    lr = base * min(1.0, (step + 1) / warmup) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * step / total)))
    for g in opt.param_groups:
        g["lr"] = lr


def _patch_spectrum(x, margin, patch=16):
    """Fourier magnitudes of the 16×16 patches inside the crop's margin. Phase-free, so a decoder that draws grain,
    blades or ripples a little out of place is not punished as it is by a pixel loss, which prefers a blur: with this
    term the judge recognised the family of 61% of reconstructions after 500 steps, against 45% without."""
    x = x[..., margin:x.shape[-2] - margin, margin:x.shape[-1] - margin]
    b, c, h, w = x.shape
    x = x.reshape(b, c, h // patch, patch, w // patch, patch).permute(0, 1, 2, 4, 3, 5)
    return torch.fft.rfft2(x, norm="ortho").abs()


class Run:
    def __init__(self, cfg, out, progress):
        self.cfg, self.out, self.p = cfg, out, progress
        os.makedirs(out, exist_ok=True)
        torch.manual_seed(cfg.seed)

    def path(self, name):
        return os.path.join(self.out, name)

    def restore(self, name):
        """Takes over a finished stage's record, as skipping it does: its wall time and the process-wide generator
        state it ended with. False when the stage has not finished."""
        marker, rng = self.path(f"{name}.done.json"), self.path(f"{name}.rng.pt")
        if not os.path.exists(marker):
            return False
        with open(marker) as f:
            self.p.walls[name] = json.load(f)["seconds"]
        if os.path.exists(rng):
            _restore_rng(torch.load(rng))
        return True

    def forget(self, name):
        """Drops a stage's finished record, so that the next `timed` call runs it again."""
        for path in (self.path(f"{name}.done.json"), self.path(f"{name}.rng.pt"), self.path(f"{name}.partial.json")):
            if os.path.exists(path):
                os.remove(path)

    def timed(self, name, fn):
        marker, rng = self.path(f"{name}.done.json"), self.path(f"{name}.rng.pt")
        if self.restore(name):
            print(f"[{name}] already done ({self.p.walls[name]:.0f}s), skipping", flush=True)
            return
        # Wall time accumulates across attempts: an interrupted one left its time so far in the partial record.
        partial, prev = self.path(f"{name}.partial.json"), 0.0
        if os.path.exists(partial):
            with open(partial) as f:
                prev = json.load(f)["seconds"]
        t0 = time.time()
        self.p.attempt = (name, partial, prev, t0)
        try:
            fn()
        finally:
            self.p.attempt = None
        # The next stage's initial weights come from the process-wide generator: record it for a later process
        # that skips this stage, so a run resumed at a stage boundary is the uninterrupted run.
        _save_atomic({"torch_rng": torch.get_rng_state()}, rng)
        seconds = time.time() - t0 + prev
        _json_atomic({"seconds": seconds}, marker)
        if os.path.exists(partial):
            os.remove(partial)
        self.p.done(name, seconds)

    # ------------------------------------------------------------ data

    def data(self):
        specs = TX.make_specs(self.cfg.train_images, self.cfg.seed)
        t0 = time.time()
        imgs = np.empty((len(specs), TX.SIZE, TX.SIZE, 3), np.uint8)
        for i, s in enumerate(specs):
            imgs[i] = TX.render(s)
            if (i + 1) % 2000 == 0:
                self.p.step("data", i + 1, len(specs), t0)
        np.savez(self.path("data.npz"), images=imgs, captions=np.array([s.caption() for s in specs]),
                 family=np.array([s.family for s in specs]), colour=np.array([s.colour for s in specs]))

    def load_data(self):
        d = np.load(self.path("data.npz"))
        return d["images"], [str(c) for c in d["captions"]]

    def tokenizer(self):
        merges = learn_merges(TX.all_caption_words())
        tok = ClipTokenizer(merges)
        for w in TX.all_caption_words():
            assert len(tok._bpe(w)) == 1, f"caption word {w!r} is not a single token"
        os.makedirs(self.path("tokenizer"), exist_ok=True)
        tok.save(self.path("tokenizer"))
        with open(self.path("tokenizer/merges.json"), "w") as f:
            json.dump(merges, f)

    def load_tokenizer(self):
        with open(self.path("tokenizer/merges.json")) as f:
            return ClipTokenizer([tuple(m) for m in json.load(f)])

    # ------------------------------------------------------------ autoencoder

    def ae(self):
        cfg = self.cfg
        imgs, _ = self.load_data()
        enc, dec = Encoder(), Decoder()
        params = list(enc.parameters()) + list(dec.parameters())
        opt = torch.optim.AdamW(params, 1e-3, weight_decay=0.0)
        ckpt, start = self.path("ae.ckpt.pt"), 0
        if os.path.exists(ckpt):
            s = torch.load(ckpt)
            enc.load_state_dict(s["enc"]), dec.load_state_dict(s["dec"]), opt.load_state_dict(s["opt"])
            start = s["step"]
            _restore_rng(s)
        c, m = cfg.ae_crop, 8
        mask = torch.zeros(1, 1, c, c)
        mask[..., m:c - m, m:c - m] = 1
        t0 = time.time()
        for step in range(start, cfg.ae_steps):
            _cosine_lr(opt, 1e-3, step, cfg.ae_steps)
            rng = np.random.default_rng((cfg.seed + 1, step))
            idx = rng.integers(0, len(imgs), cfg.ae_batch)
            batch = np.stack([np.roll(imgs[i], tuple(rng.integers(0, TX.SIZE, 2)), (0, 1))[:c, :c] for i in idx])
            x = torch.from_numpy(batch).permute(0, 3, 1, 2).float() / 127.5 - 1
            if rng.random() < 0.5:
                x = x.flip(3)
            if rng.random() < 0.5:
                x = x.transpose(2, 3)
            z = enc(x)
            zn = z + 0.1 * z.detach().std() * torch.randn_like(z)
            y = dec(zn)
            diff = (y - x) * mask
            gx = lambda t: t[..., :, 1:] - t[..., :, :-1]
            gy = lambda t: t[..., 1:, :] - t[..., :-1, :]
            loss = diff.abs().mean() + 0.5 * ((gx(y) - gx(x)) * mask[..., :, 1:]).abs().mean() \
                + 0.5 * ((gy(y) - gy(x)) * mask[..., 1:, :]).abs().mean() + 1e-4 * z.pow(2).mean() \
                + (_patch_spectrum(y, m) - _patch_spectrum(x, m)).abs().mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if (step + 1) % cfg.ckpt_every == 0 or step + 1 == cfg.ae_steps:
                _save_atomic({"enc": enc.state_dict(), "dec": dec.state_dict(), "opt": opt.state_dict(),
                              "step": step + 1, "torch_rng": torch.get_rng_state()}, ckpt)
            if (step + 1) % 50 == 0 or step + 1 == cfg.ae_steps:
                self.p.step("ae", step + 1, cfg.ae_steps, t0, f"loss {loss.item():.4f}")
        _save_atomic({"enc": enc.state_dict(), "dec": dec.state_dict()}, self.path("ae.pt"))

    def _load_trained_ae(self):
        s = torch.load(self.path("ae.pt"))
        enc, dec = Encoder(), Decoder()
        enc.load_state_dict(s["enc"]), dec.load_state_dict(s["dec"])
        return enc.eval(), dec.eval()

    def load_ae(self):
        """The shipped autoencoder: the trained one with the latent mean folded out (written by `latents`)."""
        s = torch.load(self.path("vae.pt"))
        enc, dec = Encoder(), Decoder()
        enc.load_state_dict(s["enc"]), dec.load_state_dict(s["dec"])
        return enc.eval(), dec.eval()

    @staticmethod
    def _fold_mean(enc, dec, mean):
        """Makes the encoder output z - mean and the decoder add it back, exactly: the encoder's last 1×1
        conv bias drops `mean`; the decoder's first (circular, so border-free) conv bias gains W·mean.
        Diffusers' SD1.5 convention has a scaling factor but no shift, so the shift lives in the weights."""
        with torch.no_grad():
            enc.out[1].bias -= mean
            dec.inp.conv.bias += torch.einsum("oikl,i->o", dec.inp.conv.weight, mean)

    def latents(self):
        imgs, captions = self.load_data()
        enc, dec = self._load_trained_ae()
        out = []
        t0 = time.time()
        with torch.no_grad():
            for i in range(0, len(imgs), 64):
                x = torch.from_numpy(imgs[i:i + 64]).permute(0, 3, 1, 2).float() / 127.5 - 1
                out.append(enc(x))
                if (i // 64) % 40 == 39:
                    self.p.step("latents", i + 64, len(imgs), t0)
            z = torch.cat(out)
            # Per-channel means of up to 0.6 σ: diffusion from N(0, I) has to learn them at high noise, where
            # the training signal is weakest. Centre the latent space (and fold the shift into the AE).
            mean = z.mean((0, 2, 3))
            self._fold_mean(enc, dec, mean)
            z = z - mean[None, :, None, None]
            scale = float(1.0 / z.std())
            # Reconstruction error of the autoencoder on the first images, for the model card.
            x = torch.from_numpy(imgs[:64]).permute(0, 3, 1, 2).float() / 127.5 - 1
            centred = enc(x)
            rec = dec(centred)
            mae = float((rec - x).abs().mean() * 127.5)
            assert torch.allclose(centred, z[:64], atol=1e-4), "folding the latent mean into the encoder changed it"
        _save_atomic({"enc": enc.state_dict(), "dec": dec.state_dict()}, self.path("vae.pt"))
        tok = self.load_tokenizer()
        ids = torch.tensor([tok.encode(c) for c in captions], dtype=torch.long)
        stats = {"scaling_factor": scale, "folded_channel_mean": [float(m) for m in mean], "ae_mae_8bit": mae}
        _save_atomic(dict(stats, z=z * scale, ids=ids), self.path("latents.pt"))
        with open(self.path("latents.json"), "w") as f:
            json.dump(stats, f, indent=2)
        print(f"[latents] scaling_factor {scale:.5f}, folded channel means {[round(float(m), 3) for m in mean]}, "
              f"AE reconstruction MAE {mae:.2f}/255", flush=True)

    # ------------------------------------------------------------ teacher

    def teacher(self):
        cfg = self.cfg
        lat = torch.load(self.path("latents.pt"))
        z, ids = lat["z"], lat["ids"]
        tok = self.load_tokenizer()
        empty = torch.tensor(tok.encode(""), dtype=torch.long)
        te, unet = TextEncoder(tok.vocab_size), UNet()
        ema_te, ema_unet = copy.deepcopy(te), copy.deepcopy(unet)
        params = list(te.parameters()) + list(unet.parameters())
        opt = torch.optim.AdamW(params, cfg.teacher_lr, weight_decay=0.01)
        ckpt, start = self.path("teacher.ckpt.pt"), 0
        if os.path.exists(ckpt):
            s = torch.load(ckpt)
            for k, mdl in (("te", te), ("unet", unet), ("ema_te", ema_te), ("ema_unet", ema_unet)):
                mdl.load_state_dict(s[k])
            opt.load_state_dict(s["opt"])
            start = s["step"]
            _restore_rng(s)
        g = torch.Generator()
        zero_cond = torch.zeros(cfg.teacher_batch, 256)
        t0 = time.time()
        for step in range(start, cfg.teacher_steps):
            _cosine_lr(opt, cfg.teacher_lr, step, cfg.teacher_steps)
            g.manual_seed(_step_seed(cfg.seed + 2, step))
            idx = torch.randint(0, len(z), (cfg.teacher_batch,), generator=g)
            x0 = torch.roll(z[idx], tuple(torch.randint(0, 16, (2,), generator=g).tolist()), (2, 3))
            tid = ids[idx].clone()
            drop = torch.rand(cfg.teacher_batch, generator=g) < 0.1
            tid[drop] = empty
            t = torch.randint(0, D.T, (cfg.teacher_batch,), generator=g)
            noise = torch.randn(x0.shape, generator=g)
            xt = D.add_noise(x0, noise, t)
            out = unet(xt, t, te(tid[:, :CONTEXT_TOKENS]), zero_cond)
            alpha = D.ALPHAS_CUMPROD[t]
            err = (out - D.training_target(x0, noise, D.bcast(alpha), cfg.prediction)).pow(2).mean((1, 2, 3))
            loss = (err * D.min_snr_weight(alpha, cfg.teacher_snr_gamma, cfg.prediction)).mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            decay = min(0.995, (1 + step) / (10 + step))
            _ema(ema_te, te, decay)
            _ema(ema_unet, unet, decay)
            if (step + 1) % cfg.ckpt_every == 0 or step + 1 == cfg.teacher_steps:
                _save_atomic({"te": te.state_dict(), "unet": unet.state_dict(), "ema_te": ema_te.state_dict(),
                              "ema_unet": ema_unet.state_dict(), "opt": opt.state_dict(), "step": step + 1,
                              "torch_rng": torch.get_rng_state()}, ckpt)
            if (step + 1) % 25 == 0 or step + 1 == cfg.teacher_steps:
                self.p.step("teacher", step + 1, cfg.teacher_steps, t0, f"loss {loss.item():.4f}")
        _save_atomic({"te": ema_te.state_dict(), "unet": ema_unet.state_dict()}, self.path("teacher.pt"))

    def load_teacher(self):
        tok = self.load_tokenizer()
        s = torch.load(self.path("teacher.pt"))
        te, unet = TextEncoder(tok.vocab_size), UNet()
        te.load_state_dict(s["te"]), unet.load_state_dict(s["unet"])
        return te.eval(), unet.eval()

    # ------------------------------------------------------------ latent consistency distillation

    def lcd(self):
        cfg = self.cfg
        lat = torch.load(self.path("latents.pt"))
        z, ids = lat["z"], lat["ids"]
        tok = self.load_tokenizer()
        te, teacher = self.load_teacher()
        for prm in list(te.parameters()) + list(teacher.parameters()):
            prm.requires_grad_(False)
        student = copy.deepcopy(teacher).train()
        for prm in student.parameters():
            prm.requires_grad_(True)
        target = copy.deepcopy(student)
        for prm in target.parameters():
            prm.requires_grad_(False)
        opt = torch.optim.AdamW(student.parameters(), cfg.lcd_lr, weight_decay=0.0)
        ckpt, start = self.path("lcd.ckpt.pt"), 0
        if os.path.exists(ckpt):
            s = torch.load(ckpt)
            student.load_state_dict(s["student"]), target.load_state_dict(s["target"])
            opt.load_state_dict(s["opt"])
            start = s["step"]
            _restore_rng(s)
        with torch.no_grad():
            uncond = te(torch.tensor([tok.encode("")])[:, :CONTEXT_TOKENS])
        anchors = self._teacher_anchors(te, teacher, ids, uncond)
        g, ga = torch.Generator(), torch.Generator()
        b, na = cfg.lcd_batch, cfg.lcd_anchor_batch
        prev_alpha = torch.cat([D.ALPHAS_CUMPROD[:1], D.ALPHAS_CUMPROD[D.DDIM_TIMESTEPS[:-1]]])
        t0 = time.time()
        for step in range(start, cfg.lcd_steps):
            _cosine_lr(opt, cfg.lcd_lr, step, cfg.lcd_steps, warmup=20)
            g.manual_seed(_step_seed(cfg.seed + 3, step))
            idx = torch.randint(0, len(z), (b,), generator=g)
            x0 = torch.roll(z[idx], tuple(torch.randint(0, 16, (2,), generator=g).tolist()), (2, 3))
            with torch.no_grad():
                ctx = te(ids[idx][:, :CONTEXT_TOKENS])
            k = torch.randint(0, D.ORIGINAL_STEPS, (b,), generator=g)
            start_t = D.DDIM_TIMESTEPS[k]
            prev_t = torch.clamp(start_t - D.SKIP, min=0)
            scale = cfg.guidance_min + (cfg.guidance_max - cfg.guidance_min) * torch.rand(b, generator=g)
            w = scale - 1.0
            wemb = guidance_scale_embedding(w, 256)
            noise = torch.randn(x0.shape, generator=g)
            xt = D.add_noise(x0, noise, start_t)
            a_t = D.bcast(D.ALPHAS_CUMPROD[start_t])
            # Anchor points ride in the same student batch: a point x_t of a teacher trajectory, whose consistency
            # target is the sample that trajectory ends in.
            ga.manual_seed(_step_seed(cfg.seed + 53, step))
            aj = torch.randint(0, anchors["end"].shape[0], (na,), generator=ga)
            ai = torch.randint(0, anchors["grid"].shape[0], (na,), generator=ga)
            xa, ta = anchors["points"][ai, aj], anchors["grid"][ai]
            with torch.no_grad():
                ctx_a = te(ids[anchors["idx"][aj]][:, :CONTEXT_TOKENS])
            wemb_a = guidance_scale_embedding(anchors["scale"][aj] - 1.0, 256)
            x_all, t_all = torch.cat([xt, xa]), torch.cat([start_t, ta])
            cs, co = D.boundary_scalings(t_all)
            x0_s, _ = D.split_output(x_all, student(x_all, t_all, torch.cat([ctx, ctx_a]), torch.cat([wemb, wemb_a])),
                                     D.bcast(D.ALPHAS_CUMPROD[t_all]), cfg.prediction)
            pred, pred_a = (D.bcast(cs) * x_all + D.bcast(co) * x0_s).split([b, na])
            with torch.no_grad():
                zero = torch.zeros(2 * b, 256)
                o_u, o_c = teacher(torch.cat([xt, xt]), torch.cat([start_t, start_t]),
                                   torch.cat([uncond.expand(b, -1, -1), ctx]), zero).chunk(2)
                # Guidance only above lcd_guidance_min_t (a guidance interval, Kynkäänniemi et al. 2024).
                wb = D.bcast(w * (start_t >= cfg.lcd_guidance_min_t).float())
                x_prev = D.guided_ddim_step(xt, o_c, o_u, a_t, D.bcast(prev_alpha[k]), wb, cfg.prediction)
                x0_t, _ = D.split_output(x_prev, target(x_prev, prev_t, ctx, wemb), D.bcast(D.ALPHAS_CUMPROD[prev_t]),
                                         cfg.prediction)
                cs2, co2 = D.boundary_scalings(prev_t)
                tgt = D.bcast(cs2) * x_prev + D.bcast(co2) * x0_t
            c = 0.001
            loss_lcd = (torch.sqrt((pred - tgt) ** 2 + c * c) - c).mean()
            loss_a = (torch.sqrt((pred_a - anchors["end"][aj]) ** 2 + c * c) - c).mean()
            loss = loss_lcd + cfg.lcd_anchor_weight * loss_a
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(student.parameters(), 1.0)
            opt.step()
            _ema(target, student, cfg.ema_target)
            if (step + 1) % cfg.ckpt_every == 0 or step + 1 == cfg.lcd_steps:
                _save_atomic({"student": student.state_dict(), "target": target.state_dict(),
                              "opt": opt.state_dict(), "step": step + 1, "torch_rng": torch.get_rng_state()}, ckpt)
            if (step + 1) % 25 == 0 or step + 1 == cfg.lcd_steps:
                self.p.step("lcd", step + 1, cfg.lcd_steps, t0, f"loss {loss_lcd.item():.5f} anchor {loss_a.item():.5f}")
        _save_atomic({"unet": target.state_dict()}, self.path("student.pt"))

    @torch.no_grad()
    def _teacher_anchors(self, te, teacher, ids, uncond):
        """Teacher CFG trajectories (DDIM on the 25-step subgrid 999, 959, ..., 39 of the distillation's grid, guided
        as the distillation's teacher step is) from seeded noise for training captions: every point of each
        trajectory and the sample it ends in. Kept in the run folder, so a resumed distillation reuses them; a
        kept set made with other settings or another teacher is made again."""
        cfg = self.cfg
        n, path = cfg.lcd_anchors, self.path("lcd.anchors.pt")
        made_with = {"n": n, "seed": cfg.seed, "guidance": (cfg.guidance_min, cfg.guidance_max),
                     "guidance_min_t": cfg.lcd_guidance_min_t,
                     "teacher": float(sum(prm.double().sum() for prm in teacher.parameters()))}
        if os.path.exists(path):
            kept = torch.load(path)
            if kept.get("made_with") == made_with:
                return kept
        g = torch.Generator().manual_seed(cfg.seed + 63)
        idx = torch.randint(0, len(ids), (n,), generator=g)
        scale = cfg.guidance_min + (cfg.guidance_max - cfg.guidance_min) * torch.rand(n, generator=g)
        x_all = torch.randn((n, 4, 16, 16), generator=g)
        grid = D.DDIM_TIMESTEPS[1::2].flip(0)
        points, end = torch.empty((len(grid), n, 4, 16, 16)), torch.empty((n, 4, 16, 16))
        t0 = time.time()
        for s0 in range(0, n, 64):
            x, sl = x_all[s0:s0 + 64], slice(s0, s0 + 64)
            m = x.shape[0]
            ctx = te(ids[idx[sl]][:, :CONTEXT_TOKENS])
            wb = D.bcast(scale[sl] - 1.0)
            both = torch.cat([uncond.expand(m, -1, -1), ctx])
            zero = torch.zeros(2 * m, 256)
            for i, t in enumerate(grid.tolist()):
                points[i, sl] = x
                o_u, o_c = teacher(torch.cat([x, x]), torch.full((2 * m,), t, dtype=torch.long), both, zero).chunk(2)
                a_p = D.ALPHAS_CUMPROD[int(grid[i + 1])] if i + 1 < len(grid) else torch.tensor(1.0)
                x = D.guided_ddim_step(x, o_c, o_u, D.ALPHAS_CUMPROD[t], a_p, wb * float(t >= cfg.lcd_guidance_min_t),
                                       cfg.prediction)
            end[sl] = x
            self.p.step("lcd", s0 + m, n, t0, "teacher trajectories", rescale=False)
        out = {"idx": idx, "scale": scale, "grid": grid, "points": points, "end": end, "made_with": made_with}
        _save_atomic(out, path)
        return out

    def load_student(self):
        s = torch.load(self.path("student.pt"))
        unet = UNet()
        unet.load_state_dict(s["unet"])
        return unet.eval()
