"""``paperkit run DEMO``: run a demo on the scene model (the default), the digits model or a Stable
Diffusion; write its images as PNGs and print a summary.

    paperkit run --list [--steps N]
    paperkit run DEMO [--model M] [--prompt TEXT ...] [--image PATH ...] [--from TEXT --to TEXT]
                      [--guidance S] [--device auto|cpu|cuda|mps] [--dtype D] [--seed S] [--steps N]
                      [--out DIR] [--json]

``--model`` is "scenes" (the default, built in: the caption-conditioned model of the scene world,
issue 15), "digits" (built in), a local diffusers Stable Diffusion folder or a Hugging Face Hub id in
the local cache (``paperkit.models.resolve``); the demo's inputs are its ``DemoSpec.inputs_for(kind)``:
``--prompt`` (repeatable) → ``prompts``, ``--image`` (repeatable) → ``images``, ``--from``/``--to`` →
DiffEdit's ``source``/``target``, ``--guidance`` → the demo's guidance scale. On the scene model the
texts are captions of its world ("a red circle on a striped blue background") and every input has a
default (held-out captions and scenes). Everything is checked before anything is loaded — which demo
takes which option, how many prompts, the image files, the model name, that a caption is one of the
scene world — each mistake one line (exit 2).

Images go to ``--out`` (default ``./paperkit-out/DEMO``) as labelled PNGs (``paperkit.demos.figure``:
title, row and column labels, tiles scaled to about 128 px — ×4 for the digits and the scenes, ×1
for Stable Diffusion's 512 px); the summary says which model ran, what ran (``DemoSpec.describe(steps)``), has
the tables as aligned text, the metrics and every file written, or (``--json``) one JSON object with
everything but raw pixels (each image's labels included). ``--list`` describes each demo at
``--steps`` when given.
Progress (loading the model, then the demo) goes to stderr. The first Ctrl-C sets the demo's cancel
flag, so it stops between two steps ("cancelled", exit 130); a second one interrupts at once. A NaN
in a sample, or running out of GPU memory, stops the demo with a one-line error (exit 1). torch is
imported inside ``run`` (through ``paperkit.demos.run_demo``).
"""

from __future__ import annotations

import argparse
import math
import signal
import sys
import threading
from pathlib import Path

from ..demos import DEMOS, NonFiniteError, get_spec
from ..device import DEVICES
from ..errors import UserError
from .output import display_width, pad, print_json

PNG_SCALE = 4  # the digits' 16×16 tiles become 64×64 pixels; ``figure.png_scale`` picks each figure's
DTYPES = ("auto", "float16", "bfloat16", "float32")
#: The demo keyword ``--guidance`` sets, per demo that has one guidance scale to choose.
GUIDANCE_OPTION = {"interpolation": "guidance", "diffedit": "guidance", "norm_rescale": "scale",
                   "decreasing_guidance": "scale"}
#: How the CLI spells each demo input (``DemoInput.option``).
FLAGS = {"prompts": "--prompt", "images": "--image", "source": "--from", "target": "--to"}


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "run", help="run a demo (sampling, guidance, inversion, DiffEdit …) and write its images",
        description="Run a demo on the project's scene model (the default), its digits model or a Stable Diffusion (--model): it shows "
        "catalog equations at work as images, plots and tables. `paperkit run --list` lists them with their equations.",
    )
    p.add_argument("demo", nargs="?", help="the demo's name (see --list)")
    p.add_argument("--list", action="store_true", help="list the demos and the equations each one shows "
                   "(with --steps: what each one runs at that many steps)")
    add_model_arguments(p)
    p.add_argument("--prompt", dest="prompts", action="append", metavar="TEXT",
                   help="a prompt (repeat for several: one column each; interpolation takes two; inversion a caption); "
                   "on the scene model a caption such as 'a red circle on a striped blue background' (two objects named left to right)")
    p.add_argument("--image", dest="images", action="append", metavar="PATH",
                   help="an image file for inversion or diffedit (repeat for several)")
    p.add_argument("--from", dest="source", metavar="TEXT", help="diffedit: the text describing the image as it is (R; a caption on the scene model)")
    p.add_argument("--to", dest="target", metavar="TEXT", help="diffedit: the text describing the edit (Q; a caption on the scene model)")
    p.add_argument("--guidance", type=float, metavar="S",
                   help=f"classifier-free guidance scale ({', '.join(GUIDANCE_OPTION)}; default: the demo's)")
    p.add_argument("--seed", type=int, default=0, help="seed of every random draw (default 0); same seed, same device ⇒ same result")
    p.add_argument("--steps", type=int, default=None, help="sampling steps; each demo's meaning is in --list (default: the demo's)")
    p.add_argument("--out", metavar="DIR", default=None, help="folder for the PNGs (default ./paperkit-out/DEMO)")
    p.add_argument("--json", action="store_true", help="print one JSON object (images as file paths) instead of text")
    p.set_defaults(func=run)
    return p


def add_model_arguments(p: argparse.ArgumentParser, *, required: bool = False) -> None:
    """``--model``, ``--device`` and ``--dtype`` (shared with ``paperkit diffedit``)."""
    p.add_argument("--model", metavar="M", default=None, required=required,
                   help='"scenes" (default) or "digits" (both built in), a local Stable Diffusion folder, or a Hugging Face Hub id '
                   "(org/name) in your Hugging Face cache")
    p.add_argument("--device", choices=DEVICES, default="auto", help="auto = CUDA, else MPS, else CPU")
    p.add_argument("--dtype", choices=DTYPES, default="auto",
                   help="Stable Diffusion's precision: auto = float16 on CUDA, float32 elsewhere (the built-in models: always float32)")


def run(args: argparse.Namespace) -> int:
    if args.steps is not None and not 1 <= args.steps <= 1000:
        raise UserError(f"--steps must be between 1 and 1000, got {args.steps}")
    if args.list:
        return _list(args.json, args.steps)
    if not args.demo:
        raise UserError("name a demo, e.g. `paperkit run ddim`, or list them with `paperkit run --list`")
    spec = get_spec(args.demo)
    # everything the user typed is checked before anything heavy is imported or loaded
    ref = _model_ref(spec, getattr(args, "model", None))
    kind = model_kind(ref)
    options = demo_options(spec, args, text_to_image=bool(ref and ref.text_to_image), kind=kind)
    if kind == "scenes":
        check_captions(options)
    options.update(getattr(args, "overrides", None) or {})  # ``paperkit diffedit``'s extra knobs
    out = Path(args.out if args.out else Path("paperkit-out") / spec.name).expanduser()
    if out.exists() and not out.is_dir():
        raise UserError(f"--out is a file, not a folder: {out}")

    from ..demos import run_demo  # imports torch (≈ 2.3 s) only now
    from ..demos.figure import png_scale, write_files, write_pngs  # numpy and Pillow
    from ..device import resolve_device
    from ..progress import Cancelled
    from ..runner.failures import is_out_of_memory, out_of_memory_line

    device = resolve_device(args.device)
    dtype = getattr(args, "dtype", "auto")
    cancel = threading.Event()
    progress = _Progress()
    model = None
    try:
        with _cancel_on_sigint(cancel):
            if ref is not None and ref.text_to_image:
                model = _load(ref, device, dtype, cancel)
            elif ref is not None:  # a built-in model: a few MB, loaded at once (no progress to show)
                from ..models import load_model

                model = load_model(ref.name, device=device)
            result = run_demo(spec.name, model, device=device, seed=args.seed, steps=args.steps, callback=progress,
                              cancel=cancel, **options)
    except (Cancelled, KeyboardInterrupt):
        progress.finish()
        print("cancelled", file=sys.stderr)
        return 130
    except NonFiniteError as exc:
        progress.finish()
        print(f"paperkit: error: {exc}", file=sys.stderr)
        return 1
    except UserError:  # e.g. an image the demo cannot use: main prints it, on a line of its own
        progress.finish()
        raise
    except ValueError as exc:  # a setting the maths rejects, e.g. too few steps for a demo
        progress.finish()
        raise UserError(f"{spec.name}: {exc}") from exc
    except RuntimeError as exc:
        progress.finish()
        if not is_out_of_memory(exc):
            raise
        print(f"paperkit: error: {out_of_memory_line(spec.name, exc, model, device, surface='cli')}", file=sys.stderr)
        return 1
    progress.finish()

    scales = {name: png_scale(result, name) for name in result.images}
    paths = {name: str(path) for name, path in write_pngs(result, out).items()}
    files = {name: str(path) for name, path in write_files(result, out).items()}
    model_line = _model_line(ref, model, spec)
    if args.json:
        payload = {"title": spec.title, "description": spec.describe(args.steps, kind),
                   "equations": list(spec.equations), "model": model_line, **result.to_json({**paths, **files}),
                   "png_scale": scales}
        for table in result.tables:  # a table a demo names for the top level (matmul's "rows")
            if table.get("json_key"):
                payload[table["json_key"]] = table["rows"]
        print_json(payload)
    else:
        _print_summary(spec, result, paths, args.steps, model_line=model_line, scales=scales, kind=kind)
        if files:
            first = list(files)[:4]
            print(f"\nFiles ({len(files)} plain PNGs at the model's resolution) in {out}: "
                  + ", ".join(f"{n}.png" for n in first) + (" …" if len(files) > 4 else ""))
    return 0


def _model_ref(spec, name: str | None):
    """The resolved ``--model`` (None: the demo needs none); without ``--model``, the demo's default model."""
    from ..models.resolve import resolve_model

    if not spec.needs_model:
        if name is not None:
            takes = ", ".join(s.name for s in DEMOS.values() if s.needs_model)
            raise UserError(f"{spec.name} runs without a model: drop --model (the demos that take one: {takes})")
        return None
    return resolve_model(spec.default_model if name is None else name)


def model_kind(ref) -> str | None:
    """The kind of model a resolved ``--model`` is, as ``DemoSpec.describe`` names it: "scenes",
    "digits" or "text" (a Stable Diffusion); None for a demo that runs without one."""
    if ref is None:
        return None
    return ref.kind if ref.builtin else "text"


def check_captions(options: dict) -> None:
    """Every text given to the scene model (``--prompt``, ``--from``, ``--to``) is a caption of its
    world, checked before the model loads: one UserError line (``caption_tokens``) saying what a
    caption looks like."""
    from ..models.scenes.tokens import caption_tokens  # plain Python: the world's vocabulary

    for text in [*options.get("prompts", []), *[options[k] for k in ("source", "target") if k in options]]:
        caption_tokens(text)


def demo_options(spec, args, *, text_to_image: bool, kind: str | None = "text") -> dict:
    """The demo's keyword options from ``--prompt``/``--image``/``--from``/``--to``/``--guidance``,
    checked against ``spec.inputs_for(kind)``: an option the demo does not take, the wrong number of
    prompts, a missing required input (with a text-to-image model) or an unreadable image is one
    UserError line."""
    given = {"prompts": getattr(args, "prompts", None), "images": getattr(args, "images", None),
             "source": getattr(args, "source", None), "target": getattr(args, "target", None)}
    given = {k: v for k, v in given.items() if v is not None}
    options: dict = {}
    for option, value in given.items():
        flag = FLAGS[option]
        inp = spec.input(option, kind)
        if inp is None:
            if kind == "scenes" and spec.input(option, "text") is not None:
                raise UserError(f"{spec.name} on the scene model takes no {flag} (it takes {_scene_inputs_line(spec) or 'nothing'}); "
                                f"with a Stable Diffusion --model it does")
            takes = [s.name for s in DEMOS.values() if any(s.input(option, k) is not None for k in ("text", "scenes"))]
            raise UserError(f"{spec.name} takes no {flag}; the demos that do: {', '.join(takes)}")
        values = value if isinstance(value, list) else [value]
        if option != "images" and any(not str(v).strip() for v in values):
            raise UserError(f"{flag} must be a non-empty text")
        if inp.count == 2 and len(values) != 2:
            raise UserError(f"{spec.name} takes exactly two {flag} (from and to), got {len(values)}")
        options[option] = list(values) if inp.is_list else str(values[0])
    if ("source" in options) != ("target" in options) and spec.input("source", kind) and spec.input("target", kind):
        raise UserError(f"--from and --to go together: {spec.name} edits from one text to the other")
    if "images" in options:
        from ..demos.image_file import open_image  # Pillow only: one line for an image the demos cannot read

        for path in options["images"]:
            open_image(path)
        prompts, images = options.get("prompts"), options["images"]
        if prompts and len(prompts) not in (1, len(images)):
            raise UserError(f"{spec.name}: give one --prompt for all images or one per image "
                            f"({len(prompts)} prompts for {len(images)} images)")
    if text_to_image:
        missing = [FLAGS[i.option] for i in spec.inputs_for(kind) if i.required and i.option not in options]
        if missing:
            words = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " and " + missing[-1]
            raise UserError(f"{spec.name} on a Stable Diffusion model needs {words}")
    guidance = getattr(args, "guidance", None)
    if guidance is not None:
        if spec.name not in GUIDANCE_OPTION:
            raise UserError(f"{spec.name} takes no --guidance; the demos that do: {', '.join(GUIDANCE_OPTION)}")
        if not math.isfinite(guidance) or guidance < 0:
            raise UserError(f"--guidance must be a number ≥ 0, got {guidance}")
        options[GUIDANCE_OPTION[spec.name]] = float(guidance)
    return options


def _load(ref, device, dtype, cancel):
    """The Stable Diffusion ``ref`` names, on ``device``, its progress on stderr (one line per component)."""
    from ..models import load_model
    from ..progress import Cancelled

    if ref.path is None:
        print(f"downloading {ref.repo_id} from the Hugging Face Hub…", file=sys.stderr, flush=True)
    loading = _Progress(label=f"loading {ref.describe()}")

    def callback(step, total, info):
        loading(step, total, info)
        if cancel.is_set():
            raise Cancelled("cancelled while loading the model")

    try:
        return load_model(ref.name, device=device, dtype=None if dtype == "auto" else dtype, callback=callback)
    finally:
        loading.finish()


def _model_line(ref, model, spec) -> str | None:
    """The model the demo ran on, for the summary: what it is, and its precision and device when loaded here."""
    if not spec.needs_model or ref is None:
        return None
    if model is None:
        return ref.describe()
    dtype = str(getattr(model, "dtype", "")).removeprefix("torch.")
    device = getattr(getattr(model, "device", None), "type", "")
    return f"{ref.describe()}, {dtype} on {device}" if dtype and device else ref.describe()


def _list(as_json: bool, steps: int | None = None) -> int:
    """Every demo, described at ``steps`` (None: each one's default)."""
    if as_json:
        print_json([{"name": s.name, "title": s.title, "description": s.describe(steps), "equations": list(s.equations),
                     "needs_model": s.needs_model, "default_model": s.default_model if s.needs_model else None,
                     "default_steps": s.default_steps, "steps": s.steps_help,
                     "inputs": [{"option": f"--{i.label}", "count": i.count, "required": i.required} for i in s.inputs],
                     "scene_inputs": [{"option": f"--{i.label}", "count": i.count, "required": i.required}
                                      for i in s.scene_inputs]}
                    for s in DEMOS.values()])
        return 0
    width = max(len(n) for n in DEMOS)
    if steps is not None:
        print(f"at --steps {steps}:")
    for s in DEMOS.values():
        print(f"{s.name:<{width}}  {s.describe(steps)}")
        print(f"{'':<{width}}  equations: {', '.join(s.equations)}; --steps: {s.steps_help}")
        if s.scene_inputs:
            print(f"{'':<{width}}  on scenes: {_scene_inputs_line(s)}")
        if s.inputs:
            print(f"{'':<{width}}  with --model: {_inputs_line(s)}")
    print("\nThe demos run on the built-in scene model unless --model says otherwise (\"digits\", a Stable "
          "Diffusion folder or Hub id); its texts are captions such as \"a red circle on a striped blue background\".")
    return 0


def _scene_inputs_line(spec) -> str:
    """What a demo takes on the scene model, all optional: "[--prompt CAPTION [--prompt CAPTION …]]"."""
    return _inputs_line(spec, spec.scene_inputs, text="CAPTION")


def _inputs_line(spec, inputs=None, text: str = "TEXT") -> str:
    """What a demo takes with a text-to-image model (or ``inputs``), as the options read:
    "--image … --from TEXT --to TEXT"; ``text`` names a text argument ("CAPTION" on the scene model)."""
    parts = []
    for i in spec.inputs if inputs is None else inputs:
        arg = "PATH" if i.is_path else text
        one = f"--{i.label} {arg}"
        usage = {1: one, 2: f"{one} {one}", "+": f"{one} [{one} …]"}[i.count]
        parts.append(usage if i.required else f"[{usage}]")
    return " ".join(parts)


def _print_summary(spec, result, paths: dict[str, str], steps: int | None = None, *, model_line: str | None = None,
                   scales: dict[str, int] | None = None, kind: str | None = None) -> None:
    settings = result.settings
    print(f"{spec.name} — {spec.title}  ({', '.join(spec.equations)})")
    print(f"  {spec.describe(steps, kind)}")
    if model_line:
        print(f"model: {model_line}")
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
        scales = scales or {}
        used = sorted(set(scales.values()))
        print(f"\nImages (labelled PNGs, tiles ×{used[0]})" if len(used) == 1 else "\nImages (labelled PNGs)")
        for name, path in paths.items():
            each = f" (×{scales[name]})" if len(used) > 1 and name in scales else ""
            print(f"  {path}  — {result.title(name)}{each}")


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

    def __init__(self, stream=None, label: str = ""):
        self.stream = stream or sys.stderr
        self.interactive = bool(getattr(self.stream, "isatty", lambda: False)())
        self.last_decile = -1
        self.open_line = False
        self.label = label

    def __call__(self, step: int, total: int, info: dict) -> None:
        stage = info.get("stage", "step")
        if stage == "load":  # loading a model: "loading MODEL: unet — 1/5"
            text = f"{self.label or 'loading'}: {info.get('component', '')} — {step}/{total}"
        else:
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
