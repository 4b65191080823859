"""``paperkit train digits|scenes [--steps N] [--batch B] [--seed S] [--device D] [--out PATH] [--resume]``.

Trains one of the project's own models (DDPM's Algorithm 1, ``paperkit.models.training``) with a
progress line and writes its EMA weights, float16, to the shipped path unless ``--out`` says otherwise:
``digits`` (``paperkit.models.digits.train``) or ``scenes``, the scene world's caption-conditioned
model (``paperkit.models.scenes.train``). Options left out take the model's own defaults.
Torch loads only when the command runs. Until the command is registered in ``paperkit.cli`` it also
runs as ``python -m paperkit.cli.train_cmd digits …``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ..errors import UserError

MODELS = ("digits", "scenes")


def add_parser(sub) -> None:
    p = sub.add_parser(
        "train", help="train one of the project's own diffusion models (digits, scenes)",
        description="Train the class-conditional digits model (on scikit-learn's digits) or the caption-conditioned "
        "scene model (on the scene world's rendered scenes): DDPM Algorithm 1 with classifier-free guidance "
        "dropout, AdamW, warm-up + cosine, EMA; write its weights. Checkpoints go next to the weights (suffix "
        ".ckpt) so that --resume can continue a run.",
    )
    p.add_argument("model", help="what to train: digits or scenes")
    p.add_argument("--steps", type=int, default=None, help="optimiser steps in all (default: digits 5000, scenes 5500)")
    p.add_argument("--batch", type=int, default=None, help="batch size (default: digits 128, scenes 64)")
    p.add_argument("--lr", type=float, default=None, help="peak learning rate (default 2e-3)")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: the shipped run's, digits 0, scenes 2)")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or mps (default auto)")
    p.add_argument("--threads", type=int, default=None, help="CPU threads for torch (default: torch's choice)")
    p.add_argument("--out", type=Path, default=None, help="where to write the weights (default: the shipped digits.pt or scenes.pt)")
    p.add_argument("--resume", action="store_true", help="continue from the checkpoint next to --out")
    p.add_argument("--checkpoint-every", type=int, default=500, help="steps between checkpoints, 0 for none (default 500)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.model not in MODELS:
        raise UserError(f"cannot train {args.model!r}: the trainable models are " + ", ".join(MODELS))
    if args.steps is not None and args.steps < 1:
        raise UserError(f"--steps must be at least 1, got {args.steps}")
    if args.batch is not None and args.batch < 1:
        raise UserError(f"--batch must be at least 1, got {args.batch}")
    if args.lr is not None and not args.lr > 0:
        raise UserError(f"--lr must be positive, got {args.lr}")
    if args.threads is not None and args.threads < 1:
        raise UserError(f"--threads must be at least 1, got {args.threads}")
    if args.checkpoint_every < 0:
        raise UserError(f"--checkpoint-every must be 0 or more, got {args.checkpoint_every}")

    from ..device import resolve_device

    if args.model == "digits":
        from ..models.digits.model import WEIGHTS
        from ..models.digits.train import DEFAULTS, default_checkpoint, train_digits as train
        quality = "python -m paperkit.models.digits.quality"
    else:
        from ..models.scenes.model import WEIGHTS
        from ..models.scenes.train import DEFAULTS, default_checkpoint, train_scenes as train
        quality = "python -m paperkit.models.scenes.quality"
    steps = args.steps if args.steps is not None else DEFAULTS["steps"]
    batch = args.batch if args.batch is not None else DEFAULTS["batch_size"]
    lr = args.lr if args.lr is not None else DEFAULTS["lr"]
    seed = args.seed if args.seed is not None else DEFAULTS["seed"]
    out = (args.out or WEIGHTS).expanduser()
    if out.is_dir():
        raise UserError(f"--out {out} is a folder: give a file name such as {out / WEIGHTS.name}")
    device = resolve_device(args.device)
    if args.threads is not None:
        import torch

        torch.set_num_threads(args.threads)
    ckpt = default_checkpoint(out)
    what = f"resuming from {ckpt}" if args.resume else f"checkpoints every {args.checkpoint_every} steps to {ckpt}" if args.checkpoint_every else "no checkpoints"
    print(f"training {args.model}: {steps} steps, batch {batch}, lr {lr:g}, seed {seed}, {device}; {what}", file=sys.stderr)
    progress = ProgressLine(sys.stderr)
    try:
        model = train(steps=steps, batch_size=batch, lr=lr, seed=seed, device=device,
                      out=out, resume=args.resume, callback=progress, checkpoint_every=args.checkpoint_every)
    except OSError as exc:
        raise UserError(f"cannot write the weights or checkpoint: {exc}") from exc
    finally:
        progress.close()
    meta = model.meta
    size = out.stat().st_size
    print(f"wrote {out} ({size / 1e6:.2f} MB, {meta['params'] / 1e6:.2f} M params); {meta['steps']} steps, "
          f"loss {meta['loss_avg']:.4f}, {_clock(meta['wall_time_s'])}")
    print(f"measure it: {quality}" + ("" if args.out is None else f" --weights {out}"))
    return 0


class ProgressLine:
    """A one-line progress display (redrawn in a terminal; one line per 100 steps in a log file)."""

    def __init__(self, stream):
        self.stream = stream
        self.tty = stream.isatty()
        self.last = 0.0
        self.drawn = False

    def __call__(self, step: int, total: int, info: dict) -> None:
        now = time.monotonic()
        final = step == total
        if self.tty and not (final or now - self.last > 0.25):
            return
        if not self.tty and not (final or step % 100 == 0):
            return
        self.last = now
        elapsed = info.get("elapsed_s", 0.0)
        left = elapsed / step * (total - step) if step else 0.0
        line = (f"step {step}/{total}  loss {info.get('loss_avg', float('nan')):.4f}  lr {info.get('lr', 0):.2e}  "
                f"{_clock(elapsed)} elapsed, ~{_clock(left)} left")
        if self.tty:
            self.stream.write("\r" + line.ljust(78))
            self.drawn = True
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 else f"{seconds // 60}:{seconds % 60:02d}"


def main(argv: list[str] | None = None) -> int:
    """``python -m paperkit.cli.train_cmd digits|scenes …``: the sub-command on its own."""
    parser = argparse.ArgumentParser(prog="paperkit")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["train", *(sys.argv[1:] if argv is None else argv)])
    try:
        return args.func(args)
    except UserError as exc:
        print(f"paperkit: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
