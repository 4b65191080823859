"""``paperkit.diffusion.sample`` against diffusers' ``StableDiffusionPipeline`` + ``DDIMScheduler``.

The tiny random-weight pipeline is saved as a folder; our ``StableDiffusionModel`` loads that folder
and ``sample`` reads the timestep spacing, steps offset and final ᾱ from its scheduler config. From
the same initial latents (batch 2), both must land on the same x_0 latents to 1e-4, with guidance 1
(the conditional model alone) and 7.5 (``cfg.6``), and with Lin's rescale (diffusers'
``guidance_rescale``). The configs vary what ``sample`` must read: spacing and ``set_alpha_to_one``.
"""

from __future__ import annotations

import pytest
import torch
from diffusers import DDIMScheduler, StableDiffusionPipeline
from sd_fixtures import tiny_folder  # noqa: F401

from paperkit.diffusion import NoiseSchedule, StdRescale, sample
from paperkit.models.stable_diffusion import StableDiffusionModel

PROMPTS = ["a photo of a cat", "a red house"]
STEPS = 12


def _pipeline_latents(pipe, latents, guidance, rescale=0.0):
    out = pipe(prompt=PROMPTS, num_inference_steps=STEPS, guidance_scale=guidance, guidance_rescale=rescale,
               latents=latents.clone(), output_type="latent", height=32, width=32)
    return out.images


@pytest.fixture(scope="module")
def folder_pipe(tiny_folder):  # noqa: F811
    pipe = StableDiffusionPipeline.from_pretrained(str(tiny_folder), safety_checker=None, requires_safety_checker=False,
                                                   local_files_only=True)
    pipe.set_progress_bar_config(disable=True)
    return pipe


@pytest.fixture(scope="module")
def model(tiny_folder):  # noqa: F811
    return StableDiffusionModel.from_folder(tiny_folder)


def _latents(seed=3):
    return torch.randn(2, 4, 16, 16, generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize("guidance", [1.0, 7.5])
@pytest.mark.parametrize("config", [{}, {"timestep_spacing": "trailing"}, {"set_alpha_to_one": True},
                                    {"timestep_spacing": "linspace"}])
def test_sample_matches_pipeline(model, folder_pipe, guidance, config):
    folder_pipe.scheduler = DDIMScheduler.from_config(folder_pipe.scheduler.config, **config)
    model.schedule = NoiseSchedule.from_config(folder_pipe.scheduler.config)
    x_T = _latents()
    theirs = _pipeline_latents(folder_pipe, x_T, guidance)
    cond = model.encode_prompt(PROMPTS)
    ours = sample(model, x_T, cond, steps=STEPS, guidance_scale=guidance)
    assert ours.shape == theirs.shape == (2, 4, 16, 16)
    torch.testing.assert_close(ours, theirs, atol=1e-4, rtol=0)
    assert (ours - x_T).abs().mean() > 0.05  # the loop did something


def test_std_rescale_matches_guidance_rescale(model, folder_pipe):
    folder_pipe.scheduler = DDIMScheduler.from_config(folder_pipe.scheduler.config)
    model.schedule = NoiseSchedule.from_config(folder_pipe.scheduler.config)
    x_T = _latents(5)
    theirs = _pipeline_latents(folder_pipe, x_T, 7.5, rescale=0.7)
    ours = sample(model, x_T, model.encode_prompt(PROMPTS), steps=STEPS, guidance_scale=7.5, guidance=StdRescale(0.7))
    torch.testing.assert_close(ours, theirs, atol=1e-4, rtol=0)
    plain = sample(model, x_T, model.encode_prompt(PROMPTS), steps=STEPS, guidance_scale=7.5)
    assert (plain - ours).abs().max() > 1e-3  # the rescale changed the result


def test_schedule_read_from_folder(model, tiny_folder):  # noqa: F811
    s = NoiseSchedule.from_file(tiny_folder / "scheduler")
    assert (s.spacing, s.steps_offset) == ("leading", 1)
    assert s.final_alpha_bar == pytest.approx(float(s.alpha_bars[0]))  # set_alpha_to_one = False
    ref = DDIMScheduler.from_pretrained(str(tiny_folder), subfolder="scheduler")
    torch.testing.assert_close(s.alpha_bars.float(), ref.alphas_cumprod, atol=1e-6, rtol=0)
    ref.set_timesteps(50)
    assert s.timesteps(50) == ref.timesteps.tolist()
