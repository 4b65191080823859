"""``paperkit.models.digits.quality.generate`` samples through ``paperkit.diffusion.sample``; diffusers'
``DDIMScheduler`` on the digits model's own schedule is the oracle: the same x_T, guidance (``cfg.6``),
η and x̂_0 clipping must give the same samples.
"""

from __future__ import annotations

import pytest
import torch
from diffusers import DDIMScheduler

from paperkit.models.digits.model import load_digits
from paperkit.models.digits.quality import generate

STEPS = 10
LABELS = torch.arange(10).repeat_interleave(2)


@pytest.fixture(scope="module")
def model():
    return load_digits()


def _diffusers(model, labels, scale, eta, seed, clip):
    """diffusers' DDIM loop with ε̃ = ε_u + s (ε_c − ε_u), x_T and the η noise from one seeded generator."""
    ab = model.alpha_bars
    betas = 1 - ab / torch.cat([torch.ones(1, dtype=ab.dtype), ab[:-1]])
    sched = DDIMScheduler(num_train_timesteps=len(ab), trained_betas=betas.tolist(), set_alpha_to_one=True,
                          steps_offset=0, timestep_spacing="leading", clip_sample=clip is not None,
                          clip_sample_range=clip or 1.0)
    sched.set_timesteps(STEPS)
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(len(labels), model.channels, model.image_size, model.image_size, generator=g)
    null = model.null_cond.expand(len(labels))
    for t in sched.timesteps:
        t = int(t)
        if scale == 1:
            eps = model.eps(x, t, labels)
        else:
            eps_u, eps_c = model.eps(torch.cat([x, x]), t, torch.cat([null, labels])).chunk(2)
            eps = eps_u + scale * (eps_c - eps_u)
        x = sched.step(eps, t, x, eta=eta, generator=g).prev_sample
    return x.clamp(-1, 1)


@pytest.mark.parametrize("scale, eta, clip", [(1.0, 0.0, None), (4.0, 0.0, None), (7.5, 0.5, None),
                                              (4.0, 0.0, 1.0), (2.0, 1.0, 1.0)])
def test_generate_matches_diffusers(model, scale, eta, clip):
    with torch.inference_mode():
        ours = generate(model, LABELS, scale=scale, steps=STEPS, eta=eta, seed=3, clip_x0=clip)
        theirs = _diffusers(model, LABELS, scale, eta, 3, clip)
    assert ours.shape == (20, 1, 16, 16)
    torch.testing.assert_close(ours, theirs, atol=1e-4, rtol=0)


def test_clipping_changes_the_samples(model):
    with torch.inference_mode():
        plain = generate(model, LABELS, scale=7.5, steps=STEPS, seed=3)
        clipped = generate(model, LABELS, scale=7.5, steps=STEPS, seed=3, clip_x0=1.0)
    assert (plain - clipped).abs().max() > 1e-2


def test_generate_reports_every_step_and_same_seed_same_samples(model):
    seen = []
    with torch.inference_mode():
        a = generate(model, LABELS[:4], scale=4.0, steps=5, seed=1, callback=lambda s, n, info: seen.append((s, n)))
        b = generate(model, LABELS[:4], scale=4.0, steps=5, seed=1)
    assert seen == [(i, 5) for i in range(1, 6)]
    assert torch.equal(a, b)
