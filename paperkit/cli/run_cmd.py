"""``paperkit run DEMO``: run a demo on the digits model; write its images as PNGs and print a summary.

    paperkit run --list [--steps N]
    paperkit run DEMO [--device auto|cpu|cuda|mps] [--seed S] [--steps N] [--out DIR] [--json]

Images go to ``--out`` (default ``./paperkit-out/DEMO``) as labelled PNGs (``paperkit.demos.figure``:
title, row and column labels, tiles ×4); the summary says what ran (``DemoSpec.describe(steps)``),
has the tables as aligned text, the metrics and every file written, or (``--json``) one JSON object
with everything but raw pixels (each image's labels included). ``--list`` describes each demo at
``--steps`` when given.
Progress goes to stderr. The first Ctrl-C sets the demo's cancel flag, so it stops between two steps
("cancelled", exit 130); a second one interrupts at once. A NaN in a sample stops the demo with a
one-line error (exit 1). torch is imported inside ``run`` (through ``paperkit.demos.run_demo``).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from ..demos import DEMOS, NonFiniteError, get_spec
from ..device import DEVICES
from ..errors import UserError
from .output import display_width, pad, print_json

PNG_SCALE = 4  # a 16×16 tile becomes 64×64 pixels in the files (``paperkit.demos.figure.DEFAULT_SCALE``)


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "run", help="run a demo (sampling, guidance, inversion, DiffEdit …) and write its images",
        description="Run a demo on the project's digits model: it shows catalog equations at work as "
        "images, plots and tables. `paperkit run --list` lists them with their equations.",
    )
    p.add_argument("demo", nargs="?", help="the demo's name (see --list)")
    p.add_argument("--list", action="store_true", help="list the demos and the equations each one shows "
                   "(with --steps: what each one runs at that many steps)")
    p.add_argument("--device", choices=DEVICES, default="auto", help="auto = CUDA, else MPS, else CPU")
    p.add_argument("--seed", type=int, default=0, help="seed of every random draw (default 0); same seed, same device ⇒ same result")
    p.add_argument("--steps", type=int, default=None, help="sampling steps; each demo's meaning is in --list (default: the demo's)")
    p.add_argument("--out", metavar="DIR", default=None, help="folder for the PNGs (default ./paperkit-out/DEMO)")
    p.add_argument("--json", action="store_true", help="print one JSON object (images as file paths) instead of text")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    if args.steps is not None and not 1 <= args.steps <= 1000:
        raise UserError(f"--steps must be between 1 and 1000, got {args.steps}")
    if args.list:
        return _list(args.json, args.steps)
    if not args.demo:
        raise UserError("name a demo, e.g. `paperkit run ddim`, or list them with `paperkit run --list`")
    spec = get_spec(args.demo)
    out = Path(args.out if args.out else Path("paperkit-out") / spec.name).expanduser()
    if out.exists() and not out.is_dir():
        raise UserError(f"--out is a file, not a folder: {out}")

    from ..demos import run_demo  # imports torch (≈ 2.3 s) only now
    from ..demos.figure import write_pngs  # numpy and Pillow
    from ..device import resolve_device
    from ..progress import Cancelled

    device = resolve_device(args.device)
    cancel = threading.Event()
    progress = _Progress()
    try:
        with _cancel_on_sigint(cancel):
            result = run_demo(spec.name, device=device, seed=args.seed, steps=args.steps, callback=progress, cancel=cancel)
    except (Cancelled, KeyboardInterrupt):
        progress.finish()
        print("cancelled", file=sys.stderr)
        return 130
    except NonFiniteError as exc:
        progress.finish()
        print(f"paperkit: error: {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:  # a setting the maths rejects, e.g. too few steps for a demo
        progress.finish()
        raise UserError(f"{spec.name}: {exc}") from exc
    progress.finish()

    paths = {name: str(path) for name, path in write_pngs(result, out, scale=PNG_SCALE).items()}
    if args.json:
        payload = {"title": spec.title, "description": spec.describe(args.steps), "equations": list(spec.equations),
                   **result.to_json(paths)}
        for table in result.tables:  # a table a demo names for the top level (matmul's "rows")
            if table.get("json_key"):
                payload[table["json_key"]] = table["rows"]
        print_json(payload)
    else:
        _print_summary(spec, result, paths, args.steps)
    return 0


def _list(as_json: bool, steps: int | None = None) -> int:
    """Every demo, described at ``steps`` (None: each one's default)."""
    if as_json:
        print_json([{"name": s.name, "title": s.title, "description": s.describe(steps), "equations": list(s.equations),
                     "needs_model": s.needs_model, "default_steps": s.default_steps, "steps": s.steps_help}
                    for s in DEMOS.values()])
        return 0
    width = max(len(n) for n in DEMOS)
    if steps is not None:
        print(f"at --steps {steps}:")
    for s in DEMOS.values():
        print(f"{s.name:<{width}}  {s.describe(steps)}")
        print(f"{'':<{width}}  equations: {', '.join(s.equations)}; --steps: {s.steps_help}")
    return 0


def _print_summary(spec, result, paths: dict[str, str], steps: int | None = None) -> None:
    settings = result.settings
    print(f"{spec.name} — {spec.title}  ({', '.join(spec.equations)})")
    print(f"  {spec.describe(steps)}")
    print(f"seed {settings.get('seed')}, device {settings.get('device')}, {result.timings.get('total_s', 0):.2f} s")
    for line in result.text:
        print(f"  {line}")
    for table in result.tables:
        print()
        print(table["title"])
        print(format_table(table["columns"], table["rows"]))
    if result.metrics:
        print("\nMetrics")
        width = max(len(k) for k in result.metrics)
        for key, value in result.metrics.items():
            print(f"  {key:<{width}}  {_fmt(value)}")
    if result.series:
        print("\nSeries (in --json): " + ", ".join(result.series))
    if paths:
        print(f"\nImages (labelled PNGs, tiles ×{PNG_SCALE})")
        for name, path in paths.items():
            print(f"  {path}  — {result.title(name)}")


def format_table(columns: list[str], rows: list[dict]) -> str:
    """Rows as aligned text: numbers right-aligned, others left."""
    cells = [[_fmt(r.get(c, "")) for c in columns] for r in rows]
    widths = [max([display_width(c)] + [display_width(row[i]) for row in cells]) for i, c in enumerate(columns)]
    numeric = [all(isinstance(r.get(c), (int, float)) and not isinstance(r.get(c), bool) for r in rows) for c in columns]

    def line(values):
        return "  " + "  ".join((" " * (w - display_width(v)) + v) if num else pad(v, w)
                                for v, w, num in zip(values, widths, numeric)).rstrip()

    return "\n".join([line(columns), "  " + "  ".join("─" * w for w in widths)] + [line(r) for r in cells])


def _fmt(value) -> str:
    if isinstance(value, bool) or value is None:
        return "—" if value is None else str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.5g}"
    return str(value)


class _Progress:
    """Progress on stderr: rewritten in place on a terminal, else a line at the start, every 10 % and the end."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.interactive = bool(getattr(self.stream, "isatty", lambda: False)())
        self.last_decile = -1
        self.open_line = False

    def __call__(self, step: int, total: int, info: dict) -> None:
        stage = info.get("stage", "step")
        text = f"{info.get('demo', '')} {stage} — {step}/{total}".strip()
        if self.interactive:
            print(f"\r\033[K{text}", end="", file=self.stream, flush=True)
            self.open_line = True
            return
        decile = step * 10 // total
        if step == 1 or step == total or decile > self.last_decile:
            print(text, file=self.stream, flush=True)
        self.last_decile = decile

    def finish(self) -> None:
        if self.open_line:
            print(file=self.stream, flush=True)
            self.open_line = False


class _cancel_on_sigint:
    """While active, the first SIGINT sets ``cancel`` (the demo stops between steps); a second one
    raises KeyboardInterrupt at once. Only in the main thread, where Python delivers signals."""

    def __init__(self, cancel: threading.Event):
        self.cancel = cancel
        self.previous = None

    def _handler(self, signum, frame):
        if self.cancel.is_set():
            raise KeyboardInterrupt
        self.cancel.set()

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGINT, self._handler)
        return self

    def __exit__(self, *exc):
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)
        return False
