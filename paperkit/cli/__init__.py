"""The ``paperkit`` command line.

Each sub-command lives in its own module with ``add_parser(subparsers)`` and ``run(args) -> int``.
This module imports none of torch, diffusers or pymupdf: a sub-command imports what it needs when
it runs, so ``paperkit papers`` answers at once.
"""

from __future__ import annotations

import argparse
import sys

from ..errors import UserError
from . import diffedit_cmd, eq_cmd, explain_cmd, fetch_cmd, notes_cmd, open_cmd, overview, papers_cmd, pdf_cmd, run_cmd, symbol_cmd, train_cmd

COMMANDS = (papers_cmd, eq_cmd, symbol_cmd, explain_cmd, pdf_cmd, open_cmd, fetch_cmd, notes_cmd, run_cmd, train_cmd, diffedit_cmd)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="paperkit",
        description="A terminal reading companion for machine-learning papers.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS:
        module.add_parser(sub)
    return parser


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def run_app(target: str | None = None) -> int:
    """Start the Textual app (imported here: Textual costs ~0.3 s, and scripts never need it)."""
    import os

    from ..tui.app import PaperkitApp

    graphics = os.environ.get("PAPERKIT_GRAPHICS", "auto")
    if graphics == "on" or (graphics == "auto" and _graphics_terminal(os.environ)):
        # textual-image probes the terminal for Kitty/Sixel when imported, which must happen before
        # Textual reads the keyboard; the probe costs 0.1–0.2 s, so only terminals that can say yes pay it
        from ..tui.widgets.page_image import prepare_terminal_graphics

        prepare_terminal_graphics()
    PaperkitApp(open_target=target).run()
    return 0


def _graphics_terminal(env) -> bool:
    """Terminals known for Kitty or Sixel images; elsewhere (tmux, plain xterm) images are half-blocks."""
    term, program = env.get("TERM", ""), env.get("TERM_PROGRAM", "")
    return ("kitty" in term or "KITTY_WINDOW_ID" in env or program in {"WezTerm", "iTerm.app", "ghostty"}
            or "foot" in term or "mlterm" in term or "contour" in term)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            if _interactive():
                return run_app()
            return overview.run(parser)  # piped or scripted: the overview, as text
        return args.func(args)
    except UserError as exc:
        print(f"paperkit: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("paperkit: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
