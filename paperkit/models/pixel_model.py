"""What the project's own pixel-space models share (the digits, the scenes): the protocol's
housekeeping — schedule, resolution, dtype, pixels in and out, device moves — and their weight files
(float16 weights with the network's config, the training ᾱ and the model card's metadata)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import torch

from ..diffusion.noise_schedule import NoiseSchedule
from ..errors import UserError


class PixelModel:
    """A trained ε-network ``net`` on pixels in [−1, 1], with its training ᾱ (``alpha_bars``)."""

    channels: int
    image_size: int

    def __init__(self, net: torch.nn.Module, alpha_bars: torch.Tensor, meta: dict | None = None):
        self.net = net.eval()
        self.alpha_bars = alpha_bars.to(torch.float64).cpu()
        self.meta = dict(meta or {})

    @property
    def schedule(self) -> NoiseSchedule:
        """Its training ᾱ (DDPM's linear β, T = 1000) on DDIM's leading grid, offset 0, ᾱ = 1 after the last step."""
        return NoiseSchedule(self.alpha_bars)

    @property
    def resolution(self) -> int:
        return self.image_size

    @property
    def dtype(self) -> torch.dtype:
        return torch.float32

    def latent_shape(self, batch: int) -> tuple[int, ...]:
        """The shape of x_T for ``batch`` samples: pixels, (B, C, H, W)."""
        return (int(batch), self.channels, self.image_size, self.image_size)

    def to_pixels(self, x: torch.Tensor) -> torch.Tensor:
        """Samples are pixels already, in [−1, 1], not clipped."""
        return x

    def from_pixels(self, pixels: torch.Tensor) -> torch.Tensor:
        """Pixels in [−1, 1]: the model's own space."""
        return pixels.to(self.device)

    def to(self, device):
        self.net.to(device)
        return self

    @property
    def device(self) -> torch.device:
        return next(self.net.parameters()).device

    def __repr__(self) -> str:
        params = sum(p.numel() for p in self.net.parameters())
        return (f"{type(self).__name__}({self.image_size}×{self.image_size}×{self.channels}, {params / 1e6:.2f} M params, "
                f"T={len(self.alpha_bars)}, {self.device})")


def save_model_file(model: PixelModel, path: Path, meta: dict | None = None) -> Path:
    """Write the weights as float16 with the config, schedule and metadata, atomically."""
    state = {k: v.detach().to("cpu", torch.float16) if v.is_floating_point() else v.cpu() for k, v in model.net.state_dict().items()}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    torch.save({"config": model.net.config.to_dict(), "state_dict": state, "alpha_bars": model.alpha_bars,
                "meta": meta if meta is not None else model.meta}, tmp)
    tmp.replace(path)
    return path


def load_model_file(path: Path, build: Callable[[dict], torch.nn.Module], what: str, train: str) -> tuple[torch.nn.Module, dict]:
    """(the network ``build(config)`` makes, loaded as float32; the file's blob), or one UserError
    naming ``what`` and the command that makes the file (``train``)."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"the {what}'s weights are missing ({path}); train them with `{train}`")
    try:
        blob = torch.load(path, map_location="cpu", weights_only=True)
        net = build(blob["config"])
        net.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in blob["state_dict"].items()})
    except Exception as exc:  # a truncated or foreign file
        raise UserError(f"cannot load the {what} from {path}: {exc}") from exc
    return net, blob
