"""Training the digits model: DDPM's Algorithm 1 (``ddpm.alg1``) on the maths of ``paperkit.diffusion``.

    repeat
      x_0 ~ q(x_0)                                     (alg1 line 2)
      t ~ Uniform({1, …, T})                           (alg1 line 3)
      ε ~ 𝒩(0, I)                                      (alg1 line 4)
      gradient step on ∇_θ ‖ε − ε_θ(√ᾱ_t x_0 + √(1 − ᾱ_t) ε, t)‖²   (alg1 line 5)
    until converged                                    (alg1 line 6)

with DDPM's linear schedule (β from 10⁻⁴ to 0.02, T = 1000, ``ddpm.schedule``), x_t from ``q_sample``
(``ddpm.4``) and the loss ``l_simple`` (``ddpm.14``) divided by the number of pixels, i.e. the mean
squared error per pixel: the same minimiser, a scale that reads the same at any resolution and that
gradient clipping can use. Added to the paper's loop, as Ho & Salimans (``cfg``) and common practice do:

- the class label is replaced by the null class (index 10) with probability ``p_uncond``, so one
  network learns both ε_θ(x_t, c) and ε_θ(x_t) for classifier-free guidance (CFG paper, Algorithm 1);
- AdamW with linear warm-up then cosine decay, gradient-norm clipping at 1;
- an exponential moving average of the weights (DDPM §4 uses one, decay 0.9999 over 800k steps; a
  run of a few thousand steps needs a shorter memory); the EMA weights are what ships;
- optional light augmentation: random shifts of up to ``augment`` pixels (off by default).

Randomness comes from ``torch.manual_seed(seed)`` (dropout) and one CPU generator (batches, t, ε,
label drops), both saved in the checkpoint: a resumed run continues the same random stream.
"""

from __future__ import annotations

import copy
import math
import platform
import time
from pathlib import Path

import torch

from ...diffusion import alpha_bars, l_simple, linear_betas, q_sample
from ...errors import UserError
from ...progress import Callback, CancelFlag, Cancelled, report
from .data import load_split, random_shift
from .defaults import TRAIN_DEFAULTS
from .model import WEIGHTS, DigitsModel, save_weights
from .unet import DigitsUNet, UNetConfig

T = 1000
DEFAULTS = TRAIN_DEFAULTS
# hyper-parameters a resumed run takes from its checkpoint rather than from the call
RESUMED = ("batch_size", "lr", "seed", "p_uncond", "ema_decay", "warmup", "weight_decay", "augment")


def default_checkpoint(out: Path | None) -> Path:
    """Where periodic checkpoints go: next to the weights, ``digits.ckpt`` (ignored by git and by the package)."""
    return (out if out is not None else WEIGHTS).with_suffix(".ckpt")


def learning_rate(step: int, steps: int, lr: float, warmup: int) -> float:
    """Linear warm-up over ``warmup`` steps (at most a tenth of the run), then cosine decay to 0 at ``steps``."""
    warmup = max(1, min(warmup, steps // 10))
    if step < warmup:
        return lr * (step + 1) / warmup
    progress = (step - warmup) / max(1, steps - warmup)
    return lr * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))


def train_digits(
    steps: int = DEFAULTS["steps"],
    batch_size: int = DEFAULTS["batch_size"],
    lr: float = DEFAULTS["lr"],
    seed: int = DEFAULTS["seed"],
    callback: Callback | None = None,
    cancel: CancelFlag | None = None,
    out: Path | None = WEIGHTS,
    resume: bool = False,
    device="cpu",
    p_uncond: float = DEFAULTS["p_uncond"],
    ema_decay: float = DEFAULTS["ema_decay"],
    warmup: int = DEFAULTS["warmup"],
    weight_decay: float = DEFAULTS["weight_decay"],
    augment: int = DEFAULTS["augment"],
    checkpoint: Path | None = None,
    checkpoint_every: int = 500,
    config: UNetConfig = UNetConfig(),
) -> DigitsModel:
    """Train the class-conditional ε-model on the TRAIN split and return it with its EMA weights.

    ``steps`` is the total number of optimiser steps. ``callback(step, total, info)`` is told after
    every step (``info``: ``loss``, the smoothed ``loss_avg``, ``lr``, ``elapsed_s``); once ``cancel``
    is set the run writes a checkpoint and raises ``Cancelled``. Every ``checkpoint_every`` steps
    (0: never) and at the end the full state goes to ``checkpoint`` (default ``out`` with suffix
    ``.ckpt``). ``resume=True`` continues from that checkpoint with its hyper-parameters; ``steps``
    may then be larger than the run first asked for, and the cosine stretches to the new end (a warm
    restart). The EMA weights are written to ``out`` as float16 (``save_weights``) unless ``out`` is None.
    """
    _check(steps=steps, batch_size=batch_size, lr=lr, p_uncond=p_uncond, ema_decay=ema_decay, warmup=warmup, augment=augment)
    device = torch.device(device)
    ckpt_path = Path(checkpoint) if checkpoint is not None else default_checkpoint(out)
    hp = dict(batch_size=batch_size, lr=lr, seed=seed, p_uncond=p_uncond, ema_decay=ema_decay, warmup=warmup,
              weight_decay=weight_decay, augment=augment)

    state = None
    if resume:
        state = _load_checkpoint(ckpt_path)
        hp.update({k: state["hparams"][k] for k in RESUMED})
        config = UNetConfig.from_dict(state["config"])

    torch.manual_seed(hp["seed"])
    g = torch.Generator().manual_seed(hp["seed"])
    x_train, y_train = load_split("train")
    x_train, y_train = x_train.to(device), y_train.to(device)
    n, pixels = len(y_train), x_train[0].numel()
    # DDPM's linear schedule, T = 1000 (ddpm.schedule); ᾱ_t in float64, index t−1 holding ᾱ_t
    ab = alpha_bars(linear_betas(T))

    net = DigitsUNet(config).to(device)
    ema = copy.deepcopy(net).eval().requires_grad_(False)
    opt = torch.optim.AdamW(net.parameters(), lr=hp["lr"], weight_decay=hp["weight_decay"])
    step, elapsed, loss_avg, history = 0, 0.0, None, []
    if state is not None:
        net.load_state_dict(state["net"])
        ema.load_state_dict(state["ema"])
        opt.load_state_dict(state["opt"])
        g.set_state(state["generator"])
        torch.set_rng_state(state["torch_rng"])
        step, elapsed, loss_avg, history = state["step"], state["elapsed_s"], state["loss_avg"], list(state["history"])

    def save_checkpoint() -> None:
        if checkpoint_every == 0 and step < steps:
            return
        _atomic_save({
            "config": config.to_dict(), "hparams": hp, "step": step, "steps": steps,
            "net": net.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(),
            "generator": g.get_state(), "torch_rng": torch.get_rng_state(),
            "elapsed_s": elapsed, "loss_avg": loss_avg, "history": history,
        }, ckpt_path)

    null = config.num_classes
    net.train()
    start = time.perf_counter() - elapsed
    while step < steps:
        for group in opt.param_groups:
            group["lr"] = learning_rate(step, steps, hp["lr"], hp["warmup"])
        # alg1 line 2: x_0 ~ q(x_0), a batch of TRAIN images (with their labels c)
        idx = torch.randint(n, (hp["batch_size"],), generator=g).to(device)
        x0, c = x_train[idx], y_train[idx]
        if hp["augment"]:
            x0 = random_shift(x0.cpu(), hp["augment"], generator=g).to(device)
        # (classifier-free guidance) drop the label to the null class with probability p_uncond
        drop = (torch.rand(hp["batch_size"], generator=g) < hp["p_uncond"]).to(device)
        c = torch.where(drop, torch.full_like(c, null), c)
        # alg1 line 3: t ~ Uniform({1, …, T}); as 0-based indices 0 … T−1, what the network sees
        t = torch.randint(T, (hp["batch_size"],), generator=g)
        # alg1 line 4: ε ~ 𝒩(0, I)
        eps = torch.randn(x0.shape, generator=g).to(device)
        # alg1 line 5: gradient step on ‖ε − ε_θ(√ᾱ_t x_0 + √(1 − ᾱ_t) ε, t)‖²
        x_t = q_sample(x0, eps, ab[t])                                  # ddpm.4
        loss = l_simple(eps, net(x_t, t.to(device), c)) / pixels        # ddpm.14, per pixel
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step()
        # EMA of the weights, with a short warm-up of its decay so early averages are not stale
        decay = min(hp["ema_decay"], (1 + step) / (10 + step))
        with torch.no_grad():
            torch._foreach_lerp_(list(ema.parameters()), list(net.parameters()), 1 - decay)
        step += 1
        value = loss.item()
        loss_avg = value if loss_avg is None else 0.98 * loss_avg + 0.02 * value
        elapsed = time.perf_counter() - start
        if step % 100 == 0 or step == steps:
            history.append((step, round(loss_avg, 5)))
        if checkpoint_every and step % checkpoint_every == 0:
            save_checkpoint()
        try:
            # alg1 line 6: until converged, here a fixed budget of steps (or the caller cancels)
            report(step, steps, callback, cancel, loss=value, loss_avg=loss_avg, lr=opt.param_groups[0]["lr"], elapsed_s=elapsed)
        except Cancelled:
            if checkpoint_every:
                save_checkpoint()
            raise
    save_checkpoint()

    model = DigitsModel(ema, ab, meta={
        "data": "scikit-learn digits, TRAIN split (paperkit.models.digits.data), 8×8 → 16×16 bilinear, [−1, 1]",
        "train_images": n, "schedule": "linear β 1e-4 … 0.02", "T": T, "objective": "L_simple / pixels (ε-prediction MSE)",
        "steps": step, **hp, "params": sum(p.numel() for p in ema.parameters()), "loss_avg": loss_avg,
        "history": history, "wall_time_s": round(elapsed, 1), "device": str(device),
        "machine": f"{platform.machine()} {platform.system()}, torch {torch.__version__}, {torch.get_num_threads()} threads",
    })
    if out is not None:
        save_weights(model, Path(out))
    return model


def _check(**v) -> None:
    if not (isinstance(v["steps"], int) and v["steps"] >= 1):
        raise UserError(f"steps must be a positive integer, got {v['steps']!r}")
    if not (isinstance(v["batch_size"], int) and v["batch_size"] >= 1):
        raise UserError(f"batch size must be a positive integer, got {v['batch_size']!r}")
    if not (v["lr"] > 0 and math.isfinite(v["lr"])):
        raise UserError(f"learning rate must be positive, got {v['lr']!r}")
    if not 0 <= v["p_uncond"] < 1:
        raise UserError(f"p_uncond must be in [0, 1), got {v['p_uncond']!r}")
    if not 0 <= v["ema_decay"] < 1:
        raise UserError(f"ema_decay must be in [0, 1), got {v['ema_decay']!r}")
    if v["warmup"] < 1 or v["augment"] < 0:
        raise UserError("warmup must be ≥ 1 and augment ≥ 0")


def _atomic_save(obj, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    torch.save(obj, tmp)
    tmp.replace(path)


def _load_checkpoint(path: Path) -> dict:
    if not path.is_file():
        raise UserError(f"nothing to resume: no checkpoint at {path}")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
        missing = {"config", "hparams", "step", "net", "ema", "opt", "generator", "torch_rng"} - set(state)
        if missing:
            raise KeyError(", ".join(sorted(missing)))
    except Exception as exc:
        raise UserError(f"cannot resume from {path}: {exc}") from exc
    return state
