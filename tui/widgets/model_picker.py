"""``ModelPicker``: what the run panel runs a demo on — a built-in model (the scene model, the
default, issue 15; the digits model) or a Stable Diffusion model (issue 13, "bring your own model").

A Select chooses "scenes (built-in)", "digits (built-in)" or "Stable Diffusion"; for the latter an Input takes a local
diffusers folder (Tab completes folders) or a Hugging Face Hub id ("org/name"), and a line under
them says what the choice is — the pipeline class, image size and diffusers version read from the
folder's ``model_index.json`` and component configs — or, in the words of
``paperkit.models.resolve`` (the rule ``load_model`` follows), why it is not usable. That line is
file reading only (no torch, no diffusers): the app's UI path stays light, and ``load_model`` in
the demo process has the last word.

``describe_model(text)`` is the plain logic, tested on its own.
"""

from __future__ import annotations

import json
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Select, Static

from paperkit.models.resolve import is_digits, is_scenes

from .completing_input import CompletingInput, describe

DIGITS = "digits"
SCENES = "scenes"
BUILTIN = (DIGITS, SCENES)
SD = "sd"  # the Select's value for "a Stable Diffusion folder or Hub id"
KINDS = (("scenes (built-in)", SCENES), ("digits (built-in)", DIGITS), ("Stable Diffusion", SD))
DIGITS_ABOUT = ("digits (built-in): the project's class-conditional model of scikit-learn's 8×8 digits — "
                "ships with paperkit, seconds on a CPU")
SCENES_ABOUT = ("scenes (built-in): the project's caption-conditioned model of its own 32×32 scenes "
                "(\"a red circle on a striped blue background\") — ships with paperkit, seconds on a CPU")
ASK = "type a Stable Diffusion folder (Tab completes) or a Hugging Face Hub id (org/name)"


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def folder_details(folder: Path) -> str:
    """"StableDiffusionPipeline, 512×512 images, diffusers 0.21.0" from the folder's JSON files."""
    index = _read_json(folder / "model_index.json")
    parts = [str(index.get("_class_name") or "a diffusers pipeline")]
    side = _read_json(folder / "unet" / "config.json").get("sample_size")
    blocks = _read_json(folder / "vae" / "config.json").get("block_out_channels")
    if isinstance(side, int) and isinstance(blocks, list) and blocks:
        px = side * 2 ** (len(blocks) - 1)
        parts.append(f"{px}×{px} images")
    if index.get("_diffusers_version"):
        parts.append(f"diffusers {index['_diffusers_version']}")
    return ", ".join(parts)


def describe_model(text: str) -> tuple[str, bool]:
    """One line on the model ``text`` names, and whether it is usable — by
    ``paperkit.models.resolve.resolve_model``, the rule ``load_model`` follows (file reading only;
    huggingface_hub is asked about a Hub id's cached snapshot, never the network)."""
    from paperkit.errors import UserError
    from paperkit.models.resolve import resolve_model

    try:
        ref = resolve_model(text)
    except UserError as exc:
        return f"✗ {exc}", False
    if ref.kind == DIGITS:
        return DIGITS_ABOUT, True
    if ref.kind == SCENES:
        return SCENES_ABOUT, True
    if ref.kind == "folder":
        return f"folder: {folder_details(ref.path)}; float16 on CUDA, float32 elsewhere", True
    if ref.path is not None:
        return f"{ref.describe()}: {folder_details(ref.path)}; float16 on CUDA, float32 elsewhere", True
    return f"{ref.describe()}: fetched on the first run", True


class ModelPicker(Vertical):
    """Scenes, digits or Stable Diffusion (a folder or a cached Hub id), with a line describing the choice."""

    DEFAULT_CSS = """
    ModelPicker { height: auto; }
    ModelPicker .model-row { height: auto; }
    ModelPicker #model-kind { width: 24; margin-right: 1; }
    ModelPicker #model-path { width: 1fr; }
    ModelPicker #model-path.-hidden { display: none; }
    ModelPicker #model-about { color: $text-muted; height: auto; }
    ModelPicker #model-about.-bad { color: $error; }
    """

    class Changed(Message):
        """The choice changed: ``model`` is "scenes", "digits" or the text typed (maybe empty), ``text_to_image``
        whether it is a Stable Diffusion choice, ``usable`` whether the model it names resolves."""

        def __init__(self, picker: "ModelPicker", model: str, text_to_image: bool, usable: bool):
            super().__init__()
            self.picker, self.model, self.text_to_image, self.usable = picker, model, text_to_image, usable

        @property
        def control(self) -> "ModelPicker":
            return self.picker

    def __init__(self, model: str = SCENES, sd_model: str = "", **kwargs):
        """``model``: the remembered choice; ``sd_model``: the last Stable Diffusion one typed."""
        super().__init__(**kwargs)
        self._kind = DIGITS if is_digits(model) else SCENES if is_scenes(model) else SD
        self._sd_text = sd_model if self._kind in BUILTIN else model
        self.problem: str | None = None  # why the model typed cannot be used (one line), or None

    def compose(self) -> ComposeResult:
        with Horizontal(classes="model-row"):
            kind = Select(KINDS, value=self._kind, allow_blank=False, id="model-kind")
            kind.tooltip = "The model the demo runs on: a built-in model (scenes, digits) or a Stable Diffusion"
            yield kind
            path = CompletingInput(self._sd_text, placeholder="Stable Diffusion folder or Hub id", id="model-path",
                                   classes="" if self._kind == SD else "-hidden", what="folder")
            path.tooltip = "A local diffusers folder (Tab completes) or a Hub id in your Hugging Face cache"
            yield path
        yield Static("", id="model-about")

    def on_mount(self) -> None:
        self.check()

    # -- what the panel asks ---------------------------------------------------------------------
    @property
    def text_to_image(self) -> bool:
        """A Stable Diffusion choice (the demo's required fields are required)."""
        return self._kind == SD

    @property
    def kind(self) -> str:
        """The kind of model picked, as ``DemoSpec.describe`` and ``inputs_for`` name it: "scenes",
        "digits" or "text"."""
        return "text" if self._kind == SD else self._kind

    @property
    def model(self) -> str:
        """"scenes", "digits", or the folder / Hub id typed ("" while none is)."""
        if self._kind in BUILTIN:
            return self._kind
        return self.query_one("#model-path", Input).value.strip()

    @property
    def sd_text(self) -> str:
        """The Stable Diffusion folder / Hub id typed (kept while a built-in model is picked)."""
        return self.query_one("#model-path", Input).value.strip()

    def label(self) -> str:
        """A short name for summaries: "the scenes model", "the digits model", "Stable Diffusion (tiny-sd)"."""
        if self._kind in BUILTIN:
            return f"the {self._kind} model"
        name = Path(self.model.rstrip("/")).name or self.model
        return f"Stable Diffusion ({name})" if name else "Stable Diffusion"

    def choose(self, model: str) -> None:
        """Pick ``model`` ("scenes", "digits" or a folder / Hub id) as if the user had."""
        if is_digits(model) or is_scenes(model):
            self.query_one("#model-kind", Select).value = DIGITS if is_digits(model) else SCENES
        else:
            self.query_one("#model-path", Input).value = model
            self.query_one("#model-kind", Select).value = SD

    # -- events ----------------------------------------------------------------------------------
    @on(Select.Changed, "#model-kind")
    def _on_kind(self, event: Select.Changed) -> None:
        event.stop()
        kind = event.value if event.value in (*BUILTIN, SD) else SCENES
        if kind == self._kind:  # Select reports its initial value too
            return
        self._kind = kind
        path = self.query_one("#model-path", Input)
        path.set_class(kind != SD, "-hidden")
        if kind == SD and self.is_mounted and self.screen.focused is event.select:
            path.focus()
        self._changed()

    @on(Input.Changed, "#model-path")
    def _on_path(self, event: Input.Changed) -> None:
        event.stop()
        if self._kind == SD:
            self._changed()

    @on(CompletingInput.Completed, "#model-path")
    def _on_completed(self, event: CompletingInput.Completed) -> None:
        event.stop()
        if event.listed or event.completion.problem:
            self._show(describe(event.completion, "folders"), bad=bool(event.completion.problem))

    def _changed(self) -> None:
        usable = self.check()
        self.post_message(self.Changed(self, self.model, self.text_to_image, usable))

    def check(self) -> bool:
        """Show what the choice is; whether it is usable (``problem`` says why not)."""
        if self._kind == SD and not self.model:
            self.problem = "pick a model: type a Stable Diffusion folder or a Hub id (or choose scenes or digits)"
            self._show(ASK, bad=False)
            return False
        line, ok = describe_model(self.model)
        self.problem = None if ok else line.removeprefix("✗ ")
        self._show(line, bad=not ok)
        return ok

    def _show(self, line: str, bad: bool) -> None:
        about = self.query_one("#model-about", Static)
        about.set_class(bad, "-bad")
        about.update(Text(line))
