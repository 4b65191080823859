"""The scene model's autoencoder: 32×32 RGB pixels ↔ 8×8×8 latents, as Stable Diffusion's VAE maps
512×512 images to 64×64×4 latents (Rombach et al. 2022, "latent diffusion", §3).

The diffusion model runs on the latents, a twelfth of the pixels' numbers: on a 2-core CPU that is
what lets it see enough scenes in half an hour (the same UNet on pixels saw a quarter as many and
drew blobs). The encoder is two stride-2 convolutions; the decoder mirrors it with nearest-neighbour
upsampling. It is trained first, on the same rendered scenes, to reconstruct them (mean squared
error), with a little Gaussian noise on the latents so the decoder also decodes latents that are
slightly off, as a sampler's are. Latents are scaled by ``scale`` (1/std over the training scenes,
SD's 0.18215 plays that part) so that diffusion sees unit variance.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

LATENT_CHANNELS = 8
FACTOR = 4


class SceneAutoencoder(nn.Module):
    def __init__(self, latent_channels: int = LATENT_CHANNELS, width: int = 48):
        super().__init__()
        w = width
        self.encoder = nn.Sequential(
            nn.Conv2d(3, w // 2, 3, padding=1), nn.SiLU(),
            nn.Conv2d(w // 2, w, 4, stride=2, padding=1), nn.SiLU(),          # 32 → 16
            nn.Conv2d(w, w, 3, padding=1), nn.SiLU(),
            nn.Conv2d(w, 64, 4, stride=2, padding=1), nn.SiLU(),              # 16 → 8
            nn.Conv2d(64, latent_channels, 3, padding=1),
        )
        self.decoder = nn.Sequential(
            nn.Conv2d(latent_channels, 64, 3, padding=1), nn.SiLU(),
            nn.Conv2d(64, 64, 3, padding=1), nn.SiLU(),
            nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(64, w, 3, padding=1), nn.SiLU(),   # 8 → 16
            nn.Conv2d(w, w, 3, padding=1), nn.SiLU(),
            nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(w, w // 2, 3, padding=1), nn.SiLU(),  # 16 → 32
            nn.Conv2d(w // 2, 3, 3, padding=1),
        )
        self.register_buffer("scale", torch.tensor(1.0))

    def encode(self, pixels: torch.Tensor) -> torch.Tensor:
        """Pixels (B, 3, 32, 32) in [−1, 1] → scaled latents (B, 8, 8, 8)."""
        return self.encoder(pixels) * self.scale

    def decode(self, latents: torch.Tensor) -> torch.Tensor:
        """Scaled latents → pixels in about [−1, 1] (not clipped)."""
        return self.decoder(latents / self.scale)


def train_autoencoder(images_uint8: torch.Tensor, *, steps: int, batch_size: int, lr: float, generator: torch.Generator,
                      device, latent_noise: float = 0.1, callback=None) -> SceneAutoencoder:
    """Fit the autoencoder to the rendered scenes (uint8 (N, H, W, 3)); set ``scale`` to 1/std of their latents."""
    from .data import to_model_space

    ae = SceneAutoencoder().to(device)
    opt = torch.optim.AdamW(ae.parameters(), lr=lr, weight_decay=0.0)
    n = images_uint8.shape[0]
    for step in range(steps):
        for group in opt.param_groups:
            group["lr"] = lr * min(1.0, (step + 1) / 100) * (0.5 * (1 + torch.cos(torch.tensor(torch.pi * step / steps)).item()))
        idx = torch.randint(n, (batch_size,), generator=generator)
        x = to_model_space(images_uint8[idx]).to(device)
        z = ae.encoder(x)
        z = z + latent_noise * z.detach().std() * torch.randn(z.shape, generator=generator).to(device)
        loss = F.mse_loss(ae.decoder(z), x)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if callback is not None:
            callback(step + 1, steps, {"stage": "autoencoder", "loss": loss.item()})
    ae.eval()
    with torch.no_grad():
        idx = torch.randint(n, (min(n, 2000),), generator=generator)
        ae.scale.fill_(1.0 / ae.encoder(to_model_space(images_uint8[idx]).to(device)).std().item())
    return ae.requires_grad_(False)
