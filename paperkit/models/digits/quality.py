"""How good is the digits model? Sample every class with DDIM and classifier-free guidance, read the
samples with the digits classifier, and report the accuracy per guidance scale next to the
classifier's own accuracy on real held-out digits (the ceiling).

    python -m paperkit.models.digits.quality [--samples 500] [--steps 50] [--scales 1 2 4 7.5] [--json]

Sampling is DDIM (``ddim.12``) with η = 0 on the "leading" sub-sequence of 50 of the T = 1000 steps
(``ddim.subsequence``), the guided prediction ε̃ = ε_u + s (ε_c − ε_u) (``cfg.6``), one batch holding
the conditional and the unconditional half: ``paperkit.diffusion.sample``, the sampler every model and
demo uses. Every scale starts from the same seeded noise.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch

from ...diffusion.sampler import sample
from ...errors import UserError
from ...progress import Callback, CancelFlag
from .data import load_split

SCALES = (1.0, 2.0, 4.0, 7.5)


@torch.inference_mode()
def generate(
    model,
    labels: torch.Tensor,
    scale: float = 4.0,
    steps: int = 50,
    eta: float = 0.0,
    seed: int = 0,
    clip_x0: float | None = None,
    callback: Callback | None = None,
    cancel: CancelFlag | None = None,
) -> torch.Tensor:
    """Class-conditional DDIM samples (B, 1, 16, 16) in [−1, 1] for ``labels`` (B,), guided at ``scale``.

    x_T ~ 𝒩(0, I) from a CPU generator seeded with ``seed`` (so the same seed gives the same samples
    on every device), then ``paperkit.diffusion.sample`` over the model's schedule (``ddim.12`` on the
    leading ``ddim.subsequence``, ᾱ = 1 after the last step), ε̃ by ``cfg.6`` (the conditional model
    alone at scale 1); η > 0 draws its noise from the same generator, after x_T.
    """
    labels = torch.as_tensor(labels, dtype=torch.long).reshape(-1)
    g = torch.Generator().manual_seed(seed)
    B = labels.shape[0]
    x_T = torch.randn((B, model.channels, model.image_size, model.image_size), generator=g).to(model.device)
    x = sample(model, x_T, labels.to(model.device), steps=steps, eta=eta, guidance_scale=scale, generator=g,
               clip_x0=clip_x0, callback=callback, cancel=cancel)
    return x.clamp(-1, 1)


def evaluate(
    model,
    classifier=None,
    samples_per_class: int = 50,
    steps: int = 50,
    scales=SCALES,
    seed: int = 0,
    eta: float = 0.0,
    clip_x0: float | None = None,
    callback: Callback | None = None,
    cancel: CancelFlag | None = None,
    keep_images: bool = False,
) -> dict:
    """Accuracy of the classifier on ``samples_per_class`` samples of every digit, at each guidance scale.

    Returns ``{"ceiling", "samples", "steps", "eta", "seed", "results": [{"scale", "accuracy",
    "per_class", "confidence"}], "best": {...}}``; with ``keep_images`` each result also has ``images``.
    ``callback`` is told per sampling step across all scales.
    """
    from .classifier import classify, held_out_accuracy, load_classifier

    classifier = classifier if classifier is not None else load_classifier()
    labels = torch.arange(10).repeat_interleave(samples_per_class)
    results, done, total = [], 0, steps * len(scales)

    def tick(step, _total, info):
        if callback is not None:
            callback(done + step, total, info)

    for scale in scales:
        images = generate(model, labels, scale=scale, steps=steps, eta=eta, seed=seed, clip_x0=clip_x0, callback=tick, cancel=cancel)
        done += steps
        read, probs = classify(images, classifier)
        hit = (read == labels).float()
        r = {"scale": float(scale), "accuracy": hit.mean().item(),
             "per_class": [hit[labels == d].mean().item() for d in range(10)],
             "confidence": probs.gather(1, labels[:, None]).mean().item(),
             "nearest_train_rmse": nearest_train_rmse(images).median().item()}
        if keep_images:
            r["images"] = images.cpu()
        results.append(r)
    best = max(results, key=lambda r: r["accuracy"])
    return {"ceiling": held_out_accuracy(classifier),
            "held_out_nearest_train_rmse": nearest_train_rmse(load_split("held_out")[0]).median().item(), "samples": len(labels), "samples_per_class": samples_per_class,
            "steps": steps, "eta": eta, "seed": seed, "clip_x0": clip_x0, "results": results,
            "best": {"scale": best["scale"], "accuracy": best["accuracy"]}}


def nearest_train_rmse(images: torch.Tensor) -> torch.Tensor:
    """Per image, the RMSE (pixels in [−1, 1]) to the closest TRAIN image: a memorisation check.

    Samples much closer to TRAIN than real HELD_OUT digits are (``evaluate``'s reference value)
    would be copies of training images rather than new digits.
    """
    train, _ = load_split("train")
    a, b = images.flatten(1).cpu().double(), train.flatten(1).double()
    return (torch.cdist(a, b).min(dim=1).values / a.shape[1] ** 0.5).float()


def save_grid(images: torch.Tensor, path: Path, per_row: int, zoom: int = 3) -> Path:
    """Write samples as a PNG grid, ``per_row`` images per row (one row per digit in ``evaluate``'s order)."""
    from PIL import Image

    x = ((images[:, 0].clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)
    n, h, w = x.shape
    rows = -(-n // per_row)
    grid = torch.zeros(rows * (h + 1), per_row * (w + 1), dtype=torch.uint8)
    for i in range(n):
        r, c = divmod(i, per_row)
        grid[r * (h + 1):r * (h + 1) + h, c * (w + 1):c * (w + 1) + w] = x[i]
    img = Image.fromarray(grid.numpy()).resize((grid.shape[1] * zoom, grid.shape[0] * zoom), Image.NEAREST)
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path)
    return path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m paperkit.models.digits.quality",
                                description="Sample every digit with DDIM + classifier-free guidance and report "
                                "how many the digits classifier reads as the digit asked for, per guidance scale.")
    p.add_argument("--samples", type=int, default=500, help="samples in all, a multiple of 10 (default 500: 50 per digit)")
    p.add_argument("--steps", type=int, default=50, help="DDIM steps (default 50)")
    p.add_argument("--scales", type=float, nargs="+", default=list(SCALES), help="guidance scales (default 1 2 4 7.5)")
    p.add_argument("--eta", type=float, default=0.0, help="DDIM η (default 0: deterministic)")
    p.add_argument("--clip", action="store_true", help="clip the predicted x̂_0 to [−1, 1] at every step")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--weights", type=Path, default=None, help="the model's weights (default: the shipped ones)")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or mps (default auto)")
    p.add_argument("--threads", type=int, default=None, help="CPU threads for torch")
    p.add_argument("--grid", type=Path, default=None, help="also write a PNG of the samples per scale (PATH_s<scale>.png)")
    p.add_argument("--json", action="store_true", help="print JSON")
    args = p.parse_args(argv)
    try:
        return _run(args)
    except UserError as exc:
        print(f"paperkit: error: {exc}", file=sys.stderr)
        return 2


def _run(args) -> int:
    from ...device import resolve_device
    from .model import WEIGHTS, load_digits

    if args.samples < 10 or args.samples % 10:
        raise UserError(f"--samples must be a positive multiple of 10 (the same number per digit), got {args.samples}")
    if not 1 <= args.steps <= 1000:
        raise UserError(f"--steps must be between 1 and 1000, got {args.steps}")
    if args.threads:
        torch.set_num_threads(args.threads)
    device = resolve_device(args.device)
    weights = args.weights or WEIGHTS
    model = load_digits(weights, device=device)
    start = time.perf_counter()
    tty = sys.stderr.isatty() and not args.json

    def progress(step, total, info):
        if tty:
            print(f"\rsampling {step}/{total}", end="", file=sys.stderr, flush=True)

    report_ = evaluate(model, samples_per_class=args.samples // 10, steps=args.steps, scales=args.scales, seed=args.seed,
                       eta=args.eta, clip_x0=1.0 if args.clip else None, callback=progress, keep_images=args.grid is not None)
    if tty:
        print(file=sys.stderr)
    report_["wall_time_s"] = round(time.perf_counter() - start, 1)
    report_["weights"] = str(weights)
    report_["model_steps"] = model.meta.get("steps")
    report_["device"] = str(device)
    if args.grid is not None:
        for r in report_["results"]:
            images = r.pop("images")
            save_grid(images, args.grid.with_name(f"{args.grid.stem}_s{r['scale']:g}.png"), per_row=args.samples // 10)
    if args.json:
        print(json.dumps(report_, indent=2))
        return 0
    print(f"digits model {weights} ({report_['model_steps']} training steps), {device}")
    print(f"DDIM {args.steps} steps, η = {args.eta:g}, {report_['samples']} samples ({args.samples // 10} per digit), seed {args.seed}"
          + (", x̂_0 clipped" if args.clip else ""))
    print(f"classifier on real held-out digits (ceiling): {report_['ceiling']:.1%}\n")
    print("scale  accuracy  confidence  nearest-TRAIN RMSE   per digit 0–9 (%)")
    for r in report_["results"]:
        per = " ".join(f"{a * 100:3.0f}" for a in r["per_class"])
        print(f"{r['scale']:5g}  {r['accuracy']:8.1%}  {r['confidence']:10.3f}  {r['nearest_train_rmse']:18.3f}   {per}")
    print(f"{'real HELD_OUT digits':>27}  {report_['held_out_nearest_train_rmse']:18.3f}   (median; far below it = copies of TRAIN)")
    print(f"\nbest: scale {report_['best']['scale']:g}, {report_['best']['accuracy']:.1%}  ({report_['wall_time_s']} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
