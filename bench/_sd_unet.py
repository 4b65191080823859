"""A Stable Diffusion v1.5-sized UNet with random weights, and our sampler against diffusers' pipeline on it.

``build`` makes a ``StableDiffusionPipeline`` offline: the UNet from SD v1.5's
``UNet2DConditionModel`` config (``--size sd``: 4 levels of 320/640/1280/1280 channels, cross-attention
on 768-wide text states, 8 heads, 2 layers per block, ≈ 860 M parameters, 64 × 64 latents) or the same
architecture with narrow channels (``--size small``: 32/64/64/64, 16 × 16 latents, for the CPU and CI);
the VAE, CLIP text encoder and tokenizer are ``paperkit.models.tiny_sd``'s, which the loop never runs
(the text comes in as random 77 × 768 embeddings and the output stays latent).

``measure`` times, for one dtype and batch, 50-step DDIM with classifier-free guidance at s = 7.5
(``cfg.6``) two ways from the same x_T and embeddings:

- ours: ``paperkit.diffusion.sample`` through ``StableDiffusionModel`` (the model object the app uses);
- diffusers: ``StableDiffusionPipeline(prompt_embeds=…, negative_prompt_embeds=…, output_type="latent")``
  with a ``DDIMScheduler`` on SD v1's config;

and reports time per step, the peak device memory of each (``torch.cuda.max_memory_allocated``; CUDA
only) and the largest difference between the two final latents.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

import torch

import _common

#: SD v1.5's ``unet/config.json`` (runwayml/stable-diffusion-v1-5), the values that shape the network.
SD15_UNET = dict(
    sample_size=64,
    in_channels=4,
    out_channels=4,
    layers_per_block=2,
    block_out_channels=(320, 640, 1280, 1280),
    down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
    up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
    cross_attention_dim=768,
    attention_head_dim=8,
    act_fn="silu",
    norm_num_groups=32,
    norm_eps=1e-5,
    center_input_sample=False,
    downsample_padding=1,
    flip_sin_to_cos=True,
    freq_shift=0,
    mid_block_scale_factor=1,
)

#: The same architecture, narrow: every code path of the SD-sized run in well under a second a step on a CPU.
SMALL_UNET = {**SD15_UNET, "sample_size": 16, "block_out_channels": (32, 64, 64, 64)}

SIZES = {"sd": SD15_UNET, "small": SMALL_UNET}
DTYPES = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}
TEXT_TOKENS = 77
GUIDANCE = 7.5


def build(size: str, device, seed: int = 0):
    """(pipeline, ``StableDiffusionModel`` over it) in float32 on ``device``, with seeded random weights.

    The UNet is initialised on ``device`` itself (an 860 M-parameter init on a CPU takes a while);
    the scheduler is SD v1's (scaled-linear β, "leading" spacing, steps_offset 1, set_alpha_to_one False).
    """
    from diffusers import StableDiffusionPipeline, UNet2DConditionModel

    from paperkit.models.stable_diffusion import StableDiffusionModel
    from paperkit.models.tiny_sd import tiny_components

    device = torch.device(device)
    parts = tiny_components(seed=seed, sample_size=16)
    cuda = [device.index if device.index is not None else torch.cuda.current_device()] if device.type == "cuda" else []
    with torch.random.fork_rng(devices=cuda), device:
        torch.manual_seed(seed)
        unet = UNet2DConditionModel(**SIZES[size]).eval()
    pipe = StableDiffusionPipeline(
        vae=parts["vae"], text_encoder=parts["text_encoder"], tokenizer=parts["tokenizer"], unet=unet,
        scheduler=parts["scheduler"], safety_checker=None, feature_extractor=None, image_encoder=None,
        requires_safety_checker=False,
    ).to(device)
    pipe.set_progress_bar_config(disable=True)
    return pipe, StableDiffusionModel(pipe)


def inputs(model, batch: int, seed: int = 0):
    """x_T (batch, 4, h, w), text states (batch, 77, 768) and the negative ones (1, 77, 768): seeded CPU
    draws in float32, then moved to the model's device and dtype."""
    g = torch.Generator().manual_seed(seed)
    width = model.unet.config.cross_attention_dim
    x_T = torch.randn(model.latent_shape(batch), generator=g)
    cond = torch.randn(batch, TEXT_TOKENS, width, generator=g)
    null = torch.randn(1, TEXT_TOKENS, width, generator=g)
    return tuple(v.to(device=model.device, dtype=model.dtype) for v in (x_T, cond, null))


def ours(model, x_T, cond, null, steps: int):
    """``sample`` with guidance 7.5 (one batched call for ε_u and ε_c, ``cfg.6``)."""
    from paperkit.diffusion.sampler import sample

    return sample(model, x_T, cond, steps=steps, guidance_scale=GUIDANCE, null_cond=null)


def diffusers_pipeline(pipe, model, x_T, cond, null, steps: int):
    """The pipeline's own denoising loop on the same inputs, latents out (no VAE, no text encoder run)."""
    return pipe(prompt_embeds=cond, negative_prompt_embeds=null.expand_as(cond), latents=x_T.clone(),
                num_inference_steps=steps, guidance_scale=GUIDANCE, output_type="latent",
                height=model.resolution, width=model.resolution).images


@dataclass
class Row:
    dtype: str
    batch: int
    ours_ms_per_step: float
    diffusers_ms_per_step: float
    ratio_ours_over_diffusers: float
    ours_peak_mib: float | None
    diffusers_peak_mib: float | None
    allocated_before_mib: float | None  # the pipeline's weights (and anything else held) before either run
    max_abs_diff: float
    latent_max_abs: float
    max_abs_diff_vs_fp32: float | None = None
    finite: bool = True


def peak_mib(fn, device):
    """(result, peak allocated MiB during ``fn``): CUDA's allocator statistics; None elsewhere."""
    device = torch.device(device)
    if device.type != "cuda":
        return fn(), None
    torch.cuda.synchronize(device)
    torch.cuda.reset_peak_memory_stats(device)
    out = fn()
    torch.cuda.synchronize(device)
    return out, torch.cuda.max_memory_allocated(device) / 2**20


@torch.inference_mode()
def measure(pipe, model, dtype: str, batch: int, steps: int, repeats: int, reference=None) -> tuple[Row, torch.Tensor]:
    """One row: both loops, interleaved, ``repeats`` timed runs after a warm-up; ``reference`` is the
    float32 result of ours at this batch, to report how far this dtype lands from it."""
    from diffusers.utils import logging as diffusers_logging

    device = model.device
    level = diffusers_logging.get_verbosity()
    diffusers_logging.set_verbosity_error()  # "fp16 on a CPU" and "cast with to()" notices: known, and measured here
    try:
        pipe.to(device=device, dtype=DTYPES[dtype])
    finally:
        diffusers_logging.set_verbosity(level)
    weights = torch.cuda.memory_allocated(device) / 2**20 if device.type == "cuda" else None
    x_T, cond, null = inputs(model, batch)
    run_ours = _common.synced(lambda: ours(model, x_T, cond, null, steps), device)
    run_theirs = _common.synced(lambda: diffusers_pipeline(pipe, model, x_T, cond, null, steps), device)
    times = _common.time_interleaved({"ours": run_ours, "diffusers": run_theirs}, repeats, warmup=1)
    x_ours, peak_ours = peak_mib(run_ours, device)
    x_theirs, peak_theirs = peak_mib(run_theirs, device)
    a, b = x_ours.float().cpu(), x_theirs.float().cpu()
    per_step = {k: statistics.median(v) / steps * 1e3 for k, v in times.items()}
    row = Row(
        dtype=dtype, batch=batch, ours_ms_per_step=per_step["ours"], diffusers_ms_per_step=per_step["diffusers"],
        ratio_ours_over_diffusers=_common.paired_ratio(times["ours"], times["diffusers"]),
        ours_peak_mib=peak_ours, diffusers_peak_mib=peak_theirs, allocated_before_mib=weights,
        max_abs_diff=float((a - b).abs().max()), latent_max_abs=float(b.abs().max()),
        max_abs_diff_vs_fp32=None if reference is None else float((a - reference).abs().max()),
        finite=bool(torch.isfinite(a).all() and torch.isfinite(b).all()),
    )
    return row, a


def run(size: str, device, dtypes, batches, steps: int, repeats: int, progress=None) -> dict:
    """Every (dtype, batch) row, float32 first so that the others can be compared with it."""
    t0 = time.perf_counter()
    pipe, model = build(size, device)
    build_s = time.perf_counter() - t0
    params = sum(p.numel() for p in pipe.unet.parameters())
    order = sorted(dtypes, key=lambda d: d != "fp32")
    rows, reference = [], {}
    for dtype in order:
        for batch in batches:
            if progress is not None:
                progress(f"{dtype}, batch {batch}")
            row, x = measure(pipe, model, dtype, batch, steps, repeats, reference.get(batch))
            if dtype == "fp32":
                reference[batch] = x
            rows.append(row)
    return {"size": size, "unet_params_M": round(params / 1e6, 1), "latent": list(model.latent_shape(1)[1:]),
            "steps": steps, "guidance_scale": GUIDANCE, "repeats": repeats, "build_s": round(build_s, 1),
            "rows": [vars(r) for r in rows]}
