"""The scene model's numbers, for its model card (issue 15).

- **samples**: captions of held-out scenes (half with one object, half with two), one sample each,
  DDIM with 50 steps at the default guidance; the attribute classifier (``classifier.py``) reads
  each sample and we count those whose objects are the caption's (shape and colour, exactly), and
  those whose background is too — over all, and for one- and two-object captions apart (binding a
  colour to the right shape is what a pair asks more of). The classifier's own accuracy on held-out
  renderings is the ceiling.
- **edits**: DiffEdit on held-out edits (``edits.py``) at its defaults: mean mask IoU against the
  true edit region, pixels kept outside the mask, edits read as the query (over all, and by count).

    python -m paperkit.models.scenes.quality [--samples 200] [--edits 24] [--guidance 3] [--seed 0] [--weights PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import torch

from ...diffusion import sample
from ...errors import UserError
from .classifier import load_classifier, read_scenes
from .data import held_out_scenes
from .edits import held_out_edits, run_edits, summary
from .model import DEFAULT_GUIDANCE, WEIGHTS, load_scenes


@torch.inference_mode()
def sample_accuracy(model, classifier, count: int = 200, guidance: float = DEFAULT_GUIDANCE, steps: int = 50,
                    seed: int = 0, batch: int = 100) -> dict:
    """The share of samples whose objects (and whose background) the classifier reads as captioned,
    over all and by the caption's number of objects."""
    scenes = held_out_scenes(count // 2, objects=1, seed=11 + seed) + held_out_scenes(count - count // 2, objects=2, seed=12 + seed)
    captions = [s.caption for s in scenes]
    gen = torch.Generator().manual_seed(seed)
    objects: list[bool] = []
    background = 0
    for i in range(0, count, batch):
        chunk = captions[i:i + batch]
        x_T = torch.randn(model.latent_shape(len(chunk)), generator=gen).to(model.device)
        x0 = sample(model, x_T, model.encode_prompt(chunk), steps=steps, guidance_scale=guidance)
        for caption, r in zip(chunk, read_scenes(classifier, model.to_pixels(x0).clamp(-1, 1))):
            objects.append(r.matches(caption, background=False))
            background += r.matches(caption)
    one, two = objects[: count // 2], objects[count // 2:]
    return {"samples": count, "guidance": guidance, "steps": steps, "objects_read": sum(objects) / count,
            "one_object": _share(one), "two_objects": _share(two), "objects_and_background_read": background / count}


def _share(flags: list) -> float | None:
    return sum(flags) / len(flags) if flags else None


def edit_scores(outcomes) -> dict:
    """``edits.summary`` and the share read as the query for one- and two-object scenes apart."""
    out = summary(outcomes)
    for key, k in (("one_object", 1), ("two_objects", 2)):
        out[key] = _share([o.reads_as_query for o in outcomes if len(o.edit.before.objects) == k and o.reads_as_query is not None])
    return out


def report(model, classifier, samples: int = 200, edits: int = 24, guidance: float = DEFAULT_GUIDANCE, seed: int = 0) -> dict:
    """Both measures; ``seed`` picks other held-out captions and edits (and other noise): a second
    set to choose settings on, so that the figures reported are not those the choice was made on."""
    t0 = time.perf_counter()
    out = {"samples": sample_accuracy(model, classifier, samples, guidance=guidance, seed=seed) if samples else None}
    outcomes = run_edits(model, held_out_edits(edits, seed=seed), classifier=classifier) if edits else []
    out["edits"] = edit_scores(outcomes) if outcomes else None
    out["edit_rows"] = [{"edit": o.edit.label, "iou": round(o.iou, 3), "kept": round(o.kept, 4),
                         "reads_as_query": o.reads_as_query, "reading": o.reading} for o in outcomes]
    out["classifier"] = {k: classifier.meta.get(k) for k in ("objects_accuracy", "background_accuracy", "held_out_scenes")}
    out["seconds"] = round(time.perf_counter() - t0, 1)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m paperkit.models.scenes.quality", description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--edits", type=int, default=24)
    parser.add_argument("--guidance", type=float, default=DEFAULT_GUIDANCE)
    parser.add_argument("--seed", type=int, default=0, help="0: the reported sets; another: a set to choose settings on")
    parser.add_argument("--weights", default=str(WEIGHTS))
    args = parser.parse_args(argv)
    try:
        if args.samples < 0 or args.edits < 0:
            raise UserError("--samples and --edits must be 0 or more")
        if not args.guidance > 0:
            raise UserError(f"--guidance must be positive, got {args.guidance:g}")
        model = load_scenes(args.weights)
        classifier = load_classifier()
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(report(model, classifier, args.samples, args.edits, args.guidance, args.seed), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
