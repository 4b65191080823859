"""``DemoOptions``: the fields a demo takes from the user when it runs on a text-to-image model —
prompts, image files, DiffEdit's from/to texts (issue 13, "bring your own model") — or on the scene
model: captions of its world (issue 15).

The fields come from the demo's ``DemoSpec.inputs_for(kind)`` (``paperkit.demos.DemoInput``; the CLI's
``--prompt``/``--image``/``--from``/``--to`` come from the same place): one field per input, two
for an input that takes exactly two (prompt interpolation's ends), prefilled with the input's
default ("a photograph of an astronaut riding a horse"; the lesson's summer and winter cabin) or
with what was last given to that demo (``paperkit.settings``). A field that takes several values
("one column per prompt", several images) splits them at ``|``; image fields complete paths with
Tab. ``options(spec, texts)`` turns the fields' texts into the demo's keyword options and
``problem(spec, texts)`` into the one line a run that cannot start shows instead (a required field
left empty, an image file that is not there).

On the scene model (``kind="scenes"``) every field is optional — left empty, the demo's own
held-out captions and scenes apply — and a text that is not a caption of the scene world is the one
line ``paperkit.models.scenes.tokens.caption_tokens`` gives (plain Python: no torch), before any run.
With the digits model the panel hides these fields: the demos' own defaults apply, as before.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Static

from .completing_input import CompletingInput, describe, is_image_name

SEPARATOR = "|"  # between several prompts or images in one field


def inputs_of(spec, kind: str = "text") -> tuple:
    """The demo's inputs on a model of ``kind`` ("text": a text-to-image model; "scenes")."""
    inputs_for = getattr(spec, "inputs_for", None)
    return tuple(inputs_for(kind) if inputs_for is not None else getattr(spec, "inputs", ()) or ())


def fields(spec, kind: str = "text") -> list[tuple[str, str, object]]:
    """(key, label, DemoInput) per field: key is the option ("prompts"), or "prompts.1"/"prompts.2"
    for an input taking exactly two values."""
    out = []
    for inp in inputs_of(spec, kind):
        if inp.count == 2:
            out += [(f"{inp.option}.{i}", f"{inp.label} {i}", inp) for i in (1, 2)]
        else:
            out.append((inp.option, inp.label, inp))
    return out


def default_texts(spec, kind: str = "text") -> dict[str, str]:
    """Each field's text before the user types anything: the input's default."""
    texts = {}
    for key, _, inp in fields(spec, kind):
        if inp.count == 2:
            i = int(key.rsplit(".", 1)[1]) - 1
            texts[key] = inp.default[i] if len(inp.default) > i else ""
        else:
            texts[key] = f" {SEPARATOR} ".join(inp.default)
    return texts


def split(text: str) -> list[str]:
    return [part.strip() for part in text.split(SEPARATOR) if part.strip()]


def _image_path(text: str) -> str:
    return str(Path(text).expanduser().absolute())


def options(spec, texts: dict[str, str], kind: str = "text") -> dict:
    """The demo's keyword options from the fields' texts; an empty optional field is left out (the
    demo's default applies)."""
    out: dict = {}
    for inp in inputs_of(spec, kind):
        if inp.count == 2:
            pair = [texts.get(f"{inp.option}.{i}", "").strip() for i in (1, 2)]
            if all(pair):
                out[inp.option] = pair
            continue
        text = texts.get(inp.option, "").strip()
        if not text:
            continue
        if inp.is_list:
            values = split(text) if inp.count == "+" else [text]
            out[inp.option] = [_image_path(v) for v in values] if inp.is_path else values
        else:
            out[inp.option] = text
    return out


def problem(spec, texts: dict[str, str], kind: str = "text") -> str | None:
    """Why these fields cannot start a run (one line), or None. On the scene model a text that is not
    a caption of its world is one."""
    name = spec.name
    for inp in inputs_of(spec, kind):
        if inp.count == 2:
            pair = [texts.get(f"{inp.option}.{i}", "").strip() for i in (1, 2)]
            if any(pair) and not all(pair) or inp.required and not any(pair):
                return f"{name} takes two {inp.label}s: fill in both ({inp.help})"
            continue
        text = texts.get(inp.option, "").strip()
        if not text:
            if inp.required:
                return f"{name} needs {_a(inp.label)}: {inp.help}"
            continue
        if inp.is_path:
            for value in split(text):
                path = Path(value).expanduser()
                if not path.exists():
                    return f"{name}: image not found: {value}"
                if not path.is_file():
                    return f"{name}: not an image file: {value}"
        elif inp.count == 1 and inp.is_list and SEPARATOR in text:
            return f"{name} takes one {inp.label} (no {SEPARATOR}): {inp.help}"
    if kind == "scenes":
        return caption_problem(spec, texts)
    return None


def caption_problem(spec, texts: dict[str, str]) -> str | None:
    """The first text given to the scene model that is not a caption of its world, as one line; or
    None. 'from' and 'to' go together."""
    from paperkit.errors import UserError
    from paperkit.models.scenes.tokens import caption_tokens  # plain Python: the world's vocabulary

    given = options(spec, texts, "scenes")
    if ("source" in given) != ("target" in given) and any(i.option == "source" for i in inputs_of(spec, "scenes")):
        return f"{spec.name}: fill in both 'from' and 'to' (the scene as it is, and as it should become), or neither"
    for text in [*given.get("prompts", []), *[given[k] for k in ("source", "target") if k in given]]:
        try:
            caption_tokens(text)
        except UserError as exc:
            return f"{spec.name}: {exc}"
    return None


def _a(label: str) -> str:
    return ("an " if label[:1] in "aeiou" else "a ") + (f"{label!r} text" if label in ("from", "to") else label)


class DemoOptions(Vertical):
    """The demo's prompt / image / from / to fields, one line each."""

    DEFAULT_CSS = """
    DemoOptions { height: auto; margin-top: 1; }
    DemoOptions .option-row { height: 1; margin-bottom: 1; }
    DemoOptions .option-row:last-of-type { margin-bottom: 0; }
    DemoOptions .option-label { width: 9; color: $text-muted; }
    DemoOptions .option-row > Input { width: 1fr; }
    DemoOptions #options-hint { color: $text-muted; height: auto; margin-bottom: 1; }
    DemoOptions #options-hint.-empty { display: none; }
    """

    class Submitted(Message):
        """Enter in a field: the panel runs the demo."""

    def __init__(self, spec, texts: dict[str, str] | None = None, kind: str = "text", **kwargs):
        """``kind``: the model the fields are for — "text" (a text-to-image model) or "scenes"."""
        super().__init__(**kwargs)
        self.spec, self.kind = spec, kind
        self._initial = {**default_texts(spec, kind), **{k: v for k, v in (texts or {}).items() if isinstance(v, str)}}

    def compose(self) -> ComposeResult:
        for key, label, inp in fields(self.spec, self.kind):
            with Horizontal(classes="option-row"):
                yield Static(Text(label), classes="option-label")
                field_id = "opt-" + key.replace(".", "-")
                text = self._initial.get(key, "")
                hint = inp.help + (f" (several: separate with {SEPARATOR})" if inp.count == "+" else "")
                if not inp.required and not inp.default:
                    hint += " — optional"
                if inp.is_path:
                    box = CompletingInput(text, placeholder=hint, id=field_id, compact=True, accept=is_image_name,
                                          what="folder or image")
                else:
                    box = Input(text, placeholder=hint, id=field_id, compact=True)
                box.tooltip = hint + ("; Tab completes" if inp.is_path else "") + "; Enter runs"
                yield box
        yield Static("", id="options-hint", classes="-empty")

    @property
    def texts(self) -> dict[str, str]:
        """Each field's text, by key ("prompts", "prompts.1", "images", "source", …)."""
        return {key: self.query_one("#opt-" + key.replace(".", "-"), Input).value for key, _, _ in fields(self.spec, self.kind)}

    def set_text(self, key: str, text: str) -> None:
        self.query_one("#opt-" + key.replace(".", "-"), Input).value = text

    def options(self) -> dict:
        return options(self.spec, self.texts, self.kind)

    def problem(self) -> str | None:
        return problem(self.spec, self.texts, self.kind)

    @on(Input.Submitted)
    def _on_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Submitted())

    @on(CompletingInput.Completed)
    def _on_completed(self, event: CompletingInput.Completed) -> None:
        event.stop()
        hint = self.query_one("#options-hint", Static)
        line = describe(event.completion, "matches") if (event.listed or event.completion.problem) else ""
        hint.set_class(not line, "-empty")
        hint.update(Text(line))
