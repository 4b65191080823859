"""Training the digits model: DDPM's Algorithm 1 (``ddpm.alg1``, the loop in ``paperkit.models.training``)
on scikit-learn's digits, with DDPM's linear schedule (β from 10⁻⁴ to 0.02, T = 1000, ``ddpm.schedule``).

The class label is replaced by the null class (index 10) with probability ``p_uncond`` for
classifier-free guidance; optional light augmentation shifts images by up to ``augment`` pixels
(off by default).
"""

from __future__ import annotations

import platform
from pathlib import Path

import torch

from ...diffusion import alpha_bars, linear_betas
from ...progress import Callback, CancelFlag
from ..training import RESUMED, check_hparams, fit, learning_rate, load_checkpoint  # noqa: F401 (learning_rate: re-exported)
from ..unet import DigitsUNet, UNetConfig
from .data import load_split, random_shift
from .defaults import TRAIN_DEFAULTS
from .model import WEIGHTS, DigitsModel, save_weights

T = 1000
DEFAULTS = TRAIN_DEFAULTS


def default_checkpoint(out: Path | None) -> Path:
    """Where periodic checkpoints go: next to the weights, ``digits.ckpt`` (ignored by git and by the package)."""
    return (out if out is not None else WEIGHTS).with_suffix(".ckpt")


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
    check_hparams(steps=steps, batch_size=batch_size, lr=lr, p_uncond=p_uncond, ema_decay=ema_decay, warmup=warmup, augment=augment)
    device = torch.device(device)
    ckpt_path = Path(checkpoint) if checkpoint is not None else default_checkpoint(out)
    hp = dict(batch_size=batch_size, lr=lr, seed=seed, p_uncond=p_uncond, ema_decay=ema_decay, warmup=warmup,
              weight_decay=weight_decay, augment=augment)
    state = None
    if resume:
        state = load_checkpoint(ckpt_path)
        hp.update({k: state["hparams"][k] for k in RESUMED})
        config = UNetConfig.from_dict(state["config"])

    x_train, y_train = load_split("train")
    n = len(y_train)
    null = config.num_classes

    def draw(g: torch.Generator, batch: int) -> tuple[torch.Tensor, torch.Tensor]:
        idx = torch.randint(n, (batch,), generator=g)
        x0, c = x_train[idx], y_train[idx]
        if hp["augment"]:
            x0 = random_shift(x0, hp["augment"], generator=g)
        # (classifier-free guidance) drop the label to the null class with probability p_uncond
        drop = torch.rand(batch, generator=g) < hp["p_uncond"]
        return x0, torch.where(drop, torch.full_like(c, null), c)

    # DDPM's linear schedule, T = 1000 (ddpm.schedule); ᾱ_t in float64, index t−1 holding ᾱ_t
    ab = alpha_bars(linear_betas(T))
    ema, record = fit(lambda: DigitsUNet(config), draw, ab, steps=steps, hp=hp, config=config.to_dict(), device=device,
                      state=state, callback=callback, cancel=cancel, checkpoint=ckpt_path, checkpoint_every=checkpoint_every)
    model = DigitsModel(ema, ab, meta={
        "data": "scikit-learn digits, TRAIN split (paperkit.models.digits.data), 8×8 → 16×16 bilinear, [−1, 1]",
        "train_images": n, "schedule": "linear β 1e-4 … 0.02", "T": T, "objective": "L_simple / pixels (ε-prediction MSE)",
        **hp, **record, "device": str(device),
        "machine": f"{platform.machine()} {platform.system()}, torch {torch.__version__}, {torch.get_num_threads()} threads",
    })
    if out is not None:
        save_weights(model, Path(out))
    return model
