"""Runnable demos on the project's scene model (the default), its digits model or a Stable Diffusion
folder: each one shows catalog equations as images, plots and tables.

This module is the registry the app reads at start-up, so it imports no torch (≈ 2.3 s) and no numpy:
``DEMOS`` maps a demo's name to a ``DemoSpec`` (title, one line, the equation ids it shows, and a lazy
``"module:function"`` target). ``spec.describe(steps)`` says what a run at ``steps`` does, with the
step counts from ``plans`` (the functions the demos take them from). ``run_demo`` imports the target,
loads the model and runs it. A result's images are labelled grids (``DemoResult.grids``);
``paperkit.demos.figure.write_pngs`` writes them as labelled PNGs.

Every demo function has one signature (after k-diffusion's samplers)::

    fn(model, *, device, seed, steps, callback=None, cancel=None, **options) -> DemoResult

- ``model``: the scene model (``paperkit.models.scenes``, issue 15), the digits model or a
  ``StableDiffusionModel`` (any model with the protocol of ``paperkit.models``: ``eps``, ``null_cond``,
  ``schedule``, ``latent_shape``, ``to_pixels`` …), already on ``device`` (``None`` for the demos that
  need none); the demos take the ``DemoSpec.inputs_for(kind)`` (prompts, images, the DiffEdit texts)
  as keyword options: captions of the scene world for the scene model, which has defaults for all of
  them (held-out captions and scenes), free text for a text-to-image model;
- ``seed``: every random draw comes from a CPU ``torch.Generator`` seeded with it and is then moved to
  ``device``, so the same seed on the same device gives an identical result, and the same seed on two
  devices starts from the same noise (what ``bench/gpu_check.py`` compares);
- ``steps``: the demo's number of sampling steps (``None``: its default; see ``DemoSpec.steps_help``);
- ``callback(step, total, info)`` and ``cancel`` (anything with ``is_set()``) follow ``paperkit.progress``:
  a set flag raises ``Cancelled`` between steps;
- a NaN or infinity in a sample raises ``NonFiniteError`` naming the demo and the step.
"""

from __future__ import annotations

import difflib
import importlib
import time
from dataclasses import dataclass

from . import plans
from .plans import FIELDS
from .result import DemoResult, NonFiniteError

__all__ = ["DEMOS", "DemoSpec", "DemoInput", "DemoResult", "NonFiniteError", "get_spec", "load_demo", "run_demo", "suggest"]


@dataclass(frozen=True)
class DemoInput:
    """One thing a user gives a demo (the CLI's ``--prompt``/``--image``/``--from``/``--to``, the app's fields).

    ``option`` is the demo function's keyword, a list for prompts and images, a string for source
    and target; ``count`` is how many: 1, 2 (exactly two) or ``"+"`` (one or more); ``required``:
    needed with a text-to-image model (the built-in models have defaults for everything);
    ``default``: what the app's field holds before anything is typed.
    """

    option: str          # "prompts", "images" (lists); "source", "target" (strings)
    label: str           # how the CLI and the app name it: "prompt", "image", "from", "to"
    count: int | str = "+"  # 1, 2 or "+" (one or more)
    required: bool = False
    default: tuple[str, ...] = ()
    help: str = ""

    @property
    def is_path(self) -> bool:
        return self.option == "images"

    @property
    def is_list(self) -> bool:
        """Given as a list (prompts, images) rather than one string (source, target)."""
        return self.option in ("prompts", "images")


#: Stable Diffusion's prompt when none is given: the one lessons 9–11 sample first.
DEFAULT_PROMPTS = ("a photograph of an astronaut riding a horse",)
#: Prompt interpolation's default ends with a text-to-image model: the lesson's seasons.
SEASON_PROMPTS = ("a cabin in the woods in summer", "a cabin in the woods in winter")
#: The scene model's columns when no caption is given: held-out captions (no caption is one the model
#: was trained to draw at a particular layout) with one and two objects on every background pattern.
SCENE_CAPTIONS = ("a red circle on a plain blue background", "a yellow star on a striped purple background",
                  "a green triangle on a graded white background", "a white ring on a checked black background",
                  "a blue square and an orange circle on a speckled green background")
#: Prompt interpolation's default ends on the scene model: one object that changes shape and colour.
SCENE_ENDS = ("a red circle on a plain blue background", "a yellow star on a plain blue background")
#: The kinds of model a demo describes itself for (``DemoSpec.describe``).
KINDS = ("scenes", "digits", "text")

_PROMPT = DemoInput("prompts", "prompt", "+", default=DEFAULT_PROMPTS, help="text to sample from (one column per prompt)")
_TWO_PROMPTS = DemoInput("prompts", "prompt", 2, default=SEASON_PROMPTS, help="the two texts to interpolate between")
_IMAGES = DemoInput("images", "image", "+", required=True, help="image file(s) to work on, resized to the model's resolution")
_CAPTION = DemoInput("prompts", "prompt", 1, help="a caption of the image to invert with (default: none, the unconditional model)")
_SOURCE = DemoInput("source", "from", 1, required=True, help="text describing the image as it is (DiffEdit's reference R)")
_TARGET = DemoInput("target", "to", 1, required=True, help="text describing the edit (DiffEdit's query Q)")
# the same inputs on the scene model: captions of its world, none required
_EG = "e.g. “a red circle on a striped blue background”"
_CAPTIONS = DemoInput("prompts", "prompt", "+", help=f"captions of the scene world, one column each ({_EG}); default: held-out captions")
_TWO_CAPTIONS = DemoInput("prompts", "prompt", 2, default=SCENE_ENDS, help="the two captions to interpolate between")
_SCENE_IMAGES = DemoInput("images", "image", "+", help="image file(s) to invert, resized to 32×32; default: rendered held-out scenes")
_SCENE_CAPTION = DemoInput("prompts", "prompt", "+", help=f"captions to render and invert ({_EG}), or with images the caption to invert with")
_SCENE_SOURCE = DemoInput("source", "from", 1, help=f"the caption of a scene to edit ({_EG}); default: held-out scenes")
_SCENE_TARGET = DemoInput("target", "to", 1, help="the same caption with one object's shape or colour changed (DiffEdit's query Q)")


@dataclass(frozen=True)
class DemoSpec:
    """One demo: its name, title, description template, the equations it shows and its lazy target.

    ``template`` names the step counts the demo runs as ``{fields}`` that ``plans.FIELDS[name]``
    fills in for a requested ``steps`` (the same functions the demo takes its counts from), so
    ``describe(steps)`` says what a run with those steps does; ``description`` is it at the default.
    ``template`` describes a run on the scene model (the default); ``digits_template`` and
    ``text_template`` one on the digits model and on a text-to-image model, where they differ.
    ``inputs`` are what a user may give it with a text-to-image model (or the digits model: "3",
    "eight"); ``scene_inputs`` with the scene model (captions; none required).
    """

    name: str
    title: str
    template: str
    equations: tuple[str, ...]
    target: str                     # "module:function", imported only when the demo runs
    needs_model: bool = True
    default_steps: int | None = None
    steps_help: str = ""
    inputs: tuple[DemoInput, ...] = ()   # what a user may give it (see ``DemoInput``)
    text_template: str = ""              # ``template`` for a text-to-image model, where it differs
    default_model: str = "scenes"        # what ``paperkit run`` and the app run it on without a choice
    digits_template: str = ""            # ``template`` for the digits model, where it differs
    scene_inputs: tuple[DemoInput, ...] = ()  # what a user may give it on the scene model

    def inputs_for(self, kind: str | None = None) -> tuple[DemoInput, ...]:
        """The inputs on a model of ``kind`` ("scenes", "digits", "text"; None: the default model)."""
        return self.scene_inputs if (kind or self.default_model) == "scenes" else self.inputs

    def input(self, option: str, kind: str | None = "text") -> DemoInput | None:
        """The input named by its keyword ("prompts") or label ("prompt") on a model of ``kind``, or None."""
        return next((i for i in self.inputs_for(kind) if option in (i.option, i.label)), None)

    def describe(self, steps: int | None = None, on: str | None = None) -> str:
        """One line saying what the demo does when run with ``steps`` (None: its default) on a model
        of kind ``on``: "scenes" (the scene model), "digits", "text" (a text-to-image model such as
        Stable Diffusion); None: its default model."""
        on = on or self.default_model
        if on not in KINDS:
            raise ValueError(f"a model kind is one of {', '.join(KINDS)}, got {on!r}")
        template = {"digits": self.digits_template, "text": self.text_template}.get(on) or self.template
        return template.format(**FIELDS[self.name](steps))

    @property
    def description(self) -> str:
        """What the demo does at its default step count."""
        return self.describe(None)


_SPECS = (
    DemoSpec(
        "schedules", "Noise schedules", "β_t, ᾱ_t and the SNR ᾱ_t/(1−ᾱ_t) of the linear, scaled-linear and cosine schedules",
        ("ddpm.schedule", "ddpm.alpha_bar"), "paperkit.demos.schedules:run", needs_model=False,
        steps_help="ignored (T = 1000)",
    ),
    DemoSpec(
        "forward", "Forward process", "held-out scenes noised from x_0 to x_T in one jump each, t = 0, 100, …, 999",
        ("ddpm.4",), "paperkit.demos.forward:run", needs_model=False, steps_help="ignored",
        digits_template="real digits noised from x_0 to x_T in one jump each, t = 0, 100, …, 999",
    ),
    DemoSpec(
        "ddpm", "DDPM ancestral sampling", "{how}, one sample per caption, with x_t and x̂_0 along the way, read by the scene classifier",
        ("ddpm.alg2", "ddpm.11"), "paperkit.demos.ddpm:run", default_steps=plans.T,
        steps_help="ancestral steps (default 1000 = every t; fewer strides the timesteps)",
        inputs=(_PROMPT,), scene_inputs=(_CAPTIONS,),
        digits_template="{how}, one sample per digit, with x_t and x̂_0 along the way",
        text_template='{how}, one sample per prompt, with x_t and x̂_0 along the way',
    ),
    DemoSpec(
        "ddim", "DDIM sampling", "DDIM at {counts} with η = 0 and η = 1 from the same noise, timed",
        ("ddim.12", "ddim.16", "ddim.subsequence"), "paperkit.demos.ddim:run", default_steps=plans.DDIM_DEFAULT,
        steps_help="the larger step count (default 50; the smaller is min(10, N))",
        inputs=(_PROMPT,), scene_inputs=(_CAPTIONS,),
    ),
    DemoSpec(
        "inversion", "DDIM inversion", "held-out scenes DDIM-encoded to x_T and decoded back at {counts}; reconstruction error per step count",
        ("ddim.13", "ddim.12"), "paperkit.demos.inversion:run", default_steps=plans.DDIM_DEFAULT,
        steps_help="the largest step count (default 50; also runs 10 and 20 below it)",
        inputs=(_IMAGES, _CAPTION), scene_inputs=(_SCENE_IMAGES, _SCENE_CAPTION),
        digits_template="real digits DDIM-encoded to x_T and decoded back at {counts}; reconstruction error per step count",
        text_template='your images DDIM-encoded to x_T and decoded back at {counts}; reconstruction error per step count',
    ),
    DemoSpec(
        "cfg", "Classifier-free guidance", "one sample per caption at guidance scales 0, 1, 2, 4, 7.5 and 12, {steps} DDIM {step_s} each, scored by the scene classifier",
        ("cfg.6",), "paperkit.demos.cfg:run", default_steps=plans.SAMPLING_DEFAULT, steps_help="DDIM steps per scale (default 25)",
        inputs=(_PROMPT,), scene_inputs=(_CAPTIONS,),
        digits_template="one sample per digit at guidance scales 0, 1, 2, 4, 7.5 and 12, {steps} DDIM {step_s} each, scored by the classifier",
        text_template='one sample per prompt at guidance scales 0, 1, 2, 4, 7.5 and 12, {steps} DDIM {step_s} each',
    ),
    DemoSpec(
        "norm_rescale", "Rescaled guidance", "plain guidance at scale 12 vs norm-ratio and Lin's std rescaling, {steps} DDIM {step_s} each: saturation per variant",
        ("lesson11.norm_rescale", "lesson11.guidance_rescale", "cfg.6"), "paperkit.demos.norm_rescale:run",
        default_steps=plans.SAMPLING_DEFAULT, steps_help="DDIM steps per variant (default 25)",
        inputs=(_PROMPT,), scene_inputs=(_CAPTIONS,),
    ),
    DemoSpec(
        "decreasing_guidance", "Decreasing guidance", "constant, linear and cosine guidance-scale schedules from 7.5 down to 1 over {steps} DDIM {step_s}",
        ("lesson11.decreasing_guidance", "cfg.6"), "paperkit.demos.decreasing_guidance:run", default_steps=plans.SAMPLING_DEFAULT,
        steps_help="DDIM steps per schedule (default 25)",
        inputs=(_PROMPT,), scene_inputs=(_CAPTIONS,),
    ),
    DemoSpec(
        "interpolation", "Prompt interpolation", "frames from a red circle to a yellow star (two captions on one plain blue background) by lerp and slerp of the caption embeddings, same noise per frame, {steps} DDIM {step_s} each",
        ("lesson11.prompt_interpolation", "cfg.6"), "paperkit.demos.interpolation:run", default_steps=plans.SAMPLING_DEFAULT,
        steps_help="DDIM steps per frame (default 25)",
        inputs=(_TWO_PROMPTS,), scene_inputs=(_TWO_CAPTIONS,),
        digits_template="frames from \"3\" to \"8\" by lerp and slerp of the class embeddings, same noise per frame, {steps} DDIM {step_s} each",
        text_template='frames from one prompt to the other by lerp and slerp of their text embeddings, same noise per frame, {steps} DDIM {step_s} each',
    ),
    DemoSpec(
        "diffedit", "DiffEdit", "held-out scenes edited inside an inferred mask, beside the true edit region: a {steps}-step DDIM schedule, encoded and decoded over its first {encode_steps} (r = {r})",
        ("diffedit.step1", "diffedit.step2", "diffedit.step3"), "paperkit.demos.diffedit:run", default_steps=plans.DIFFEDIT_DEFAULT,
        steps_help="the DDIM schedule's steps (default 50; encoding runs the first 80 %)",
        inputs=(_IMAGES, _SOURCE, _TARGET), scene_inputs=(_SCENE_SOURCE, _SCENE_TARGET),
        digits_template="real digits edited from one class to another inside an inferred mask: a {steps}-step DDIM schedule, encoded and decoded over its first {encode_steps} (r = {r})",
        text_template='your image edited from the --from text to the --to text inside an inferred mask: a {steps}-step DDIM schedule, encoded and decoded over its first {encode_steps} (r = {r})',
    ),
    DemoSpec(
        "matmul", "Matrix multiplication from scratch", "lesson 11's ladder of speed-ups: Python loops, Numba, broadcasting, einsum, torch (and the GPU), timed here ({runs} per method)",
        ("lesson11.matmul", "lesson11.broadcasting", "lesson11.frobenius"), "paperkit.demos.matmul:run", needs_model=False,
        steps_help="timed repeats per method, median reported (default 3)",
    ),
)

DEMOS: dict[str, DemoSpec] = {spec.name: spec for spec in _SPECS}


def suggest(name: str, n: int = 3) -> list[str]:
    """Demo names close to ``name`` (for "did you mean")."""
    key = name.strip().lower().replace("-", "_")
    close = difflib.get_close_matches(key, DEMOS, n=n, cutoff=0.5)
    return close or [d for d in DEMOS if key and (key in d or d in key)][:n]


def get_spec(name: str) -> DemoSpec:
    """The spec of ``name``; an unknown name is a UserError suggesting close names."""
    from ..errors import UserError

    key = name.strip().lower().replace("-", "_")
    if key in DEMOS:
        return DEMOS[key]
    close = suggest(name)
    hint = f"; did you mean {', '.join(close)}?" if close else f"; the demos are {', '.join(DEMOS)}"
    raise UserError(f"unknown demo {name!r}{hint} (paperkit run --list shows them)")


def load_demo(name: str):
    """The demo's function, imported now (imports torch)."""
    module, _, func = get_spec(name).target.partition(":")
    return getattr(importlib.import_module(module), func)


def run_demo(name: str, model=None, *, device="auto", seed: int = 0, steps: int | None = None,
             callback=None, cancel=None, **options) -> DemoResult:
    """Run a demo: resolve ``device`` (the one device rule), load its default model (the scene model)
    if it needs one and none is given, move it there, and call the demo. Adds the wall-clock time to
    ``timings``."""
    import torch  # ≈ 2.3 s, only once a demo actually runs

    from ..device import resolve_device

    spec = get_spec(name)
    device = resolve_device(device) if isinstance(device, str) else torch.device(device)
    fn = load_demo(spec.name)
    if spec.needs_model:
        if model is None:
            from ..models import load_model

            model = load_model(spec.default_model, device=device)
        else:
            model = model.to(device)
    t0 = time.perf_counter()
    with _deterministic(device):
        result = fn(model if spec.needs_model else None, device=device, seed=seed, steps=steps,
                    callback=callback, cancel=cancel, **options)
    result.timings["total_s"] = time.perf_counter() - t0
    return result


class _deterministic:
    """cuDNN's deterministic algorithms for the run (same seed, same GPU ⇒ same result), restored after."""

    def __init__(self, device):
        self.cuda = getattr(device, "type", str(device)) == "cuda"

    def __enter__(self):
        if self.cuda:
            import torch

            self.saved = (torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark)
            torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark = True, False
        return self

    def __exit__(self, *exc):
        if self.cuda:
            import torch

            torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark = self.saved
        return False
