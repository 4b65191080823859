"""Adapters from real model checkpoints to the maths in ``paperkit.diffusion``.

A *model* there is anything with ``eps(x_t, t, cond)``, an optional ``null_cond`` and ``alpha_bars``.
``stable_diffusion.StableDiffusionModel`` wraps a diffusers Stable Diffusion pipeline that way;
``tiny_sd`` builds a tiny random-weight one offline, for tests and benchmarks.

The submodules import torch, diffusers and transformers: import them only when needed.
"""
