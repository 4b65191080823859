"""50-step deterministic DDIM sampling: our ``ddim_step``/``ddim_timesteps`` loop vs diffusers' DDIMScheduler.

Both loops call the same UNet on the same initial noise with the same timesteps (Stable
Diffusion's scaled-linear schedule, "leading" spacing, steps_offset 1, ᾱ = 1 after the last step).
The model is a small pixel-space ``UNet2DModel`` (default) or the tiny text-conditioned
``UNet2DConditionModel`` of ``paperkit.models.tiny_sd`` (``--model tiny``), where the scheduler's
share of the time is larger. A second group of rows times the step maths alone (a fixed ε), which
is where the two implementations actually differ.

    .venv/bin/python bench/ddim_loop.py [--repeats 7] [--steps 50] [--model unet2d|tiny] [--device cpu] [--json]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # noqa: E402

import torch  # noqa: E402
from diffusers import DDIMScheduler, UNet2DModel  # noqa: E402

from paperkit.diffusion import alpha_bars, ddim_step, ddim_timesteps, scaled_linear_betas  # noqa: E402

SCHED = dict(num_train_timesteps=1000, beta_schedule="scaled_linear", beta_start=0.00085, beta_end=0.012,
             clip_sample=False, set_alpha_to_one=True, steps_offset=1)


def build_model(kind: str, batch: int, device):
    """A callable ε_θ(x, t) and an initial noise batch, on ``device``."""
    if kind == "tiny":
        from paperkit.models.tiny_sd import build_tiny_pipeline

        pipe = build_tiny_pipeline(seed=0, sample_size=16)
        unet = pipe.unet.to(device)
        cond = torch.randn(batch, 77, 32, generator=torch.Generator().manual_seed(1)).to(device)
        shape = (batch, 4, 16, 16)

        def eps(x, t):
            return unet(x, t, encoder_hidden_states=cond).sample
    else:
        torch.manual_seed(0)
        unet = UNet2DModel(
            sample_size=32, in_channels=3, out_channels=3, block_out_channels=(32, 64, 64), layers_per_block=2,
            down_block_types=("DownBlock2D", "AttnDownBlock2D", "DownBlock2D"),
            up_block_types=("UpBlock2D", "AttnUpBlock2D", "UpBlock2D"),
        ).eval().to(device)
        shape = (batch, 3, 32, 32)

        def eps(x, t):
            return unet(x, t).sample
    params = sum(p.numel() for p in unet.parameters())
    noise = torch.randn(shape, generator=torch.Generator().manual_seed(42)).to(device)
    return eps, noise, f"{type(unet).__name__} ({params / 1e6:.2f} M params), batch {shape[0]}, {tuple(shape[1:])}"


def ours_loop(eps, x_T, steps, ab=None):
    """Our sampler: ᾱ (float64 unless given) looked up once as floats, then ``ddim.12`` with η = 0 per step."""
    if ab is None:
        ab = alpha_bars(scaled_linear_betas(1000, SCHED["beta_start"], SCHED["beta_end"]))
    taus = ddim_timesteps(1000, steps, "leading", SCHED["steps_offset"]).tolist()
    ab_t = ab[taus].tolist()
    ab_prev = ab_t[1:] + [1.0]
    x = x_T
    for t, a, a_prev in zip(taus, ab_t, ab_prev):
        x = ddim_step(x, eps(x, t), a, a_prev)
    return x


def diffusers_loop(scheduler, eps, x_T, steps):
    scheduler.set_timesteps(steps, device=x_T.device)
    x = x_T
    for t in scheduler.timesteps:
        x = scheduler.step(eps(x, t), t, x).prev_sample
    return x


def main(argv=None) -> int:
    p = _common.parser(__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=50)
    p.add_argument("--model", choices=("unet2d", "tiny"), default="unet2d")
    p.add_argument("--batch", type=int, default=2)
    p.add_argument("--warmup", type=int, default=2, help="untimed runs of each side first (default 2)")
    p.set_defaults(repeats=7)
    args = p.parse_args(argv)

    eps, x_T, desc = build_model(args.model, args.batch, args.device)
    scheduler = DDIMScheduler(**SCHED)
    fixed_eps = torch.randn(x_T.shape, generator=torch.Generator().manual_seed(7)).to(args.device)
    sync = lambda fn: _common.synced(fn, args.device)  # noqa: E731

    with torch.inference_mode():
        full = _common.time_interleaved(
            {"ours (paperkit)": sync(lambda: ours_loop(eps, x_T, args.steps)),
             "diffusers": sync(lambda: diffusers_loop(scheduler, eps, x_T, args.steps))},
            args.repeats, warmup=args.warmup,
        )
        maths = _common.time_interleaved(
            {"ours, step maths only": sync(lambda: ours_loop(lambda x, t: fixed_eps, x_T, args.steps)),
             "diffusers, step maths only": sync(
                 lambda: diffusers_loop(scheduler, lambda x, t: fixed_eps, x_T, args.steps))},
            max(args.repeats, 20), warmup=args.warmup,
        )
        x_ours = ours_loop(eps, x_T, args.steps)
        x_theirs = diffusers_loop(scheduler, eps, x_T, args.steps)
        # the same loop on diffusers' float32 ᾱ: what is left is float rounding, not the schedule
        x_ours32 = ours_loop(eps, x_T, args.steps, ab=scheduler.alphas_cumprod.double())

    rows = {name: _common.summary(t) for name, t in {**full, **maths}.items()}
    ratio = _common.paired_ratio(full["ours (paperkit)"], full["diffusers"])
    maths_ratio = _common.paired_ratio(maths["ours, step maths only"], maths["diffusers, step maths only"])
    extra = {
        "ratio_of_medians": round(rows["ours (paperkit)"]["median_s"] / rows["diffusers"]["median_s"], 3),
        "max_abs_diff_final_sample": float((x_ours - x_theirs).abs().max()),
        "max_abs_diff_final_sample_on_float32_schedule": float((x_ours32 - x_theirs).abs().max()),
        "final_sample_max_abs": float(x_theirs.abs().max()),
        "step_maths_ratio_ours_over_diffusers": round(maths_ratio, 3),
        "model": desc,
        "steps": args.steps,
        "repeats": args.repeats,
    }
    title = f"DDIM sampling loop, {args.steps} steps, η = 0, {desc}"
    _common.report(title, rows, ratio, extra, args.json, per="ms / step", per_count=args.steps, device=args.device)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
