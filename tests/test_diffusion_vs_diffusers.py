"""Our DDPM/DDIM/guidance maths against diffusers' schedulers, the numeric oracle.

diffusers keeps its schedule in float32, so agreement is checked at ~1e-5 in float32.
"""

import pytest
import torch
from diffusers import DDIMInverseScheduler, DDIMScheduler, DDPMScheduler
from diffusers.pipelines.stable_diffusion.pipeline_stable_diffusion import rescale_noise_cfg

from paperkit.diffusion import (
    alpha_bars,
    cosine_betas,
    ddim_invert_step,
    ddim_step,
    ddim_timesteps,
    ddpm_step,
    linear_betas,
    q_sample,
    rescale_by_std,
    scaled_linear_betas,
)

TOL = dict(atol=1e-5, rtol=1e-5)
SCHEDULES = {
    "linear": lambda: linear_betas(1000),
    "scaled_linear": lambda: scaled_linear_betas(1000, 0.00085, 0.012),
    "squaredcos_cap_v2": lambda: cosine_betas(1000),
}
DIFFUSERS_KW = {"linear": {}, "scaled_linear": dict(beta_start=0.00085, beta_end=0.012), "squaredcos_cap_v2": {}}


def scheduler(cls, schedule="linear", **kw):
    return cls(num_train_timesteps=1000, beta_schedule=schedule, clip_sample=False, **DIFFUSERS_KW[schedule], **kw)


def step_alpha_bars(s):
    """The scheduler's own float32 ᾱ, so step tests compare the step maths, not schedule precision.

    Near t = 0, 1 − ᾱ_t is ~1e-4 and float32 loses ~3e-4 of it: our float64 schedule is the more
    accurate one there (the schedule tests above compare the schedules themselves).
    """
    return s.alphas_cumprod.double()


def sample(seed, shape=(2, 3, 8, 8)):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=g), torch.randn(shape, generator=g), torch.randn(shape, generator=g)


@pytest.mark.parametrize("schedule", list(SCHEDULES))
def test_schedules_match_diffusers(schedule):
    ours = SCHEDULES[schedule]()
    theirs = scheduler(DDPMScheduler, schedule)
    assert ours.dtype == torch.float64 and ours.shape == (1000,)
    torch.testing.assert_close(ours.float(), theirs.betas, **TOL)
    torch.testing.assert_close(alpha_bars(ours).float(), theirs.alphas_cumprod, **TOL)


@pytest.mark.parametrize("t", [0, 1, 250, 500, 999])
def test_q_sample_matches_add_noise(t):
    s = scheduler(DDPMScheduler)
    x0, eps, _ = sample(t)
    ours = q_sample(x0, eps, alpha_bars(linear_betas())[t])
    theirs = s.add_noise(x0, eps, torch.tensor([t, t]))
    torch.testing.assert_close(ours, theirs, **TOL)


def test_q_sample_per_sample_timesteps():
    s = scheduler(DDPMScheduler)
    x0, eps, _ = sample(7)
    ts = torch.tensor([10, 900])
    torch.testing.assert_close(q_sample(x0, eps, alpha_bars(linear_betas())[ts]), s.add_noise(x0, eps, ts), **TOL)


def in_float64(s, betas):
    """Make a diffusers scheduler compute in float64 on our schedule, for a tight check of the maths."""
    s.betas = betas
    s.alphas = 1 - betas
    s.alphas_cumprod = alpha_bars(betas)
    s.one = s.final_alpha_cumprod = s.initial_alpha_cumprod = torch.tensor(1.0, dtype=torch.float64)
    return s


@pytest.mark.parametrize("variance,variance_type", [("beta_tilde", "fixed_small"), ("beta", "fixed_large")])
@pytest.mark.parametrize("t", [50, 100, 500, 999])
def test_ddpm_step_matches_scheduler_float32(t, variance, variance_type):
    # Below t ≈ 50 diffusers' float32 β_t = 1 − ᾱ_t/ᾱ_{t−1} loses up to ~5e-4 of its value to cancellation (at t = 10, 1.5e-5 abs.);
    # the float64 test below covers those steps.
    s = scheduler(DDPMScheduler, variance_type=variance_type)
    x_t, eps, _ = sample(100 + t)
    ab = step_alpha_bars(s)
    # diffusers draws z from its generator: draw the same z from the same seed
    z = torch.randn(x_t.shape, generator=torch.Generator().manual_seed(0))
    theirs = s.step(eps, t, x_t, generator=torch.Generator().manual_seed(0)).prev_sample
    torch.testing.assert_close(ddpm_step(x_t, eps, ab[t], ab[t - 1], noise=z, variance=variance), theirs, **TOL)


@pytest.mark.parametrize("variance,variance_type", [("beta_tilde", "fixed_small"), ("beta", "fixed_large")])
@pytest.mark.parametrize("t", [0, 1, 2, 100, 999])
def test_ddpm_step_matches_scheduler_float64(t, variance, variance_type):
    betas = linear_betas()
    s = in_float64(scheduler(DDPMScheduler, variance_type=variance_type), betas)
    x_t, eps, _ = (v.double() for v in sample(200 + t))
    ab = alpha_bars(betas)
    z = torch.randn(x_t.shape, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    theirs = s.step(eps, t, x_t, generator=torch.Generator().manual_seed(0)).prev_sample
    ours = ddpm_step(x_t, eps, ab[t], ab[t - 1] if t > 0 else 1.0, noise=z, variance=variance)
    torch.testing.assert_close(ours, theirs, atol=1e-10, rtol=1e-10)


@pytest.mark.parametrize("eta", [0.0, 1.0])
@pytest.mark.parametrize("schedule", ["linear", "scaled_linear"])
@pytest.mark.parametrize("steps", [10, 50])
def test_ddim_step_matches_scheduler(eta, schedule, steps):
    s = scheduler(DDIMScheduler, schedule)
    s.set_timesteps(steps)
    ab = step_alpha_bars(s)
    timesteps = ddim_timesteps(1000, steps)
    assert timesteps.tolist() == s.timesteps.tolist()
    for i in [0, 1, steps // 2, steps - 1]:
        t = int(timesteps[i])
        ab_prev = ab[timesteps[i + 1]] if i + 1 < steps else 1.0
        x_t, eps, _ = sample(i)
        z = torch.randn(x_t.shape, generator=torch.Generator().manual_seed(1))
        theirs = s.step(eps, t, x_t, eta=eta, variance_noise=z).prev_sample
        ours = ddim_step(x_t, eps, ab[t], ab_prev, eta=eta, noise=z)
        torch.testing.assert_close(ours, theirs, **TOL)


@pytest.mark.parametrize("steps", [10, 50])
def test_ddim_invert_step_matches_inverse_scheduler(steps):
    s = scheduler(DDIMInverseScheduler, "scaled_linear")
    s.set_timesteps(steps)
    ab = step_alpha_bars(s)
    ratio = 1000 // steps
    for t in s.timesteps.tolist():
        x, eps, _ = sample(t)
        # the inverse scheduler moves from t − T/steps (ᾱ = 1 below 0) up to t
        ab_from = ab[t - ratio] if t - ratio >= 0 else 1.0
        theirs = s.step(eps, t, x).prev_sample
        torch.testing.assert_close(ddim_invert_step(x, eps, ab_from, ab[t]), theirs, **TOL)


@pytest.mark.parametrize("spacing", ["leading", "trailing", "linspace"])
@pytest.mark.parametrize("steps", [1, 7, 10, 50, 1000])
def test_ddim_timesteps_match_set_timesteps(spacing, steps):
    s = scheduler(DDIMScheduler, timestep_spacing=spacing)
    s.set_timesteps(steps)
    assert ddim_timesteps(1000, steps, spacing).tolist() == s.timesteps.tolist()


@pytest.mark.parametrize("phi", [0.0, 0.7, 1.0])
def test_rescale_by_std_matches_rescale_noise_cfg(phi):
    guided, cond, _ = sample(3, (3, 4, 16, 16))
    guided = guided * 4
    torch.testing.assert_close(rescale_by_std(guided, cond, phi), rescale_noise_cfg(guided, cond, phi), **TOL)
