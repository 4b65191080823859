"""The attribute classifier: the scene model's judge. It reads from a 32×32 scene which objects
(shape and colour) it holds and what its background is (pattern and colour).

A small CNN with four heads: one sigmoid per (colour, shape) pair — 40 in all, on whether that
object is present, read position by position (``SceneClassifier``) — a softmax over how many objects there are (one or two), and a softmax over the
background's pattern and one over its colour. A reading takes as many pairs, most likely first, as
the count head says: a second object that is present but less certain is not lost to a threshold. It is trained on
the generator's own renderings (the training stream, ``data.training_scenes``, with a seed of its
own), with a little Gaussian noise and a brightness jitter so that it reads generated scenes as it
reads rendered ones; its accuracy on held-out renderings is the ceiling a sample is scored against.
Weights ship next to the model's (``weights/scenes_classifier.pt``, float16).

    python -m paperkit.models.scenes.classifier      # retrain it, write the weights, print the accuracy
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import torch
from torch import nn
from torch.nn import functional as F

from ...errors import UserError
from ...progress import Callback, CancelFlag, report
from ...scenes import BACKGROUNDS, COLOURS, SHAPES, parse_caption
from .data import held_out_scenes, render_scenes, to_model_space, training_scenes

CLASSIFIER_WEIGHTS = Path(__file__).resolve().parent.parent / "weights" / "scenes_classifier.pt"
PAIRS = [(c, s) for c in COLOURS for s in SHAPES]      # the 40 objects, as (colour, shape)
PATTERNS = tuple(BACKGROUNDS)
TINTS = tuple(COLOURS)


class SceneClassifier(nn.Module):
    """Pixels folded 2×2 into channels, two 3×3 convolutions at 16×16, a pool, two at 8×8 (each of the
    64 positions then sees 26 pixels across, a whole object). Objects are read where they are: a 1×1
    convolution gives every position the 40 pairs' logits and the image's logit for a pair is its
    maximum over positions (multiple-instance pooling), so the colour and shape of one object are
    read together, never the colour of one with the shape of the other. The count and the background
    are read from the features averaged over the image."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.PixelUnshuffle(2),                                                  # 32×32×3 → 16×16×12
            nn.Conv2d(12, 48, 3, padding=1), nn.ReLU(), nn.Conv2d(48, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(64, 128, 3, padding=1), nn.ReLU(), nn.Conv2d(128, 128, 3, padding=1), nn.ReLU(),
        )
        self.objects = nn.Conv2d(128, len(PAIRS), 1)
        self.count = nn.Linear(128, 2)
        self.pattern = nn.Linear(128, len(PATTERNS))
        self.tint = nn.Linear(128, len(TINTS))
        self.meta: dict = {}

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        """Logits: objects (B, 40), count (B, 2: one, two), pattern (B, 5), background colour (B, 8)."""
        h = self.features(x)
        pooled = h.mean(dim=(2, 3))
        return self.objects(h).amax(dim=(2, 3)), self.count(pooled), self.pattern(pooled), self.tint(pooled)

    @property
    def device(self) -> torch.device:
        return next(self.parameters()).device


@dataclass(frozen=True)
class Reading:
    """What the classifier reads in one scene."""

    objects: frozenset[tuple[str, str]]   # {(colour, shape), …}
    background: str
    colour: str

    def matches(self, caption: str, background: bool = True) -> bool:
        """Does the scene read as ``caption``: the same objects (and, with ``background``, the same background)?"""
        want = parse_caption(caption)
        same = self.objects == frozenset(want["objects"])
        return same and (not background or (self.background == want["background"] and self.colour == want["colour"]))

    def describe(self) -> str:
        things = " and ".join(f"{c} {s}" for c, s in sorted(self.objects)) or "no object"
        return f"{things} on {BACKGROUNDS[self.background]} {self.colour}"


def targets(scenes) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """The heads' targets for rendered scenes: (N, 40) presence, (N,) count − 1, (N,) pattern, (N,) colour."""
    present = torch.zeros(len(scenes), len(PAIRS))
    for i, s in enumerate(scenes):
        for o in s.objects:
            present[i, PAIRS.index((o.colour, o.shape))] = 1.0
    count = torch.tensor([len(s.objects) - 1 for s in scenes])
    pattern = torch.tensor([PATTERNS.index(s.background) for s in scenes])
    tint = torch.tensor([TINTS.index(s.colour) for s in scenes])
    return present, count, pattern, tint


def _augment(x: torch.Tensor, g: torch.Generator) -> torch.Tensor:
    """Gaussian noise of a random σ ≤ 0.08 and a brightness shift ≤ 0.06, in the [−1, 1] scale."""
    B = x.shape[0]
    sigma = 0.08 * torch.rand(B, 1, 1, 1, generator=g)
    shift = 0.06 * (2 * torch.rand(B, 1, 1, 1, generator=g) - 1)
    return x + sigma * torch.randn(x.shape, generator=g) + shift


def train_classifier(
    steps: int = 5000,
    scenes: int = 30000,
    batch_size: int = 128,
    lr: float = 2e-3,
    seed: int = 0,
    out: Path | None = CLASSIFIER_WEIGHTS,
    callback: Callback | None = None,
    cancel: CancelFlag | None = None,
    device="cpu",
) -> SceneClassifier:
    """Train on ``scenes`` renderings of its own training stream; write float16 weights to ``out`` unless None."""
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    layouts = training_scenes(scenes, seed=1000 + seed)
    images = torch.from_numpy(render_scenes(layouts))
    present, count, pattern, tint = targets(layouts)
    net = SceneClassifier().to(device)
    opt = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps, pct_start=0.1)
    start = time.perf_counter()
    net.train()
    for step in range(1, steps + 1):
        idx = torch.randint(len(layouts), (batch_size,), generator=g)
        x = _augment(to_model_space(images[idx]), g).to(device)
        objects, many, pat, col = net(x)
        y = [v[idx].to(device) for v in (present, count, pattern, tint)]
        loss = (F.binary_cross_entropy_with_logits(objects, y[0]) * len(PAIRS) / 4
                + F.cross_entropy(many, y[1]) + F.cross_entropy(pat, y[2]) + F.cross_entropy(col, y[3]))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        report(step, steps, callback, cancel, loss=loss.item())
    net.eval()
    net.meta = {"steps": steps, "scenes": scenes, "batch_size": batch_size, "lr": lr, "seed": seed,
                "wall_time_s": round(time.perf_counter() - start, 1), **held_out_accuracy(net)}
    if out is not None:
        save_classifier(net, Path(out))
    return net


@torch.inference_mode()
def read_scenes(classifier: SceneClassifier, images: torch.Tensor) -> list[Reading]:
    """Readings of (B, 3, 32, 32) images in [−1, 1]: the k most likely objects, k the count head's
    answer; the most likely pattern and colour of the background."""
    objects, many, pattern, tint = classifier(images.to(classifier.device, torch.float32))
    order = objects.argsort(dim=1, descending=True).cpu()
    k = (many.argmax(dim=1) + 1).cpu()
    out = []
    for i in range(images.shape[0]):
        found = {PAIRS[int(j)] for j in order[i, : int(k[i])]}
        out.append(Reading(frozenset(found), PATTERNS[int(pattern[i].argmax())], TINTS[int(tint[i].argmax())]))
    return out


def held_out_accuracy(classifier: SceneClassifier, count: int = 2000) -> dict:
    """Its accuracy on renderings of held-out scenes: the objects exactly, and the background."""
    layouts = held_out_scenes(count, seed=7)
    readings = read_scenes(classifier, to_model_space(render_scenes(layouts)))
    objects = sum(r.objects == frozenset((o.colour, o.shape) for o in s.objects) for r, s in zip(readings, layouts))
    background = sum((r.background, r.colour) == (s.background, s.colour) for r, s in zip(readings, layouts))
    return {"held_out_scenes": count, "objects_accuracy": objects / count, "background_accuracy": background / count}


def save_classifier(net: SceneClassifier, path: Path = CLASSIFIER_WEIGHTS) -> Path:
    state = {k: v.detach().to("cpu", torch.float16) for k, v in net.state_dict().items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    torch.save({"state_dict": state, "meta": net.meta}, tmp)
    tmp.replace(path)
    return path


@lru_cache(maxsize=2)
def load_classifier(path: Path = CLASSIFIER_WEIGHTS, device: str = "cpu") -> SceneClassifier:
    if not Path(path).is_file():
        raise UserError(f"the scene classifier's weights are missing ({path}); train them with "
                        "`python -m paperkit.models.scenes.classifier`")
    try:
        blob = torch.load(path, map_location="cpu", weights_only=True)
        net = SceneClassifier()
        net.load_state_dict({k: v.float() for k, v in blob["state_dict"].items()})
    except Exception as exc:
        raise UserError(f"cannot load the scene classifier from {path}: {exc}") from exc
    net.meta = dict(blob.get("meta", {}))
    return net.eval().to(device)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m paperkit.models.scenes.classifier", description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=5000)
    parser.add_argument("--scenes", type=int, default=30000)
    parser.add_argument("--out", type=Path, default=CLASSIFIER_WEIGHTS)
    args = parser.parse_args(argv)
    net = train_classifier(steps=args.steps, scenes=args.scenes, out=args.out)
    m = net.meta
    print(f"wrote {args.out}: objects read exactly in {m['objects_accuracy']:.1%} of {m['held_out_scenes']} held-out "
          f"renderings, background in {m['background_accuracy']:.1%} ({m['wall_time_s']:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
