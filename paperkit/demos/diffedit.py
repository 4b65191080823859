"""``diffedit``: DiffEdit's three steps on real held-out digits, from a source class R to a query class Q.

1. mask (``diffedit.step1``): noise x_0 to 50 % strength n = 10 times, take |ε_θ(x_t, Q) − ε_θ(x_t, R)|
   averaged over the draws, rescale min–max per image (the paper's choice) and threshold at 0.3;
2. encode (``diffedit.step2``): DDIM-encode x_0 with the unconditional model over the first r = 0.8
   of a 50-step schedule, giving x_r;
3. decode (``diffedit.step3``): DDIM-decode x_r under Q with classifier-free guidance 4 (``cfg.6``),
   replacing the pixels outside the mask at every step by the encoder's latent of that step.

Digits settings, against the paper's Stable Diffusion ones: the same n, strength, r and steps;
threshold 0.3 instead of 0.5, because on a 16×16 pixel map min–max rescaling sets one peak pixel to 1
and 0.5 then keeps masks of about 12 % of the image, too small for most edits to take (with the
shipped model 0.5 turned half of the edits into the query class, 0.3 all of them); guidance 4
instead of 7.5 (the digits model saturates sooner, see ``cfg``). The model works
in pixel space, so the mask is at full 16×16 resolution and the last blend puts x_0 itself outside
it: those pixels come back exactly (the "unchanged outside the mask" metric, expected 1.0).
With the classifier installed the table also asks whether the input reads as R and the edit as Q.
"""

from __future__ import annotations

import torch

from ..diffusion import diffedit_decode, diffedit_encode, diffedit_mask
from ._common import Progress, add_grid, check_finite, classify, generator, real_digits
from .plans import DIFFEDIT_ENCODE_RATIO, diffedit_steps
from .result import DemoResult

PAIRS = ((3, 8), (5, 6), (9, 8), (1, 7), (7, 9), (4, 9))
SETTINGS = {"n": 10, "strength": 0.5, "threshold": 0.3, "rescale": "minmax", "encode_ratio": DIFFEDIT_ENCODE_RATIO, "guidance": 4.0}
UNCHANGED_TOL = 1e-5


def run(model, *, device="cpu", seed: int = 0, steps: int | None = None, callback=None, cancel=None,
        pairs=PAIRS, which: int = 0, **overrides) -> DemoResult:
    steps = diffedit_steps(steps)[0]
    unknown = set(overrides) - set(SETTINGS)
    if unknown:
        raise TypeError(f"unknown diffedit option(s): {', '.join(sorted(unknown))}")
    opts = {**SETTINGS, **overrides}
    sources = [p[0] for p in pairs]
    queries = torch.tensor([p[1] for p in pairs], device=device)
    x0, labels = real_digits(sources, which=which)
    x0, cond_ref = x0.to(device), labels.to(device)
    ab = model.alpha_bars
    n_enc = diffedit_steps(steps, opts["encode_ratio"])[1]
    progress = Progress("diffedit", 1 + 2 * n_enc, callback, cancel)
    forward = lambda step, total, info: progress.tick(**info)  # noqa: E731  (one counter; cancel checked there)

    # 1. the mask (diffedit.step1)
    mask = diffedit_mask(model, x0, cond_ref, queries, ab, n=opts["n"], strength=opts["strength"],
                         threshold=opts["threshold"], rescale=opts["rescale"], steps=steps,
                         guidance_scale=opts["guidance"], generator=generator(seed))
    check_finite(mask, "diffedit", "diffedit.step1 (mask)", what="mask")
    progress.tick(stage="mask")
    # 2. DDIM encoding to x_r (diffedit.step2), unconditional
    encoding = diffedit_encode(model, x0, ab, encode_ratio=opts["encode_ratio"], steps=steps, callback=forward)
    for i, x in enumerate(encoding.xs):
        check_finite(x, "diffedit", f"diffedit.step2 (encoding) step {i}/{n_enc} (t={encoding.timesteps[i]})", what="latent")
    # 3. decoding under Q inside the mask (diffedit.step3)
    y0 = diffedit_decode(model, encoding, mask, queries, ab, guidance_scale=opts["guidance"], callback=forward)
    check_finite(y0, "diffedit", f"diffedit.step3 (decoding, steps 1–{n_enc})", what="edit")

    M = mask.reshape(x0.shape).bool()
    unchanged = ((y0 - x0).abs() <= UNCHANGED_TOL) | M
    outside = (~M).sum(dim=(1, 2, 3)).clamp(min=1)
    kept = ((unchanged & ~M).sum(dim=(1, 2, 3)) / outside).tolist()
    coverage = mask.flatten(1).mean(1).tolist()
    changed_inside = [float(((y0 - x0).abs()[i][M[i]] > 0.1).float().mean()) if M[i].any() else 0.0 for i in range(len(pairs))]

    result = DemoResult("diffedit", settings={"seed": seed, "device": str(device), "steps": steps, "pairs": [list(p) for p in pairs],
                                              **opts, "encode_steps": n_enc})
    add_grid(result, "edits", torch.stack([x0, mask.reshape(x0.shape) * 2 - 1, encoding.x_r, y0, (y0 - x0).abs() - 1], 1),
             title=f"DiffEdit: each digit R edited into Q inside its mask ({steps}-step schedule, r = {opts['encode_ratio']:g})",
             rows=[f"{r} → {q}" for r, q in pairs], row_title="R → Q",
             cols=["input x_0", "mask M", "encoded x_r", "edit", "what changed"],
             caption=("rows: " + ", ".join(f"{r} → {q}" for r, q in pairs)
                      + "; columns: input x_0, mask M, encoding x_r (clipped), edit, what changed (|edit − input|)"))
    rows = []
    for i, (r, q) in enumerate(pairs):
        rows.append({"edit": f"{r} → {q}", "mask coverage": coverage[i], "unchanged outside": kept[i],
                     "changed inside": changed_inside[i]})
    out_in, out_edit = classify(x0), classify(y0)
    if out_in is not None:
        for i, (r, q) in enumerate(pairs):
            rows[i].update({"input reads": int(out_in[0][i]), "edit reads": int(out_edit[0][i]),
                            "p(Q) edit": float(out_edit[1][i, q])})
        result.metrics["source_read_as_source"] = float(sum(int(out_in[0][i]) == r for i, (r, _) in enumerate(pairs)) / len(pairs))
        result.metrics["edit_read_as_query"] = float(sum(int(out_edit[0][i]) == q for i, (_, q) in enumerate(pairs)) / len(pairs))
    result.tables.append({"name": "edits", "title": f"DiffEdit, {steps}-step schedule, r = {opts['encode_ratio']:g}, "
                          f"guidance {opts['guidance']:g}", "columns": list(rows[0]), "rows": rows})
    result.metrics.update({"unchanged_outside_mask": min(kept), "mask_coverage": sum(coverage) / len(coverage),
                           "changed_inside_mask": sum(changed_inside) / len(changed_inside)})
    result.text = [f"{len(pairs)} held-out digits edited; outside the mask {min(kept):.4f} of pixels are unchanged "
                   f"(worst image), the mask covers {result.metrics['mask_coverage']:.0%} on average"]
    if out_in is not None:
        result.text.append(f"classifier: inputs read as the source {result.metrics['source_read_as_source']:.0%}, "
                           f"edits read as the query {result.metrics['edit_read_as_query']:.0%}")
    return result
