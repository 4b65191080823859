"""One sampler for every model: ``sample`` (x_T → x_0) and its mirror ``invert`` (x_0 → x_T).

The signature follows k-diffusion's samplers: the model, the start, the conditioning, then keyword
settings, a ``callback(step, total, info)`` and a ``cancel`` flag (``paperkit.progress``). A *model*
is anything with ``eps(x_t, t, cond)`` and, for guidance, ``null_cond``; its noise schedule comes from
``model.schedule`` (a ``NoiseSchedule``: for Stable Diffusion, read from the folder's scheduler config)
or, failing that, ``model.alpha_bars`` on DDIM's leading grid.

Each step is the paper's equation:

- ``sampler="ddim"``: ``ddim.12`` with σ_t(η) of ``ddim.16`` (η = 0 deterministic, η = 1 DDPM-like);
- ``sampler="ddpm"``: DDPM's ancestral step (``ddpm.alg2``, line 4) on the same sub-sequence;
- the noise prediction is guided by ``cfg.6`` (ε̃ = ε_u + s (ε_c − ε_u)), with one scale, a scale per
  step (``lesson11.decreasing_guidance``) and/or a rescale rule (``lesson11.norm_rescale``,
  ``lesson11.guidance_rescale``); the unconditional and conditional predictions share one batched
  model call, as diffusers' pipelines make it.

On a Stable Diffusion folder, from the same latents, ``sample`` reproduces ``StableDiffusionPipeline``
with a ``DDIMScheduler`` built from the folder's scheduler config (``tests/test_sampler_vs_pipeline.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import torch

from ..progress import Callback, CancelFlag, report
from .ddim import ddim_invert_step, ddim_step
from .ddpm import ddpm_step
from .guidance import cfg
from .noise_schedule import NoiseSchedule, schedule_of

SAMPLERS = ("ddim", "ddpm")

#: A rescale rule: (ε_cfg, ε_cond, ε_uncond) → ε, e.g. ``NormRatio()`` or ``StdRescale(0.7)``.
Rescale = Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor]


@dataclass(frozen=True)
class Guidance:
    """Guidance beyond one constant scale: a scale per step and/or a rescale rule, together."""

    schedule: Sequence[float] | None = None
    rescale: Rescale | None = None


@dataclass
class Step:
    """What ``observe`` sees at step ``i`` (0-based) before the update: x_t and its noise predictions.

    ``eps`` is the one the step uses; ``eps_cfg`` is ``cfg.6`` before any rescale (None when no
    guidance ran); ``eps_cond``/``eps_uncond`` are None when the step did not compute them.
    """

    i: int
    t: int
    alpha_bar_t: float
    alpha_bar_prev: float
    scale: float
    x_t: torch.Tensor
    eps: torch.Tensor
    eps_cond: torch.Tensor | None
    eps_uncond: torch.Tensor | None
    eps_cfg: torch.Tensor | None


@dataclass
class DDIMEncoding:
    """``invert``'s trajectory: ``xs[i]`` is x at ``timesteps[i]``; ``xs[0]`` is the input x_0.

    ``timesteps`` is ascending and starts with −1 for x_0. ``x_r`` is the last (noisiest) encoding.
    """

    xs: list[torch.Tensor]
    timesteps: list[int]
    steps: int | None = None  # the schedule's step count the trajectory was taken on

    @property
    def x_r(self) -> torch.Tensor:
        return self.xs[-1]


def sample(
    model,
    x_T: torch.Tensor,
    cond,
    *,
    steps: int,
    sampler: str = "ddim",
    eta: float = 0.0,
    guidance_scale: float = 1.0,
    guidance: Sequence[float] | Rescale | Guidance | None = None,
    generator: torch.Generator | None = None,
    callback: Callback | None = None,
    cancel: CancelFlag | None = None,
    null_cond=None,
    start_step: int = 0,
    final_alpha_bar: float | None = None,
    variance: str = "beta_tilde",
    clip_x0: float | None = None,
    observe: Callable[[Step], None] | None = None,
    after_step: Callable[[int, int, torch.Tensor], torch.Tensor | None] | None = None,
    stage: str = "sample",
) -> torch.Tensor:
    """Sample x_0 from x_T over ``steps`` steps of the model's timestep sub-sequence (``ddim.subsequence``).

    - ``cond``: the conditioning batch (labels, embeddings …), batch 1 or that of ``x_T``;
    - ``guidance_scale``: s of ``cfg.6``; 1 runs the conditional model alone (as diffusers does);
    - ``guidance``: a list of one scale per step (it replaces ``guidance_scale``), a rescale rule
      (``NormRatio()``, ``StdRescale(φ)``), or ``Guidance(schedule, rescale)`` for both;
    - ``eta``: DDIM's η (``ddim.16``); η > 0 and ``sampler="ddpm"`` draw noise from ``generator``
      (drawn on the generator's device, then moved, as diffusers' ``randn_tensor`` does);
    - ``start_step``: skip the first steps and start from x at that step's timestep (img2img, DiffEdit);
    - ``final_alpha_bar``: ᾱ after the last step, instead of the schedule's;
    - ``clip_x0``: clip x̂_0 (``ddim.9``) to [−c, c] inside each step (diffusers' ``clip_sample``);
    - ``observe(Step)``: sees each step's x_t and noise predictions; ``after_step(i, t, x)`` may replace
      the new x (DiffEdit's masked blend) or raise (a NaN check).

    Returns x_0 (latents for a latent model), not clipped.
    """
    if sampler not in SAMPLERS:
        raise ValueError(f"sampler must be one of {', '.join(SAMPLERS)}, got {sampler!r}")
    if eta < 0:
        raise ValueError(f"η must be ≥ 0, got {eta!r}")
    schedule = schedule_of(model)
    if final_alpha_bar is not None:
        schedule = schedule.with_final(final_alpha_bar)
    plan = schedule.plan(steps)
    if not 0 <= start_step < len(plan):
        raise ValueError(f"start_step must be in [0, {len(plan)}), got {start_step!r}")
    plan = plan[start_step:]
    scales, rescale = _guidance(guidance, guidance_scale, len(plan))
    null = _null(model, cond, null_cond) if any(s != 1.0 for s in scales) or rescale is not None else None
    x = x_T
    total = len(plan)
    for i, ((t, a_t, a_prev), s) in enumerate(zip(plan, scales)):
        eps, parts = guided_eps(model, x, t, cond, null, s, rescale)
        if observe is not None:
            observe(Step(i, t, a_t, a_prev, s, x, eps, *parts))
        if sampler == "ddim":  # η > 0 draws at every step, as diffusers' DDIMScheduler does
            x = ddim_step(x, eps, a_t, a_prev, eta=eta, noise=_noise(x, generator) if eta else None, clip_x0=clip_x0)
        else:  # z = 0 on the last step (Algorithm 2, line 3)
            z = _noise(x, generator) if i < total - 1 else torch.zeros_like(x)
            x = ddpm_step(x, eps, a_t, a_prev, noise=z, variance=variance, clip_x0=clip_x0)
        if after_step is not None:
            replaced = after_step(i, t, x)
            if replaced is not None:
                x = replaced
        report(i + 1, total, callback, cancel, stage=stage, t=t)
    return x


def invert(
    model,
    x_0: torch.Tensor,
    cond=None,
    *,
    steps: int,
    stop_step: int | None = None,
    guidance_scale: float = 1.0,
    null_cond=None,
    start_alpha_bar: float | None = None,
    callback: Callback | None = None,
    cancel: CancelFlag | None = None,
    after_step: Callable[[int, int, torch.Tensor], torch.Tensor | None] | None = None,
    stage: str = "encode",
) -> DDIMEncoding:
    """DDIM inversion (``ddim.13`` run forwards in t): x_0 → x_{τ_k} over the first ``stop_step`` of ``steps``.

    The mirror of ``sample``: the step τ_{k−1} → τ_k evaluates ε_θ at τ_k on x_{τ_{k−1}} (as diffusers'
    ``DDIMInverseScheduler`` and DiffEdit's encoder do, ``diffedit.step2``), so that decoding from τ_k
    evaluates it at the same timestep. ``cond`` defaults to the model's ``null_cond`` (unconditional
    encoding); ``start_alpha_bar`` is ᾱ at x_0 (default: the schedule's ``final_alpha_bar``).
    Returns the whole trajectory (``DDIMEncoding``), x_0 first.
    """
    schedule = schedule_of(model)
    ascending = schedule.timesteps(steps)[::-1]
    n = len(ascending) if stop_step is None else int(stop_step)
    if not 0 <= n <= len(ascending):
        raise ValueError(f"stop_step must be in [0, {len(ascending)}], got {stop_step!r}")
    if cond is None:
        cond = _null(model, x_0, null_cond)
    null = _null(model, cond, null_cond) if guidance_scale != 1.0 else None
    start = schedule.final_alpha_bar if start_alpha_bar is None else float(start_alpha_bar)
    xs, ts = [x_0], [-1]
    x = x_0
    for k, t in enumerate(ascending[:n]):
        t_from = schedule.prev_timestep(t, steps)
        a_from = schedule.alpha_bar(t_from) if t_from >= 0 else start
        eps, _ = guided_eps(model, x, t, cond, null, guidance_scale, None)
        x = ddim_invert_step(x, eps, a_from, schedule.alpha_bar(t))
        if after_step is not None:
            replaced = after_step(k, t, x)
            if replaced is not None:
                x = replaced
        xs.append(x)
        ts.append(t)
        report(k + 1, n, callback, cancel, stage=stage, t=t)
    return DDIMEncoding(xs, ts, steps)


def guided_eps(model, x: torch.Tensor, t: int, cond, null, scale: float, rescale: Rescale | None = None):
    """ε for one step and its parts (ε_c, ε_u, ε_cfg): ``cfg.6`` in one batched call, then ``rescale``.

    Scale 1 without a rescale rule needs only the conditional model, scale 0 only the unconditional one.
    """
    B = x.shape[0]
    cond = _batch(cond, B)
    if rescale is None and scale == 1.0:
        eps = model.eps(x, t, cond)
        return eps, (eps, None, None)
    null = _batch(null, B)
    if rescale is None and scale == 0.0:
        eps = model.eps(x, t, null)
        return eps, (None, eps, None)
    eps_uncond, eps_cond = model.eps(torch.cat([x, x]), t, torch.cat([null, cond])).chunk(2)
    eps_cfg = cfg(eps_uncond, eps_cond, scale)
    eps = rescale(eps_cfg, eps_cond, eps_uncond) if rescale is not None else eps_cfg
    return eps, (eps_cond, eps_uncond, eps_cfg)


# -- helpers ---------------------------------------------------------------------------------------

def _guidance(guidance, guidance_scale: float, n: int) -> tuple[list[float], Rescale | None]:
    """(one scale per step, the rescale rule) from ``sample``'s two guidance arguments."""
    schedule, rescale = None, None
    if isinstance(guidance, Guidance):
        schedule, rescale = guidance.schedule, guidance.rescale
    elif callable(guidance):
        rescale = guidance
    elif guidance is not None:
        schedule = guidance
    if schedule is None:
        return [float(guidance_scale)] * n, rescale
    scales = [float(s) for s in schedule]
    if len(scales) != n:
        raise ValueError(f"{len(scales)} guidance scales for {n} steps")
    return scales, rescale


def _null(model, cond, null_cond):
    """The unconditional input matching ``cond``: ``null_cond`` or the model's, embedded when ``cond`` is
    an embedding and the null is a label (the digits model's null class)."""
    null = null_cond if null_cond is not None else getattr(model, "null_cond", None)
    if null is None:
        raise ValueError("guidance needs an unconditional input: pass null_cond or give the model a null_cond")
    null = torch.as_tensor(null)
    if torch.is_tensor(cond) and cond.is_floating_point() and not null.is_floating_point() and hasattr(model, "embed"):
        null = model.embed(null)
    return null


def _batch(cond, B: int):
    """``cond`` with batch B: a batch-1 conditioning is shared by every sample."""
    cond = torch.as_tensor(cond)
    if cond.ndim == 0:
        cond = cond.reshape(1)
    if cond.shape[0] == B:
        return cond
    if cond.shape[0] == 1:
        return cond.expand(B, *cond.shape[1:])
    raise ValueError(f"conditioning has batch {cond.shape[0]} for {B} samples")


def _noise(like: torch.Tensor, generator: torch.Generator | None) -> torch.Tensor:
    """Standard normal noise like ``like``: drawn in float32 on the generator's device, then moved."""
    if generator is None:
        return torch.randn_like(like)
    noise = torch.randn(like.shape, generator=generator, device=generator.device, dtype=torch.float32)
    return noise.to(device=like.device, dtype=like.dtype)


__all__ = ["sample", "invert", "guided_eps", "Guidance", "Step", "DDIMEncoding", "NoiseSchedule", "SAMPLERS"]
