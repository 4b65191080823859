"""The training loop of the built-in ε-models (digits, scenes): DDPM's Algorithm 1 (``ddpm.alg1``).

    repeat
      x_0 ~ q(x_0)                                     (alg1 line 2)
      t ~ Uniform({1, …, T})                           (alg1 line 3)
      ε ~ 𝒩(0, I)                                      (alg1 line 4)
      gradient step on ∇_θ ‖ε − ε_θ(√ᾱ_t x_0 + √(1 − ᾱ_t) ε, t)‖²   (alg1 line 5)
    until converged                                    (alg1 line 6)

with x_t from ``q_sample`` (``ddpm.4``) and the loss ``l_simple`` (``ddpm.14``) divided by the number
of pixels, i.e. the mean squared error per pixel: the same minimiser, a scale that reads the same at
any resolution and that gradient clipping can use. Added to the paper's loop, as Ho & Salimans
(``cfg``) and common practice do:

- the conditioning is replaced by the model's null conditioning with probability ``p_uncond`` (the
  caller's ``draw`` does this), so one network learns both ε_θ(x_t, c) and ε_θ(x_t) for
  classifier-free guidance (CFG paper, Algorithm 1);
- AdamW with linear warm-up then cosine decay, gradient-norm clipping at 1;
- optionally (``hp["min_snr"]`` = γ > 0) the Min-SNR-γ weighting of Hang et al. 2023, which stops the
  many nearly noise-free timesteps from dominating the gradient and speeds up training several-fold;
- an exponential moving average of the weights (DDPM §4 uses one, decay 0.9999 over 800k steps; a
  run of a few thousand steps needs a shorter memory); the EMA weights are what ships.

Randomness comes from ``torch.manual_seed(seed)`` (dropout) and one CPU generator (batches, t, ε,
drops), both saved in the checkpoint: a resumed run continues the same random stream.
"""

from __future__ import annotations

import copy
import math
import time
from pathlib import Path
from typing import Callable

import torch

from ..diffusion import l_simple, q_sample
from ..errors import UserError
from ..progress import Callback, CancelFlag, Cancelled, report

# hyper-parameters a resumed run takes from its checkpoint rather than from the call
RESUMED = ("batch_size", "lr", "seed", "p_uncond", "ema_decay", "warmup", "weight_decay", "augment")
Draw = Callable[[torch.Generator, int], "tuple[torch.Tensor, torch.Tensor]"]


def learning_rate(step: int, steps: int, lr: float, warmup: int) -> float:
    """Linear warm-up over ``warmup`` steps (at most a tenth of the run), then cosine decay to 0 at ``steps``."""
    warmup = max(1, min(warmup, steps // 10))
    if step < warmup:
        return lr * (step + 1) / warmup
    progress = (step - warmup) / max(1, steps - warmup)
    return lr * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))


def fit(
    build: Callable[[], torch.nn.Module],
    draw: Draw,
    alpha_bars: torch.Tensor,
    *,
    steps: int,
    hp: dict,
    config: dict,
    device: torch.device,
    state: dict | None = None,
    callback: Callback | None = None,
    cancel: CancelFlag | None = None,
    checkpoint: Path | None = None,
    checkpoint_every: int = 500,
) -> tuple[torch.nn.Module, dict]:
    """Train the network ``build()`` makes (after seeding, so its initial weights are the seed's) for
    ``steps`` optimiser steps in all; return its EMA copy and the run's record.

    ``draw(generator, batch_size)`` gives a batch (x_0, c) on the CPU, c already dropped to the null
    conditioning with probability ``hp["p_uncond"]``. ``hp`` holds batch_size, lr, seed, ema_decay,
    warmup and weight_decay (and whatever else the caller wants saved). ``callback(step, total, info)``
    is told after every step (``info``: ``loss``, the smoothed ``loss_avg``, ``lr``, ``elapsed_s``);
    once ``cancel`` is set the run writes a checkpoint and raises ``Cancelled``. Every
    ``checkpoint_every`` steps (0: never) and at the end the full state goes to ``checkpoint``;
    ``state`` (from ``load_checkpoint``) resumes a run, whose cosine then stretches to the new end.
    """
    torch.manual_seed(hp["seed"])
    g = torch.Generator().manual_seed(hp["seed"])
    T = len(alpha_bars)
    net = build().to(device)
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
        if checkpoint is None or (checkpoint_every == 0 and step < steps):
            return
        _atomic_save({
            "config": config, "hparams": hp, "step": step, "steps": steps,
            "net": net.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(),
            "generator": g.get_state(), "torch_rng": torch.get_rng_state(),
            "elapsed_s": elapsed, "loss_avg": loss_avg, "history": history,
        }, checkpoint)

    net.train()
    start = time.perf_counter() - elapsed
    while step < steps:
        for group in opt.param_groups:
            group["lr"] = learning_rate(step, steps, hp["lr"], hp["warmup"])
        # alg1 line 2: x_0 ~ q(x_0), with its conditioning c (dropped to null with probability p_uncond)
        x0, c = draw(g, hp["batch_size"])
        x0, c = x0.to(device), c.to(device)
        # alg1 line 3: t ~ Uniform({1, …, T}); as 0-based indices 0 … T−1, what the network sees
        t = torch.randint(T, (x0.shape[0],), generator=g)
        # alg1 line 4: ε ~ 𝒩(0, I)
        eps = torch.randn(x0.shape, generator=g).to(device)
        # alg1 line 5: gradient step on ‖ε − ε_θ(√ᾱ_t x_0 + √(1 − ᾱ_t) ε, t)‖²
        ab_t = alpha_bars[t].to(device)
        x_t = q_sample(x0, eps, ab_t)                                           # ddpm.4
        pred = net(x_t, t.to(device), c)
        if hp.get("min_snr"):
            # Min-SNR-γ (Hang et al. 2023, eq. 10 for ε-prediction): weight each t by min(SNR, γ)/SNR
            snr = (ab_t / (1 - ab_t)).to(pred.dtype)
            loss = ((eps - pred) ** 2).flatten(1).mean(1).mul(snr.clamp(max=hp["min_snr"]) / snr).mean()
        else:
            loss = l_simple(eps, pred) / x0[0].numel()                          # ddpm.14, per pixel
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
    return ema, {"steps": step, "loss_avg": loss_avg, "history": history, "wall_time_s": round(elapsed, 1),
                 "params": sum(p.numel() for p in ema.parameters())}


def check_hparams(**v) -> None:
    """One clear UserError for the first hyper-parameter out of range."""
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
    if v["warmup"] < 1 or v.get("augment", 0) < 0:
        raise UserError("warmup must be ≥ 1 and augment ≥ 0")


def _atomic_save(obj, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    torch.save(obj, tmp)
    tmp.replace(path)


def load_checkpoint(path: Path) -> dict:
    """A checkpoint written by ``fit``, or one UserError saying why not."""
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
