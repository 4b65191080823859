"""``DigitsModel``: the trained digits UNet behind the model interface of ``paperkit.diffusion``.

A model there is anything with ``eps(x_t, t, cond)``; this one also carries ``null_cond`` (the null
class, for classifier-free guidance), ``alpha_bars`` (its training schedule), ``encode_prompt``
("three", "3" → a class label) and ``embed`` (a label's embedding, for interpolating prompts).
"""

from __future__ import annotations

import re
from pathlib import Path

import torch

from ...errors import UserError
from ..pixel_model import PixelModel, load_model_file, save_model_file
from ..unet import DigitsUNet, UNetConfig

NAMES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
WEIGHTS = Path(__file__).resolve().parent.parent / "weights" / "digits.pt"


class DigitsModel(PixelModel):
    """The class-conditional ε-prediction model: pixels in [−1, 1], shape (B, 1, 16, 16)."""

    def __init__(self, net: DigitsUNet, alpha_bars: torch.Tensor, meta: dict | None = None):
        super().__init__(net, alpha_bars, meta)
        cfg = net.config
        self.image_size = cfg.image_size
        self.channels = cfg.channels
        self.num_classes = cfg.num_classes

    # -- the model interface -------------------------------------------------------------------
    @torch.inference_mode()
    def eps(self, x_t: torch.Tensor, t, cond) -> torch.Tensor:
        """ε_θ(x_t, t, c). ``t``: an int or (B,) ints; ``cond``: (B,) labels, or (B, D) embeddings."""
        x_t = x_t.to(self.device)
        t = torch.as_tensor(t, device=self.device, dtype=torch.long).reshape(-1)
        if t.numel() == 1:
            t = t.expand(x_t.shape[0])
        cond = torch.as_tensor(cond, device=self.device)
        if cond.ndim == 0:
            cond = cond.reshape(1)
        if cond.shape[0] == 1 and x_t.shape[0] > 1:  # one condition shared by the batch
            cond = cond.expand(x_t.shape[0], *cond.shape[1:])
        return self.net(x_t, t, cond)

    @property
    def null_cond(self) -> torch.Tensor:
        """The null class (index 10): the unconditional model ε_θ(x_t) of classifier-free guidance."""
        return torch.tensor([self.num_classes], device=self.device)

    def encode_prompt(self, prompt) -> torch.Tensor:
        """A prompt → its class label as a (1,) tensor: 3, "3", "three", "a three", "digit 3".

        The empty prompt is the null class. Anything else is a UserError naming what is accepted.
        """
        if isinstance(prompt, (list, tuple)):
            return torch.cat([self.encode_prompt(p) for p in prompt])
        label = parse_digit(prompt)
        return torch.tensor([label], device=self.device)

    @torch.inference_mode()
    def embed(self, cond) -> torch.Tensor:
        """The conditioning embedding of labels (B,) → (B, D): what prompt interpolation blends."""
        return self.net.embed_class(torch.as_tensor(cond, device=self.device).reshape(-1))

    # -- what the demos ask of any model (``paperkit.models.protocol``) ----------------------------
    name = "digits"
    text_to_image = False  # prompts name a class: "3", "three"

    def prompt_embedding(self, prompts) -> torch.Tensor:
        """Prompts → their class embeddings (B, D), what prompt interpolation blends."""
        return self.embed(self.encode_prompt(list(prompts)))


def parse_digit(prompt) -> int:
    """The digit a prompt names, or 10 (the null class) for an empty prompt."""
    if isinstance(prompt, int) and not isinstance(prompt, bool):
        if 0 <= prompt <= 9:
            return prompt
        raise UserError(f"no digit {prompt}: the digits model knows 0–9")
    text = str(prompt).strip().lower()
    if text in ("", "<null>", "none", "unconditional"):
        return 10
    words = re.findall(r"[a-z]+|\d+", text)
    found = [int(w) for w in words if w.isdigit() and len(w) == 1] + [NAMES.index(w) for w in words if w in NAMES]
    if len(set(found)) == 1:
        return found[0]
    raise UserError(f"cannot read a digit from {prompt!r}: write 0–9 or its name, e.g. \"3\" or \"three\"")


def save_weights(model: DigitsModel, path: Path = WEIGHTS, meta: dict | None = None) -> Path:
    """Write the weights as float16 with the config, schedule and metadata (the model card's numbers)."""
    return save_model_file(model, path, meta)


def load_digits(path: Path = WEIGHTS, device="cpu") -> DigitsModel:
    """The shipped model (float32 at run time)."""
    net, blob = load_model_file(path, lambda config: DigitsUNet(UNetConfig.from_dict(config)), "digits model",
                                "paperkit train digits")
    return DigitsModel(net, blob["alpha_bars"], blob.get("meta")).to(device)
