"""50-step deterministic DDIM sampling: our one sampler ``paperkit.diffusion.sample`` vs diffusers' DDIMScheduler.

Both loops call the same UNet on the same initial noise with the same timesteps (Stable
Diffusion's scaled-linear schedule, "leading" spacing, steps_offset 1, ᾱ = 1 after the last step).
"Ours" is ``sample`` (``ddim.12`` with η = 0 on ``ddim.subsequence``) over a small model object
(``eps(x, t, cond)`` around the UNet, ``schedule = NoiseSchedule.from_config(SCHED)``), exactly what
every demo runs. The model is a small pixel-space ``UNet2DModel`` (default) or the tiny
text-conditioned ``UNet2DConditionModel`` of ``paperkit.models.tiny_sd`` (``--model tiny``), where the
scheduler's share of the time is larger. A second group of rows times the step maths alone (a
fixed ε), which is where the two implementations actually differ; it also times the bare
``ddim_step`` loop, so that ``sample``'s own per-step overhead shows.

    .venv/bin/python bench/ddim_loop.py [--repeats 7] [--steps 50] [--model unet2d|tiny] [--device cpu]
                                        [--threads N] [--json]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # noqa: E402

import torch  # noqa: E402
from diffusers import DDIMScheduler, UNet2DModel  # noqa: E402

from paperkit.diffusion import ddim_step  # noqa: E402
from paperkit.diffusion.noise_schedule import NoiseSchedule  # noqa: E402
from paperkit.diffusion.sampler import sample  # noqa: E402

SCHED = dict(num_train_timesteps=1000, beta_schedule="scaled_linear", beta_start=0.00085, beta_end=0.012,
             clip_sample=False, set_alpha_to_one=True, steps_offset=1)


class UNetModel:
    """The model ``sample`` asks for, around a bare UNet: ``eps(x, t, cond)`` and a ``schedule``."""

    def __init__(self, eps_fn, schedule: NoiseSchedule):
        self._eps = eps_fn
        self.schedule = schedule

    def eps(self, x, t, cond):
        return self._eps(x, t)


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


#: ``sample`` needs a conditioning batch; the model above closes over its own, so this is a placeholder.
NO_COND = torch.zeros(1)


def ours_loop(eps, x_T, steps, schedule=None):
    """Our sampler: ``sample`` with η = 0 and no guidance, on ``schedule`` (default: SCHED in float64)."""
    model = UNetModel(eps, schedule if schedule is not None else NoiseSchedule.from_config(SCHED))
    return sample(model, x_T, NO_COND, steps=steps)


def hand_loop(eps, x_T, steps, schedule):
    """The bare loop ``sample`` wraps: the precomputed (t, ᾱ_t, ᾱ_prev) plan and one ``ddim_step`` each."""
    x = x_T
    for t, a, a_prev in schedule.plan(steps):
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
    p.add_argument("--threads", type=int, default=None,
                   help="torch CPU threads (default: torch's); 1 is steadier on a shared machine")
    p.set_defaults(repeats=7)
    args = p.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)

    eps, x_T, desc = build_model(args.model, args.batch, args.device)
    scheduler = DDIMScheduler(**SCHED)
    schedule = NoiseSchedule.from_config(SCHED)
    fixed_eps = torch.randn(x_T.shape, generator=torch.Generator().manual_seed(7)).to(args.device)
    sync = lambda fn: _common.synced(fn, args.device)  # noqa: E731

    no_model = lambda x, t: fixed_eps  # noqa: E731
    with torch.inference_mode():
        full = _common.time_interleaved(
            {"ours (paperkit)": sync(lambda: ours_loop(eps, x_T, args.steps, schedule)),
             "diffusers": sync(lambda: diffusers_loop(scheduler, eps, x_T, args.steps))},
            args.repeats, warmup=args.warmup,
        )
        maths = _common.time_interleaved(
            {"ours, step maths only": sync(lambda: ours_loop(no_model, x_T, args.steps, schedule)),
             "bare ddim_step loop, maths only": sync(lambda: hand_loop(no_model, x_T, args.steps, schedule)),
             "diffusers, step maths only": sync(
                 lambda: diffusers_loop(scheduler, no_model, x_T, args.steps))},
            max(args.repeats, 20), warmup=args.warmup,
        )
        x_ours = ours_loop(eps, x_T, args.steps, schedule)
        x_theirs = diffusers_loop(scheduler, eps, x_T, args.steps)
        # the same sampler on diffusers' float32 ᾱ: what is left is float rounding, not the schedule
        x_ours32 = ours_loop(eps, x_T, args.steps, NoiseSchedule.from_scheduler(scheduler))

    rows = {name: _common.summary(t) for name, t in {**full, **maths}.items()}
    ratio = _common.paired_ratio(full["ours (paperkit)"], full["diffusers"])
    maths_ratio = _common.paired_ratio(maths["ours, step maths only"], maths["diffusers, step maths only"])
    extra = {
        "ratio_of_medians": round(rows["ours (paperkit)"]["median_s"] / rows["diffusers"]["median_s"], 3),
        # the fastest run of each is the least disturbed by other work on a shared machine
        "ratio_of_minimums": round(rows["ours (paperkit)"]["min_s"] / rows["diffusers"]["min_s"], 3),
        "max_abs_diff_final_sample": float((x_ours - x_theirs).abs().max()),
        "max_abs_diff_final_sample_on_float32_schedule": float((x_ours32 - x_theirs).abs().max()),
        "final_sample_max_abs": float(x_theirs.abs().max()),
        "step_maths_ratio_ours_over_diffusers": round(maths_ratio, 3),
        "sample_overhead_ms_per_step": round((rows["ours, step maths only"]["median_s"]
                                              - rows["bare ddim_step loop, maths only"]["median_s"])
                                             / args.steps * 1e3, 4),
        "model": desc,
        "steps": args.steps,
        "repeats": args.repeats,
    }
    title = f"DDIM sampling loop, {args.steps} steps, η = 0, {desc}"
    _common.report(title, rows, ratio, extra, args.json, per="ms / step", per_count=args.steps, device=args.device)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
