"""What the demos share: seeded noise, progress, NaN checks, image grids, real digits, the classifiers
(the digits one, the scene world's attribute one), what a demo's columns are (captions, prompts or
digits), and the demos' way into ``paperkit.diffusion.sample``.

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

from ..diffusion import Guidance, Step, predict_x0, rescale_rule, sample
from ..progress import report
from . import DEFAULT_PROMPTS, SCENE_CAPTIONS
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
    """A (N, C, H, W) batch — or (R, K, C, H, W) rows × columns — as one uint8 image: (H', W') for one
    channel (the digits), (H', W', 3) for three (Stable Diffusion's pixels)."""
    x = x.detach()
    if x.ndim == 4:
        n = x.shape[0]
        ncol = ncol or n
        nrow = -(-n // ncol)
        blank = torch.full((nrow * ncol - n, *x.shape[1:]), -1.0, dtype=x.dtype, device=x.device)
        x = torch.cat([x, blank]).reshape(nrow, ncol, *x.shape[1:])
    R, C, ch, H, W = x.shape
    if ch not in (1, 3):
        raise ValueError(f"a grid tile has 1 or 3 channels, got {ch}")
    tiles = to_uint8(x).transpose(0, 1, 3, 4, 2)  # (R, C, H, W, ch)
    out = np.full((R * (H + pad) - pad, C * (W + pad) - pad, ch), PAD_VALUE, dtype=np.uint8)
    for r in range(R):
        for c in range(C):
            out[r * (H + pad): r * (H + pad) + H, c * (W + pad): c * (W + pad) + W] = tiles[r, c]
    return out[..., 0] if ch == 1 else out


def add_grid(result, name: str, x: torch.Tensor, *, title: str, rows: Sequence, cols: Sequence,
             row_title: str = "", col_title: str = "", caption: str | None = None, pad: int = 1) -> np.ndarray:
    """Put ``x`` in ``result`` as the grid image ``name``, with its labels (``result.grids[name]``).

    ``x`` is (R, K, C, H, W) — rows × columns of C = 1 or 3 channel tiles — or (N, C, H, W), one row. ``rows``/``cols`` label each
    row/column (what the demo stacked along that axis, in that order); a count that does not match the
    tensor's raises, so a label cannot drift from its tile. ``title`` is the figure's one line;
    ``caption`` (default: the title) the one-line description in ``result.captions``.
    """
    if x.ndim == 4:
        x = x.unsqueeze(0)
    if x.ndim != 5:
        raise ValueError(f"image {name!r}: expected (R, K, C, H, W) or (N, C, H, W), got {tuple(x.shape)}")
    R, C, _, H, W = x.shape
    if len(rows) != R or len(cols) != C:
        raise ValueError(f"image {name!r}: {len(rows)} row and {len(cols)} column labels for {R} × {C} tiles")
    image = grid(x, pad=pad)
    meta = grid_meta(title=title, rows=rows, cols=cols, tile=(H, W), pad=pad, row_title=row_title,
                     col_title=col_title, pad_value=PAD_VALUE)
    assert tuple(meta["shape"]) == image.shape[:2], (meta["shape"], image.shape)
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


def readings(images: torch.Tensor, targets: Sequence[int] | Sequence[str] | None) -> dict | None:
    """Classifier accuracy against ``targets`` and the mean probability of the target class (None when
    there are no targets — a text-to-image model's samples — or no classifier). Targets that are
    captions (the scene model's) are read by the scene world's attribute classifier."""
    if targets is None:
        return None
    if targets and isinstance(list(targets)[0], str):
        return scene_readings(images, list(targets))
    out = classify(images)
    if out is None:
        return None
    labels, probs = out
    targets = np.asarray(list(targets))
    conf = probs[np.arange(len(targets)), targets]
    return {"labels": labels.tolist(), "accuracy": float((labels == targets).mean()),
            "confidence": float(conf.mean()), "target_probs": conf.tolist()}


def scene_readings(images: torch.Tensor, captions: Sequence[str]) -> dict | None:
    """The scene world's attribute classifier (``paperkit.models.scenes.classifier``) on samples, each
    against its caption: accuracy = the share it reads as exactly the caption's objects (shape and
    colour; the background is not scored — the conditioning's easy part); confidence = the mean of its
    probability for each of the caption's objects; labels = what it reads ("red circle on plain
    blue"). Images are clipped to [−1, 1] as displayed and read on the CPU. None when its weights
    are missing."""
    from ..errors import UserError
    from ..models.scenes.classifier import PAIRS, load_classifier, read_scenes
    from ..scenes import parse_caption

    try:
        clf = load_classifier()
    except UserError:
        return None
    x = images.detach().float().cpu().clamp(-1, 1)
    found = read_scenes(clf, x)
    with torch.inference_mode():
        probs = torch.sigmoid(clf(x)[0])
    wanted = [parse_caption(c)["objects"] for c in captions]
    conf = [float(np.mean([probs[i, PAIRS.index(o)].item() for o in objects])) for i, objects in enumerate(wanted)]
    hits = [r.matches(c, background=False) for r, c in zip(found, captions)]
    return {"labels": [r.describe() for r in found], "accuracy": float(np.mean(hits)), "confidence": float(np.mean(conf)),
            "target_probs": conf, "hits": hits}


def short_caption(caption: str) -> str:
    """A caption as a figure's column label, in the words the classifier's readings use: "a red
    circle on a striped blue background" → "red circle on striped blue" (the full caption stays in
    the result's settings)."""
    from ..errors import UserError
    from ..scenes import BACKGROUNDS, parse_caption

    try:
        parsed = parse_caption(caption)
    except ValueError as exc:  # outside the world's vocabulary: the one line caption_tokens gives too
        raise UserError(str(exc)) from None
    things = " and ".join(f"{c} {s}" for c, s in parsed["objects"])
    return f"{things} on {BACKGROUNDS[parsed['background']]} {parsed['colour']}"


def is_scene_model(model) -> bool:
    """The built-in scene model (``paperkit.models.scenes``): captions in, 32×32 RGB out."""
    return getattr(model, "name", "") == "scenes"


# -- subjects: what the columns of a sampling demo are -----------------------------------------------
def subjects(model, prompts: Sequence[str] | None, classes: Sequence[int], device):
    """The columns of a sampling demo: (labels, cond, column title, classifier targets or None).

    - a text-to-image model: one column per prompt (``DEFAULT_PROMPTS`` when none), cond = its text
      embeddings, no classifier;
    - the scene model: one column per caption (``SCENE_CAPTIONS``, held-out captions, when none;
      labelled by ``short_caption``), cond = its tokens, targets = the captions, scored by the scene
      world's attribute classifier (``scene_readings``); a caption outside the world is a UserError;
    - the digits model: one column per class — the digits the prompts name ("3", "three") when
      given, else ``classes`` — cond = the labels, scored by the digits classifier.
    """
    if is_scene_model(model):
        captions = [" ".join(str(p).split()) for p in (prompts or SCENE_CAPTIONS)]
        cond = model.encode_prompt(captions)  # checks each caption first: one UserError line
        return [short_caption(c) for c in captions], cond, "caption", captions
    if getattr(model, "text_to_image", False):
        prompts = [str(p) for p in (prompts or DEFAULT_PROMPTS)]
        if not all(p.strip() for p in prompts):
            raise ValueError("a prompt is empty: give each --prompt some text")
        return prompts, model.encode_prompt(prompts), "prompt", None
    if prompts:
        classes = [int(c) for c in model.encode_prompt(list(prompts)).tolist()]
    classes = list(map(int, classes))
    return classes, torch.tensor(classes, device=device), "digit", classes


def subject_settings(cols: Sequence, targets) -> dict:
    """The columns for ``DemoResult.settings``: ``{"classes": …}`` for digits, ``{"prompts": …}`` for
    text and for the scene model's captions (whole, not the columns' short labels)."""
    if targets is None:
        return {"prompts": list(cols)}
    return {"prompts": list(targets)} if isinstance(targets[0], str) else {"classes": list(cols)}


def start_noise(model, batch: int, gen: torch.Generator, device) -> torch.Tensor:
    """x_T for ``batch`` samples in the model's space and dtype, from the demo's CPU generator."""
    return randn(model.latent_shape(batch), gen, device).to(getattr(model, "dtype", torch.float32))


def pixels(model, x: torch.Tensor) -> torch.Tensor:
    """Samples as pixels in [−1, 1] (not clipped), float32: decoded by the VAE for a latent model."""
    to_pixels = getattr(model, "to_pixels", None)
    return (to_pixels(x) if to_pixels is not None else x).float()


# -- sampling --------------------------------------------------------------------------------------
def ddim_sample(model, x_T: torch.Tensor, cond: torch.Tensor, *, steps: int, progress: Progress,
                eta: float = 0.0, scales: float | Sequence[float] = 1.0, rescale: str | None = None,
                phi: float = 0.7, gen: torch.Generator | None = None, stage: str = "sample",
                record: Sequence[int] = (), norms: list | None = None, sampler: str = "ddim",
                variance: str = "beta_tilde") -> tuple[torch.Tensor, dict[int, tuple[torch.Tensor, torch.Tensor]]]:
    """``paperkit.diffusion.sample`` with the demo's progress counter, a NaN check after every step
    and what the demos record. DDIM (``ddim.12``, σ_t(η) of ``ddim.16``) on the model's sub-sequence.

    ``scales`` is one guidance scale or one per step (``lesson11.decreasing_guidance``); ``rescale``
    "norm" or "std" (φ) rescales the guided ε (``lesson11.norm_rescale``, ``lesson11.guidance_rescale``).
    η > 0 draws its noise from ``gen`` (CPU). ``record`` lists step indices whose (x_t, x̂_0) are kept;
    ``norms`` collects per guided step the batch means of ‖ε̃‖/‖ε_c‖ before and after rescaling.
    Returns (x_0, recorded); x_0 is not clipped, so saturation can be measured.
    """
    if (eta or sampler == "ddpm") and gen is None:
        raise ValueError("a stochastic sampler needs the demo's generator: its noise must be seeded")
    rule = rescale_rule(rescale, phi)
    schedule = scales if not isinstance(scales, (int, float)) else None
    recorded, keep = {}, set(record)

    def observe(step: Step) -> None:
        if step.i in keep:
            recorded[step.i] = (step.x_t, predict_x0(step.x_t, step.eps, step.alpha_bar_t))
        if norms is not None and step.eps_cfg is not None:
            norm_c = step.eps_cond.flatten(1).float().norm(dim=1)
            norms.append(torch.stack([(step.eps_cfg.flatten(1).float().norm(dim=1) / norm_c).mean(),
                                      (step.eps.flatten(1).float().norm(dim=1) / norm_c).mean()]))

    def checked(i: int, t: int, x: torch.Tensor) -> None:
        check_finite(x, progress.demo, f"{stage} step {i + 1}/{steps} (t={t})")
        progress.tick(stage=stage, t=t)

    x0 = sample(model, x_T, cond, steps=steps, sampler=sampler, eta=eta,
                guidance_scale=float(scales) if schedule is None else 1.0,
                guidance=Guidance(schedule=schedule, rescale=rule), generator=gen,
                observe=observe if (keep or norms is not None) else None, after_step=checked, variance=variance)
    return x0, recorded
