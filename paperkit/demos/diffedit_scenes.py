"""``diffedit`` on the scene world (issue 15): held-out scenes edited inside DiffEdit's inferred mask,
beside the *true* edit region, and scored against it.

Couairon et al. 2022 §3: the mask from |ε_θ(x_t, Q) − ε_θ(x_t, R)| over n noise draws at 50 %
strength (``diffedit.step1``), DDIM encoding of the input to r (``diffedit.step2``), decoding under Q
with the input's latents outside the mask (``diffedit.step3``) — ``paperkit.models.scenes.edits``.
The world renders both captions at one layout, so the pixels an edit should touch are known: each
edit's mask IoU with them, the share of pixels kept outside the mask, and whether the attribute
classifier reads the edited scene as Q go into the table and ``--json``.

Settings (``DIFFEDIT_DEFAULTS``): the paper's n = 10, strength 0.5, threshold 0.5 and guidance 7.5;
the difference map rescaled as diffusers does (clamped at 3 × its mean, ``clamp_mean``) rather than
min–max, the mask's enclosed holes filled, and r = 0.8 rather than 0.5 — ``paperkit.models.scenes.edits``
says why, with the figures (MODEL_CARD_SCENES.md has the whole sweep).
The result's settings name both: ``paper`` (``PAPER_SETTINGS``) and ``not_the_papers`` (the keys used
otherwise). Progress is one counter, 1 + 2·int(steps · r) ticks: the mask, each encoding step, each
decoding step; cancel stops between any two.

Files (``result.files``, written by ``paperkit run diffedit --out DIR``): for each edit i from 1,
``i-input.png``, ``i-mask.png`` (inferred mask, white = edit), ``i-truth.png`` (true edit region,
white) and ``i-edit.png``, all at the scene's 32×32 pixels.
"""

from __future__ import annotations

import numpy as np
import torch

from ..errors import UserError
from ._common import Progress, add_grid
from .result import DemoResult

EDITS = 6
#: The paper's values (§3–4: n = 10 noise draws at 50 % strength, threshold 0.5, r = 0.5, guidance 7.5),
#: named in each result's settings beside the ones used (``not_the_papers``).
PAPER_SETTINGS = {"n": 10, "strength": 0.5, "threshold": 0.5, "rescale": "minmax", "fill_holes": False, "encode_ratio": 0.5,
                  "guidance": 7.5}


def run_scenes(model, *, device, seed: int, steps: int | None, callback=None, cancel=None, source: str | None = None,
               target: str | None = None, images=None, count: int = EDITS, **overrides) -> DemoResult:
    from ..models.scenes.classifier import load_classifier
    from ..models.scenes.edits import DIFFEDIT_DEFAULTS, held_out_edits, run_edits, summary

    unknown = set(overrides) - set(DIFFEDIT_DEFAULTS)
    if unknown:
        raise TypeError(f"unknown diffedit option(s) for the scene model: {', '.join(sorted(unknown))}")
    if images:
        raise UserError("diffedit on the scene model edits scenes it renders itself (so it knows the true edit "
                        "region): drop --image and give --from/--to captions, or nothing for held-out edits")
    opts = {**DIFFEDIT_DEFAULTS, **overrides, **({"steps": int(steps)} if steps is not None else {})}
    edits = [caption_edit(source, target)] if source or target else held_out_edits(count)
    try:
        classifier = load_classifier()
    except UserError:
        classifier = None
    progress = _progress(opts, callback, cancel)
    outcomes = run_edits(model, edits, seed=seed, classifier=classifier, callback=progress, cancel=cancel, **opts)
    stats = summary(outcomes)

    result = DemoResult("diffedit", settings={"seed": seed, "device": str(device), "model": "scenes", **opts,
                                              "paper": dict(PAPER_SETTINGS),
                                              "not_the_papers": [k for k, v in PAPER_SETTINGS.items() if opts[k] != v],
                                              "edits": [{"from": e.source, "to": e.target} for e in edits]})
    labels = [o.edit.label for o in outcomes]
    what = "the scene --from describes" if source or target else "held-out scenes"
    _figure(result, outcomes, labels, opts, what)
    rows = []
    for i, o in enumerate(outcomes, 1):
        rows.append({"#": i, "edit": o.edit.label, "mask IoU": round(o.iou, 3), "kept outside": round(o.kept, 4),
                     "mask px": int(o.mask.sum()), "true px": int(o.truth.sum()),
                     "reads as Q": "—" if o.reads_as_query is None else ("yes" if o.reads_as_query else "no"),
                     "classifier reads": o.reading or "—"})
        result.files[f"{i}-input"] = o.input
        result.files[f"{i}-mask"] = (o.mask * 255).astype(np.uint8)
        result.files[f"{i}-truth"] = (o.truth * 255).astype(np.uint8)
        result.files[f"{i}-edit"] = o.edited
    result.tables.append({"name": "edits", "title": f"DiffEdit on {what}: n = {opts['n']}, strength {opts['strength']:g}, "
                          f"{opts['rescale']} rescale, threshold {opts['threshold']:g}"
                          f"{', holes filled' if opts['fill_holes'] else ''}, r = {opts['encode_ratio']:g}, guidance {opts['guidance']:g}",
                          "columns": list(rows[0]), "rows": rows})
    result.metrics.update({"mean_iou": stats["mean_iou"], "unchanged_outside_mask": stats["min_kept"]})
    if stats["reads_as_query"] is not None:
        result.metrics["edit_read_as_query"] = stats["reads_as_query"]
    result.text = [f"{len(outcomes)} edits: mask IoU with the true edit region {stats['mean_iou']:.2f} on average; "
                   f"outside the mask {stats['min_kept']:.2%} of pixels unchanged (worst edit)"]
    if stats["reads_as_query"] is not None:
        result.text.append(f"the attribute classifier reads {stats['reads_as_query']:.0%} of the edited scenes as the query")
    return result


def _progress(opts: dict, callback, cancel):
    """One counter over the run, 1 + 2·int(steps · r) ticks as in the digits' DiffEdit: the mask
    (``diffedit.step1``, ticked when the encoding's first step reports, since it ends there), then each
    encoding step (``diffedit.step2``) and each decoding step (``diffedit.step3``); cancel is honoured
    at every tick. ``run_edits`` reports encode and decode each from 1, which would restart a bar."""
    n_enc = int(opts["steps"] * opts["encode_ratio"])
    counter = Progress("diffedit", 1 + 2 * n_enc, callback, cancel)

    def forward(step: int, total: int, info: dict) -> None:
        if counter.done == 0:
            counter.tick(stage="mask")
        counter.tick(**info)

    return forward


def _figure(result: DemoResult, outcomes, labels: list[str], opts: dict, what: str) -> None:
    def px(a: np.ndarray) -> torch.Tensor:
        t = torch.from_numpy(np.ascontiguousarray(a)).float() / 127.5 - 1
        return t.permute(2, 0, 1) if t.ndim == 3 else t.expand(3, *t.shape)

    def grey(m: np.ndarray) -> torch.Tensor:
        return px(m.astype(np.uint8) * 255)

    tiles = [torch.stack([px(o.input), grey(o.truth), grey(o.mask), px(o.edited),
                          px(np.abs(o.edited.astype(int) - o.input.astype(int)).astype(np.uint8))]) for o in outcomes]
    add_grid(result, "edits", torch.stack(tiles), rows=labels, row_title="R → Q",
             cols=["input", "true region", "inferred mask", "edit", "|edit − input|"],
             title=f"DiffEdit on {what}: inferred mask beside the true edit region (r = {opts['encode_ratio']:g})",
             caption="rows: " + "; ".join(labels) + "; columns: input, true edit region, inferred mask M, edit, what changed")


def caption_edit(source: str | None, target: str | None):
    """An edit from two captions: the scene ``source`` describes (a layout seeded by it) and the same
    layout with the attributes ``target`` names. One UserError line when they cannot be one scene."""
    from ..models.scenes.edits import SceneEdit
    from ..models.scenes.layouts import scene_for_caption
    from ..scenes import parse_caption

    if not (source and target):
        raise UserError("--from and --to go together: the scene as it is, and as it should become")
    before = scene_for_caption(source)
    try:
        want = parse_caption(target)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    if (want["background"], want["colour"]) != (before.background, before.colour) or len(want["objects"]) != len(before.objects):
        raise UserError("--to must describe the same background and as many objects as --from: DiffEdit changes objects, "
                        "not the scene around them")
    after = before
    for i, (colour, shape) in enumerate(want["objects"]):
        after = after.with_object(i, shape=shape, colour=colour)
    if after == before:
        raise UserError("--from and --to describe the same scene: nothing to edit")
    changed = next(i for i, (a, b) in enumerate(zip(before.objects, after.objects)) if a != b)
    return SceneEdit(before, after, before.caption, after.caption, changed)
