"""Properties of the diffusion maths that hold whatever the oracle: limits, inverses, invariants."""

import math
import threading

import pytest
import torch

from paperkit.diffusion import (
    alpha_bars, cfg, cosine_betas, ddim_invert_step, ddim_sigma, ddim_step, ddim_timesteps, ddpm_step,
    diffedit_decode, diffedit_encode, diffedit_mask, guidance_scale_schedule, l_simple, lerp, linear_betas,
    posterior_mean_variance, predict_x0, q_sample, rescale_by_norm_ratio, slerp,
)
from paperkit.diffusion.diffedit import DDIMEncoding
from paperkit.progress import Cancelled


def randn(*shape, seed=0):
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed))


def test_linear_schedule_matches_the_paper():
    betas = linear_betas()
    assert betas.dtype == torch.float64 and betas.shape == (1000,)
    assert betas[0].item() == pytest.approx(1e-4) and betas[-1].item() == pytest.approx(0.02)
    ab = alpha_bars(betas)
    assert ab[-1].item() == pytest.approx(4.04e-5, rel=0.01)  # x_T is almost pure noise
    assert torch.all(ab[1:] < ab[:-1])


def test_cosine_schedule_follows_its_alpha_bar():
    ab = alpha_bars(cosine_betas(1000))
    f = lambda t: math.cos((t / 1000 + 0.008) / 1.008 * math.pi / 2) ** 2
    for t in [1, 100, 500, 900]:
        assert ab[t - 1].item() == pytest.approx(f(t) / f(0), rel=1e-9)
    assert cosine_betas(1000).max().item() <= 0.999


def test_schedules_reject_bad_T():
    with pytest.raises(ValueError):
        linear_betas(0)


def test_q_sample_and_predict_x0_are_inverses():
    x0, eps = randn(2, 3, 8, 8), randn(2, 3, 8, 8, seed=1)
    for ab in [0.999, 0.5, 0.01]:
        torch.testing.assert_close(predict_x0(q_sample(x0, eps, ab), eps, ab), x0, atol=1e-4, rtol=1e-4)


def test_per_sample_coefficients_broadcast():
    x0, eps = randn(3, 2, 4, 4), randn(3, 2, 4, 4, seed=1)
    ab = torch.tensor([0.9, 0.5, 0.1], dtype=torch.float64)
    batched = q_sample(x0, eps, ab)
    for i in range(3):
        torch.testing.assert_close(batched[i], q_sample(x0[i : i + 1], eps[i : i + 1], ab[i].item())[0])
    with pytest.raises(ValueError):
        q_sample(x0, eps, torch.tensor([0.1, 0.2]))


def test_ddim_sigma_at_eta_one_is_the_ddpm_posterior_std():
    ab = alpha_bars(linear_betas())
    for t in [1, 10, 500, 999]:
        _, var = posterior_mean_variance(torch.zeros(1, dtype=torch.float64), torch.zeros(1, dtype=torch.float64), ab[t], ab[t - 1])
        assert float(ddim_sigma(ab[t], ab[t - 1], 1.0)) == pytest.approx(math.sqrt(float(var)), rel=1e-9)
    assert ddim_sigma(0.5, 0.6, 0.0) == 0.0


def test_ddim_inversion_then_sampling_returns_the_input_for_a_fixed_eps():
    # with ε independent of x (an exact ODE), encoding then decoding is lossless
    x0, eps = randn(1, 3, 8, 8), randn(1, 3, 8, 8, seed=2)
    ab = alpha_bars(linear_betas())
    x = ddim_invert_step(x0, eps, 1.0, ab[399])
    x = ddim_invert_step(x, eps, ab[399], ab[799])
    back = ddim_step(ddim_step(x, eps, ab[799], ab[399]), eps, ab[399], 1.0)
    torch.testing.assert_close(back, x0, atol=1e-5, rtol=1e-5)


def test_ddpm_step_adds_no_noise_on_the_last_step():
    x_t, eps = randn(1, 3, 4, 4), randn(1, 3, 4, 4, seed=1)
    a = ddpm_step(x_t, eps, 0.999, 1.0, noise=randn(1, 3, 4, 4, seed=2))
    b = ddpm_step(x_t, eps, 0.999, 1.0, noise=randn(1, 3, 4, 4, seed=3))
    torch.testing.assert_close(a, b)
    with pytest.raises(ValueError):
        ddpm_step(x_t, eps, 0.5, 0.6, variance="large")


def test_ddim_timesteps_spacings_and_errors():
    assert ddim_timesteps(1000, 10).tolist() == list(range(900, -1, -100))
    assert ddim_timesteps(1000, 10, "trailing").tolist()[0] == 999
    assert ddim_timesteps(1000, 10, offset=1).tolist()[-1] == 1
    with pytest.raises(ValueError):
        ddim_timesteps(1000, 0)
    with pytest.raises(ValueError):
        ddim_timesteps(1000, 10, "quadratic")


def test_cfg_limits_and_paper_form():
    u, c = randn(2, 4, 4, 4), randn(2, 4, 4, 4, seed=1)
    torch.testing.assert_close(cfg(u, c, 1.0), c)
    torch.testing.assert_close(cfg(u, c, 0.0), u)
    w = 6.5
    torch.testing.assert_close(cfg(u, c, 1 + w), (1 + w) * c - w * u)  # cfg.6
    per_sample = cfg(u, c, torch.tensor([1.0, 0.0]))
    torch.testing.assert_close(per_sample[0], c[0])
    torch.testing.assert_close(per_sample[1], u[1])


def test_norm_ratio_rescale_keeps_direction_and_takes_reference_norm():
    g, ref = randn(3, 4, 8, 8) * 5, randn(3, 4, 8, 8, seed=1)
    out = rescale_by_norm_ratio(g, ref)
    torch.testing.assert_close(out.flatten(1).norm(dim=1), ref.flatten(1).norm(dim=1))
    cos = torch.nn.functional.cosine_similarity(out.flatten(1), g.flatten(1))
    torch.testing.assert_close(cos, torch.ones(3))


def test_guidance_schedules():
    assert guidance_scale_schedule(7.5, 4) == [7.5] * 4
    lin = guidance_scale_schedule(7.5, 11, "linear", 1.0)
    cosine = guidance_scale_schedule(7.5, 11, "cosine", 1.0)
    assert lin[0] == cosine[0] == 7.5 and lin[-1] == pytest.approx(1.0) and cosine[-1] == pytest.approx(1.0)
    assert all(a >= b for a, b in zip(lin, lin[1:])) and all(a >= b for a, b in zip(cosine, cosine[1:]))
    assert cosine[1] > lin[1]  # the cosine schedule stays strong longer at the start
    assert guidance_scale_schedule(3.0, 1, "linear") == [3.0]
    with pytest.raises(ValueError):
        guidance_scale_schedule(7.5, 10, "exponential")


def test_lerp_and_slerp():
    a, b = randn(4, 16), randn(4, 16, seed=1)
    torch.testing.assert_close(slerp(a, b, 0.0), a)
    torch.testing.assert_close(slerp(a, b, 1.0), b, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(lerp(a, b, 0.25), 0.75 * a + 0.25 * b)
    u, v = torch.tensor([1.0, 0.0]), torch.tensor([0.0, 1.0])
    mid = slerp(u, v, 0.5)
    assert mid.norm().item() == pytest.approx(1.0) and lerp(u, v, 0.5).norm().item() == pytest.approx(math.sqrt(0.5))
    torch.testing.assert_close(slerp(u, u * 2, 0.5), lerp(u, u * 2, 0.5))  # parallel: falls back to lerp


def test_l_simple_is_a_per_sample_squared_norm():
    eps, pred = torch.zeros(2, 1, 2, 2), torch.ones(2, 1, 2, 2)
    assert l_simple(eps, pred).item() == 4.0


class RegionModel:
    """ε depends on the condition only inside a known square, so DiffEdit's mask must find it."""

    null_cond = torch.tensor([0])
    alpha_bars = alpha_bars(linear_betas())

    def __init__(self):
        self.region = torch.zeros(1, 1, 16, 16)
        self.region[..., 4:10, 6:12] = 1.0
        self.calls = 0

    def eps(self, x_t, t, cond):
        self.calls += 1
        shift = cond.to(x_t.dtype).reshape(-1, 1, 1, 1) * self.region
        return 0.1 * x_t + shift


def test_diffedit_mask_finds_the_region_where_the_condition_matters():
    model = RegionModel()
    x0 = randn(1, 3, 16, 16)
    g = torch.Generator().manual_seed(0)
    for rescale in ("minmax", "clamp_mean"):
        mask = diffedit_mask(model, x0, torch.tensor([1]), torch.tensor([3]), rescale=rescale, generator=g)
        assert mask.shape == (1, 16, 16)
        torch.testing.assert_close(mask[0], model.region[0, 0])
    guided = diffedit_mask(model, x0, torch.tensor([1]), torch.tensor([3]), guidance_scale=7.5, generator=g)
    torch.testing.assert_close(guided[0], model.region[0, 0])
    with pytest.raises(ValueError):
        diffedit_mask(model, x0, torch.tensor([1]), torch.tensor([3]), n=0)
    with pytest.raises(ValueError):
        diffedit_mask(model, x0, torch.tensor([1]), torch.tensor([3]), strength=1.5)
    with pytest.raises(ValueError):
        diffedit_mask(model, x0, torch.tensor([1]), torch.tensor([3]), strength=0.01, steps=50)


def test_diffedit_mask_batches_noise_draws_in_one_model_call():
    model = RegionModel()
    diffedit_mask(model, randn(2, 3, 16, 16), torch.tensor([1]), torch.tensor([2]), n=10)
    assert model.calls == 1


def test_masked_decoding_keeps_the_input_outside_the_mask():
    model = RegionModel()
    x0 = randn(1, 3, 16, 16)
    enc = diffedit_encode(model, x0, encode_ratio=0.5, steps=20)
    assert isinstance(enc, DDIMEncoding) and len(enc.xs) == 11 and enc.timesteps[0] == -1
    mask = model.region[0]
    out = diffedit_decode(model, enc, mask, torch.tensor([5]), guidance_scale=3.0)
    outside = (1 - mask).bool().expand_as(out[0])
    torch.testing.assert_close(out[0][outside], x0[0][outside], atol=1e-5, rtol=1e-5)
    assert (out[0][~outside] - x0[0][~outside]).abs().max() > 0.1  # the edit changed the inside
    empty = diffedit_decode(model, enc, torch.zeros(16, 16), torch.tensor([5]))
    torch.testing.assert_close(empty, x0, atol=1e-5, rtol=1e-5)


def test_encoding_reports_progress_and_stops_when_cancelled():
    model, x0 = RegionModel(), randn(1, 3, 16, 16)
    seen = []
    diffedit_encode(model, x0, encode_ratio=0.5, steps=10, callback=lambda i, n, info: seen.append((i, n, info["stage"])))
    assert seen == [(i, 5, "encode") for i in range(1, 6)]
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        diffedit_encode(model, x0, encode_ratio=0.5, steps=10, cancel=cancel)
    assert model.calls == 5 + 1  # stopped after the first step


def test_guidance_without_a_null_condition_is_a_clear_error():
    class NoNull:
        alpha_bars = alpha_bars(linear_betas())

        def eps(self, x, t, c):
            return x

    enc = diffedit_encode(NoNull(), randn(1, 1, 4, 4), steps=10, cond=torch.tensor([0]))
    with pytest.raises(ValueError, match="unconditional"):
        diffedit_decode(NoNull(), enc, torch.ones(4, 4), torch.tensor([2]), guidance_scale=2.0)
    # the mask needs none: the unconditional prediction cancels out of the difference map
    assert diffedit_mask(NoNull(), randn(1, 1, 4, 4), torch.tensor([1]), torch.tensor([2]), guidance_scale=2.0).shape == (1, 4, 4)


def test_encoder_evaluates_eps_where_the_catalog_says():
    """``diffedit.step2``: each encoding step x_t → x_{t+1} calls ε_θ on x_t at t + 1 (the target timestep),
    and the catalog's LaTeX and notes say so."""
    from paperkit.catalog.store import load_catalog

    class Recorder(RegionModel):
        def eps(self, x_t, t, cond):
            self.seen.append((float(x_t.abs().sum()), int(t)))
            return super().eps(x_t, t, cond)

    model = Recorder()
    model.seen = []
    enc = diffedit_encode(model, randn(1, 3, 16, 16), encode_ratio=0.5, steps=10)
    assert [t for _, t in model.seen] == enc.timesteps[1:]  # the target timestep of each step
    assert [x for x, _ in model.seen] == [float(x.abs().sum()) for x in enc.xs[:-1]]  # on the current x_t
    entry = load_catalog().equation("diffedit.step2")
    assert r"\epsilon_\theta(x_t, t+1, \varnothing)" in entry.latex
    assert any("target timestep" in note for note in entry.notes)
