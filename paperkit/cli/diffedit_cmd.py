"""``paperkit diffedit``: edit images with DiffEdit — an alias of ``paperkit run diffedit``.

    paperkit diffedit [--from R --to Q] [--out DIR]                       # the scene model
    paperkit diffedit --model M --image IMG [--image IMG …] --from R --to Q [--out DIR]
                      [--steps N] [--seed S] [--guidance S] [--encode-ratio r] [--n N]
                      [--strength s] [--threshold t] [--rescale minmax|clamp_mean] [--device D] [--dtype D]

The paper's three steps (Couairon et al., arXiv 2210.11427): ``diffedit.step1`` (mask from the two
texts' noise estimates), ``diffedit.step2`` (DDIM-encode the image to the encoding ratio r) and
``diffedit.step3`` (decode under the new text, keeping the input outside the mask), run by the
``diffedit`` demo (``paperkit.demos.diffedit``) on ``--model``: the built-in scene model by default
(held-out scenes, or a seeded scene of the ``--from`` caption edited to ``--to``, each scored
against the true edit region), "digits", or a Stable Diffusion folder or cached Hub id (which needs
``--image``, ``--from`` and ``--to``). The knobs beyond ``paperkit run``'s are the demo's keyword overrides (its
``SETTINGS``: n, strength, threshold, rescale, encode_ratio; ``--guidance`` is ``paperkit run``'s).
The summary lists every PNG written (the edits grid, and one mask and edit per input image).

torch and diffusers are imported when it runs (in ``run_cmd.run``), so ``paperkit --help`` stays fast.
"""

from __future__ import annotations

import argparse

from ..errors import UserError
from . import run_cmd


def add_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "diffedit",
        help="edit an image with DiffEdit (mask, encode, decode) — `paperkit run diffedit` with its knobs",
        description=(
            "DiffEdit (arXiv 2210.11427): infer where an image must change to go from the --from text "
            "to the --to text, DDIM-encode it, and decode it under --to inside that mask only. "
            "The same as `paperkit run diffedit`, with the method's settings as options. --model is \"scenes\" "
            "(the default: held-out scenes, or --from/--to captions, scored against the true edit region), "
            "\"digits\", a local diffusers Stable Diffusion folder or a Hugging Face Hub id in your cache."
        ),
    )
    run_cmd.add_model_arguments(p)
    p.add_argument("--image", dest="images", action="append", metavar="IMG",
                   help="input image, resized to the model's resolution (repeat for several; a Stable Diffusion "
                   "needs one, the scene model renders its own)")
    p.add_argument("--from", dest="source", metavar="TEXT",
                   help="reference text R describing the image (a caption on the scene model)")
    p.add_argument("--to", dest="target", metavar="TEXT", help="query text Q describing the edit (a caption on the scene model)")
    p.add_argument("--out", metavar="DIR", default=None, help="folder for the PNGs (default ./paperkit-out/diffedit)")
    p.add_argument("--seed", type=int, default=0, help="seed of the mask's noise draws (default 0)")
    p.add_argument("--steps", type=int, default=None, help="DDIM steps of the full schedule (default 50)")
    p.add_argument("--guidance", type=float, default=None, metavar="S",
                   help="classifier-free guidance scale (default 7.5 on Stable Diffusion and the scene model, 4 on digits)")
    p.add_argument("--encode-ratio", type=float, default=None, metavar="R", help="encoding ratio r in (0, 1] (default 0.8)")
    p.add_argument("--n", type=int, default=None, help="noise draws averaged for the mask (default 10)")
    p.add_argument("--strength", type=float, default=None, help="noise strength for the mask, in (0, 1] (default 0.5)")
    p.add_argument("--threshold", type=float, default=None,
                   help="mask threshold in [0, 1] (default 0.5 on Stable Diffusion and the scene model, 0.3 on digits)")
    p.add_argument("--rescale", choices=("minmax", "clamp_mean"), default=None,
                   help="difference-map rescaling: minmax (the paper; the default on digits and Stable Diffusion) or "
                   "clamp_mean (diffusers; the scene model's default)")
    p.add_argument("--json", action="store_true", help="print one JSON object (images as file paths) instead of text")
    p.set_defaults(func=run)
    return p


def overrides(args) -> dict:
    """The diffedit demo's keyword overrides from the knobs given, each checked (one UserError line)."""
    steps = args.steps if args.steps is not None else 50
    if args.encode_ratio is not None and not 0 < args.encode_ratio <= 1:
        raise UserError(f"--encode-ratio must be in (0, 1], got {args.encode_ratio}")
    if args.strength is not None:
        if not 0 < args.strength <= 1:
            raise UserError(f"--strength must be in (0, 1], got {args.strength}")
        if int(steps * args.strength) < 1:
            raise UserError(f"--strength {args.strength} of {steps} steps is less than one step")
    if args.threshold is not None and not 0 <= args.threshold <= 1:
        raise UserError(f"--threshold must be in [0, 1], got {args.threshold}")
    if args.n is not None and args.n < 1:
        raise UserError(f"--n must be a positive integer, got {args.n}")
    knobs = {"encode_ratio": args.encode_ratio, "n": args.n, "strength": args.strength, "threshold": args.threshold,
             "rescale": args.rescale}
    return {k: v for k, v in knobs.items() if v is not None}


def run(args) -> int:
    if args.steps is not None and not 1 <= args.steps <= 1000:
        raise UserError(f"--steps must be between 1 and 1000, got {args.steps}")
    alias = argparse.Namespace(
        demo="diffedit", list=False, model=args.model, device=args.device, dtype=args.dtype, prompts=None,
        images=args.images, source=args.source, target=args.target, guidance=args.guidance, seed=args.seed,
        steps=args.steps, out=args.out, json=args.json, overrides=overrides(args),
    )
    return run_cmd.run(alias)
