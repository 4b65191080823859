"""``paperkit.diffusion.sample``/``invert`` on small models: the contract every caller relies on.

(The numbers against diffusers' pipeline are in ``test_sampler_vs_pipeline.py``.)
"""

from __future__ import annotations

import threading

import pytest
import torch

from paperkit.diffusion import (Guidance, NoiseSchedule, NormRatio, StdRescale, alpha_bars, ddim_step, invert,
                                linear_betas, sample)
from paperkit.models.protocol import DemoModel, SamplerModel
from paperkit.progress import Cancelled


class Linear:
    """ε_θ(x_t, t, c) = 0.1 x_t + c/10 (per sample): cheap, and the condition matters."""

    schedule = NoiseSchedule(alpha_bars(linear_betas()))
    null_cond = torch.tensor([0.0])

    def __init__(self):
        self.calls = []

    def eps(self, x_t, t, cond):
        self.calls.append((x_t.shape[0], int(t)))
        return 0.1 * x_t + cond.reshape(-1, 1, 1, 1) / 10


def x_T(batch=2, seed=0):
    return torch.randn(batch, 1, 4, 4, generator=torch.Generator().manual_seed(seed))


def test_the_protocol_example_runs_and_both_models_satisfy_it(tiny_model):  # noqa: F811
    from paperkit.models import load_model

    assert isinstance(Linear(), SamplerModel)
    assert isinstance(load_model("digits"), DemoModel)
    assert isinstance(tiny_model, DemoModel)
    out = sample(Linear(), x_T(4), torch.tensor([1.0, 2, 3, 4]), steps=10, guidance_scale=3)
    assert out.shape == (4, 1, 4, 4) and torch.isfinite(out).all()


def test_ddim_eta0_is_the_ddim_step_on_the_leading_grid():
    model, x = Linear(), x_T()
    cond = torch.tensor([1.0, -1.0])
    ours = sample(model, x, cond, steps=5)
    ab = model.schedule.alpha_bars
    taus = [800, 600, 400, 200, 0]
    ref = x
    for i, t in enumerate(taus):
        prev = float(ab[taus[i + 1]]) if i + 1 < len(taus) else 1.0
        ref = ddim_step(ref, 0.1 * ref + cond.reshape(-1, 1, 1, 1) / 10, float(ab[t]), prev)
    torch.testing.assert_close(ours, ref)
    assert [t for _, t in model.calls] == taus


def test_guidance_batches_both_predictions_and_scale_one_does_not():
    model = Linear()
    sample(model, x_T(), torch.tensor([1.0, 2.0]), steps=3, guidance_scale=1.0)
    assert [b for b, _ in model.calls] == [2, 2, 2]
    model.calls.clear()
    sample(model, x_T(), torch.tensor([1.0, 2.0]), steps=3, guidance_scale=5.0)
    assert [b for b, _ in model.calls] == [4, 4, 4]


def test_schedule_rescale_and_both_together_change_the_result():
    model, x, cond = Linear(), x_T(), torch.tensor([1.0, 2.0])
    plain = sample(model, x, cond, steps=4, guidance_scale=7.5)
    decreasing = sample(model, x, cond, steps=4, guidance=[7.5, 5, 3, 1])
    rescaled = sample(model, x, cond, steps=4, guidance_scale=7.5, guidance=NormRatio())
    both = sample(model, x, cond, steps=4, guidance=Guidance(schedule=[7.5, 5, 3, 1], rescale=NormRatio()))
    for other in (decreasing, rescaled, both):
        assert (other - plain).abs().max() > 1e-4
    assert (both - decreasing).abs().max() > 1e-4
    constant = sample(model, x, cond, steps=4, guidance=[7.5] * 4)
    torch.testing.assert_close(constant, plain)
    # Lin's rescale matches the std of ε_c: a guided ε that differs from ε_c by a constant keeps its std
    torch.testing.assert_close(sample(model, x, cond, steps=4, guidance_scale=7.5, guidance=StdRescale(1.0)), plain)


def test_stochastic_samplers_are_reproducible_from_the_generator():
    model, x, cond = Linear(), x_T(), torch.tensor([1.0, 2.0])
    for kw in ({"eta": 1.0}, {"sampler": "ddpm"}):
        a = sample(model, x, cond, steps=6, generator=torch.Generator().manual_seed(3), **kw)
        b = sample(model, x, cond, steps=6, generator=torch.Generator().manual_seed(3), **kw)
        c = sample(model, x, cond, steps=6, generator=torch.Generator().manual_seed(4), **kw)
        torch.testing.assert_close(a, b)
        assert (a - c).abs().max() > 1e-3
        assert (a - sample(model, x, cond, steps=6)).abs().max() > 1e-3  # not the deterministic path


def test_invert_then_sample_round_trips_and_mirrors_the_timesteps():
    class Const(Linear):
        """ε independent of x_t: DDIM's encoder and decoder are then exact inverses."""

        def eps(self, x_t, t, cond):
            self.calls.append((x_t.shape[0], int(t)))
            return (cond.reshape(-1, 1, 1, 1) / 10).expand_as(x_t)

    model = Const()
    x0 = x_T(seed=9)
    cond = torch.tensor([0.5, -0.5])
    enc = invert(model, x0, cond, steps=20, start_alpha_bar=1.0)
    assert enc.timesteps[1:] == model.schedule.timesteps(20)[::-1]
    assert [t for _, t in model.calls] == enc.timesteps[1:]
    back = sample(model, enc.x_r, cond, steps=20, final_alpha_bar=1.0)
    torch.testing.assert_close(back, x0, atol=1e-5, rtol=1e-5)
    assert (enc.x_r - x0).abs().max() > 0.5


def test_start_step_observe_after_step_callback_and_cancel():
    model, x, cond = Linear(), x_T(), torch.tensor([1.0, 2.0])
    seen, ticks = [], []
    sample(model, x, cond, steps=10, start_step=6, observe=lambda s: seen.append((s.i, s.t)),
           callback=lambda i, n, info: ticks.append((i, n, info["stage"])))
    assert seen == [(0, 300), (1, 200), (2, 100), (3, 0)]
    assert ticks == [(i, 4, "sample") for i in range(1, 5)]
    zeros = sample(model, x, cond, steps=3, after_step=lambda i, t, y: torch.zeros_like(y))
    assert zeros.abs().max() == 0
    flag = threading.Event()
    flag.set()
    with pytest.raises(Cancelled):
        sample(model, x, cond, steps=10, cancel=flag)


@pytest.mark.parametrize("kwargs, message", [
    ({"sampler": "euler"}, "sampler must be one of ddim, ddpm"),
    ({"guidance": [1.0, 2.0]}, "2 guidance scales for 5 steps"),
    ({"start_step": 5}, r"start_step must be in \[0, 5\)"),
    ({"eta": -1}, "η must be ≥ 0"),
    ({"steps": 0}, "steps must be an integer between 1 and T=1000"),
])
def test_bad_settings_are_one_clear_error(kwargs, message):
    settings = {"steps": 5, **kwargs}
    with pytest.raises(ValueError, match=message):
        sample(Linear(), x_T(), torch.tensor([1.0, 2.0]), **settings)


def test_mismatched_conditioning_and_missing_null_are_clear():
    with pytest.raises(ValueError, match="conditioning has batch 3 for 2 samples"):
        sample(Linear(), x_T(), torch.tensor([1.0, 2.0, 3.0]), steps=2)

    class NoNull(Linear):
        null_cond = None

    with pytest.raises(ValueError, match="unconditional input"):
        sample(NoNull(), x_T(), torch.tensor([1.0, 2.0]), steps=2, guidance_scale=2.0)


def test_schedule_from_config_reads_the_grid():
    s = NoiseSchedule.from_config({"num_train_timesteps": 1000, "beta_schedule": "scaled_linear", "beta_start": 0.00085,
                                   "beta_end": 0.012, "steps_offset": 1, "set_alpha_to_one": False,
                                   "timestep_spacing": "leading"})
    assert s.timesteps(50)[:3] == [981, 961, 941] and s.timesteps(50)[-1] == 1
    assert s.plan(50)[-1][2] == pytest.approx(float(s.alpha_bars[0]))  # the final ᾱ
    with pytest.raises(ValueError, match="unsupported beta_schedule 'sigmoid'"):
        NoiseSchedule.from_config({"beta_schedule": "sigmoid"})
    with pytest.raises(ValueError, match="spacing"):
        NoiseSchedule(s.alpha_bars, spacing="karras")


from sd_fixtures import tiny_model, tiny_pipe  # noqa: E402,F401  (fixtures)
