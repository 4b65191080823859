"""DiffEdit: mask generation, DDIM encoding and mask-guided decoding
(Couairon et al., arXiv 2210.11427, §3, Figure 2 steps 1–3).

A *model* is anything with ``eps(x_t, t, cond) -> tensor``: x_t a batch (B, C, H, W) in the model's
space (pixels for the digits model, latents for Stable Diffusion), t an integer timestep, cond a
batch of conditionings whose first dimension matches x_t. A model may carry ``null_cond``, the
unconditional input used for classifier-free guidance.

Defaults are the paper's: n = 10 noise draws, 50 % noise strength, threshold 0.5, 50 DDIM steps,
guidance 7.5 for Stable Diffusion. The paper sweeps the encoding ratio r rather than fixing one;
the default 0.8 is the value of its comparison with GLIDE and diffusers' default.
"""

from __future__ import annotations

from typing import Literal

import torch

from ..progress import Callback, CancelFlag
from .ddpm import q_sample
from .noise_schedule import schedule_of
from .sampler import DDIMEncoding, invert, sample


def masked_blend(M: torch.Tensor, y_t: torch.Tensor, x_t: torch.Tensor) -> torch.Tensor:
    """ỹ_t = M ⊙ y_t + (1 − M) ⊙ x_t (``diffedit.step3``): the edit inside the mask, the input outside."""
    return M * y_t + (1 - M) * x_t


def diffedit_difference_map(
    model,
    x0: torch.Tensor,
    cond_ref,
    cond_query,
    *,
    n: int = 10,
    strength: float = 0.5,
    steps: int = 50,
    guidance_scale: float = 1.0,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Step 1 before binarisation (``diffedit.step1``): the mean |ε_θ(x_t, Q) − ε_θ(x_t, R)| map.

    1. t is the DDIM timestep at ``strength`` of the way into the model's ``steps``-step schedule (50 % noise).
    2. Draw n noises and noise x_0 to x_t with each (``ddpm.4``).
    3. Predict the noise under the reference text R and the query Q, in one batched model call.
    4. Average |ε̃_Q − ε̃_R| over the n draws and the channels: shape (B, H, W).

    With classifier-free guidance (``cfg.6``) both predictions share the unconditional term on the
    same x_t, so it cancels: ε̃_Q − ε̃_R = s (ε_Q − ε_R). The map is therefore computed from the two
    conditional predictions and multiplied by s, with no unconditional model call; and since the
    mask's rescaling divides any constant out, the guidance scale does not change the mask at all.
    (diffusers' ``generate_mask`` runs four predictions per draw to reach the same mask.)
    """
    if n < 1 or int(n) != n:
        raise ValueError(f"n (noise draws) must be a positive integer, got {n!r}")
    if not 0 < strength <= 1 or int(steps * strength) < 1:
        raise ValueError(f"strength must be in (0, 1] and reach at least one of the {steps} steps, got {strength!r}")
    B = x0.shape[0]
    # 1. the noising timestep, on the same grid DDIM decoding uses
    schedule = schedule_of(model)
    t = schedule.timesteps(steps)[steps - int(steps * strength)]
    # 2. n noised copies of each image
    x0_n = x0.repeat_interleave(n, dim=0)
    noise = _randn(x0_n, generator)
    x_t = q_sample(x0_n, noise, schedule.alpha_bar(t))
    # 3. the two conditional noise predictions, in one batched model call
    cond_ref_n, cond_query_n = _expand(cond_ref, B, n), _expand(cond_query, B, n)
    eps_ref, eps_query = model.eps(torch.cat([x_t] * 2), t, _cat([cond_ref_n, cond_query_n])).chunk(2)
    # 4. mean absolute difference over draws and channels; guidance only scales it (see above)
    diff = (eps_query - eps_ref).abs().reshape(B, n, *eps_ref.shape[1:]).mean(dim=(1, 2))
    return diff * abs(guidance_scale) if guidance_scale != 1.0 else diff


def diffedit_mask(
    model,
    x0: torch.Tensor,
    cond_ref,
    cond_query,
    *,
    n: int = 10,
    strength: float = 0.5,
    threshold: float = 0.5,
    rescale: Literal["minmax", "clamp_mean"] = "minmax",
    clamp_ratio: float = 3.0,
    steps: int = 50,
    guidance_scale: float = 1.0,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Step 1 (``diffedit.step1``): the binary edit mask M, shape (B, H, W), 1 where the edit goes.

    The difference map (``diffedit_difference_map``) is rescaled to [0, 1] and thresholded:

    - ``rescale="minmax"`` (the paper): (d − min d)/(max d − min d), per image;
    - ``rescale="clamp_mean"`` (diffusers' ``generate_mask``): clamp d to [0, ``clamp_ratio`` × mean d]
      and divide by that bound, which also removes extreme values.

    M = 1 where the rescaled map exceeds ``threshold`` (0.5).
    """
    if not 0 <= threshold <= 1:
        raise ValueError(f"threshold must be in [0, 1], got {threshold!r}")
    d = diffedit_difference_map(
        model, x0, cond_ref, cond_query, n=n, strength=strength, steps=steps, guidance_scale=guidance_scale,
        generator=generator,
    )
    if rescale == "minmax":
        lo = d.amin(dim=(1, 2), keepdim=True)
        hi = d.amax(dim=(1, 2), keepdim=True)
        scaled = (d - lo) / (hi - lo).clamp(min=torch.finfo(d.dtype).tiny)
    elif rescale == "clamp_mean":
        if clamp_ratio <= 0:
            raise ValueError(f"clamp_ratio must be positive, got {clamp_ratio!r}")
        bound = d.mean(dim=(1, 2), keepdim=True) * clamp_ratio
        scaled = torch.minimum(d, bound) / bound
    else:
        raise ValueError(f"rescale must be 'minmax' or 'clamp_mean', got {rescale!r}")
    return (scaled > threshold).to(x0.dtype)


def diffedit_encode(
    model,
    x0: torch.Tensor,
    *,
    encode_ratio: float = 0.8,
    steps: int = 50,
    cond=None,
    callback: Callback | None = None,
    cancel: CancelFlag | None = None,
) -> DDIMEncoding:
    """Step 2 (``diffedit.step2``): DDIM-encode x_0 to x_r by running ``ddim.13`` forwards in t.

    ``paperkit.diffusion.invert`` over the first int(steps · r) steps of the model's ``steps``-step
    schedule, with the unconditional model (``cond`` defaults to the model's ``null_cond``), as in the
    paper; r = 1 reaches (almost) pure noise and r = 0 leaves x_0 untouched. Each transition
    t_{i−1} → t_i evaluates ε_θ at t_i, the exact mirror of the decoding step t_i → t_{i−1}, as
    diffusers' DDIMInverseScheduler does. x_0 is the input itself: ᾱ = 1 there.
    """
    if not 0 <= encode_ratio <= 1:
        raise ValueError(f"encode_ratio must be in [0, 1], got {encode_ratio!r}")
    cond = _expand(_null(model, cond), x0.shape[0], 1)
    encoding = invert(model, x0, cond, steps=steps, stop_step=int(steps * encode_ratio), start_alpha_bar=1.0,
                      callback=callback, cancel=cancel)
    encoding.steps = steps
    return encoding


def diffedit_decode(
    model,
    encoding: DDIMEncoding,
    mask: torch.Tensor,
    cond_query,
    *,
    guidance_scale: float = 7.5,
    null_cond=None,
    callback: Callback | None = None,
    cancel: CancelFlag | None = None,
) -> torch.Tensor:
    """Step 3 (``diffedit.step3``): decode x_r with the query, keeping the input outside the mask.

    ``paperkit.diffusion.sample`` from x_r over the encoding's steps: for t = r … 1,
    ỹ_{t−1} = DDIM step of y_t under Q (``ddim.12``, η = 0, guided by ``cfg.6``), then
    y_{t−1} = M ⊙ ỹ_{t−1} + (1 − M) ⊙ x_{t−1}, where x_{t−1} is the encoder's latent at that step
    (the ``after_step`` hook). Returns y_0.
    """
    xs = encoding.xs
    n = len(xs) - 1
    if n == 0:
        return xs[0]
    steps = encoding.steps
    if steps is None:
        raise ValueError("the encoding does not say its schedule's steps: make it with diffedit_encode")
    B = xs[0].shape[0]
    M = mask.reshape(-1, 1, *mask.shape[-2:]).to(xs[0].dtype)  # (H, W), (B, H, W) or (B, 1, H, W)
    cond_query = _expand(cond_query, B, 1)
    null = _expand(_null(model, null_cond), B, 1) if guidance_scale != 1.0 else None

    def blend(i: int, t: int, y: torch.Tensor) -> torch.Tensor:
        return masked_blend(M, y, xs[n - 1 - i])

    return sample(model, encoding.x_r, cond_query, steps=steps, start_step=steps - n, guidance_scale=guidance_scale,
                  null_cond=null, final_alpha_bar=1.0, after_step=blend, callback=callback, cancel=cancel,
                  stage="decode")


def _randn(like: torch.Tensor, generator: torch.Generator | None) -> torch.Tensor:
    """Noise drawn on the generator's device (as diffusers' ``randn_tensor`` does), then moved."""
    device = generator.device if generator is not None else like.device
    return torch.randn(like.shape, generator=generator, device=device, dtype=like.dtype).to(like.device)


def _null(model, cond):
    if cond is not None:
        return cond
    null = getattr(model, "null_cond", None)
    if null is None:
        raise ValueError("guidance needs an unconditional input: pass null_cond or give the model a null_cond")
    return null


def _expand(cond, B: int, n: int):
    """Conditioning for B images × n draws: a batch-1 cond is shared, then each row repeated n times."""
    cond = torch.as_tensor(cond)
    if cond.ndim == 0:
        cond = cond.reshape(1)
    if cond.shape[0] == 1 and B > 1:
        cond = cond.expand(B, *cond.shape[1:])
    elif cond.shape[0] != B:
        raise ValueError(f"conditioning has batch {cond.shape[0]} for {B} images")
    return cond.repeat_interleave(n, dim=0)


def _cat(conds):
    return torch.cat(conds, dim=0)
