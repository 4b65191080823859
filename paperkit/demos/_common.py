"""What the demos share: seeded noise, progress, NaN checks, image grids, real digits, the classifier,
and one guided DDIM sampling loop.

Randomness rule (see ``paperkit.demos``): every draw comes from a CPU ``torch.Generator`` seeded with
the demo's seed and is then moved to the device. The same seed therefore gives the same noise on
every device, and an identical result on the same device.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from typing import Sequence

import numpy as np
import torch

from ..diffusion import cfg, ddim_step, ddim_timesteps, predict_x0, rescale_by_norm_ratio, rescale_by_std
from ..progress import report
from .result import NonFiniteError, grid_meta


# -- randomness ----------------------------------------------------------------------------------
def generator(seed: int) -> torch.Generator:
    """The demo's one source of randomness: a CPU generator (the same draws on every device)."""
    return torch.Generator("cpu").manual_seed(int(seed))


def randn(shape, gen: torch.Generator, device) -> torch.Tensor:
    """Standard normal noise drawn on the CPU generator, then moved to ``device``."""
    return torch.randn(tuple(shape), generator=gen, dtype=torch.float32).to(device)


# -- progress, cancellation and NaN checks ---------------------------------------------------------
class Progress:
    """One counter over the whole demo: ``tick`` reports step k of ``total`` and honours ``cancel``."""

    def __init__(self, demo: str, total: int, callback=None, cancel=None):
        self.demo, self.total, self.callback, self.cancel = demo, max(int(total), 1), callback, cancel
        self.done = 0

    def tick(self, **info) -> None:
        self.done += 1
        report(self.done, self.total, self.callback, self.cancel, demo=self.demo, **info)


def check_finite(x: torch.Tensor, demo: str, where: str, what: str = "sample") -> torch.Tensor:
    """``x`` unchanged, or ``NonFiniteError`` if any value is NaN or ±inf."""
    if not bool(torch.isfinite(x).all()):
        raise NonFiniteError(demo, where, what)
    return x


# -- images --------------------------------------------------------------------------------------
PAD_VALUE = 128  # mid-grey lines between tiles: the digits are white on black


def to_uint8(x: torch.Tensor) -> np.ndarray:
    """Pixels in [−1, 1] (anything, …, H, W) → uint8 0..255 on the CPU, clipped."""
    return ((x.detach().float().cpu().clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).numpy()


def grid(x: torch.Tensor, ncol: int | None = None, pad: int = 1) -> np.ndarray:
    """A (N, 1, H, W) batch — or (R, C, 1, H, W) rows × columns — as one uint8 image (H, W)."""
    x = x.detach()
    if x.ndim == 4:
        n = x.shape[0]
        ncol = ncol or n
        nrow = -(-n // ncol)
        blank = torch.full((nrow * ncol - n, *x.shape[1:]), -1.0, dtype=x.dtype, device=x.device)
        x = torch.cat([x, blank]).reshape(nrow, ncol, *x.shape[1:])
    R, C, _, H, W = x.shape
    tiles = to_uint8(x[:, :, 0])  # (R, C, H, W)
    out = np.full((R * (H + pad) - pad, C * (W + pad) - pad), PAD_VALUE, dtype=np.uint8)
    for r in range(R):
        for c in range(C):
            out[r * (H + pad): r * (H + pad) + H, c * (W + pad): c * (W + pad) + W] = tiles[r, c]
    return out


def add_grid(result, name: str, x: torch.Tensor, *, title: str, rows: Sequence, cols: Sequence,
             row_title: str = "", col_title: str = "", caption: str | None = None, pad: int = 1) -> np.ndarray:
    """Put ``x`` in ``result`` as the grid image ``name``, with its labels (``result.grids[name]``).

    ``x`` is (R, C, 1, H, W) — rows × columns — or (N, 1, H, W), one row. ``rows``/``cols`` label each
    row/column (what the demo stacked along that axis, in that order); a count that does not match the
    tensor's raises, so a label cannot drift from its tile. ``title`` is the figure's one line;
    ``caption`` (default: the title) the one-line description in ``result.captions``.
    """
    if x.ndim == 4:
        x = x.unsqueeze(0)
    if x.ndim != 5:
        raise ValueError(f"image {name!r}: expected (R, C, 1, H, W) or (N, 1, H, W), got {tuple(x.shape)}")
    R, C, _, H, W = x.shape
    if len(rows) != R or len(cols) != C:
        raise ValueError(f"image {name!r}: {len(rows)} row and {len(cols)} column labels for {R} × {C} tiles")
    image = grid(x, pad=pad)
    meta = grid_meta(title=title, rows=rows, cols=cols, tile=(H, W), pad=pad, row_title=row_title,
                     col_title=col_title, pad_value=PAD_VALUE)
    assert tuple(meta["shape"]) == image.shape, (meta["shape"], image.shape)
    result.images[name] = image
    result.grids[name] = meta
    result.captions[name] = caption or title
    return image


def saturation(x: torch.Tensor) -> dict[str, float]:
    """Pixel statistics of final samples before display clipping: the share beyond ±1 (which display
    clips), mean |x| and max |x|. Real digits sit in [−1, 1] with much of the background at −1 exactly."""
    a = x.detach().float().abs()
    return {"clipped": float((a > 1).float().mean()), "mean_abs": float(a.mean()), "max_abs": float(a.max())}


# -- data ----------------------------------------------------------------------------------------
@lru_cache(maxsize=2)
def _split(split: str) -> tuple[torch.Tensor, torch.Tensor]:
    """scikit-learn's digits as the model sees them: (N, 1, 16, 16) in [−1, 1] and labels.

    ``paperkit.models.digits.data`` (the trainer's own split) when present; otherwise the same maths
    here (x/8 − 1, bilinear 8×8 → 16×16 without corner alignment) on all 1797 images.
    """
    if importlib.util.find_spec("paperkit.models.digits.data") is not None:
        from ..models.digits.data import load_split

        return load_split(split)
    from sklearn.datasets import load_digits
    from torch.nn import functional as F

    bunch = load_digits()
    x = torch.as_tensor(bunch.images, dtype=torch.float32)[:, None] / 8.0 - 1.0
    x = F.interpolate(x, size=(16, 16), mode="bilinear", align_corners=False).clamp(-1, 1)
    return x, torch.as_tensor(bunch.target, dtype=torch.long)


def real_digits(classes: Sequence[int], which: int = 0, split: str = "held_out") -> tuple[torch.Tensor, torch.Tensor]:
    """The ``which``-th image of each digit in ``classes`` from ``split`` (held-out: never trained on)."""
    images, labels = _split(split)
    picks = []
    for c in classes:
        idx = torch.nonzero(labels == int(c)).flatten()
        picks.append(int(idx[which % len(idx)]))
    return images[picks].clone(), labels[picks].clone()


# -- the classifier (optional) ----------------------------------------------------------------------
_CLASSIFIER_MODULE = "paperkit.models.digits.classifier"


def classifier_available() -> bool:
    return importlib.util.find_spec(_CLASSIFIER_MODULE) is not None


@lru_cache(maxsize=1)
def _classifier():
    """(module, classifier), or None when the module or its weights are missing."""
    from ..errors import UserError

    module = importlib.import_module(_CLASSIFIER_MODULE)
    try:
        return module, module.load_classifier()
    except UserError:
        return None


def classify(images: torch.Tensor) -> tuple[np.ndarray, np.ndarray] | None:
    """(labels (B,), probabilities (B, 10)) from the digits classifier, or None when it is not there.

    Images are samples in [−1, 1], clipped as they are displayed, and scored on the CPU.
    """
    if not classifier_available():
        return None
    loaded = _classifier()
    if loaded is None:
        return None
    module, clf = loaded
    labels, probs = module.classify(images.detach().float().cpu().clamp(-1, 1), clf)
    return np.asarray(labels.cpu()), np.asarray(probs.float().cpu())


def readings(images: torch.Tensor, targets: Sequence[int]) -> dict | None:
    """Classifier accuracy against ``targets`` and the mean probability of the target class."""
    out = classify(images)
    if out is None:
        return None
    labels, probs = out
    targets = np.asarray(list(targets))
    conf = probs[np.arange(len(targets)), targets]
    return {"labels": labels.tolist(), "accuracy": float((labels == targets).mean()),
            "confidence": float(conf.mean()), "target_probs": conf.tolist()}


# -- sampling --------------------------------------------------------------------------------------
def null_like(model, cond: torch.Tensor) -> torch.Tensor:
    """The unconditional input matching ``cond``: the null label, or its embedding for (B, D) embeddings."""
    null = model.null_cond
    return model.embed(null) if cond.is_floating_point() else null


def guided_eps(model, x: torch.Tensor, t: int, cond: torch.Tensor, null: torch.Tensor, scale: float,
               rescale: str | None = None, phi: float = 0.7, norms: list | None = None) -> torch.Tensor:
    """ε̃ for one step: ``cfg.6`` with the unconditional and conditional predictions in one batched call,
    then optionally ``rescale_by_norm_ratio`` (ref: the conditional ε; ``lesson11.norm_rescale``) or
    ``rescale_by_std`` (φ; ``lesson11.guidance_rescale``). Scale 1 needs only the conditional model and
    scale 0 only the unconditional one (without rescaling). ``norms``, when given, collects per step
    the batch means of ‖ε̃‖/‖ε_c‖ before and after rescaling (guided steps only)."""
    B = x.shape[0]
    if rescale is None and scale == 1.0:
        return model.eps(x, t, cond)
    if rescale is None and scale == 0.0:
        return model.eps(x, t, null.expand(B, *null.shape[1:]))
    conds = torch.cat([null.expand(B, *null.shape[1:]), cond.expand(B, *cond.shape[1:])])
    eps_uncond, eps_cond = model.eps(torch.cat([x, x]), t, conds).chunk(2)
    eps_cfg = eps = cfg(eps_uncond, eps_cond, scale)
    if rescale == "norm":
        eps = rescale_by_norm_ratio(eps_cfg, eps_cond)
    elif rescale == "std":
        eps = rescale_by_std(eps_cfg, eps_cond, phi)
    elif rescale is not None:
        raise ValueError(f"rescale must be None, 'norm' or 'std', got {rescale!r}")
    if norms is not None:
        norm_c = eps_cond.flatten(1).norm(dim=1)
        norms.append(torch.stack([(eps_cfg.flatten(1).norm(dim=1) / norm_c).mean(), (eps.flatten(1).norm(dim=1) / norm_c).mean()]))
    return eps


def ddim_sample(model, x_T: torch.Tensor, cond: torch.Tensor, *, steps: int, progress: Progress,
                eta: float = 0.0, scales: float | Sequence[float] = 1.0, rescale: str | None = None,
                phi: float = 0.7, gen: torch.Generator | None = None, stage: str = "sample",
                record: Sequence[int] = (), norms: list | None = None) -> tuple[torch.Tensor, dict[int, tuple[torch.Tensor, torch.Tensor]]]:
    """DDIM (``ddim.12`` with σ_t(η) of ``ddim.16``) on the leading sub-sequence τ (``ddim.subsequence``).

    ``scales`` is one guidance scale or one per step (``lesson11.decreasing_guidance``). η > 0 draws
    its noise from ``gen`` (CPU). ``record`` lists step indices whose (x_t, x̂_0) are kept; ``norms``
    collects ‖ε̃‖/‖ε_c‖ per guided step (see ``guided_eps``). Returns
    (x_0, recorded); x_0 is not clipped, so saturation can be measured.
    """
    ab = model.alpha_bars
    taus = ddim_timesteps(len(ab), steps, "leading").tolist()
    ab_t = ab[taus].tolist()
    ab_prev = ab_t[1:] + [1.0]
    scale_list = [float(scales)] * len(taus) if isinstance(scales, (int, float)) else [float(s) for s in scales]
    if len(scale_list) != len(taus):
        raise ValueError(f"{len(scale_list)} guidance scales for {len(taus)} steps")
    if eta and gen is None:
        raise ValueError("η > 0 needs the demo's generator: its noise must be seeded")
    null = null_like(model, cond)
    x, recorded, keep = x_T, {}, set(record)
    for i, (t, a_t, a_prev, s) in enumerate(zip(taus, ab_t, ab_prev, scale_list)):
        eps = guided_eps(model, x, t, cond, null, s, rescale, phi, norms)
        if i in keep:
            recorded[i] = (x, predict_x0(x, eps, a_t))
        noise = randn(x.shape, gen, x.device) if eta else None
        x = ddim_step(x, eps, a_t, a_prev, eta=eta, noise=noise)
        where = f"{stage} step {i + 1}/{len(taus)} (t={t})"
        check_finite(x, progress.demo, where)
        progress.tick(stage=stage, t=t)
    return x, recorded
