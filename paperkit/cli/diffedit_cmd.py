"""``paperkit diffedit``: edit an image with DiffEdit on a local Stable Diffusion folder.

Runs the paper's three steps (Couairon et al., arXiv 2210.11427) with ``paperkit.diffusion``:
``diffedit.step1`` (mask from the two prompts' noise estimates), ``diffedit.step2`` (DDIM-encode the
image to the encoding ratio r) and ``diffedit.step3`` (decode under the new prompt, keeping the
input outside the mask). Writes ``mask.png`` and ``edited.png`` into ``--out``.

torch and diffusers are imported inside ``run``, so ``paperkit --help`` stays fast.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..device import DEVICES, resolve_device
from ..errors import UserError


def add_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "diffedit",
        help="edit an image with DiffEdit (mask, encode, decode) on a local Stable Diffusion folder",
        description=(
            "DiffEdit (arXiv 2210.11427): infer where an image must change to go from the --from text "
            "to the --to text, DDIM-encode it, and decode it under --to inside that mask only. "
            "Writes mask.png and edited.png into --out. Nothing is downloaded: --model is a local "
            "diffusers Stable Diffusion folder."
        ),
    )
    p.add_argument("--model", required=True, metavar="DIR", help="local diffusers Stable Diffusion pipeline folder")
    p.add_argument("--image", required=True, metavar="IMG", help="input image (resized to the model's resolution)")
    p.add_argument("--from", dest="source", required=True, metavar="TEXT", help="reference text R describing the image")
    p.add_argument("--to", dest="target", required=True, metavar="TEXT", help="query text Q describing the edit")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder for mask.png and edited.png")
    p.add_argument("--seed", type=int, default=0, help="seed of the mask's noise draws (default 0)")
    p.add_argument("--steps", type=int, default=50, help="DDIM steps of the full schedule (default 50)")
    p.add_argument("--encode-ratio", type=float, default=0.8, help="encoding ratio r in (0, 1] (default 0.8)")
    p.add_argument("--guidance", type=float, default=7.5, help="classifier-free guidance scale (default 7.5)")
    p.add_argument("--n", type=int, default=10, help="noise draws averaged for the mask (default 10)")
    p.add_argument("--strength", type=float, default=0.5, help="noise strength for the mask (default 0.5)")
    p.add_argument("--threshold", type=float, default=0.5, help="mask threshold in [0, 1] (default 0.5)")
    p.add_argument(
        "--rescale", choices=("minmax", "clamp_mean"), default="minmax",
        help="difference-map rescaling: minmax (the paper, default) or clamp_mean (diffusers)",
    )
    p.add_argument("--device", choices=DEVICES, default="auto", help="auto = CUDA, else MPS, else CPU")
    p.set_defaults(func=run)
    return p


def _check_args(args) -> None:
    if args.steps < 1 or args.steps > 1000:
        raise UserError(f"--steps must be between 1 and 1000, got {args.steps}")
    if not 0 < args.encode_ratio <= 1:
        raise UserError(f"--encode-ratio must be in (0, 1], got {args.encode_ratio}")
    if not 0 < args.strength <= 1:
        raise UserError(f"--strength must be in (0, 1], got {args.strength}")
    if int(args.steps * args.strength) < 1:
        raise UserError(f"--strength {args.strength} of {args.steps} steps is less than one step")
    if not 0 <= args.threshold <= 1:
        raise UserError(f"--threshold must be in [0, 1], got {args.threshold}")
    if args.n < 1:
        raise UserError(f"--n must be a positive integer, got {args.n}")
    if not args.source.strip() or not args.target.strip():
        raise UserError("--from and --to must be non-empty texts")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UserError(f"--out is a file, not a folder: {out}")


def _open_image(path: Path):
    from PIL import Image, UnidentifiedImageError

    if not path.exists():
        raise UserError(f"image not found: {path}")
    if not path.is_file():
        raise UserError(f"image path is not a file: {path}")
    try:
        with Image.open(path) as img:
            img.load()
            return img.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise UserError(f"not a readable image: {path}") from exc


class _Progress:
    """A one-line text progress report on stderr: ``encode 12/40``, rewritten in place."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.interactive = self.stream.isatty() if hasattr(self.stream, "isatty") else False

    def __call__(self, step: int, total: int, info: dict) -> None:
        stage = info.get("stage", "step")
        if self.interactive:
            end = "\n" if step == total else ""
            print(f"\r{stage} {step}/{total}", end=end, file=self.stream, flush=True)
        elif step == total or step == 1:
            print(f"{stage} {step}/{total}", file=self.stream, flush=True)


def _quiet_libraries() -> None:
    """Silence diffusers/transformers progress bars and deprecation chatter on the terminal."""
    import warnings

    from diffusers.utils import logging as dlog
    from transformers.utils import logging as tlog

    dlog.set_verbosity_error()
    dlog.disable_progress_bar()
    tlog.set_verbosity_error()
    tlog.disable_progress_bar()
    warnings.filterwarnings("ignore", category=FutureWarning, module="diffusers")


def run(args) -> int:
    _check_args(args)
    image_path = Path(args.image).expanduser()
    pil_image = _open_image(image_path)
    model_dir = Path(args.model).expanduser()
    if not model_dir.is_dir():
        raise UserError(f"model folder not found: {model_dir}")

    import numpy as np
    import torch
    from PIL import Image

    from ..diffusion import diffedit_decode, diffedit_encode, diffedit_mask
    from ..models.stable_diffusion import StableDiffusionModel

    device = resolve_device(args.device)
    _quiet_libraries()
    model = StableDiffusionModel.from_folder(model_dir, device=device)
    res = model.resolution

    # the image, resized to the model's resolution, as pixels in [-1, 1]
    pil_image = pil_image.resize((res, res), Image.Resampling.LANCZOS)
    pixels = torch.from_numpy(np.asarray(pil_image, dtype=np.float32)).permute(2, 0, 1)[None] / 127.5 - 1
    progress = _Progress()
    try:
        x0 = model.encode_image(pixels.to(device)).float()
        cond_ref, cond_query = model.encode_prompt([args.source, args.target]).chunk(2)  # one text-encoder call
        null = model.null_cond
        ab = model.alpha_bars
        generator = torch.Generator("cpu").manual_seed(args.seed)  # the same draws on every device
        mask = diffedit_mask(  # diffedit.step1
            model, x0, cond_ref, cond_query, ab, n=args.n, strength=args.strength, threshold=args.threshold,
            rescale=args.rescale, steps=args.steps, offset=model.steps_offset, guidance_scale=args.guidance,
            generator=generator,
        )
        encoding = diffedit_encode(  # diffedit.step2
            model, x0, ab, encode_ratio=args.encode_ratio, steps=args.steps, offset=model.steps_offset,
            cond=null, callback=progress,
        )
        y0 = diffedit_decode(  # diffedit.step3
            model, encoding, mask, cond_query, ab, guidance_scale=args.guidance, null_cond=null, callback=progress,
        )
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    edited = model.decode_image(y0)

    out = Path(args.out).expanduser()
    out.mkdir(parents=True, exist_ok=True)
    coverage = float(mask.float().mean())
    mask_px = torch.nn.functional.interpolate(mask[:, None].float().cpu(), size=(res, res), mode="nearest")[0, 0]
    mask_path, edited_path = out / "mask.png", out / "edited.png"
    Image.fromarray((mask_px.numpy() * 255).astype(np.uint8)).save(mask_path)
    edited_u8 = ((edited[0].float().cpu().permute(1, 2, 0) + 1) * 127.5).round().clamp(0, 255).to(torch.uint8)
    Image.fromarray(edited_u8.numpy()).save(edited_path)

    steps_run = len(encoding.timesteps) - 1
    print(f"mask:   {mask_path}  {res}x{res}, edit region covers {coverage:.1%} of the image")
    print(
        f"edited: {edited_path}  {res}x{res}, {steps_run} DDIM steps each way "
        f"(encode ratio {args.encode_ratio}, guidance {args.guidance}, {device.type})"
    )
    return 0
