"""Diffusion maths in torch, one function per equation, each citing its catalog id, and one sampler
(``sample``/``invert``) that every demo, DiffEdit, the CLI and the app go through.

Every function takes plain tensors or floats (never scheduler objects) and names its arguments
after the paper's symbols. Importing this package imports torch (≈ 2 s): the app imports it lazily.
"""

from .ddim import ddim_invert_step, ddim_sigma, ddim_step, ddim_timesteps
from .ddpm import ddpm_step, l_simple, posterior_mean_variance, predict_x0, q_sample, q_step
from .diffedit import DDIMEncoding, diffedit_decode, diffedit_difference_map, diffedit_encode, diffedit_mask, masked_blend
from .guidance import NormRatio, StdRescale, cfg, guidance_scale_schedule, rescale_by_norm_ratio, rescale_by_std, rescale_rule
from .interpolation import lerp, slerp
from .noise_schedule import NoiseSchedule, schedule_of
from .sampler import Guidance, Step, guided_eps, invert, sample
from .schedules import alpha_bars, cosine_betas, linear_betas, scaled_linear_betas

__all__ = [
    "linear_betas", "scaled_linear_betas", "cosine_betas", "alpha_bars",
    "q_sample", "predict_x0", "posterior_mean_variance", "ddpm_step",
    "ddim_sigma", "ddim_step", "ddim_invert_step", "ddim_timesteps",
    "cfg", "rescale_by_norm_ratio", "rescale_by_std", "guidance_scale_schedule",
    "lerp", "slerp", "diffedit_mask", "diffedit_encode", "diffedit_decode",
    "q_step", "l_simple", "diffedit_difference_map", "masked_blend", "DDIMEncoding",
    "sample", "invert", "guided_eps", "Guidance", "Step", "NoiseSchedule", "schedule_of",
    "NormRatio", "StdRescale", "rescale_rule",
]
