"""Shared helpers for the demo tests: the digits model and each demo's result (once per process), small
step counts, a NaN model.

The model is the shipped one, ``load_model("digits")``; while its weights are still being trained
(no ``paperkit/models/weights/digits.pt``) an untrained ``DigitsModel`` stands in, and the tests that
read quality from it say so by skipping.
"""

from __future__ import annotations

import functools

import torch

# steps per demo in the tests: enough to exercise every branch, small enough for ~60 s in all
TEST_STEPS = {"schedules": None, "forward": None, "ddpm": 20, "ddim": 20, "inversion": 20, "cfg": 8,
              "norm_rescale": 8, "decreasing_guidance": 8, "interpolation": 8, "diffedit": 20,
              "matmul": 1}


def weights_exist() -> bool:
    from paperkit.models.digits.model import WEIGHTS

    return WEIGHTS.is_file()


@functools.cache
def digits_model():
    """``load_model("digits")`` when its weights exist, else an untrained stand-in."""
    if weights_exist():
        from paperkit.models import load_model

        return load_model("digits")
    from paperkit.diffusion import alpha_bars, linear_betas
    from paperkit.models.digits.model import DigitsModel
    from paperkit.models.unet import DigitsUNet

    torch.manual_seed(0)
    net = DigitsUNet()
    torch.nn.init.normal_(net.conv_out.weight, std=0.01)  # zero-initialised, ε = 0 would make norm ratios 0/0
    return DigitsModel(net, alpha_bars(linear_betas()))


@functools.cache
def demo_result(name: str):
    """Each demo once per process on the CPU: seed 0, ``TEST_STEPS``, the digits model (the forward
    process, which needs no model, on held-out digits too)."""
    from paperkit.demos import run_demo

    return run_demo(name, digits_model(), device="cpu", seed=0, steps=TEST_STEPS[name], **on_digits(name))


def on_digits(name: str) -> dict:
    """The options that keep demo ``name`` on the digits: the forward process, which takes no model,
    noises held-out scenes unless told otherwise."""
    return {"world": "digits"} if name == "forward" else {}


class NaNModel:
    """The digits model's interface with an ε_θ that is NaN everywhere."""

    def __init__(self, model):
        self.inner = model
        self.alpha_bars, self.channels, self.image_size = model.alpha_bars, model.channels, model.image_size

    def eps(self, x_t, t, cond):
        return torch.full_like(self.inner.eps(x_t, t, cond), float("nan"))

    def __getattr__(self, name):  # null_cond, embed, encode_prompt, num_classes …
        return getattr(self.inner, name)

    def to(self, device):
        self.inner.to(device)
        return self
