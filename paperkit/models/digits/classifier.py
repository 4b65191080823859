"""A small CNN that reads a digit from a 16×16 image in [−1, 1]: the judge of the diffusion model.

Trained on the same TRAIN split as the diffusion model (``data.load_split("train")``), with light
augmentation (one-pixel shifts, a little Gaussian noise) so that it reads generated digits as it
reads real ones; its accuracy on the HELD_OUT split is the ceiling a sample's accuracy is read
against. Its weights ship next to the model's (``weights/digits_classifier.pt``, float16, ≈ 0.2 MB).

    python -m paperkit.models.digits.classifier      # retrain it, write the weights, print the accuracy
"""

from __future__ import annotations

import argparse
import time
from functools import lru_cache
from pathlib import Path

import torch
from torch import nn
from torch.nn import functional as F

from ...errors import UserError
from ...progress import Callback, CancelFlag, report
from .data import load_split, random_shift

CLASSIFIER_WEIGHTS = Path(__file__).resolve().parent.parent / "weights" / "digits_classifier.pt"


class DigitClassifier(nn.Module):
    """conv 32 → conv 32 → pool → conv 64 → pool → linear 64 → linear 10; logits (B, 10)."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(),
            nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),   # 16 → 8
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),   # 8 → 4
        )
        self.head = nn.Sequential(nn.Flatten(), nn.Dropout(0.3), nn.Linear(64 * 4 * 4, 64), nn.ReLU(), nn.Linear(64, 10))
        self.meta: dict = {}

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))

    @property
    def device(self) -> torch.device:
        return next(self.parameters()).device


def train_classifier(
    epochs: int = 40,
    batch_size: int = 64,
    lr: float = 2e-3,
    seed: int = 0,
    out: Path | None = CLASSIFIER_WEIGHTS,
    callback: Callback | None = None,
    cancel: CancelFlag | None = None,
) -> DigitClassifier:
    """Train on TRAIN (seeded, deterministic on the CPU), write float16 weights to ``out`` unless None."""
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    x, y = load_split("train")
    net = DigitClassifier()
    opt = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=1e-4)
    steps_per_epoch = -(-len(y) // batch_size)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=epochs * steps_per_epoch)
    start = time.perf_counter()
    for epoch in range(epochs):
        net.train()
        order = torch.randperm(len(y), generator=g)
        total = 0.0
        for i in range(steps_per_epoch):
            idx = order[i * batch_size:(i + 1) * batch_size]
            xb = random_shift(x[idx], 1, generator=g)
            xb = (xb + 0.1 * torch.randn(xb.shape, generator=g)).clamp(-1, 1)
            loss = F.cross_entropy(net(xb), y[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
        report(epoch + 1, epochs, callback, cancel, loss=total / len(y))
    net.eval()
    # the shipped weights are float16: measure what ships
    net.load_state_dict({k: v.half().float() for k, v in net.state_dict().items()})
    net.meta = {"epochs": epochs, "batch_size": batch_size, "lr": lr, "seed": seed, "train_images": len(y),
                "params": sum(p.numel() for p in net.parameters()), "wall_time_s": round(time.perf_counter() - start, 1)}
    net.meta["held_out_accuracy"] = held_out_accuracy(net)
    if out is not None:
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".tmp")
        torch.save({"state_dict": {k: v.half() for k, v in net.state_dict().items()}, "meta": net.meta}, tmp)
        tmp.replace(out)
    return net


def load_classifier(path: Path = CLASSIFIER_WEIGHTS, device="cpu") -> DigitClassifier:
    """The shipped classifier, float32, in eval mode; ``.meta`` holds its held-out accuracy."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"the digits classifier's weights are missing ({path}); train them with "
                        "`python -m paperkit.models.digits.classifier`")
    try:
        blob = torch.load(path, map_location="cpu", weights_only=True)
        net = DigitClassifier()
        net.load_state_dict({k: v.float() for k, v in blob["state_dict"].items()})
        net.meta = dict(blob.get("meta", {}))
    except Exception as exc:
        raise UserError(f"cannot load the digits classifier from {path}: {exc}") from exc
    return net.eval().to(device)


@lru_cache(maxsize=1)
def _shipped() -> DigitClassifier:
    return load_classifier()


@torch.inference_mode()
def classify(images: torch.Tensor, classifier: DigitClassifier | None = None, batch_size: int = 1024):
    """Read digits: images (B, 1, 16, 16) or (B, 16, 16) in [−1, 1] → (labels (B,) int64, probs (B, 10)).

    Values outside [−1, 1] are clipped first. Uses the shipped classifier unless one is given.
    """
    net = classifier if classifier is not None else _shipped()
    x = torch.as_tensor(images, dtype=torch.float32)
    if x.ndim == 3:
        x = x[:, None]
    if x.ndim != 4 or tuple(x.shape[1:]) != (1, 16, 16):
        raise UserError(f"the classifier reads (B, 1, 16, 16) images, got shape {tuple(x.shape)}")
    x = x.clamp(-1, 1)
    probs = torch.cat([F.softmax(net(chunk.to(net.device)), dim=1).cpu() for chunk in x.split(batch_size)])
    return probs.argmax(dim=1), probs


def held_out_accuracy(classifier: DigitClassifier | None = None) -> float:
    """Accuracy on the HELD_OUT split of real digits: the ceiling for generated ones."""
    x, y = load_split("held_out")
    labels, _ = classify(x, classifier)
    return (labels == y).float().mean().item()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m paperkit.models.digits.classifier",
                                     description="Train the digits classifier and write its weights.")
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=CLASSIFIER_WEIGHTS)
    args = parser.parse_args(argv)
    net = train_classifier(epochs=args.epochs, seed=args.seed, out=args.out)
    m = net.meta
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e3:.0f} kB, {m['params']} params, {m['wall_time_s']} s); "
          f"held-out accuracy {m['held_out_accuracy']:.4f} of {len(load_split('held_out')[1])} images")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
