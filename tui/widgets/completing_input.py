"""``CompletingInput``: a one-line box for a path that Tab completes like a shell — folders, and
the files a predicate accepts (image files for a demo's input, none for a model folder).

``path_input.PathInput`` does this for PDFs in the library's open box, where Tab never leaves the
box. In the run panel several boxes sit together, so here Tab completes only while there is
something to complete: when the text is empty or Tab would change nothing and list nothing, focus
moves on as Tab usually does (so does a second Tab that would only list the same matches again). Completion follows the same rules as ``path_input.complete``: the
last part of the path completes to the only match or to the matches' longest common prefix,
folders get a trailing ``/``, hidden entries only once the part typed starts with a dot, ``~`` is
the home folder, case is ignored when nothing matches with it.

``complete(text, accept)`` is the plain logic, with no Textual in it.
"""

from __future__ import annotations

from typing import Callable

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

from .path_input import Completion, describe
from .path_input import complete as complete_path

__all__ = ["IMAGE_SUFFIXES", "CompletingInput", "Completion", "complete", "describe", "is_image_name", "no_files"]

#: Files a demo's image field offers (what Pillow opens everywhere).
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif", ".tif", ".tiff")


def is_image_name(name: str) -> bool:
    return name.lower().endswith(IMAGE_SUFFIXES)


def no_files(name: str) -> bool:
    """Folders only (a model is a folder)."""
    return False


def complete(text: str, accept: Callable[[str], bool] = no_files, what: str = "folder") -> Completion:
    """``path_input.complete`` offering folders and the files ``accept`` takes; ``what`` names them."""
    return complete_path(text, accept, what, what + "s")


class CompletingInput(Input):
    """An Input for a path: Tab completes it while there is something to complete, else moves on."""

    BINDINGS = [Binding("tab", "complete", "Complete", show=False,
                        tooltip="Complete the path and list the matches; on a complete path (or Tab again), the next field")]

    class Completed(Message):
        """Posted after a Tab that completed or listed: the completion, and whether to list its candidates."""

        def __init__(self, input: "CompletingInput", completion: Completion, listed: bool) -> None:
            super().__init__()
            self.input = input
            self.completion = completion
            self.listed = listed

        @property
        def control(self) -> "CompletingInput":
            return self.input

    def __init__(self, *args, accept: Callable[[str], bool] = no_files, what: str = "folder", **kwargs):
        super().__init__(*args, **kwargs)
        self.accept = accept
        self.what = what
        self._last_tab = None  # the text after the last Tab: a second Tab there moves on

    def action_complete(self) -> None:
        text = self.value
        if not text.strip():
            self.screen.focus_next()
            return
        completion = complete(text, self.accept, self.what)
        again = self._last_tab == text
        if completion.text == text and (completion.unique or again):
            # nothing to add and nothing new to list: Tab does what Tab does elsewhere
            self._last_tab = None
            self.screen.focus_next()
            return
        self.value = completion.text
        self.cursor_position = len(self.value)
        self._last_tab = self.value
        self.post_message(self.Completed(self, completion, listed=not completion.unique))
