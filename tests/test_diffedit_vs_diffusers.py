"""Our DiffEdit (``paperkit.diffusion.diffedit_*``) against diffusers' ``StableDiffusionDiffEditPipeline``.

Both run on the same tiny random-weight Stable Diffusion (``paperkit.models.tiny_sd``), on the same
latents: a 4-channel tensor passed as ``image`` is used by diffusers as latents as is
(``VaeImageProcessor.preprocess`` returns it untouched and ``prepare_image_latents`` skips the VAE).

What the comparisons show (diffusers 0.42.1):

- ``diffedit.step1``: with ``rescale="clamp_mean"`` our mask is bit-identical to ``generate_mask``.
  This holds although ``generate_mask`` swaps the outputs of ``encode_prompt`` (it unpacks
  ``(prompt, negative)`` as ``(negative, prompt)``): its UNet batch is [R, ∅, Q, ∅] where [∅, R, ∅, Q]
  was meant, so its "guided" predictions are ε_R + s(ε_∅ − ε_R) and ε_Q + s(ε_∅ − ε_Q), and its map
  is (s − 1)|ε_Q − ε_R| where ours is s|ε_Q − ε_R|. The clamp-to-3×-mean rescaling divides any constant
  factor out, so the masks agree. (The same swap makes ``generate_mask`` crash for guidance ≤ 1.)
  diffusers also takes the clamp's mean over the whole batch, ours per image: only B = 1 is compared.
- ``diffedit.step2``: ``diffedit_encode`` equals ``invert(prompt="", guidance_scale=1)`` (the paper
  encodes with the unconditional model) when the inverse scheduler has ``set_alpha_to_one=True``.
  With Stable Diffusion's ``set_alpha_to_one=False`` diffusers starts its first inverse step from
  ᾱ_0 ≈ 0.99915 instead of ᾱ = 1 for the clean x_0; ours treats x_0 as clean, as ``ddim.13`` does.
- ``diffedit.step3``: with a full mask our decode equals the pipeline's ``__call__``. With a partial
  mask they differ on purpose: after the step t_i → t_{i+1} diffusers pastes back the encoder's latent
  at t_i (one step noisier; its last step pastes x at t = 1, not x_0), where the paper, and we, paste
  x_{t−1}: an empty mask gives back x_0 exactly with ours.
"""

from __future__ import annotations

import pytest
import torch
from diffusers import DDIMInverseScheduler, DDIMScheduler
from sd_fixtures import latents, tiny_model, tiny_pipe  # noqa: F401  (fixtures)

from paperkit.diffusion import ddim_invert_step, diffedit_decode, diffedit_encode, diffedit_mask
from paperkit.models.tiny_sd import diffedit_pipeline

PAIRS = {
    "similar": ("a photo of a cat", "a photo of a dog"),
    "dissimilar": ("a bowl of fruits", "a red car on a tree"),
}
STEPS, N, STRENGTH, GUIDANCE = 50, 10, 0.5, 7.5


@pytest.fixture(scope="module")
def edit_pipe(tiny_pipe):  # noqa: F811
    return diffedit_pipeline(tiny_pipe)


@pytest.fixture(scope="module")
def exact_edit_pipe(tiny_pipe):  # noqa: F811
    """The DiffEdit pipeline with ᾱ = 1 below t = 0 in both schedulers, the convention of our maths."""
    config = dict(tiny_pipe.scheduler.config)
    pipe = diffedit_pipeline(tiny_pipe, DDIMInverseScheduler.from_config(config, set_alpha_to_one=True))
    pipe.scheduler = DDIMScheduler.from_config(config, set_alpha_to_one=True)
    return pipe


def our_mask(model, x0, source, target, seed, rescale):
    return diffedit_mask(
        model, x0, model.encode_prompt(source), model.encode_prompt(target),
        n=N, strength=STRENGTH, steps=STEPS, guidance_scale=GUIDANCE,
        rescale=rescale, clamp_ratio=3.0, generator=torch.Generator().manual_seed(seed),
    )


def their_mask(edit_pipe, x0, source, target, seed):
    mask = edit_pipe.generate_mask(
        image=x0.clone(), source_prompt=source, target_prompt=target, generator=torch.Generator().manual_seed(seed),
        num_maps_per_mask=N, mask_encode_strength=STRENGTH, mask_thresholding_ratio=3.0,
        guidance_scale=GUIDANCE, num_inference_steps=STEPS, output_type="np",
    )
    return torch.from_numpy(mask).to(torch.float32)


def iou(a: torch.Tensor, b: torch.Tensor) -> float:
    a, b = a.bool(), b.bool()
    return float((a & b).sum() / (a | b).sum().clamp(min=1))


@pytest.mark.parametrize("pair", list(PAIRS))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mask_identical_to_generate_mask(tiny_model, edit_pipe, seed, pair):  # noqa: F811
    source, target = PAIRS[pair]
    x0 = latents(seed)
    theirs = their_mask(edit_pipe, x0, source, target, seed)
    ours = our_mask(tiny_model, x0, source, target, seed, "clamp_mean")
    assert theirs.shape == ours.shape == (1, x0.shape[-2], x0.shape[-1])
    assert 0 < float(theirs.mean()) < 1, "a constant mask would make the comparison vacuous"
    assert torch.equal(ours, theirs), f"{int((ours != theirs).sum())} of {ours.numel()} mask pixels differ"

    # The paper's min-max rescaling thresholds at the mid-range instead of at 1.5 × the mean.
    paper = our_mask(tiny_model, x0, source, target, seed, "minmax")
    score = iou(paper, theirs)
    print(f"\nseed {seed} {pair}: coverage diffusers {float(theirs.mean()):.3f}, "
          f"minmax {float(paper.mean()):.3f}, IoU(minmax, diffusers) = {score:.3f}")
    assert 0 < score <= 1


def test_generate_mask_unet_batch_order(tiny_model, edit_pipe):  # noqa: F811
    """Pins the reason the clamp_mean masks agree: diffusers' UNet batch is [R, ∅, Q, ∅] (see module doc)."""
    seen = {}
    hook = edit_pipe.unet.register_forward_pre_hook(
        lambda module, args, kwargs: seen.update(cond=kwargs["encoder_hidden_states"]), with_kwargs=True
    )
    try:
        their_mask(edit_pipe, latents(0), "a cat", "a dog", 0)
    finally:
        hook.remove()
    names = {"R": tiny_model.encode_prompt("a cat")[0], "Q": tiny_model.encode_prompt("a dog")[0],
             "null": tiny_model.null_cond[0]}
    order = [next(k for k, v in names.items() if torch.equal(v, row)) for row in seen["cond"][::N]]
    assert order == ["R", "null", "Q", "null"], f"diffusers' batch order changed to {order}: revisit the module doc"


def test_encode_matches_invert(tiny_model, exact_edit_pipe):  # noqa: F811
    """``diffedit.step2`` against ``invert`` with the empty prompt and no guidance (unconditional encoder)."""
    x0 = latents(5)
    ratio = 0.8
    out = exact_edit_pipe.invert(
        prompt="", image=x0.clone(), num_inference_steps=STEPS, inpaint_strength=ratio, guidance_scale=1.0
    )
    theirs = out.latents[0].flip(0)  # diffusers returns the trajectory most-noised first
    enc = diffedit_encode(tiny_model, x0, encode_ratio=ratio, steps=STEPS)
    inverse = exact_edit_pipe.inverse_scheduler
    assert enc.timesteps[1:] == inverse.timesteps[: int(STEPS * ratio)].tolist()
    ours = torch.cat(enc.xs[1:])
    assert ours.shape == theirs.shape == (int(STEPS * ratio), 4, x0.shape[-2], x0.shape[-1])
    torch.testing.assert_close(ours, theirs, atol=1e-4, rtol=1e-4)


def test_encode_first_step_vs_set_alpha_to_one_false(tiny_model, edit_pipe):  # noqa: F811
    """Stable Diffusion's own config (``set_alpha_to_one=False``): only the first inverse step differs.

    diffusers takes ᾱ_0 ≈ 0.99915 as the noise level of the input, so x̂_0 = (x_0 − √(1 − ᾱ_0) ε)/√ᾱ_0;
    the paper's encoder (and ours) starts from the clean x_0, ᾱ = 1.
    """
    assert edit_pipe.inverse_scheduler.config.set_alpha_to_one is False
    x0 = latents(6)
    out = edit_pipe.invert(prompt="", image=x0.clone(), num_inference_steps=STEPS, inpaint_strength=0.8,
                           guidance_scale=1.0)
    theirs_first = out.latents[0, -1:]
    ab = tiny_model.alpha_bars
    t1 = tiny_model.steps_offset
    eps = tiny_model.eps(x0, t1, tiny_model.null_cond)
    torch.testing.assert_close(theirs_first, ddim_invert_step(x0, eps, ab[0], ab[t1]), atol=1e-5, rtol=1e-5)
    ours_first = diffedit_encode(tiny_model, x0, encode_ratio=1 / STEPS, steps=STEPS).x_r  # its one step: to t1
    torch.testing.assert_close(ours_first, ddim_invert_step(x0, eps, 1.0, ab[t1]), atol=1e-6, rtol=1e-6)
    assert float((ours_first - theirs_first).abs().max()) > 1e-3


@pytest.fixture(scope="module")
def encoded(tiny_model, exact_edit_pipe):  # noqa: F811
    x0 = latents(7)
    inv = exact_edit_pipe.invert(prompt="", image=x0.clone(), num_inference_steps=STEPS, inpaint_strength=0.8,
                                 guidance_scale=1.0).latents
    enc = diffedit_encode(tiny_model, x0, encode_ratio=0.8, steps=STEPS)
    return x0, inv, enc


def _decode_both(tiny_model, exact_edit_pipe, encoded, mask):  # noqa: F811
    x0, inv, enc = encoded
    prompt = "a photo of a dog"
    theirs = exact_edit_pipe(
        prompt=prompt, mask_image=mask[:, None].clone(), image_latents=inv, inpaint_strength=0.8,
        num_inference_steps=STEPS, guidance_scale=GUIDANCE, output_type="latent",
    ).images
    ours = diffedit_decode(tiny_model, enc, mask, tiny_model.encode_prompt(prompt),
                           guidance_scale=GUIDANCE, null_cond=tiny_model.null_cond)
    return x0, inv, ours, theirs


def test_decode_matches_pipeline_with_full_mask(tiny_model, exact_edit_pipe, encoded):  # noqa: F811
    """``diffedit.step3`` with M = 1 everywhere is plain guided DDIM decoding from x_r: as ``__call__``."""
    _, _, ours, theirs = _decode_both(tiny_model, exact_edit_pipe, encoded, torch.ones(1, 16, 16))
    torch.testing.assert_close(ours, theirs, atol=2e-4, rtol=2e-4)


def test_decode_background_with_empty_mask(tiny_model, exact_edit_pipe, encoded):  # noqa: F811
    """M = 0: the paper keeps x_{t−1} at every step, so y_0 = x_0; diffusers ends on x at t = 1 (one step late)."""
    x0, inv, ours, theirs = _decode_both(tiny_model, exact_edit_pipe, encoded, torch.zeros(1, 16, 16))
    assert torch.equal(ours, x0)
    torch.testing.assert_close(theirs, inv[:, -1], atol=0, rtol=0)
