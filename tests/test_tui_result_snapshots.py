"""Snapshots of the equation screen and of a demo's result at 80×24 (SVG baselines in
tests/__snapshots__; regenerate with ``pytest --snapshot-update`` and look at the SVG before keeping it).

The result comes from the real DDPM and matmul demos at small settings, shown with a fixed run time
and fixed file paths so the picture does not change from run to run (the matmul timings do, so its
snapshot shows the ladder's labels with the bars of a fixed, hand-written table instead).
"""

from __future__ import annotations

from paperkit.tui.app import PaperkitApp
from tui_helpers import NoNotes, until


def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("PAPERKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PAPERKIT_DATA_DIR", str(tmp_path / "data"))


def test_equation_screen_at_80x24(snap_compare, tmp_path, monkeypatch):
    """DDIM (12): the LaTeX, the one-line and 2-D renderings broken to 80 columns, and the footer."""
    _isolated(tmp_path, monkeypatch)

    async def open_ddim_12(pilot):
        from paperkit.tui.screens.equation import EquationScreen

        pilot.app.open_equation("ddim.12")
        await until(pilot, lambda: isinstance(pilot.app.screen, EquationScreen), what="the equation")
        await until(pilot, lambda: "not on this machine" in "".join(str(w.content) for w in pilot.app.screen.query("#eq-crop-status")),
                    what="the PDF look-up")
        await pilot.pause(0.3)

    assert snap_compare(PaperkitApp(data_dir=tmp_path / "data", notes=NoNotes()), terminal_size=(80, 24),
                        run_before=open_ddim_12)


async def _show_result(pilot, result, paths, title):
    from paperkit.tui.screens.result import ResultScreen, RunRecord

    await pilot.pause()
    pilot.app.push_screen(ResultScreen(RunRecord(title, result, paths, 2.0, "cpu", "20 steps (quick; full: 1000)")))
    await until(pilot, lambda: isinstance(pilot.app.screen, ResultScreen), what="the result")


def test_ddpm_result_at_80x24(snap_compare, tmp_path, monkeypatch):
    """The samples strip: labelled digit columns, tiles wrapped onto two lines at 80 columns."""
    _isolated(tmp_path, monkeypatch)
    from demo_fixtures import demo_result

    result = demo_result("ddpm")
    paths = {name: f"/home/me/paperkit-out/ddpm/{name}.png" for name in result.images}

    async def settle(pilot):
        await _show_result(pilot, result, paths, "DDPM ancestral sampling")
        await until(pilot, lambda: pilot.app.screen.query(".figure-strip"), what="the figures")
        await pilot.pause(0.5)

    assert snap_compare(PaperkitApp(data_dir=tmp_path / "data", notes=NoNotes()), terminal_size=(80, 24),
                        run_before=settle)


def test_matmul_ladder_at_80x40(snap_compare, tmp_path, monkeypatch):
    """The speed-up chart: one bar per problem size for each method, the baseline without a bar."""
    _isolated(tmp_path, monkeypatch)
    from paperkit.demos.result import DemoResult

    methods = ["python loops", "numba", "broadcasting", "einsum", "torch"]
    small = [1.0, 18375.0, 5612.0, 5946.0, 9836.0]
    large = [1.0, 23952.0, 4996.0, 16644.0, 18727.0]
    result = DemoResult("matmul", settings={"seed": 0, "device": "cpu"})
    for label, ys in (("5x784 @ 784x10", small), ("50000x784 @ 784x10", large)):
        result.series[f"speedup.{label}"] = {"x": list(range(1, 6)), "y": ys, "labels": methods, "label": label,
                                             "plot": "Speed-up over the pure-Python loop (× faster, log scale)",
                                             "yscale": "log", "kind": "bar"}
    result.tables.append({"name": "t", "title": "C = A @ B, median seconds per call", "columns": ["method", "seconds"],
                          "rows": [{"method": m, "seconds": 0.37 / s} for m, s in zip(methods, small)]})

    async def settle(pilot):
        await _show_result(pilot, result, {}, "Matrix multiplication from scratch")
        await pilot.pause(0.5)

    assert snap_compare(PaperkitApp(data_dir=tmp_path / "data", notes=NoNotes()), terminal_size=(80, 40),
                        run_before=settle)
