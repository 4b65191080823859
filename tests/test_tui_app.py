"""The app's shell with Textual's Pilot: the library, a paper's catalog view, fetching its PDF from a
real HTTP server on 127.0.0.1 (and failing cleanly without one), help, the command palette, and the
import hygiene of the first screen."""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading

import pytest
from textual.widgets import OptionList, Static

from paperkit.tui.app import PaperkitApp
from pdf_paths import ROOT, real_pdf
from tui_helpers import run, until


@pytest.fixture
def app_dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("PAPERKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PAPERKIT_ARXIV_URL", "http://127.0.0.1:9")  # nothing listens: no network
    return tmp_path / "data"


def test_library_lists_the_catalog_and_lesson_11(app_dirs):
    async def go():
        app = PaperkitApp(data_dir=app_dirs)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            papers = app.screen.query_one("#papers", OptionList)
            ids = [papers.get_option_at_index(i).id for i in range(papers.option_count)]
            assert [i for i in ids if i and i.startswith("paper:")] == ["paper:ddpm", "paper:ddim", "paper:diffedit", "paper:cfg", "paper:lesson11"]
            await pilot.press("down", "down", "down", "enter")  # CFG
            await until(pilot, lambda: type(app.screen).__name__ == "PaperScreen")
            assert app.screen.paper.id == "cfg"
            equations = app.screen.query_one("#equations", OptionList)
            assert equations.option_count == 1 and equations.get_option_at_index(0).id == "cfg.6"
            await pilot.press("escape")
            assert type(app.screen).__name__ == "LibraryScreen"
    run(go())


def test_fetch_without_network_says_so_and_carries_on(app_dirs):
    """The failure is a message that stays (with the URL and the path to copy), and the paper's PDF
    line keeps it once the message is closed."""
    async def go():
        app = PaperkitApp(data_dir=app_dirs)
        async with app.run_test(size=(100, 30)) as pilot:
            app.open_paper("ddim")
            await pilot.pause()
            status = app.screen.query_one("#pdf-status", Static)
            await until(pilot, lambda: "not on this machine" in str(status.render()), what="the PDF line")
            await pilot.press("f")
            await until(pilot, lambda: type(app.screen).__name__ == "MessageScreen", what="the message")
            assert "https://arxiv.org/pdf/2010.02502v4" not in app.screen.text  # the test's own URL:
            assert "http://127.0.0.1:9/pdf/2010.02502v4" in app.screen.text
            await pilot.press("escape")
            text = str(status.render())
            assert "could not reach 127.0.0.1:9" in text and "2010.02502v4" in text
            assert app.is_running and type(app.screen).__name__ == "PaperScreen"
    run(go())


class _PdfHandler(http.server.BaseHTTPRequestHandler):
    body = b""

    def do_GET(self):  # noqa: N802 (http.server's naming)
        self.send_response(200)
        self.send_header("Content-Type", "application/pdf")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


def test_fetch_from_a_local_server_opens_the_reader(app_dirs, monkeypatch):
    _PdfHandler.body = real_pdf("cfg.pdf").read_bytes()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _PdfHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("PAPERKIT_ARXIV_URL", f"http://127.0.0.1:{server.server_port}")
    opened = []

    async def go():
        app = PaperkitApp(data_dir=app_dirs)
        app.open_pdf = lambda path, paper_id=None: opened.append((path, paper_id))
        async with app.run_test(size=(100, 30)) as pilot:
            app.open_paper("cfg")
            await pilot.pause()
            await pilot.press("f")
            await until(pilot, lambda: opened)
    try:
        run(go())
    finally:
        server.shutdown()
    path, paper_id = opened[0]
    assert paper_id == "cfg" and path.read_bytes() == _PdfHandler.body and path.name == "2207.12598v1.pdf"


def test_help_lists_every_binding(app_dirs):
    async def go():
        app = PaperkitApp(data_dir=app_dirs)
        async with app.run_test(size=(100, 40)) as pilot:
            await pilot.pause()
            await pilot.press("question_mark")
            await pilot.pause()
            assert type(app.screen).__name__ == "HelpScreen"
            text = app.screen.text()
            for words in ("Glossary", "Notes", "Commands", "Quit", "Open PDF"):
                assert words in text
            await pilot.press("escape")
            assert type(app.screen).__name__ == "LibraryScreen"
    run(go())


def test_command_palette_finds_equations_and_symbols(app_dirs):
    async def go():
        app = PaperkitApp(data_dir=app_dirs)
        opened = []
        app.open_equation = lambda eq_id, paper_id=None: opened.append(eq_id)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*"ddim.12")
            await pilot.pause(0.5)
            await pilot.press("enter")
            await until(pilot, lambda: opened)
            assert opened == ["ddim.12"]
    run(go())


def test_a_bad_pdf_path_from_the_library_is_one_message(app_dirs, tmp_path):
    async def go():
        app = PaperkitApp(data_dir=app_dirs)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await pilot.press("o")
            await pilot.press(*str(tmp_path / "missing.pdf"), "enter")
            await pilot.pause()
            assert app.is_running and type(app.screen).__name__ == "LibraryScreen"
            hint = app.screen.query_one("#path-hint", Static)
            assert hint.display and str(hint.render()) == f"No such file: {tmp_path / 'missing.pdf'}"
            assert app.screen.query_one("#path").has_focus  # the box stays open to fix the path
    run(go())


def test_the_first_screen_imports_no_heavy_library(tmp_path):
    code = (
        "import sys\n"
        "from paperkit.tui.app import PaperkitApp\n"
        "class First(PaperkitApp):\n"
        "    def on_mount(self):\n"
        "        super().on_mount()\n"
        "        self.call_after_refresh(self.exit)\n"
        "First(data_dir=sys.argv[1]).run(headless=True)\n"
        "print(sorted(m for m in ('torch', 'diffusers', 'transformers', 'fitz', 'pymupdf', 'sympy', 'numba') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "data")], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_lesson_11_runs_the_matmul_lab_inline(app_dirs):
    """Issue 7: the lab's table and ladder of speed-ups appear in the Lesson 11 entry itself."""
    from textual.widgets import DataTable

    async def go():
        app = PaperkitApp(data_dir=app_dirs)
        async with app.run_test(size=(120, 60)) as pilot:
            app.open_paper("lesson11")
            await pilot.pause()
            lab = app.screen.query_one("#lab")
            lab.quick = 1  # one timed repeat: the test checks the result appears, not the timings
            await pilot.press("r")
            await until(pilot, lambda: lab.state in ("done", "error", "cancelled"), timeout=120)
            assert lab.state == "done", lab.last_message
            await pilot.pause()
            # the result shows on the page or full screen over it (the lead's result view): look at both
            widgets = [w for screen in app.screen_stack for w in screen.query("*")]
            assert any(isinstance(w, DataTable) and w.row_count >= 9 for w in widgets)  # the ladder: nine methods or more
            assert any(type(w).__name__ in ("PlotextPlot", "BarChart") for w in widgets)
    run(go())
