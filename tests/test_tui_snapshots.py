"""Snapshot tests (pytest-textual-snapshot): the first screen and a paper's catalog view at 80×24,
against SVG baselines in tests/__snapshots__ (regenerate with ``pytest --snapshot-update`` after a
deliberate change, and look at the new SVG before committing it)."""

from __future__ import annotations

from paperkit.tui.app import PaperkitApp


def test_library_at_80x24(snap_compare, tmp_path, monkeypatch):
    monkeypatch.setenv("PAPERKIT_CACHE_DIR", str(tmp_path / "cache"))
    assert snap_compare(PaperkitApp(data_dir=tmp_path / "data"), terminal_size=(80, 24))


def test_paper_view_at_80x24(snap_compare, tmp_path, monkeypatch):
    monkeypatch.setenv("PAPERKIT_CACHE_DIR", str(tmp_path / "cache"))

    async def open_ddim(pilot):
        pilot.app.open_paper("ddim")
        await pilot.pause()

    assert snap_compare(PaperkitApp(data_dir=tmp_path / "data"), terminal_size=(80, 24), run_before=open_ddim)
