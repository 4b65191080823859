"""The scene model's numbers, for its model card (issue 15).

- **samples**: captions of held-out scenes (half with one object, half with two), one sample each,
  DDIM with 50 steps at the default guidance; the attribute classifier (``classifier.py``) reads
  each sample and we count those whose objects are the caption's (shape and colour, exactly), and
  those whose background is too. The classifier's own accuracy on held-out renderings is the ceiling.
- **edits**: DiffEdit on held-out edits (``edits.py``) at the paper's settings: mean mask IoU against
  the true edit region, pixels kept outside the mask, edits read as the query.

    python -m paperkit.models.scenes.quality [--samples 200] [--edits 12] [--weights PATH]
"""

from __future__ import annotations

import argparse
import json
import time

import torch

from ...diffusion import sample
from .classifier import load_classifier, read_scenes
from .data import held_out_scenes
from .edits import held_out_edits, run_edits, summary
from .model import DEFAULT_GUIDANCE, WEIGHTS, load_scenes


@torch.inference_mode()
def sample_accuracy(model, classifier, count: int = 200, guidance: float = DEFAULT_GUIDANCE, steps: int = 50,
                    seed: int = 0, batch: int = 100) -> dict:
    """The share of samples whose objects (and whose background) the classifier reads as captioned."""
    scenes = held_out_scenes(count // 2, objects=1, seed=11 + seed) + held_out_scenes(count - count // 2, objects=2, seed=12 + seed)
    captions = [s.caption for s in scenes]
    gen = torch.Generator().manual_seed(seed)
    objects = background = 0
    for i in range(0, count, batch):
        chunk = captions[i:i + batch]
        x_T = torch.randn(model.latent_shape(len(chunk)), generator=gen).to(model.device)
        x0 = sample(model, x_T, model.encode_prompt(chunk), steps=steps, guidance_scale=guidance)
        for caption, r in zip(chunk, read_scenes(classifier, model.to_pixels(x0).clamp(-1, 1))):
            objects += r.matches(caption, background=False)
            background += r.matches(caption)
    return {"samples": count, "guidance": guidance, "steps": steps, "objects_read": objects / count,
            "objects_and_background_read": background / count}


def report(model, classifier, samples: int = 200, edits: int = 12, guidance: float = DEFAULT_GUIDANCE) -> dict:
    t0 = time.perf_counter()
    out = {"samples": sample_accuracy(model, classifier, samples, guidance=guidance) if samples else None}
    outcomes = run_edits(model, held_out_edits(edits), classifier=classifier) if edits else []
    out["edits"] = summary(outcomes) if outcomes else None
    out["edit_rows"] = [{"edit": o.edit.label, "iou": round(o.iou, 3), "kept": round(o.kept, 4),
                         "reads_as_query": o.reads_as_query, "reading": o.reading} for o in outcomes]
    out["classifier"] = {k: classifier.meta.get(k) for k in ("objects_accuracy", "background_accuracy", "held_out_scenes")}
    out["seconds"] = round(time.perf_counter() - t0, 1)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m paperkit.models.scenes.quality", description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--edits", type=int, default=12)
    parser.add_argument("--guidance", type=float, default=DEFAULT_GUIDANCE)
    parser.add_argument("--weights", default=str(WEIGHTS))
    args = parser.parse_args(argv)
    model = load_scenes(args.weights)
    print(json.dumps(report(model, load_classifier(), args.samples, args.edits, args.guidance), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
