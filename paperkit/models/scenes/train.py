"""Training the scene model: DDPM's Algorithm 1 (``ddpm.alg1``, the loop in ``paperkit.models.training``)
on rendered scenes with their captions, DDPM's linear schedule (β from 10⁻⁴ to 0.02, T = 1000).

The data are ``scenes`` scenes from the training stream (``data.training_scenes``), half of them with
two objects (``pairs``: a pair asks the network to bind each colour to its shape and place, the part
it learns last), rendered once at 32×32 and reused; each batch draws from them uniformly. For
classifier-free guidance the whole caption is replaced by the null caption with probability
``p_uncond`` (CFG paper, Algorithm 1). The defaults
fit the CPU of a 2-core machine in under 30 minutes, rendering included (the model card has the run).
"""

from __future__ import annotations

import platform
from pathlib import Path

import torch

from ...diffusion import alpha_bars, linear_betas
from ...errors import UserError
from ...progress import Callback, CancelFlag
from ...scenes.scene import PAIR_SHARE
from ..training import RESUMED, check_hparams, fit, load_checkpoint
from .data import IMAGE_SIZE, render_scenes, to_model_space, training_scenes
from .model import WEIGHTS, SceneModel, save_weights
from .net import SceneNet, SceneNetConfig
from .tokens import NULL_TOKENS, caption_tokens

T = 1000
DEFAULTS = dict(steps=5500, batch_size=64, lr=2e-3, seed=2, p_uncond=0.1, ema_decay=0.998, warmup=200,
                weight_decay=0.01, scenes=30000, min_snr=5.0, pairs=0.5)


def default_checkpoint(out: Path | None) -> Path:
    """Next to the weights: ``scenes.ckpt`` (ignored by git and by the package)."""
    return (out if out is not None else WEIGHTS).with_suffix(".ckpt")


def train_scenes(
    steps: int = DEFAULTS["steps"],
    batch_size: int = DEFAULTS["batch_size"],
    lr: float = DEFAULTS["lr"],
    seed: int = DEFAULTS["seed"],
    scenes: int = DEFAULTS["scenes"],
    callback: Callback | None = None,
    cancel: CancelFlag | None = None,
    out: Path | None = WEIGHTS,
    resume: bool = False,
    device="cpu",
    p_uncond: float = DEFAULTS["p_uncond"],
    ema_decay: float = DEFAULTS["ema_decay"],
    warmup: int = DEFAULTS["warmup"],
    weight_decay: float = DEFAULTS["weight_decay"],
    min_snr: float = DEFAULTS["min_snr"],
    pairs: float = DEFAULTS["pairs"],
    checkpoint: Path | None = None,
    checkpoint_every: int = 500,
    config: SceneNetConfig = SceneNetConfig(),
) -> SceneModel:
    """Train the caption-conditioned ε-model and return it with its EMA weights (written to ``out``
    as float16 unless ``out`` is None). Progress, cancelling, checkpoints and ``resume`` work as in
    ``paperkit.models.training.fit``."""
    check_hparams(steps=steps, batch_size=batch_size, lr=lr, p_uncond=p_uncond, ema_decay=ema_decay, warmup=warmup)
    if not (isinstance(scenes, int) and scenes >= 1):
        raise UserError(f"the number of training scenes must be a positive integer, got {scenes!r}")
    if not 0.0 <= pairs <= 1.0:
        raise UserError(f"the share of two-object scenes must be between 0 and 1, got {pairs!r}")
    device = torch.device(device)
    ckpt_path = Path(checkpoint) if checkpoint is not None else default_checkpoint(out)
    hp = dict(batch_size=batch_size, lr=lr, seed=seed, p_uncond=p_uncond, ema_decay=ema_decay, warmup=warmup,
              weight_decay=weight_decay, augment=0, scenes=scenes, min_snr=min_snr, pairs=pairs)
    state = None
    if resume:
        state = load_checkpoint(ckpt_path)
        hp.update({k: state["hparams"][k] for k in (*RESUMED, "scenes", "min_snr")})
        hp["pairs"] = state["hparams"].get("pairs", PAIR_SHARE)  # a checkpoint from before the share was a setting
        config = SceneNetConfig.from_dict(state["config"])

    layouts = training_scenes(hp["scenes"], seed=hp["seed"], pairs=hp["pairs"])
    images = torch.from_numpy(render_scenes(layouts, config.unet.image_size))        # uint8 (N, H, W, 3)
    tokens = torch.tensor([caption_tokens(s.caption) for s in layouts])
    null = torch.tensor(NULL_TOKENS)

    def draw(g: torch.Generator, batch: int) -> tuple[torch.Tensor, torch.Tensor]:
        idx = torch.randint(len(layouts), (batch,), generator=g)
        c = tokens[idx]
        drop = torch.rand(batch, generator=g) < hp["p_uncond"]
        return to_model_space(images[idx]), torch.where(drop[:, None], null, c)

    ab = alpha_bars(linear_betas(T))
    ema, record = fit(lambda: SceneNet(config), draw, ab, steps=steps, hp=hp, config=config.to_dict(), device=device,
                      state=state, callback=callback, cancel=cancel, checkpoint=ckpt_path, checkpoint_every=checkpoint_every)
    model = SceneModel(ema, ab, meta={
        "data": f"{hp['scenes']} scenes of the training stream (paperkit.models.scenes.data), {IMAGE_SIZE}×{IMAGE_SIZE} RGB, [−1, 1]",
        "schedule": "linear β 1e-4 … 0.02", "T": T, "objective": "ε-prediction MSE per pixel, Min-SNR-γ weighted" if hp["min_snr"] else "L_simple / pixels (ε-prediction MSE)",
        **hp, **record, "device": str(device),
        "machine": f"{platform.machine()} {platform.system()}, torch {torch.__version__}, {torch.get_num_threads()} threads",
    })
    if out is not None:
        save_weights(model, Path(out))
    return model
