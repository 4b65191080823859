"""The equation panel with Textual's Pilot: renderings, symbols → glossary, the linked code, running a
demo (result widgets appear), cancelling one, failing ones (the app carries on), device checks, notes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.widgets import OptionList, Static, TextArea

from paperkit.tui.app import PaperkitApp
from paperkit.tui.screens.equation import EquationScreen
from paperkit.tui.screens.figure import FigureScreen
from paperkit.tui.screens.result import ResultScreen
from paperkit.tui.widgets.figure_view import FigureView
from paperkit.tui.widgets.run_panel import RunPanel, describe_error, quick_steps
from tui_helpers import run, until



def text_of(widget: Static) -> str:
    content = widget.content
    return content.code if hasattr(content, "code") else str(content)  # rich Syntax keeps its code


class FakeNotes:
    def __init__(self, initial=None):
        self.data = dict(initial or {})

    def get(self, target):
        if target not in self.data:
            return None
        return type("Note", (), {"text": self.data[target]})()

    def save(self, target, text):
        self.data[target] = text

    def recent_documents(self, limit=50):
        return []

    def close(self):
        pass


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PAPERKIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PAPERKIT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "data"


async def open_equation(app, pilot, eq_id):
    app.open_equation(eq_id)
    await until(pilot, lambda: isinstance(app.screen, EquationScreen), what="the equation screen")
    await pilot.pause()
    return app.screen


def symbol_prompts(screen) -> list[str]:
    listing = screen.query_one("#eq-symbols", OptionList)
    return [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]


def test_equation_shows_latex_renderings_meaning_symbols_and_code(data_dir):
    from paperkit.catalog import load_catalog, symbol_rows

    eq = load_catalog().equation("ddpm.4")
    rows = symbol_rows(eq)

    async def go():
        app = PaperkitApp(data_dir=data_dir, notes=FakeNotes())
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_equation(app, pilot, "ddpm.4")
            assert "DDPM (4)" in text_of(screen.query_one("#eq-title"))
            assert text_of(screen.query_one("#eq-latex")) == eq.latex
            assert "𝒩" in text_of(screen.query_one("#eq-unicode"))
            assert "one go" in text_of(screen.query_one("#eq-meaning"))
            # every symbol of the equation, in order, with its meaning in this paper and its LaTeX
            prompts = symbol_prompts(screen)
            assert len(prompts) == len(rows) and all(r.meaning for r in rows)
            for prompt, row in zip(prompts, rows):
                assert prompt.startswith(row.text) and row.latex in prompt
                assert " ".join(row.meaning.split()) in " ".join(prompt.split())
            assert "paperkit/diffusion/" in text_of(screen.query_one("#eq-code-where"))
            assert "def q_sample" in text_of(screen.query_one("#eq-code"))
            # the glossary names arrive from a worker
            await until(pilot, lambda: "glossary:" in symbol_prompts(screen)[0], what="glossary names")
            # c copies the LaTeX
            copied = []
            app.copy_to_clipboard = copied.append
            await pilot.press("c")
            assert copied == [eq.latex]
            # the demo panel is there, torch is not loaded until Run
            panel = screen.query_one(RunPanel)
            assert panel.spec.name == "forward" and panel.state == "idle"
    run(go())


def test_symbols_wrap_instead_of_being_cut_at_80_columns(data_dir):
    async def go():
        app = PaperkitApp(data_dir=data_dir, notes=FakeNotes())
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_equation(app, pilot, "ddim.12")
            await pilot.press("y")
            listing = screen.query_one("#eq-symbols", OptionList)
            assert listing.has_focus and listing.region.right <= 80
            texts = symbol_prompts(screen)
            # the symbols the issue found missing are there, each with its LaTeX in full
            for symbol in ("\\epsilon_\\theta^{(t)}(x_t)", "x_t", "\\alpha_t"):
                assert any(symbol in t for t in texts), symbol
            lines = listing.render_lines(listing.region.reset_offset)
            assert all(len(line.text.rstrip()) <= listing.region.width for line in lines)
    run(go())


def test_2d_rendering_keeps_the_papers_order_and_fits_the_width(data_dir):
    async def go():
        for size in ((80, 24), (200, 50)):
            app = PaperkitApp(data_dir=data_dir, notes=FakeNotes())
            async with app.run_test(size=size) as pilot:
                screen = await open_equation(app, pilot, "cfg.6")
                box = screen.query_one("#eq-2d", Static)
                text = text_of(box)
                assert "ε̃" in text and text.index("(1 + w)") < text.index("w ε")  # (1 + w) ε_θ(…) − w ε_θ(…)
                width = box.content_region.width
                assert all(len(line) <= width for line in text.splitlines())
            app = PaperkitApp(data_dir=data_dir, notes=FakeNotes())
            async with app.run_test(size=size) as pilot:
                screen = await open_equation(app, pilot, "ddim.12")
                text = text_of(screen.query_one("#eq-2d", Static))
                assert "⁽ᵗ⁾" in text or "(t)" in text  # ε_θ^{(t)} keeps its (t)
                assert "─" in text  # the fractions are stacked
                assert all(len(line) <= screen.query_one("#eq-2d").content_region.width for line in text.splitlines())
    run(go())


def test_unknown_equation_gives_a_message_and_the_app_carries_on(data_dir):
    async def go():
        app = PaperkitApp(data_dir=data_dir, notes=FakeNotes())
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_equation(app, pilot, "ddpm.nope")
            assert "no equation" in text_of(screen.query_one("#eq-error"))
            await pilot.press("escape")
            await until(pilot, lambda: not isinstance(app.screen, EquationScreen), what="going back")
            assert app.is_running
    run(go())


def test_run_a_quick_demo_opens_its_result_full_screen(data_dir):
    async def go():
        app = PaperkitApp(data_dir=data_dir, notes=FakeNotes())
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_equation(app, pilot, "ddpm.schedule")
            panel = screen.query_one(RunPanel)
            assert panel.spec.name == "schedules" and not panel.spec.needs_model
            assert not panel.query_one("#run-progress").display  # no pulsing bar before a run
            assert not screen.check_action("view_result", ())  # nothing to view yet
            await pilot.press("r")
            await until(pilot, lambda: not panel.running, timeout=60, what="the demo")
            assert panel.state == "done", panel.last_message
            await until(pilot, lambda: isinstance(app.screen, ResultScreen), what="the result screen")
            await pilot.pause(0.3)
            result = app.screen
            from textual_plotext import PlotextPlot

            assert len(result.query(PlotextPlot)) == 3  # β_t, ᾱ_t and SNR, full width
            await pilot.pause(0.2)
            assert all(p.size.width >= 110 for p in result.query(PlotextPlot))
            assert len(result.query(".result-table")) == 2  # key values and metrics
            # one wall-clock time, the one the panel measured
            summary = text_of(result.query_one(".result-summary"))
            assert summary.startswith("✓ done in ") and len(re.findall(r"\d s\b", summary)) == 1
            assert "device: cpu" in text_of(panel.query_one("#run-device"))
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is screen, what="back to the equation")
            assert text_of(panel.query_one("#run-status")).startswith("✓ done in")
            assert screen.check_action("view_result", ())
            await pilot.press("v")  # the result again
            await until(pilot, lambda: isinstance(app.screen, ResultScreen), what="the result again")
    run(go())


def test_a_run_writes_labelled_figures_and_says_where(data_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the app writes to ./paperkit-out/DEMO, as `paperkit run` does

    async def go():
        app = PaperkitApp(data_dir=data_dir, notes=FakeNotes())
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_equation(app, pilot, "ddpm.4")
            panel = screen.query_one(RunPanel)
            button = panel.query_one("#run-button")
            button.scroll_visible(animate=False)
            await pilot.pause()
            await pilot.click(button)
            await until(pilot, lambda: not panel.running, timeout=60, what="the demo")
            assert panel.state == "done", panel.last_message
            await until(pilot, lambda: isinstance(app.screen, ResultScreen), what="the result screen")
            await pilot.pause(0.3)
            result = app.screen
            folder = tmp_path / "paperkit-out" / "forward"
            assert str(folder) in text_of(result.query_one("#result-files"))
            figures = list(result.query(FigureView))
            assert figures and all(f.path and Path(f.path).is_file() and Path(f.path).parent == folder for f in figures)
            figure = figures[0]
            assert figure.has_focus  # the first figure is focused: z enlarges it, c copies its path
            # labelled: a column label over every tile, and tiles scaled to the width (not a 4-row strip)
            labels = [str(w.content) for w in figure.query(".figure-col-label") if str(w.content)]
            assert labels[: len(figure.grid.cols)] == list(figure.grid.cols)
            await until(pilot, lambda: figure.query(".figure-strip") and figure.query(".figure-strip").first().region.width,
                        what="the tiles laid out")
            strips = [s for s in figure.query(".figure-strip") if s.region.width]  # those on screen
            assert strips and all(s.region.right <= 80 for s in strips)
            # the tiles take the width the row labels leave (the scenes' captions, shortened, take 15 columns)
            assert max(s.region.width for s in strips) + figure._label_width(figure.size.width) >= 60 and strips[0].styles.height.value >= 5
            copied = []
            app.copy_to_clipboard = copied.append
            await pilot.press("c")
            assert copied == [figure.path]
            await pilot.press("z")
            await until(pilot, lambda: isinstance(app.screen, FigureScreen), what="the enlarged figure")
            large = app.screen.query_one("#figure-large", FigureView)
            await until(pilot, lambda: large.tile_width, what="the enlarged tiles")
            assert large.tile_width >= figure.tile_width  # enlarging never shrinks the tiles
            first = large.tile_width
            await pilot.press("plus", "plus")  # bigger tiles: the figure is rebuilt each time, and scrolls
            await until(pilot, lambda: app.screen.query("#figure-large") and
                        app.screen.query_one("#figure-large", FigureView).tile_width > first, what="zooming in")
            await pilot.press("minus", "minus", "minus")
            await until(pilot, lambda: 0 < app.screen.query_one("#figure-large", FigureView).tile_width < first,
                        what="zooming out")
            assert app.is_running
            await pilot.press("escape", "escape")
            await until(pilot, lambda: app.screen is screen, what="back to the equation")
    run(go())


def test_escape_cancels_a_running_demo_and_the_app_stays_responsive(data_dir):
    async def go():
        app = PaperkitApp(data_dir=data_dir, notes=FakeNotes())
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_equation(app, pilot, "ddpm.alg2")
            panel = screen.query_one(RunPanel)
            assert panel.spec.name == "ddpm" and panel.spec.needs_model
            await pilot.press("s")  # full steps: 1000 ancestral steps, far longer than this test
            assert panel.steps is None
            await pilot.press("r")
            await until(pilot, lambda: "/1000" in panel.query_one("#run-progress").label, what="sampling to start")
            await pilot.press("escape")
            await until(pilot, lambda: not panel.running, timeout=20, what="the cancel")
            assert panel.state == "cancelled"
            assert text_of(panel.query_one("#run-status")) == "cancelled"
            assert isinstance(app.screen, EquationScreen)  # escape cancelled; it did not leave
            # still responsive: the next escape goes back, and the app is alive
            await pilot.press("escape")
            await until(pilot, lambda: not isinstance(app.screen, EquationScreen), what="going back")
            assert app.is_running
    run(go())


def test_cancel_before_the_demo_starts(data_dir):
    async def go():
        app = PaperkitApp(data_dir=data_dir, notes=FakeNotes())
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_equation(app, pilot, "ddpm.alg2")
            panel = screen.query_one(RunPanel)
            assert panel.run() and panel.cancel()  # in the same tick: before the worker reaches the demo
            await until(pilot, lambda: not panel.running, timeout=20, what="the cancel")
            assert panel.state == "cancelled"
    run(go())


class FailingRunner:
    """Stands in for the demo process: every run fails the way a demo's exception would be reported."""

    def __init__(self, error):
        self.error = error
        self.calls = 0

    def run(self, name, **kwargs):
        import paperkit.demos as demos
        from paperkit.errors import UserError
        from paperkit.runner import RunFailed
        from paperkit.runner.failures import describe_failure

        self.calls += 1
        exc = {"nonfinite": demos.NonFiniteError(name, "step 3"),
               "user": UserError("--device cuda was asked for but CUDA is not available on this machine"),
               "oom": type("OutOfMemoryError", (RuntimeError,), {})("CUDA out of memory. Tried to allocate 2 GiB"),
               "other": ZeroDivisionError("division by zero")}[self.error]
        raise RunFailed("error", describe_failure(exc, name))

    def check_device(self, name):
        return "cpu"


@pytest.mark.parametrize("error", ["nonfinite", "user", "oom", "other"])
def test_a_failing_demo_shows_one_message_and_the_app_carries_on(data_dir, error):
    async def go():
        app = PaperkitApp(data_dir=data_dir, notes=FakeNotes())
        app.demo_runner = FailingRunner(error)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_equation(app, pilot, "ddpm.schedule")
            panel = screen.query_one(RunPanel)
            await pilot.press("r")
            await until(pilot, lambda: not panel.running, timeout=30, what="the failure")
            assert panel.state == "error"
            status = text_of(panel.query_one("#run-status"))
            assert status.startswith("✗ ") and "\n" not in status
            expected = {"nonfinite": "NaN or infinite at step 3", "user": "CUDA is not available",
                        "oom": "out of GPU memory", "other": "ZeroDivisionError"}[error]
            assert expected in status
            assert any(expected in str(n.message) for n in app._notifications)
            assert app.screen is screen  # no result screen for a failed run
            # carries on: the demo can run again (and fails again, cleanly)
            await pilot.press("r")
            await until(pilot, lambda: not panel.running, timeout=30, what="the second run")
            assert panel.state == "error" and app.is_running and app.demo_runner.calls == 2
            await pilot.press("escape")
            await until(pilot, lambda: not isinstance(app.screen, EquationScreen), what="going back")
    run(go())


def test_a_demo_process_that_dies_is_one_message_and_the_next_run_works(data_dir, tmp_path):
    import os
    import signal

    from paperkit.runner import DemoRunner

    async def go():
        app = PaperkitApp(data_dir=data_dir, notes=FakeNotes())
        app.demo_runner = DemoRunner(log_path=tmp_path / "runner.log")
        try:
            async with app.run_test(size=(120, 40)) as pilot:
                screen = await open_equation(app, pilot, "ddpm.alg2")
                panel = screen.query_one(RunPanel)
                await pilot.press("s")  # full steps: long enough to be killed mid-run
                await pilot.press("r")
                await until(pilot, lambda: "/1000" in panel.query_one("#run-progress").label, timeout=60,
                            what="sampling to start")
                os.kill(app.demo_runner.info["pid"], signal.SIGKILL)
                await until(pilot, lambda: not panel.running, timeout=30, what="the failure")
                assert panel.state == "error" and "the demo process stopped" in panel.last_message
                await pilot.press("s", "r")  # quick again; a new process
                await until(pilot, lambda: not panel.running, timeout=90, what="the next run")
                assert panel.state == "done", panel.last_message
                await until(pilot, lambda: isinstance(app.screen, ResultScreen), what="its result")
                await pilot.pause(0.3)
        finally:
            app.demo_runner.stop()
    run(go(), limit=180)


def test_a_missing_device_is_one_line(data_dir):
    async def go():
        app = PaperkitApp(data_dir=data_dir, notes=FakeNotes())
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_equation(app, pilot, "ddpm.schedule")
            panel = screen.query_one(RunPanel)
            from textual.widgets import Select

            panel.query_one("#device", Select).value = "mps"  # never on Linux
            device = panel.query_one("#run-device", Static)
            await until(pilot, lambda: "MPS is not" in text_of(device), what="the device check")
            assert text_of(device).startswith("✗ ") and "MPS is not available" in text_of(device)
            await pilot.press("r")
            await until(pilot, lambda: not panel.running, timeout=30, what="the run")
            assert panel.state == "error" and "MPS is not available" in panel.last_message
            await pilot.press("d")  # the device choice opens, focused
            select = panel.query_one("#device", Select)
            assert select.expanded and select.has_focus_within
            await pilot.press("escape")  # closes the list only
            assert isinstance(app.screen, EquationScreen) and not select.expanded
            panel.query_one("#device", Select).value = "cpu"
            await until(pilot, lambda: text_of(device).startswith("device: cpu"), what="the device check")
    run(go())


def test_choosing_a_symbol_opens_the_glossary(data_dir):
    from paperkit.catalog import load_catalog, symbol_rows

    rows = symbol_rows(load_catalog().equation("ddpm.4"))

    async def go():
        app = PaperkitApp(data_dir=data_dir, notes=FakeNotes())
        opened = []
        app.open_glossary = lambda query="", paper=None: opened.append((query, paper))
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_equation(app, pilot, "ddpm.4")
            await pilot.press("y", "down", "enter")
            assert opened == [(rows[1].latex, "ddpm")]
            listing = screen.query_one("#eq-symbols", OptionList)
            listing.highlighted = 3
            await pilot.press("enter")
            assert opened[-1] == (rows[3].latex, "ddpm")
    run(go())


def test_n_writes_a_note_on_this_equation(data_dir):
    async def go():
        store = FakeNotes()
        app = PaperkitApp(data_dir=data_dir, notes=store)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_equation(app, pilot, "ddim.12")
            await pilot.press("n")
            area = screen.query_one("#eq-notes", TextArea)
            assert app.screen is screen and area.has_focus  # the editor, not the list of all notes
            await pilot.press(*"why sigma", "ctrl+s")
            assert store.data["eq:ddim.12"] == "why sigma"
    run(go())


def test_notes_load_and_save_with_ctrl_s(data_dir):
    async def go():
        store = FakeNotes({"eq:ddpm.4": "first thought"})
        app = PaperkitApp(data_dir=data_dir, notes=store)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_equation(app, pilot, "ddpm.4")
            area = screen.query_one("#eq-notes", TextArea)
            assert area.text == "first thought"
            await pilot.press("n", "end", *" and more", "ctrl+s")
            assert store.data["eq:ddpm.4"] == "first thought and more"
            area.load_text("changed before leaving")
            await pilot.press("escape")  # the note area does not keep escape: it goes back, saving
            await until(pilot, lambda: not isinstance(app.screen, EquationScreen), what="going back")
            assert store.data["eq:ddpm.4"] == "changed before leaving"
    run(go())


def test_notes_unavailable_is_a_notice_not_a_crash(data_dir):
    class Broken:
        def get(self, target):
            raise RuntimeError("database is locked")

        save = get

        def close(self):
            pass

    async def go():
        app = PaperkitApp(data_dir=data_dir, notes=Broken())
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_equation(app, pilot, "ddpm.4")
            assert any("Notes are unavailable" in str(n.message) for n in app._notifications)
            await pilot.press("e", *"kept", "ctrl+s")
            assert any("not saved" in str(n.message) for n in app._notifications)
            assert screen.query_one("#eq-notes", TextArea).text == "kept"  # nothing typed is lost
            assert app.is_running
    run(go())


def test_notes_saved_with_ctrl_s_are_in_the_real_store(data_dir):
    async def go():
        app = PaperkitApp(data_dir=data_dir)
        async with app.run_test(size=(120, 40)) as pilot:
            await open_equation(app, pilot, "cfg.6")
            await pilot.press("n", *"guidance note", "ctrl+s")
            assert app.notes.get("eq:cfg.6").text == "guidance note"
        from paperkit.notes import NoteStore

        with NoteStore.open(data_dir) as store:  # survives closing the app
            assert store.get("eq:cfg.6").text == "guidance note"
    run(go())


def test_wide_layout_puts_code_and_demo_beside_the_equation(data_dir):
    async def go():
        app = PaperkitApp(data_dir=data_dir, notes=FakeNotes())
        async with app.run_test(size=(200, 50)) as pilot:
            screen = await open_equation(app, pilot, "ddim.12")
            assert screen.has_class("-wide")
            left, right = screen.query_one("#eq-left"), screen.query_one("#eq-right")
            assert right.region.x > left.region.x and right.region.y == left.region.y
        app = PaperkitApp(data_dir=data_dir, notes=FakeNotes())
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_equation(app, pilot, "ddim.12")
            assert screen.has_class("-narrow")
            left, right = screen.query_one("#eq-left"), screen.query_one("#eq-right")
            assert right.region.x == left.region.x
    run(go())


def test_the_papers_own_picture_when_its_pdf_is_on_this_machine(data_dir):
    import hashlib

    from pdf_paths import real_pdf

    pdf = real_pdf("cfg.pdf")
    notes = FakeNotes()
    notes.recent_documents = lambda limit=50: [{"path": str(pdf), "title": "Classifier-Free Diffusion Guidance",
                                                "paper_id": "cfg", "sha256": hashlib.sha256(pdf.read_bytes()).hexdigest(),
                                                "opened": "2026-12-03T10:00:00"}]

    async def go():
        from paperkit.tui.widgets.equation_image import EquationImage

        app = PaperkitApp(data_dir=data_dir, notes=notes)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_equation(app, pilot, "cfg.6")
            await until(pilot, lambda: screen.query(EquationImage), timeout=30, what="the crop")
            status = text_of(screen.query_one("#eq-crop-status"))
            assert "page 5" in status and str(pdf) in status
            image = screen.query_one(EquationImage)
            await pilot.pause(0.3)
            pieces = list(image.query(".equation-piece"))
            # wide and short: cut into lines, each tall enough to read in half-blocks, none wider than the pane
            assert len(pieces) >= 2 and all(p.region.height >= 6 for p in pieces)
            assert all(p.region.right <= image.region.right for p in pieces)
        app = PaperkitApp(data_dir=data_dir, notes=FakeNotes())
        async with app.run_test(size=(80, 24)) as pilot:  # no PDF here: says how to get one
            screen = await open_equation(app, pilot, "cfg.6")
            await until(pilot, lambda: "not on this machine" in text_of(screen.query_one("#eq-crop-status")),
                        what="the note")
            assert not screen.query(EquationImage)
    run(go())


def test_helpers():
    from paperkit.demos import DEMOS
    from paperkit.tui.screens.result import format_seconds
    from paperkit.tui.widgets.bar_chart import bar_length, format_value
    from paperkit.tui.widgets.figure_view import Layout, column_chunks, figure_rows, row_label_text, tile_cells
    from paperkit.tui.widgets.result_parts import fmt, series_plots

    assert quick_steps(DEMOS["ddpm"]) == 100 and quick_steps(DEMOS["schedules"]) is None
    assert all(quick_steps(s) is None or quick_steps(s) <= s.default_steps for s in DEMOS.values())
    assert describe_error(ValueError("steps must be ≥ 2"), "ddim") == "ddim: steps must be ≥ 2"
    # a 1×10 strip of 16-px tiles: as wide as 200 columns allow; at 80 columns it wraps rather than shrink
    strip = Layout(("x_0",), tuple("0123456789"), 16, 16, 1)
    assert tile_cells(strip, 4, 200) == (200 - 4 - 9) // 10
    tw = tile_cells(strip, 4, 80)
    assert tw == 12 and column_chunks(10, 1, tw, 4, 80) == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]
    # enlarged to a 200×46 box, a 10×6 grid takes the widest tiles whose rows all fit
    grid = Layout(tuple("0123456789"), ("980", "780", "580", "400", "200", "0"), 16, 16, 1)
    tw = tile_cells(grid, 2, 200, max_rows=46)
    assert figure_rows(grid, tw, 2, 200) <= 46 < figure_rows(grid, tw + 1, 2, 200)
    # a row label wider than its cells wraps over the tile's lines, and is cut with … only past them
    assert row_label_text("purple star → yellow circle", 14, 6) == "purple star →\nyellow circle"
    assert row_label_text("purple star → yellow circle", 14, 1) == "purple star →…"
    assert row_label_text("red circle → blue square and more words", 13, 2) == "red circle →\nblue square…"
    # log bars: the baseline has none, 100× twice 10×
    assert bar_length(1.0, 1000, 30, log=True) == 0 and bar_length(100, 1000, 30, log=True) == 2 * bar_length(10, 1000, 30, log=True)
    assert bar_length(None, 10, 30, log=False) == 0 and format_value(5612.3) == "5,612×"
    assert format_seconds(3.5923e-05) == "35.9 µs" and format_seconds(0.66) == "660 ms" and format_seconds(299.5) == "300 s"
    assert fmt(0.123456789) == "0.12346" and fmt(None) == "—" and fmt(3) == "3"
    from paperkit.tui.widgets.run_progress import eta, format_duration, progress_text

    assert eta(2.0, 50, 200) == 6.0 and eta(1.0, 0, 200) is None and format_duration(75) == "1 min 15 s"
    line = progress_text(50, 200, "sample 50/200", 2.0, 80).plain
    assert line.startswith("━") and " 25% sample 50/200 · 2.0 s, ~6.0 s left" in line
    assert len(progress_text(50, 200, "sample 50/200 (t=750)", 2.0, 30).plain) <= 30  # never wider than the pane
    plots = series_plots({"a": {"x": [1], "y": [2], "plot": "p"}, "b": {"x": [1], "y": [3], "plot": "p"},
                          "c": {"x": [1], "y": [1]}})
    assert list(plots) == ["p", "c"] and [n for n, _ in plots["p"]] == ["a", "b"]


HYGIENE_PROBE = """
import asyncio, json, sys, tempfile
import re
from pathlib import Path
from paperkit.tui.app import PaperkitApp

async def go():
    app = PaperkitApp(data_dir=Path(tempfile.mkdtemp()))
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_equation("ddpm.alg2")  # no PDF of DDPM on this machine (an empty cache): no pymupdf either
        for _ in range(200):
            await pilot.pause(0.05)
            if "…" not in str(app.screen.query_one("#eq-2d").content):
                break
        ok = "─" in str(app.screen.query_one("#eq-2d").content)
    heavy = ("torch", "diffusers", "fitz", "pymupdf", "sympy")  # sympy verifies; it does not draw
    print(json.dumps({"ok": ok, "loaded": sorted(m for m in heavy if m in sys.modules)}))

asyncio.run(go())
"""


def test_opening_an_equation_loads_no_torch(data_dir):
    import json
    import subprocess
    import sys

    import os

    env = dict(os.environ, PAPERKIT_CACHE_DIR=str(data_dir.parent / "empty-cache"))
    out = subprocess.run([sys.executable, "-c", HYGIENE_PROBE], capture_output=True, text=True, timeout=60, check=True,
                         env=env)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"ok": True, "loaded": []}


def test_footers_of_the_equation_result_and_figure_screens_fit_80_columns(data_dir, tmp_path, monkeypatch):
    from footer_helpers import footer_keys, settle

    monkeypatch.chdir(tmp_path)

    async def go():
        app = PaperkitApp(data_dir=data_dir, notes=FakeNotes())
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_equation(app, pilot, "ddpm.4")
            await settle(pilot)
            keys = footer_keys(app)
            assert not keys.cut, keys
            assert {"esc Back", "r Run", "n Note", "y Symbols"} <= set(keys.visible)
            assert not any(k.startswith("v ") for k in keys.visible)  # no result to view yet
            panel = screen.query_one(RunPanel)
            await pilot.press("r")
            await until(pilot, lambda: isinstance(app.screen, ResultScreen), timeout=60, what="the result")
            await settle(pilot)
            keys = footer_keys(app)
            assert not keys.cut and {"esc Back", "z Enlarge", "c Copy path"} <= set(keys.visible), keys
            await pilot.press("z")
            await until(pilot, lambda: isinstance(app.screen, FigureScreen), what="the enlarged figure")
            await settle(pilot)
            keys = footer_keys(app)
            assert not keys.cut and "esc Back" in keys.visible, keys
            await pilot.press("escape", "escape")
            await until(pilot, lambda: app.screen is screen, what="back")
            await settle(pilot)
            keys = footer_keys(app)
            assert not keys.cut and "v Result" in keys.visible, keys  # now there is one
            assert panel.state == "done"
    run(go())
