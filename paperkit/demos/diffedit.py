"""``diffedit``: DiffEdit's three steps (Couairon et al., arXiv 2210.11427, §3) from a source text R to a query Q.

1. mask (``diffedit.step1``): noise x_0 to 50 % strength n = 10 times, take |ε_θ(x_t, Q) − ε_θ(x_t, R)|
   averaged over the draws, rescale min–max per image (the paper's choice) and threshold it;
2. encode (``diffedit.step2``): DDIM-encode x_0 with the unconditional model over the first r = 0.8
   of a 50-step schedule, giving x_r;
3. decode (``diffedit.step3``): DDIM-decode x_r under Q with classifier-free guidance (``cfg.6``),
   replacing the latent outside the mask at every step by the encoder's latent of that step.

The scene model (``paperkit.demos.diffedit_scenes``, the default of ``paperkit run diffedit``):
held-out scenes, each edit beside its true edit region, with the mask's IoU against it.

The digits model: held-out digits, each edited from its class R to a class Q (``pairs``);
``source``/``target`` ("3", "eight") give one pair, ``images`` the user's own digits
(``paperkit.demos.images``) with that pair. Digits settings, against the paper's Stable Diffusion
ones: the same n, strength, r and steps; threshold 0.3 instead of 0.5, because on a 16×16 pixel map
min–max rescaling sets one peak pixel to 1 and 0.5 then keeps masks of about 12 % of the image, too
small for most edits to take (with the shipped model 0.5 turned half of the edits into the query
class, 0.3 all of them); guidance 4 instead of 7.5 (the digits model saturates sooner, see ``cfg``).
The model works in pixel space, so the mask is at full 16×16 resolution and the last blend puts x_0
itself outside it: those pixels come back exactly (the "unchanged outside the mask" metric, expected
1.0). With the classifier installed the table also asks whether the input reads as R and the edit as Q.

A text-to-image model (Stable Diffusion) needs ``images``, ``source`` (R, ``--from``) and ``target``
(Q, ``--to``) and runs the paper's settings: threshold 0.5, guidance 7.5, n = 10, strength 0.5, r = 0.8.
It works on VAE latents: the mask is at latent resolution (shown upsampled to pixels, nearest), and
outside it the *latents* come back exactly. The pixels the VAE decodes do not: the decoder mixes
neighbouring latents (the edit bleeds across the mask's border) and its round trip is lossy
everywhere, so the table reports both, next to the VAE's own round-trip error outside the mask.
Each input also gets its own ``mask_i`` and ``edit_i`` image (i from 1), at the model's resolution.
"""

from __future__ import annotations

from typing import Sequence

import torch

from ..diffusion import diffedit_decode, diffedit_encode, diffedit_mask
from ..errors import UserError
from ._common import Progress, add_grid, check_finite, classify, generator, pixels, real_digits
from .images import load_images
from .plans import DIFFEDIT_ENCODE_RATIO, diffedit_steps
from .result import DemoResult

PAIRS = ((3, 8), (5, 6), (9, 8), (1, 7), (7, 9), (4, 9))
SETTINGS = {"n": 10, "strength": 0.5, "threshold": 0.3, "rescale": "minmax", "encode_ratio": DIFFEDIT_ENCODE_RATIO, "guidance": 4.0}
#: The paper's settings for Stable Diffusion (§4: threshold 0.5, r = 0.8 in the comparison with GLIDE, guidance 7.5).
TEXT_SETTINGS = {"n": 10, "strength": 0.5, "threshold": 0.5, "rescale": "minmax", "encode_ratio": DIFFEDIT_ENCODE_RATIO, "guidance": 7.5}
UNCHANGED_TOL = 1e-5
PIXEL_TOL = 2 / 255  # one 8-bit level of pixels in [−1, 1]
_NEEDED = {"images": "images (the image files to edit)", "source": "source (--from, the text R describing the image)",
           "target": "target (--to, the text Q describing the edit)"}


def run(model, *, device="cpu", seed: int = 0, steps: int | None = None, callback=None, cancel=None,
        pairs=PAIRS, which: int = 0, images: Sequence[str] | None = None, source: str | None = None,
        target: str | None = None, **overrides) -> DemoResult:
    if getattr(model, "name", "") == "scenes":  # held-out scenes, scored against the true edit region
        from .diffedit_scenes import run_scenes

        return run_scenes(model, device=device, seed=seed, steps=steps, callback=callback, cancel=cancel,
                          source=source, target=target, images=images, **overrides)
    text = bool(getattr(model, "text_to_image", False))
    unknown = set(overrides) - set(SETTINGS)
    if unknown:
        raise TypeError(f"unknown diffedit option(s): {', '.join(sorted(unknown))}")
    opts = {**(TEXT_SETTINGS if text else SETTINGS), **overrides}
    steps = diffedit_steps(steps)[0]
    n_enc = diffedit_steps(steps, opts["encode_ratio"])[1]
    given = {"images": bool(images), "source": bool(source and str(source).strip()),
             "target": bool(target and str(target).strip())}
    if text or any(given.values()):
        needed = ("images", "source", "target") if text else ("source", "target")
        missing = [_NEEDED[k] for k in needed if not given[k]]
        if missing:
            model_kind = "a text-to-image model" if text else "the digits model with " + ", ".join(k for k in given if given[k])
            raise UserError(f"diffedit on {model_kind} needs " + " and ".join(missing))
    progress = Progress("diffedit", 1 + 2 * n_enc, callback, cancel)
    if text:
        return _run_text(model, images, str(source), str(target), opts, device=device, seed=seed, steps=steps,
                         n_enc=n_enc, progress=progress)

    names = None
    if given["source"]:
        r, q = (int(model.encode_prompt(p)[0]) for p in (source, target))
        if images:
            x0, names = load_images(images, model)
            pairs = [(r, q)] * len(names)
        else:
            pairs = [(r, q)]
    sources = [p[0] for p in pairs]
    queries = torch.tensor([p[1] for p in pairs], device=device)
    if names is None:
        x0, labels = real_digits(sources, which=which)
        x0, cond_ref = x0.to(device), labels.to(device)
    else:
        cond_ref = torch.tensor(sources, device=device)
    mask, encoding, y0 = _three_steps(model, x0, cond_ref, queries, opts, steps=steps, n_enc=n_enc, seed=seed,
                                      progress=progress, per_image=False)

    M = mask.reshape(x0.shape).bool()
    kept = _unchanged_outside(y0, x0, M, UNCHANGED_TOL)
    coverage = mask.flatten(1).mean(1).tolist()
    changed_inside = [float(((y0 - x0).abs()[i][M[i]] > 0.1).float().mean()) if M[i].any() else 0.0 for i in range(len(pairs))]

    extra = {"images": names} if names is not None else {}
    result = DemoResult("diffedit", settings={"seed": seed, "device": str(device), "steps": steps, "pairs": [list(p) for p in pairs],
                                              **extra, **opts, "encode_steps": n_enc})
    edits = [f"{r} → {q}" for r, q in pairs]
    add_grid(result, "edits", torch.stack([x0, mask.reshape(x0.shape) * 2 - 1, encoding.x_r, y0, (y0 - x0).abs() - 1], 1),
             title=(f"DiffEdit: each {'image' if names else 'digit'} R edited into Q inside its mask "
                    f"({steps}-step schedule, r = {opts['encode_ratio']:g})"),
             rows=names or edits, row_title="image" if names else "R → Q",
             cols=["input x_0", "mask M", "encoded x_r", "edit", "what changed"],
             caption=("rows: " + ", ".join(f"{n}: {e}" for n, e in zip(names, edits)) if names else "rows: " + ", ".join(edits))
             + "; columns: input x_0, mask M, encoding x_r (clipped), edit, what changed (|edit − input|)")
    if names:
        _per_input(result, names, mask.reshape(x0.shape), y0)
    rows = []
    for i, (r, q) in enumerate(pairs):
        rows.append({**({"image": names[i]} if names else {}), "edit": f"{r} → {q}", "mask coverage": coverage[i],
                     "unchanged outside": kept[i], "changed inside": changed_inside[i]})
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
    result.text = [f"{len(pairs)} {'images' if names else 'held-out digits'} edited; outside the mask {min(kept):.4f} of pixels are unchanged "
                   f"(worst image), the mask covers {result.metrics['mask_coverage']:.0%} on average"]
    if out_in is not None:
        result.text.append(f"classifier: inputs read as the source {result.metrics['source_read_as_source']:.0%}, "
                           f"edits read as the query {result.metrics['edit_read_as_query']:.0%}")
    return result


def _run_text(model, images: list[str], source: str, target: str, opts: dict, *, device, seed: int, steps: int,
              n_enc: int, progress: Progress) -> DemoResult:
    """DiffEdit on a latent text-to-image model: the paper's own setting (Stable Diffusion)."""
    from torch.nn import functional as F

    px, names = load_images(images, model)
    x0 = model.from_pixels(px)
    cond_ref, cond_query = model.encode_prompt([source, target]).chunk(2)  # one text-encoder call
    # one image at a time for the mask: n draws × 2 texts is already a large UNet batch
    mask, encoding, y0 = _three_steps(model, x0, cond_ref, cond_query, opts, steps=steps, n_enc=n_enc, seed=seed,
                                      progress=progress, per_image=True)

    # what it did, in latents (exact outside the mask) and in pixels (through the VAE)
    res = px.shape[-1]
    M = mask.reshape(-1, 1, *mask.shape[-2:]).bool()                                 # (B, 1, h, w) latents
    M_px = F.interpolate(M.float(), size=(res, res), mode="nearest").bool()           # (B, 1, R, R) pixels
    edit, x_r, round_trip = pixels(model, y0), pixels(model, encoding.x_r), pixels(model, x0)
    inp = px.float()
    kept = _unchanged_outside(y0.float(), x0.float(), M, UNCHANGED_TOL)
    kept_px = _unchanged_outside(edit, inp, M_px, PIXEL_TOL)
    change, vae_change = (edit - inp).abs(), (round_trip - inp).abs()
    inside, outside = _mean_in(change, M_px), _mean_in(change, ~M_px)
    vae_outside = _mean_in(vae_change, ~M_px)
    coverage = M.flatten(1).float().mean(1).tolist()

    result = DemoResult("diffedit", settings={"seed": seed, "device": str(device), "steps": steps, "images": names,
                                              "source": source, "target": target, **opts, "encode_steps": n_enc})
    mask_px = M_px.float().expand(-1, 3, -1, -1) * 2 - 1
    add_grid(result, "edits", torch.stack([inp, mask_px, x_r, edit, change.mean(1, keepdim=True).expand(-1, 3, -1, -1) - 1], 1),
             title=f"DiffEdit: \"{source}\" → \"{target}\" inside the inferred mask ({steps}-step schedule, r = {opts['encode_ratio']:g})",
             rows=names, row_title="image",
             cols=["input x_0", "mask M (latent, nearest)", "encoded x_r (decoded)", "edit", "what changed"],
             caption=("rows: " + ", ".join(names) + f"; from \"{source}\" to \"{target}\"; columns: input x_0, mask M "
                      "(latent resolution, upsampled nearest), encoding x_r decoded by the VAE, edit, "
                      "what changed (mean |edit − input| over RGB)"))
    _per_input(result, names, mask_px, edit)
    rows = [{"image": names[i], "mask coverage": coverage[i], "unchanged outside (latents)": kept[i],
             "unchanged outside (pixels)": kept_px[i], "|Δ| inside": inside[i], "|Δ| outside": outside[i],
             "|Δ| outside, VAE alone": vae_outside[i]} for i in range(len(names))]
    result.tables.append({"name": "edits", "title": f"DiffEdit \"{source}\" → \"{target}\", {steps}-step schedule, "
                          f"r = {opts['encode_ratio']:g}, guidance {opts['guidance']:g}; |Δ| = mean |edit − input| "
                          "in pixels, [−1, 1]", "columns": list(rows[0]), "rows": rows})
    mean = lambda xs: sum(xs) / len(xs)  # noqa: E731
    result.metrics.update({"unchanged_outside_mask": min(kept), "unchanged_outside_mask_pixels": min(kept_px),
                           "mask_coverage": mean(coverage), "change_inside_mask": mean(inside),
                           "change_outside_mask": mean(outside), "vae_change_outside_mask": mean(vae_outside)})
    m = result.metrics
    result.text = [
        f"{len(names)} image{'s' if len(names) != 1 else ''} edited from \"{source}\" to \"{target}\"; "
        f"the mask covers {m['mask_coverage']:.0%} on average",
        f"outside the mask the latents are unchanged: {m['unchanged_outside_mask']:.4f} of values (worst image)",
        f"in pixels {m['unchanged_outside_mask_pixels']:.1%} stay within one 8-bit level: the VAE decoder mixes neighbouring "
        f"latents and its round trip is lossy (mean |Δ| outside {m['change_outside_mask']:.3f}, "
        f"the VAE alone {m['vae_change_outside_mask']:.3f}); inside the mask {m['change_inside_mask']:.3f}",
    ]
    return result


def _three_steps(model, x0, cond_ref, cond_query, opts: dict, *, steps: int, n_enc: int, seed: int,
                 progress: Progress, per_image: bool):
    """DiffEdit's steps 1–3 on the batch x0: (mask M, the encoding, the edit y_0), each checked for NaNs.

    ``per_image``: the mask one image at a time (same generator, drawn in turn), else in one batch."""
    forward = lambda step, total, info: progress.tick(**info)  # noqa: E731  (one counter; cancel checked there)
    # 1. the mask (diffedit.step1)
    gen = generator(seed)
    settings = dict(n=opts["n"], strength=opts["strength"], threshold=opts["threshold"], rescale=opts["rescale"],
                    steps=steps, guidance_scale=opts["guidance"], generator=gen)
    if per_image:
        mask = torch.cat([diffedit_mask(model, x0[i:i + 1], cond_ref, cond_query, **settings) for i in range(len(x0))])
    else:
        mask = diffedit_mask(model, x0, cond_ref, cond_query, **settings)
    check_finite(mask, "diffedit", "diffedit.step1 (mask)", what="mask")
    progress.tick(stage="mask")
    # 2. DDIM encoding to x_r (diffedit.step2), unconditional
    encoding = diffedit_encode(model, x0, encode_ratio=opts["encode_ratio"], steps=steps, callback=forward)
    _check_encoding(encoding, n_enc)
    # 3. decoding under Q inside the mask (diffedit.step3)
    y0 = diffedit_decode(model, encoding, mask, cond_query, guidance_scale=opts["guidance"], callback=forward)
    check_finite(y0, "diffedit", f"diffedit.step3 (decoding, steps 1–{n_enc})", what="edit")
    return mask, encoding, y0


def _check_encoding(encoding, n_enc: int) -> None:
    for i, x in enumerate(encoding.xs):
        check_finite(x, "diffedit", f"diffedit.step2 (encoding) step {i}/{n_enc} (t={encoding.timesteps[i]})", what="latent")


def _unchanged_outside(y: torch.Tensor, x: torch.Tensor, M: torch.Tensor, tol: float) -> list[float]:
    """Per image, the share of values outside the mask ``M`` (broadcast over channels) within ``tol`` of x."""
    M = M.expand_as(y)
    unchanged = ((y - x).abs() <= tol) | M
    outside = (~M).sum(dim=(1, 2, 3)).clamp(min=1)
    return ((unchanged & ~M).sum(dim=(1, 2, 3)) / outside).tolist()


def _mean_in(values: torch.Tensor, where: torch.Tensor) -> list[float]:
    """Per image, the mean of ``values`` where ``where`` (broadcast over channels) holds; 0 for an empty region."""
    where = where.expand_as(values).float()
    return ((values * where).sum(dim=(1, 2, 3)) / where.sum(dim=(1, 2, 3)).clamp(min=1)).tolist()


def _per_input(result: DemoResult, names: list[str], masks: torch.Tensor, edits: torch.Tensor) -> None:
    """``mask_i`` and ``edit_i`` (i from 1): each input's mask and edited image, one tile each."""
    for i, name in enumerate(names, 1):
        add_grid(result, f"mask_{i}", masks[i - 1:i], title=f"DiffEdit mask M of {name}", rows=[name], cols=["mask M"],
                 caption=f"the edit mask of {name} (white: edited)")
        add_grid(result, f"edit_{i}", edits[i - 1:i], title=f"DiffEdit edit of {name}", rows=[name], cols=["edit"],
                 caption=f"{name} edited inside its mask")
