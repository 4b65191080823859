"""Keys, help and messages, with Textual's Pilot against real folders, the real catalog and the real
reader: Tab completion in the library's open-a-PDF box, ``?`` listing every screen's keys, the
message that stays until dismissed, the paper view's keys, and footers that fit 80 columns."""

from __future__ import annotations

import importlib
import inspect
import os
import shutil
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from footer_helpers import footer_keys, settle
from paperkit.tui.app import PaperkitApp
from paperkit.tui.widgets.path_input import SHOWN, complete, describe
from pdf_paths import ROOT, real_pdf
from tui_helpers import run, until

SCREENS = ROOT / "tui" / "screens"


@pytest.fixture
def app_dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("PAPERKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PAPERKIT_ARXIV_URL", "http://127.0.0.1:9")  # nothing listens: no network
    return tmp_path / "data"


@pytest.fixture
def tree(tmp_path) -> Path:
    """papers/{adam.pdf, cfg.pdf, Notes.PDF, notes.txt, deep/, shallow/, .hidden/}, g.pdf, readme.md."""
    root = tmp_path / "tree"
    papers = root / "papers"
    for folder in (papers / "deep", papers / "shallow", papers / ".hidden"):
        folder.mkdir(parents=True)
    (papers / "adam.pdf").write_bytes(b"%PDF-1.4 not really")
    (papers / "cfg.pdf").write_bytes(b"%PDF-1.4 not really")
    (papers / "Notes.PDF").write_bytes(b"%PDF-1.4 not really")
    (papers / "notes.txt").write_text("not a pdf")
    (root / "g.pdf").write_bytes(b"%PDF-1.4 not really")
    (root / "readme.md").write_text("not a pdf")
    return root


# -- completing a path, the plain logic ----------------------------------------------------------


def test_completion_offers_only_folders_and_pdfs(tree):
    p = f"{tree}/papers/"
    everything = complete(p)
    assert everything.candidates == ["adam.pdf", "cfg.pdf", "deep/", "Notes.PDF", "shallow/"]
    assert everything.text == p and not everything.unique
    assert complete(p + "c").text == p + "cfg.pdf"  # the one PDF: completed in full
    assert complete(p + "s").text == p + "shallow/"  # a folder: with its slash
    assert complete(f"{tree}/pa").text == f"{tree}/papers/"
    assert complete(p + "n").text == p + "Notes.PDF"  # notes.txt is not offered; case is forgiven
    assert complete(p + ".").candidates == [".hidden/"]  # hidden entries once a dot is typed
    assert complete(p + "x").problem.startswith("no folder or PDF in")
    assert complete(f"{tree}/nowhere/a").problem == f"no such folder: {tree}/nowhere/"


def test_completion_extends_to_the_common_prefix(tree):
    papers = tree / "papers"
    for name in ("ddim.pdf", "ddpm.pdf", "ddpm-v2.pdf"):
        (papers / name).write_bytes(b"%PDF-")
    assert complete(f"{papers}/d").text == f"{papers}/d"  # dd… and deep/ share only the d
    done = complete(f"{papers}/dd")
    assert done.text == f"{papers}/dd" and done.candidates == ["ddim.pdf", "ddpm-v2.pdf", "ddpm.pdf"]
    done = complete(f"{papers}/ddp")
    assert done.text == f"{papers}/ddpm" and done.candidates == ["ddpm-v2.pdf", "ddpm.pdf"]
    assert describe(done) == "2 matches: ddpm-v2.pdf  ddpm.pdf"


def test_completion_expands_home_and_counts_long_lists(tree, monkeypatch):
    monkeypatch.setenv("HOME", str(tree))
    assert complete("~").text == "~/"
    assert complete("~/pa").text == "~/papers/"  # the tilde stays, as in a shell
    many = tree / "many"
    many.mkdir()
    for i in range(SHOWN + 8):
        (many / f"paper{i:02d}.pdf").write_bytes(b"%PDF-")
    listed = describe(complete("~/many/"))
    assert listed.startswith(f"{SHOWN + 8} matches, the first {SHOWN}") and "paper00.pdf" in listed
    assert f"paper{SHOWN:02d}.pdf" not in listed


def test_completion_is_relative_to_the_current_folder(tree, monkeypatch):
    monkeypatch.chdir(tree)
    assert complete("").candidates == ["g.pdf", "papers/"]
    assert complete("p").text == "papers/"


# -- the open-a-PDF box ---------------------------------------------------------------------------


def _box(app):
    return app.screen.query_one("#path")


def _hint(app) -> str:
    return str(app.screen.query_one("#path-hint", Static).visual.plain)


def test_tab_completes_in_the_box_and_never_leaves_it(app_dirs, tree, monkeypatch):
    monkeypatch.chdir(tree)

    async def go():
        app = PaperkitApp(data_dir=app_dirs)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("o", "p", "tab")
            box = _box(app)
            assert box.value == "papers/" and box.has_focus
            await pilot.press("tab")  # the folder's contents, listed under the box
            assert box.value == "papers/" and box.has_focus
            assert _hint(app).startswith("5 matches:") and "cfg.pdf" in _hint(app) and "notes.txt" not in _hint(app)
            await pilot.press("c", "tab")
            assert box.value == "papers/cfg.pdf" and box.has_focus and not app.screen.query_one("#path-hint").display
            # keys typed in the box are text, never bindings: g would open the glossary, q would quit
            await pilot.press("ctrl+u", *"g.pdf", "tab")
            assert box.value == "g.pdf" and app.is_running and type(app.screen).__name__ == "LibraryScreen"
            await pilot.press("ctrl+u", *"q?n")
            assert box.value == "q?n" and app.is_running and type(app.screen).__name__ == "LibraryScreen"
            key_bar = str(app.screen.query_one("#key-bar", Static).visual.plain)
            assert key_bar.startswith("Tab complete")
            await pilot.press("escape")
            assert not app.screen.query_one("#path-box").display and "o open a PDF" in str(
                app.screen.query_one("#key-bar", Static).visual.plain)
    run(go())


def test_enter_on_a_folder_a_missing_file_and_a_non_pdf(app_dirs, tree):
    async def go():
        app = PaperkitApp(data_dir=app_dirs)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("o", *str(tree / "papers"), "enter")
            assert "is a folder" in _hint(app) and "No such file" not in _hint(app)
            assert "cfg.pdf" in _hint(app) and _box(app).value == f"{tree}/papers/"  # ready to pick one
            await pilot.press("ctrl+u", *str(tree / "missing.pdf"), "enter")
            assert _hint(app) == f"No such file: {tree / 'missing.pdf'}"
            assert type(app.screen).__name__ == "LibraryScreen" and app.is_running
            await pilot.press("x")  # editing the path clears the complaint
            assert not app.screen.query_one("#path-hint").display
            await pilot.press("ctrl+u", *str(tree / "readme.md"), "enter")  # not a PDF: the reader says so
            await until(pilot, lambda: type(app.screen).__name__ == "ReaderScreen", what="the reader")
            await until(pilot, lambda: app.screen.error, what="the reader's message")
            assert app.screen.path == tree / "readme.md"
    run(go())


# -- help -----------------------------------------------------------------------------------------


def _screen_classes() -> list[type]:
    """Every Screen class in tui/screens, found by reading the folder (not through help's own code)."""
    found = []
    for path in sorted(SCREENS.glob("*.py")):
        module = importlib.import_module(f"paperkit.tui.screens.{path.stem}")
        found += [c for _, c in inspect.getmembers(module, inspect.isclass)
                  if issubclass(c, Screen) and c.__module__ == module.__name__]
    return found


def test_help_lists_every_binding_of_every_screen(app_dirs):
    classes = _screen_classes()
    names = {c.__name__ for c in classes}
    assert {"LibraryScreen", "PaperScreen", "EquationScreen", "ReaderScreen", "GlossaryScreen",
            "NotesScreen", "HelpScreen", "MessageScreen"} <= names

    async def go():
        app = PaperkitApp(data_dir=app_dirs)
        async with app.run_test(size=(100, 40)) as pilot:
            app.open_paper("cfg")
            await settle(pilot)
            await pilot.press("question_mark")
            await until(pilot, lambda: type(app.screen).__name__ == "HelpScreen", what="help")
            help_screen = app.screen
            sections = {s.cls: s for s in help_screen.sections() if s.cls is not None}
            text = help_screen.text()
            for cls in classes + [type(app)]:
                for binding in cls.__dict__.get("BINDINGS", []):
                    assert isinstance(binding, Binding)
                    assert cls in sections, f"{cls.__name__} has no section in help"
                    rows = sections[cls].rows
                    keys = binding.key_display or ", ".join(
                        app.get_key_display(Binding(k.strip(), "")) for k in binding.key.split(","))
                    assert (keys, binding.description, binding.tooltip or "") in rows, (cls.__name__, binding.key)
                    assert binding.description in text and (binding.tooltip or "")[:30] in text
            # the current screen first, then the keys that work everywhere
            titles = [s.title for s in help_screen.sections()]
            assert titles[0] == "A paper's page (this screen)" and titles[1] == "Everywhere"
            order = [s.cls.__name__ for s in help_screen.sections() if s.cls is not None]
            assert order.index("LibraryScreen") < order.index("EquationScreen") < order.index("ReaderScreen") \
                < order.index("GlossaryScreen") < order.index("NotesScreen")
            assert "Complete (in the open-a-PDF box)" in text  # the path box's Tab, under the library
    run(go())


def test_help_filter_and_close(app_dirs):
    async def go():
        app = PaperkitApp(data_dir=app_dirs)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("question_mark")
            await until(pilot, lambda: type(app.screen).__name__ == "HelpScreen", what="help")
            await pilot.press("slash", *"clipboard")
            shown = app.screen.text("clipboard")
            assert "Copy LaTeX" in shown and "Prev page" not in shown
            await pilot.press("q")  # typed in the filter, q is text: it does not close help
            assert type(app.screen).__name__ == "HelpScreen" and app.screen.query_one("#help-filter").value == "clipboardq"
            assert "No key mentions" in app.screen.text("clipboardq")
            await pilot.press("escape")
            assert type(app.screen).__name__ == "LibraryScreen"
    run(go())


# -- the message that stays -----------------------------------------------------------------------

URL = "https://arxiv.org/pdf/2207.12598v1"
LONG_PATH = "/home/someone/.cache/paperkit/papers/" + "a-very-long-folder-name/" * 4 + "2207.12598v1.pdf"


def test_message_stays_and_copies_each_item(app_dirs):
    from paperkit.tui.screens.message import MessageScreen

    async def go():
        app = PaperkitApp(data_dir=app_dirs)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            app.push_screen(MessageScreen("Could not fetch the PDF", "could not reach arxiv.org",
                                          [("URL", URL), ("Path to save it as", LONG_PATH)]))
            await settle(pilot)
            screen = app.screen
            await pilot.pause(0.5)
            assert app.screen is screen  # no timeout: it stays
            value = screen.query_one("#value-1", Static)
            assert str(value.visual.plain) == LONG_PATH  # in full,
            assert value.region.height >= 2 and value.region.right <= 80 and value.region.bottom <= 23  # wrapped, in sight
            await pilot.press("2")
            assert app.clipboard == LONG_PATH and "Copied the path to save it as" in str(
                screen.query_one("#message-notice", Static).visual.plain)
            await pilot.press("c")
            assert app.clipboard == URL
            await pilot.press("9")  # no ninth item: nothing happens
            assert app.clipboard == URL and app.screen is screen
            await pilot.click("#copy-1")
            assert app.clipboard == LONG_PATH
            keys = footer_keys(app)
            assert keys.visible[0] == "esc Close" and not keys.cut
            await pilot.press("enter")
            assert type(app.screen).__name__ == "LibraryScreen"
            app.push_screen(MessageScreen("Note", "nothing to copy"))
            await settle(pilot)
            await pilot.press("1")
            assert app.clipboard == LONG_PATH
            await pilot.press("escape")
            assert type(app.screen).__name__ == "LibraryScreen"
    run(go())


# -- the paper view -------------------------------------------------------------------------------


def test_run_lab_is_offered_only_where_there_is_a_lab(app_dirs):
    async def go():
        app = PaperkitApp(data_dir=app_dirs)
        async with app.run_test(size=(80, 24)) as pilot:
            for paper, lab in (("ddpm", False), ("cfg", False), ("lesson11", True)):
                app.open_paper(paper)
                await settle(pilot)
                keys = footer_keys(app)
                assert ("r Run lab" in keys.visible) is lab, (paper, keys)
                assert not keys.cut, (paper, keys)
                if not lab:
                    await pilot.press("r")  # not offered, and does nothing
                    await pilot.pause()
                    assert not app._notifications and type(app.screen).__name__ == "PaperScreen"
                else:
                    assert "f Fetch PDF" not in keys.visible and "f Open PDF" not in keys.visible  # no PDF
                await pilot.press("escape")
                await settle(pilot)
    run(go())


def test_fetch_error_is_a_message_with_the_url_and_the_path(app_dirs, tmp_path):
    from paperkit.pdf.fetch import arxiv_url, pdf_path
    from paperkit.tui.screens.message import MessageScreen

    async def go():
        app = PaperkitApp(data_dir=app_dirs)
        async with app.run_test(size=(80, 24)) as pilot:
            app.open_paper("ddim")
            await settle(pilot)
            status = app.screen.query_one("#pdf-status", Static)
            await until(pilot, lambda: "not on this machine" in str(status.visual.plain), what="the PDF line")
            await settle(pilot)
            assert "f Fetch PDF" in footer_keys(app).visible
            await pilot.press("f")
            await until(pilot, lambda: isinstance(app.screen, MessageScreen), what="the message")
            message = app.screen
            assert message.copyable == [("URL", arxiv_url("ddim")), ("Path to save it as", str(pdf_path("ddim")))]
            assert "could not reach 127.0.0.1:9" in message.text
            await pilot.pause(0.5)
            assert app.screen is message
            await pilot.press("1")
            assert app.clipboard == arxiv_url("ddim")
            await pilot.press("escape")
            assert type(app.screen).__name__ == "PaperScreen"
            assert "could not reach 127.0.0.1:9" in str(status.visual.plain)  # the line keeps it
            assert not list(pdf_path("ddim").parent.glob("*.part")) if pdf_path("ddim").parent.exists() else True
    run(go())


def test_f_opens_the_copy_the_reader_identified(app_dirs, tmp_path):
    """Opening a copy of cfg.pdf in the reader identifies it as CFG; then CFG's page opens that file
    with f, says which, and nothing is fetched (arXiv points at a closed port)."""
    mine = tmp_path / "downloads" / "guidance.pdf"
    mine.parent.mkdir()
    shutil.copy(real_pdf("cfg.pdf"), mine)

    async def go():
        app = PaperkitApp(data_dir=app_dirs)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            app.open_pdf(mine)
            await until(pilot, lambda: any(d["paper_id"] == "cfg" for d in app.notes.recent_documents()),
                        timeout=60, what="the reader to identify the PDF")
            await pilot.press("escape")
            await settle(pilot)
            app.open_paper("cfg")
            await settle(pilot)
            paper_screen = app.screen
            status = paper_screen.query_one("#pdf-status", Static)
            await until(pilot, lambda: str(mine) in str(status.visual.plain), what="the PDF line")
            assert "your copy" in str(status.visual.plain)
            await settle(pilot)
            assert "f Open PDF" in footer_keys(app).visible and not footer_keys(app).cut
            await pilot.press("f")
            await until(pilot, lambda: type(app.screen).__name__ == "ReaderScreen", what="the reader")
            assert app.screen.path == mine and app.screen.paper_id == "cfg"
    run(go())


# -- footers at 80 columns ------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
def test_footers_fit(app_dirs, size):
    async def go():
        app = PaperkitApp(data_dir=app_dirs)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            library = footer_keys(app)
            assert not library.cut and "o open a PDF" in library.visible and "? help" in library.visible
            await pilot.press("o")
            assert not footer_keys(app).cut and "Tab complete" in footer_keys(app).visible
            await pilot.press("escape")
            for paper in ("ddim", "lesson11"):
                app.open_paper(paper)
                await settle(pilot)
                keys = footer_keys(app)
                assert not keys.cut and {"esc Back", "g Glossary", "? Help", "q Quit"} <= set(keys.visible), keys
                await pilot.press("escape")
            await pilot.press("n")
            await settle(pilot)
            keys = footer_keys(app)
            assert not keys.cut and {"esc Back", "e Edit", "d Delete", "x Export"} <= set(keys.visible), keys
            await pilot.press("question_mark")
            await settle(pilot)
            keys = footer_keys(app)
            assert not keys.cut and keys.visible[:2] == ["esc Close", "/ Filter"], keys
    run(go())


# -- notes say how to write one -------------------------------------------------------------------


def test_the_empty_notes_list_names_keys_that_write_a_note(app_dirs):
    from paperkit.tui.screens.equation import EquationScreen
    from paperkit.tui.screens.glossary import GlossaryScreen
    from paperkit.tui.widgets.note_editor import NoteEditor

    async def go():
        app = PaperkitApp(data_dir=app_dirs)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("n")
            await settle(pilot)
            status = str(app.screen.query_one("#notes-status").render())
            assert status.startswith("No notes yet. To write one, open an equation")
            # the key it names on the equation screen really writes a note there
            key = status.split("and press ")[1][0]
            app.open_equation("ddim.12")
            await until(pilot, lambda: isinstance(app.screen, EquationScreen), what="the equation")
            await settle(pilot)
            await pilot.press(key)
            await settle(pilot)
            focused = app.screen.focused
            writes = isinstance(app.screen, NoteEditor) or (focused is not None and "note" in (focused.id or ""))
            assert writes, f"{key} on an equation did not open a note"
            assert any(getattr(b, "key", None) == "n" and "note" in b.action for b in GlossaryScreen.BINDINGS)
    run(go())


def test_the_note_editor_asks_before_dropping_changes(app_dirs):
    from paperkit.tui.widgets.note_editor import NoteEditor

    async def go():
        app = PaperkitApp(data_dir=app_dirs)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            app.push_screen(NoteEditor("eq:ddim.12", "DDIM (12)", ""))
            await settle(pilot)
            await pilot.press(*"keep me", "escape")
            assert isinstance(app.screen, NoteEditor) and "Unsaved changes" in str(app.screen.query_one("#note-hint").render())
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.notes.get("eq:ddim.12").text == "keep me"
            app.push_screen(NoteEditor("eq:ddim.12", "DDIM (12)", "keep me"))
            await settle(pilot)
            await pilot.press("escape")  # nothing changed: closes at once
            assert not isinstance(app.screen, NoteEditor)
            app.push_screen(NoteEditor("eq:ddim.12", "DDIM (12)", "keep me"))
            await settle(pilot)
            await pilot.press("!", "escape", "escape")  # asked, then discarded
            assert not isinstance(app.screen, NoteEditor) and app.notes.get("eq:ddim.12").text == "keep me"
    run(go())


def test_no_heavy_import_to_show_help():
    """Help imports every screen module; none of them may pull torch, pymupdf or sympy in."""
    import subprocess
    import sys

    code = ("import sys\n"
            "from paperkit.tui.screens.help import screen_classes\n"
            "classes, problems = screen_classes()\n"
            "assert not problems, problems\n"
            "print(sorted(m for m in ('torch', 'diffusers', 'fitz', 'pymupdf', 'sympy', 'numba') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env=dict(os.environ))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"
