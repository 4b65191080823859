"""A model's noise schedule and how it is walked at sampling time: ᾱ_t, the timestep sub-sequence τ
(``ddim.subsequence``), its offset, and the ᾱ after the last step.

``NoiseSchedule.from_config`` reads a diffusers scheduler config (``scheduler/scheduler_config.json``
of a Stable Diffusion folder): ``num_train_timesteps``, ``beta_schedule`` with ``beta_start`` and
``beta_end`` (or ``trained_betas``), ``timestep_spacing``, ``steps_offset`` and ``set_alpha_to_one``.
ᾱ_t is recomputed here in float64 from β (``ddpm.4``); what a diffusers ``DDIMScheduler`` built from the
same config walks, ``sample`` walks too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import torch

from .ddim import ddim_timesteps
from .schedules import alpha_bars, cosine_betas, linear_betas, scaled_linear_betas

SPACINGS = ("leading", "trailing", "linspace")


@dataclass(frozen=True, eq=False)
class NoiseSchedule:
    """ᾱ_0 … ᾱ_{T−1} (float64, shape (T,), 0-based as diffusers indexes) and the sampling grid.

    - ``spacing``/``steps_offset``: the sub-sequence τ of ``ddim_timesteps`` (Stable Diffusion:
      "leading" with offset 1, so 50 steps run t = 981, 961, …, 1);
    - ``final_alpha_bar``: ᾱ after the last step, DDIM's ᾱ_0 := 1 when ``set_alpha_to_one`` (the
      paper's convention: the last step lands on clean data), else the schedule's first ᾱ, as
      Stable Diffusion's config asks.
    """

    alpha_bars: torch.Tensor
    spacing: str = "leading"
    steps_offset: int = 0
    final_alpha_bar: float = 1.0

    def __post_init__(self):
        ab = torch.as_tensor(self.alpha_bars, dtype=torch.float64).detach().cpu()
        if ab.ndim != 1 or len(ab) < 1:
            raise ValueError(f"alpha_bars must be a 1-d tensor of length T, got shape {tuple(ab.shape)}")
        if self.spacing not in SPACINGS:
            raise ValueError(f"timestep spacing must be one of {', '.join(SPACINGS)}, got {self.spacing!r}")
        object.__setattr__(self, "alpha_bars", ab)
        object.__setattr__(self, "_floats", ab.tolist())

    @property
    def T(self) -> int:
        """Number of training timesteps."""
        return len(self.alpha_bars)

    def timesteps(self, steps: int) -> list[int]:
        """τ for ``steps`` sampling steps, noisiest first (``ddim.subsequence``)."""
        return ddim_timesteps(self.T, steps, self.spacing, self.steps_offset).tolist()

    def alpha_bar(self, t: int) -> float:
        """ᾱ_t as a float; ``final_alpha_bar`` for t < 0 (after the last step)."""
        return self._floats[t] if t >= 0 else float(self.final_alpha_bar)

    def prev_timestep(self, t: int, steps: int) -> int:
        """The timestep a DDIM step from t lands on: t − ⌊T/S⌋, as diffusers' ``DDIMScheduler.step``.

        For "leading" spacing (and "trailing" when S divides T) that is the next timestep of τ, and a
        negative value after the last one; ``alpha_bar`` then gives ``final_alpha_bar``.
        """
        return t - self.T // steps

    def plan(self, steps: int) -> list[tuple[int, float, float]]:
        """(t, ᾱ_t, ᾱ_prev) for each of the ``steps`` sampling steps, noisiest first."""
        return [(t, self.alpha_bar(t), self.alpha_bar(self.prev_timestep(t, steps))) for t in self.timesteps(steps)]

    def with_final(self, final_alpha_bar: float) -> "NoiseSchedule":
        """The same schedule with another ᾱ after the last step (DiffEdit decodes to x_0 itself: 1)."""
        return NoiseSchedule(self.alpha_bars, self.spacing, self.steps_offset, float(final_alpha_bar))

    # -- construction ------------------------------------------------------------------------------

    @classmethod
    def from_config(cls, config: Mapping) -> "NoiseSchedule":
        """The schedule a diffusers DDIM scheduler with this config samples on.

        Accepts the scheduler's ``config`` (a FrozenDict) or the parsed ``scheduler_config.json``.
        Unknown β schedules and zero-terminal-SNR rescaling are refused with a ValueError naming them.
        """
        get = (lambda k, d=None: config.get(k, d)) if hasattr(config, "get") else (lambda k, d=None: getattr(config, k, d))
        T = int(get("num_train_timesteps", 1000))
        trained = get("trained_betas")
        kind = get("beta_schedule", "linear")
        start, end = float(get("beta_start", 0.0001)), float(get("beta_end", 0.02))
        if trained is not None:
            betas = torch.as_tensor(trained, dtype=torch.float64)
        elif kind == "linear":
            betas = linear_betas(T, start, end)
        elif kind == "scaled_linear":
            betas = scaled_linear_betas(T, start, end)
        elif kind == "squaredcos_cap_v2":
            betas = cosine_betas(T)
        else:
            raise ValueError(f"unsupported beta_schedule {kind!r} in the scheduler config")
        if get("rescale_betas_zero_snr", False):
            raise ValueError("zero-terminal-SNR schedules (rescale_betas_zero_snr) are not supported")
        ab = alpha_bars(betas)
        set_one = get("set_alpha_to_one", True)
        return cls(ab, spacing=get("timestep_spacing", "leading") or "leading",
                   steps_offset=int(get("steps_offset", 0) or 0),
                   final_alpha_bar=1.0 if set_one else float(ab[0]))

    @classmethod
    def from_scheduler(cls, scheduler) -> "NoiseSchedule":
        """From a diffusers scheduler object: its own ``alphas_cumprod`` (float32, widened), the rest
        from its config as ``from_config`` reads it."""
        grid = cls.from_config(scheduler.config)
        ab = scheduler.alphas_cumprod.detach().to("cpu", torch.float64).clone()
        final = grid.final_alpha_bar if grid.final_alpha_bar == 1.0 else float(ab[0])
        return cls(ab, grid.spacing, grid.steps_offset, final)

    @classmethod
    def from_file(cls, path) -> "NoiseSchedule":
        """From a ``scheduler_config.json`` file (or a folder holding one)."""
        path = Path(path)
        if path.is_dir():
            path = path / "scheduler_config.json"
        return cls.from_config(json.loads(path.read_text(encoding="utf-8")))

    def __repr__(self) -> str:
        return (f"NoiseSchedule(T={self.T}, spacing={self.spacing!r}, steps_offset={self.steps_offset}, "
                f"final_alpha_bar={self.final_alpha_bar:.6g})")


def schedule_of(model) -> NoiseSchedule:
    """``model.schedule`` when it has one, else its ``alpha_bars`` on the leading grid with ᾱ_0 := 1."""
    schedule = getattr(model, "schedule", None)
    if isinstance(schedule, NoiseSchedule):
        return schedule
    return NoiseSchedule(model.alpha_bars)
