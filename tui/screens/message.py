"""``MessageScreen``: a message that stays until it is dismissed, for errors that carry something to copy.

A toast vanishes after a few seconds, too soon to copy the URL to download by hand or the path to
save it as. This modal shows the message, then each item to copy in full (wrapped, selectable with
the mouse) with a key that copies it through ``app.copy_to_clipboard`` (OSC 52, which most terminals
and tmux pass on): ``1``, ``2``, … and ``c`` for the first. Esc or Enter closes it. At 80×24 it fits
a message of a few lines and two long items; longer ones scroll inside the box.

    app.push_screen(MessageScreen("Could not fetch the PDF", message,
                                  [("URL", url), ("Save it as", str(path))]))
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static

MAX_ITEMS = 9  # one digit key each


class _CopyButton(Button, can_focus=False):
    """A mouse target for an item's copy key; never focused, so Enter always closes the message."""


class MessageScreen(ModalScreen[None]):
    """A message that stays until dismissed"""

    DEFAULT_CSS = """
    MessageScreen {
        align: center middle;
    }
    MessageScreen > #message-box {
        width: 90;
        max-width: 96%;
        height: auto;
        max-height: 92%;
        border: round $error;
        border-title-color: $error;
        border-title-style: bold;
        background: $surface;
        padding: 0 1;
    }
    MessageScreen.-info > #message-box {
        border: round $accent;
        border-title-color: $accent;
    }
    MessageScreen #message-scroll {
        height: auto;
        max-height: 1fr;
    }
    MessageScreen #message-text {
        margin-top: 1;
    }
    MessageScreen .copy-row {
        height: auto;
    }
    MessageScreen .copy-label {
        width: 1fr;
        text-style: bold;
        color: $accent;
        padding-top: 1;
    }
    MessageScreen .copy-value {
        background: $boost;
        padding: 0 1;
    }
    MessageScreen _CopyButton {
        min-width: 12;
        height: 1;
        border: none;
        margin-top: 1;
    }
    MessageScreen #message-notice {
        height: auto;
        color: $success;
        margin-top: 1;
        display: none;
    }
    MessageScreen #message-keys {
        color: $text-muted;
        margin-top: 1;
    }
    """

    BINDINGS = [
        Binding("escape,enter,q", "close", "Close", tooltip="Close this message"),
        Binding("c", "copy(0)", "Copy", show=False, tooltip="Copy the first item to the clipboard"),
        *[Binding(str(i + 1), f"copy({i})", f"Copy item {i + 1}", show=False,
                  tooltip=f"Copy item {i + 1} to the clipboard") for i in range(MAX_ITEMS)],
    ]

    def __init__(self, title: str, text: str, copyable: list[tuple[str, str]] | None = None, *,
                 error: bool = True) -> None:
        """``copyable``: (label, value) pairs, shown in this order with keys 1, 2, …; ``error=False``
        draws the box in the accent colour for a message that is not a failure."""
        super().__init__(classes="" if error else "-info")
        self.message_title = title
        self.text = text
        self.copyable = [(str(label), str(value)) for label, value in (copyable or [])][:MAX_ITEMS]

    def compose(self) -> ComposeResult:
        box = Vertical(id="message-box")
        box.border_title = self.message_title
        with box:
            with VerticalScroll(id="message-scroll"):
                yield Static(self.text, id="message-text", markup=False)
                for i, (label, value) in enumerate(self.copyable):
                    with Horizontal(classes="copy-row"):
                        yield Static(f"{i + 1}  {label}", classes="copy-label", markup=False)
                        yield _CopyButton(f"Copy ({i + 1})", id=f"copy-{i}", compact=True)
                    yield Static(value, id=f"value-{i}", classes="copy-value", markup=False)
            yield Static("", id="message-notice", markup=False)
            yield Static(self._keys(), id="message-keys", markup=False)
        yield Footer()  # this box's keys, not those of the screen beneath

    def _keys(self) -> str:
        if not self.copyable:
            return "Esc or Enter closes"
        keys = " or ".join(str(i + 1) for i in range(len(self.copyable)))
        return f"{keys} copies · Esc or Enter closes"

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "copy":
            return bool(parameters) and parameters[0] < len(self.copyable)
        return True

    def action_copy(self, index: int) -> None:
        label, value = self.copyable[index]
        self.app.copy_to_clipboard(value)
        notice = self.query_one("#message-notice", Static)
        name = label if label[:2].isupper() else label[:1].lower() + label[1:]  # "URL", "path to save it as"
        notice.update(f"✓ Copied the {name} to the clipboard. If it does not paste, select it with the mouse.")
        notice.display = True

    def action_close(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id and event.button.id.startswith("copy-"):
            event.stop()
            self.action_copy(int(event.button.id.removeprefix("copy-")))
