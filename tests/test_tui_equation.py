"""The equation panel with Textual's Pilot: renderings, symbols → glossary, the linked code, running a
demo (result widgets appear), cancelling one, failing ones (the app carries on), device checks, notes."""

from __future__ import annotations


import pytest
from textual.widgets import DataTable, Static, TextArea

from paperkit.tui.app import PaperkitApp
from paperkit.tui.screens.equation import EquationScreen
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


def test_equation_shows_latex_renderings_meaning_symbols_and_code(data_dir):
    from paperkit.catalog import load_catalog

    eq = load_catalog().equation("ddpm.4")

    async def go():
        app = PaperkitApp(data_dir=data_dir, notes=FakeNotes())
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_equation(app, pilot, "ddpm.4")
            assert "DDPM (4)" in text_of(screen.query_one("#eq-title"))
            assert text_of(screen.query_one("#eq-latex")) == eq.latex
            assert "𝒩" in text_of(screen.query_one("#eq-unicode"))
            assert "one go" in text_of(screen.query_one("#eq-meaning"))
            table = screen.query_one("#eq-symbols", DataTable)
            assert table.row_count == len(eq.symbols)
            first = [str(c) for c in table.get_row_at(0)]
            assert first[1] == eq.symbols[0].meaning and first[2] == eq.symbols[0].latex
            assert "paperkit/diffusion/" in text_of(screen.query_one("#eq-code-where"))
            assert "def q_sample" in text_of(screen.query_one("#eq-code"))
            # the 2-D rendering comes from a worker: either a drawing or the dim note, never the placeholder
            await until(pilot, lambda: "…" not in text_of(screen.query_one("#eq-2d")), what="the 2-D rendering")
            # the glossary names arrive from a worker too
            await until(pilot, lambda: str(table.get_row_at(0)[3]) != "…", what="glossary names")
            # c copies the LaTeX
            copied = []
            app.copy_to_clipboard = copied.append
            await pilot.press("c")
            assert copied == [eq.latex]
            # the demo panel is there, torch is not loaded until Run
            panel = screen.query_one(RunPanel)
            assert panel.spec.name == "forward" and panel.state == "idle"
    run(go())


def test_2d_rendering_appears_where_sympy_parses(data_dir):
    async def go():
        app = PaperkitApp(data_dir=data_dir, notes=FakeNotes())
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_equation(app, pilot, "ddim.12")
            box = screen.query_one("#eq-2d", Static)
            await until(pilot, lambda: "…" not in text_of(box), what="the 2-D rendering")
            assert text_of(box).count("\n") >= 2 and "─" in text_of(box)
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


def test_run_a_quick_demo_shows_its_result(data_dir):
    async def go():
        app = PaperkitApp(data_dir=data_dir, notes=FakeNotes())
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_equation(app, pilot, "ddpm.schedule")
            panel = screen.query_one(RunPanel)
            assert panel.spec.name == "schedules" and not panel.spec.needs_model
            await pilot.press("r")
            await until(pilot, lambda: not panel.running, timeout=40, what="the demo")
            assert panel.state == "done", panel.last_message
            await pilot.pause()
            from textual_plotext import PlotextPlot

            from paperkit.tui.widgets.demo_result import DemoResultView

            view = panel.query_one(DemoResultView)
            assert len(view.query(PlotextPlot)) == 3  # β_t, ᾱ_t and SNR
            assert len(view.query(".result-table")) == 2  # key values and metrics
            assert "done" in text_of(panel.query_one("#run-status"))
            assert text_of(panel.query_one("#run-device")).startswith("device: cpu")
    run(go())


def test_run_shows_images_and_tables(data_dir):
    async def go():
        app = PaperkitApp(data_dir=data_dir, notes=FakeNotes())
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_equation(app, pilot, "ddpm.4")
            panel = screen.query_one(RunPanel)
            button = panel.query_one("#run-button")
            button.scroll_visible(animate=False)
            await pilot.pause()
            await pilot.click(button)
            await until(pilot, lambda: not panel.running, timeout=40, what="the demo")
            assert panel.state == "done", panel.last_message
            await pilot.pause()
            from paperkit.tui.widgets.demo_result import DemoImage

            images = panel.query(DemoImage)
            assert len(images) == 1
            image = images.first()
            inner = image.children[0]
            assert 0 < inner.styles.width.value <= 80 and inner.styles.height.value > 0
            assert len(panel.query(".result-table")) == 2
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
            await until(pilot, lambda: "/1000" in text_of(panel.query_one("#run-status")), what="sampling to start")
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


@pytest.mark.parametrize("error", ["nonfinite", "user", "oom", "other"])
def test_a_failing_demo_shows_one_message_and_the_app_carries_on(data_dir, monkeypatch, error):
    import paperkit.demos as demos
    from paperkit.errors import UserError

    def boom(name, model=None, **kwargs):
        if error == "nonfinite":
            raise demos.NonFiniteError(name, "step 3")
        if error == "user":
            raise UserError("--device cuda was asked for but CUDA is not available on this machine")
        if error == "oom":
            raise type("OutOfMemoryError", (RuntimeError,), {})("CUDA out of memory. Tried to allocate 2 GiB")
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(demos, "run_demo", boom)

    async def go():
        app = PaperkitApp(data_dir=data_dir, notes=FakeNotes())
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
            # carries on: the demo can run again (and fails again, cleanly)
            await pilot.press("r")
            await until(pilot, lambda: not panel.running, timeout=30, what="the second run")
            assert panel.state == "error" and app.is_running
            await pilot.press("escape")
            await until(pilot, lambda: not isinstance(app.screen, EquationScreen), what="going back")
    run(go())


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
    from paperkit.catalog import load_catalog

    eq = load_catalog().equation("ddpm.4")

    async def go():
        app = PaperkitApp(data_dir=data_dir, notes=FakeNotes())
        opened = []
        app.open_glossary = lambda query="", paper=None: opened.append((query, paper))
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_equation(app, pilot, "ddpm.4")
            await pilot.press("y", "down", "enter")
            assert opened == [(eq.symbols[1].latex, "ddpm")]
            table = screen.query_one("#eq-symbols", DataTable)
            await pilot.click(table, offset=(3, 4))  # a click on the fourth row highlights it …
            await pilot.pause()
            assert len(opened) == 1 and table.cursor_row == 3
            await pilot.click(table, offset=(3, 4))  # … a second click opens it
            await until(pilot, lambda: len(opened) >= 2, what="the click")
            assert opened[-1] == (eq.symbols[3].latex, "ddpm")
    run(go())


def test_notes_load_and_save_with_ctrl_s(data_dir):
    async def go():
        store = FakeNotes({"eq:ddpm.4": "first thought"})
        app = PaperkitApp(data_dir=data_dir, notes=store)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_equation(app, pilot, "ddpm.4")
            area = screen.query_one("#eq-notes", TextArea)
            assert area.text == "first thought"
            await pilot.press("e", "end", *" and more", "ctrl+s")
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
            await pilot.press("e", *"guidance note", "ctrl+s")
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


def test_helpers():
    from paperkit.demos import DEMOS
    from paperkit.tui.widgets.demo_result import fmt, image_cells, series_plots

    assert quick_steps(DEMOS["ddpm"]) == 100 and quick_steps(DEMOS["schedules"]) is None
    assert all(quick_steps(s) is None or quick_steps(s) <= s.default_steps for s in DEMOS.values())
    assert describe_error(ValueError("steps must be ≥ 2"), "ddim") == "ddim: steps must be ≥ 2"
    assert image_cells(169, 16, max_width=200) == (169, 8)  # half-blocks: a pixel a column, two a row
    w, h = image_cells(169, 16, max_width=80)
    assert w == 80 and h == 4
    assert image_cells(101, 169, max_width=200, max_rows=36)[1] == 36
    assert fmt(0.123456789) == "0.12346" and fmt(None) == "—" and fmt(3) == "3"
    plots = series_plots({"a": {"x": [1], "y": [2], "plot": "p"}, "b": {"x": [1], "y": [3], "plot": "p"},
                          "c": {"x": [1], "y": [1]}})
    assert list(plots) == ["p", "c"] and [n for n, _ in plots["p"]] == ["a", "b"]


HYGIENE_PROBE = """
import asyncio, json, sys, tempfile
from pathlib import Path
from paperkit.tui.app import PaperkitApp

async def go():
    app = PaperkitApp(data_dir=Path(tempfile.mkdtemp()))
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_equation("ddpm.alg2")
        for _ in range(200):
            await pilot.pause(0.05)
            if "…" not in str(app.screen.query_one("#eq-2d").content):
                break
        ok = "─" in str(app.screen.query_one("#eq-2d").content)
    heavy = ("torch", "diffusers", "fitz", "pymupdf")
    print(json.dumps({"ok": ok, "loaded": sorted(m for m in heavy if m in sys.modules)}))

asyncio.run(go())
"""


def test_opening_an_equation_loads_no_torch(data_dir):
    import json
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", HYGIENE_PROBE], capture_output=True, text=True, timeout=60, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"ok": True, "loaded": []}
