"""DiffEdit's mask (``diffedit.step1``): our ``diffedit_mask`` vs diffusers' ``generate_mask``.

Same tiny random-weight Stable Diffusion (``paperkit.models.tiny_sd``), same latents, same seed and
settings (n = 10 noise draws, strength 0.5, 50-step grid, guidance 7.5, clamp-to-3×-mean rescaling,
which is what ``generate_mask`` does). Both timings include encoding the prompts: text encoder, UNet,
the map and the threshold. Our function takes embeddings, so the caller encodes the two prompts in
one text-encoder call (``ours``, the ratio line, as ``paperkit diffedit`` does); diffusers encodes
four prompts one at a time. ``ours, prompts one by one`` shows the cost without that batching.

diffusers runs the UNet on a batch of 4n (conditional and unconditional for each text); we run 2n,
because the unconditional prediction cancels out of the guided difference (see
``diffedit_difference_map``). The masks must still be identical.

    .venv/bin/python bench/diffedit_mask.py [--repeats 15] [--latent 16|32] [--n 10] [--device cpu] [--json]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # noqa: E402

import torch  # noqa: E402

from paperkit.diffusion import diffedit_mask  # noqa: E402
from paperkit.models.stable_diffusion import StableDiffusionModel  # noqa: E402
from paperkit.models.tiny_sd import build_tiny_pipeline, diffedit_pipeline  # noqa: E402

SOURCE, TARGET = "a bowl of fruits", "a bowl of pears"


def main(argv=None) -> int:
    p = _common.parser(__doc__.splitlines()[0])
    p.set_defaults(repeats=15)
    p.add_argument("--latent", type=int, default=16, help="latent side (the tiny VAE halves images; default 16)")
    p.add_argument("--n", type=int, default=10, help="noise draws (default 10)")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)

    pipe = build_tiny_pipeline(seed=0, sample_size=args.latent).to(args.device)
    model = StableDiffusionModel(pipe)
    edit = diffedit_pipeline(pipe)
    x0 = torch.randn(1, 4, args.latent, args.latent, generator=torch.Generator().manual_seed(123)).to(args.device)
    sync = lambda fn: _common.synced(fn, args.device)  # noqa: E731  (the generators stay on the CPU, as in the CLI)
    settings = dict(steps=50, strength=0.5, guidance=7.5, ratio=3.0)

    def mask(ref, query):
        return diffedit_mask(
            model, x0, ref, query, n=args.n, strength=settings["strength"],
            steps=settings["steps"], guidance_scale=settings["guidance"],
            rescale="clamp_mean", clamp_ratio=settings["ratio"], generator=torch.Generator().manual_seed(args.seed),
        )

    def ours():
        """As ``paperkit diffedit`` does it: the prompts in one text-encoder call, then the mask."""
        ref, query = model.encode_prompt([SOURCE, TARGET]).chunk(2)
        return mask(ref, query)

    def ours_one_by_one():
        """The same with one text-encoder call per prompt (diffusers makes four)."""
        return mask(model.encode_prompt(SOURCE), model.encode_prompt(TARGET))

    def theirs():
        out = edit.generate_mask(
            image=x0, source_prompt=SOURCE, target_prompt=TARGET, num_maps_per_mask=args.n,
            mask_encode_strength=settings["strength"], mask_thresholding_ratio=settings["ratio"],
            guidance_scale=settings["guidance"], num_inference_steps=settings["steps"],
            generator=torch.Generator().manual_seed(args.seed), output_type="np",
        )
        return torch.from_numpy(out)

    with torch.inference_mode():
        times = _common.time_interleaved(
            {"ours (paperkit)": sync(ours), "diffusers generate_mask": sync(theirs),
             "ours, prompts one by one": sync(ours_one_by_one)},
            args.repeats,
        )
        m_ours, m_theirs = ours().cpu(), theirs().to(torch.float32)
        m_single = ours_one_by_one().cpu()
    rows = {name: _common.summary(t) for name, t in times.items()}
    ratio = _common.paired_ratio(times["ours (paperkit)"], times["diffusers generate_mask"])
    extra = {
        "ratio_of_medians": round(rows["ours (paperkit)"]["median_s"] / rows["diffusers generate_mask"]["median_s"], 3),
        "masks_identical": bool(torch.equal(m_ours, m_theirs) and torch.equal(m_single, m_theirs)),
        "one_by_one_ratio_over_diffusers": round(
            _common.paired_ratio(times["ours, prompts one by one"], times["diffusers generate_mask"]), 3
        ),
        "mask_coverage": round(float(m_theirs.mean()), 4),
        "latents": f"1x4x{args.latent}x{args.latent}",
        "unet_batch": {"ours": 2 * args.n, "diffusers": 4 * args.n},
        "repeats": args.repeats,
    }
    title = (f"DiffEdit mask, n = {args.n}, strength 0.5, guidance 7.5, clamp_mean, "
             f"tiny SD, latents {args.latent}x{args.latent}")
    _common.report(title, rows, ratio, extra, args.json, device=args.device)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
