"""``PathInput``: a box for the path of a PDF that Tab completes like a shell.

Tab completes the last part of the path to the only folder or PDF that matches, or to the longest
prefix the matches share; folders get a trailing ``/``. Only folders and ``.pdf`` files are offered
(hidden ones only once the part typed starts with a dot), ``~`` stands for the home folder (and
stays ``~`` in the box, as in a shell), and a relative path is taken from the current folder.
When the matches are several (Tab once more after a folder's ``/`` lists what is in it), the
screen lists them under the box (``describe``).
Tab never leaves the box, and every key typed in it goes to the text, never to a screen binding.

``complete(text)`` is the plain logic, with no Textual in it, so it is tested on its own.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

SHOWN = 12  # candidates listed under the box; more are counted


@dataclass
class Completion:
    """What Tab does to ``text``: the new text, and the candidates when there is more than one."""

    text: str
    candidates: list[str] = field(default_factory=list)  # names, folders with a trailing "/"
    problem: str = ""  # why nothing can be offered (no match, a folder that cannot be read)

    @property
    def unique(self) -> bool:
        return not self.problem and len(self.candidates) <= 1


def _expand(text: str) -> Path:
    return Path(os.path.expanduser(text)) if text else Path(".")


def is_pdf_name(name: str) -> bool:
    return name.lower().endswith(".pdf")


def complete(text: str, accept: Callable[[str], bool] = is_pdf_name, what: str = "folder or PDF",
             plural: str = "folders or PDFs") -> Completion:
    """Complete the last part of ``text`` among the folders (and the files ``accept`` takes: PDFs
    here) of its folder; ``what``/``plural`` name what is offered when nothing matches."""
    if text == "~" or (text.startswith("~") and "/" not in text):
        user_home = os.path.expanduser(text)
        if user_home != text and os.path.isdir(user_home):
            return Completion(text + "/")
    folder_text, _, stem = text.rpartition("/")
    if "/" in text:
        folder_text += "/"
    folder = _expand(folder_text)
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return Completion(text, problem=f"no such folder: {folder_text or '.'}")
    except NotADirectoryError:
        return Completion(text, problem=f"not a folder: {folder_text}")
    except OSError as exc:
        return Completion(text, problem=f"cannot read {folder_text or '.'}: {exc.strerror or exc}")
    names = _matches(entries, stem, str.startswith, accept) or _matches(entries, stem.lower(), _starts_without_case, accept)
    if not names:
        where = folder_text or "this folder"
        return Completion(text, problem=f"no {what} in {where} starts with {stem!r}" if stem else f"no {plural} in {where}")
    if len(names) == 1:
        return Completion(folder_text + names[0], names)
    common = os.path.commonprefix(names)
    if len(common) < len(stem):  # matched without regard to case: keep what was typed
        common = stem
    return Completion(folder_text + common, names)


def _starts_without_case(name: str, stem: str) -> bool:
    return name.lower().startswith(stem)


def _matches(entries, stem: str, starts, accept) -> list[str]:
    names = []
    for entry in entries:
        name = entry.name
        if name.startswith(".") and not stem.startswith("."):
            continue
        if not starts(name, stem):
            continue
        try:
            is_dir = entry.is_dir()  # follows links, as a shell does
        except OSError:
            continue
        if is_dir:
            names.append(name + "/")
        elif accept(name):
            names.append(name)
    return sorted(names, key=lambda n: (n.lower(), n))


def describe(completion: Completion, what: str = "matches") -> str:
    """The candidates as a line or two under the box: the count first (so a long list cut short still
    says how many), then the first few names."""
    if completion.problem:
        return completion.problem
    names = completion.candidates
    if len(names) <= 1 and what == "matches":
        return "  ".join(names)
    more = f", the first {SHOWN} (type more to narrow)" if len(names) > SHOWN else ""
    return f"{len(names)} {what}{more}: " + "  ".join(names[:SHOWN])


class PathInput(Input):
    """An Input for a path, completed with Tab."""

    BINDINGS = [Binding("tab", "complete", "Complete", show=False, tooltip="Complete the path; Tab again lists the matches")]

    class Completed(Message):
        """Posted after each Tab: the completion, and whether its candidates should be listed."""

        def __init__(self, completion: Completion, listed: bool) -> None:
            super().__init__()
            self.completion = completion
            self.listed = listed

    def action_complete(self) -> None:
        completion = complete(self.value)
        self.value = completion.text
        self.cursor_position = len(self.value)
        self.post_message(self.Completed(completion, listed=not completion.unique))
