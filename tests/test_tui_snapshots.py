"""Snapshot tests (pytest-textual-snapshot) at 80×24, against SVG baselines in tests/__snapshots__:
the first screen, the open-a-PDF box with Tab's list of matches, a paper's catalog view with its
PDF line, and the message that stays (regenerate with ``pytest --snapshot-update`` after a
deliberate change, and look at the new SVG before committing it)."""

from __future__ import annotations

from paperkit.tui.app import PaperkitApp
from tui_helpers import until


def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("PAPERKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PAPERKIT_ARXIV_URL", "http://127.0.0.1:9")


def test_library_at_80x24(snap_compare, tmp_path, monkeypatch):
    _isolated(tmp_path, monkeypatch)
    assert snap_compare(PaperkitApp(data_dir=tmp_path / "data"), terminal_size=(80, 24))


def test_library_path_box_lists_matches(snap_compare, tmp_path, monkeypatch):
    """``o``, then ``papers/`` and Tab: the folders and PDFs in it, listed under the box (a relative
    path, so the picture does not depend on the temporary folder's name)."""
    _isolated(tmp_path, monkeypatch)
    papers = tmp_path / "tree" / "papers"
    for folder in ("ddpm", "ddim", "drafts"):
        (papers / folder).mkdir(parents=True)
    for name in ("cfg.pdf", "diffedit.pdf", "diffedit-v2.pdf", "notes.txt"):
        (papers / name).write_bytes(b"%PDF-1.4")
    monkeypatch.chdir(tmp_path / "tree")

    async def type_path(pilot):
        await pilot.pause()
        await pilot.press("o", *"pa", "tab", "d", "tab")

    assert snap_compare(PaperkitApp(data_dir=tmp_path / "data"), terminal_size=(80, 24), run_before=type_path)


def test_paper_view_at_80x24(snap_compare, tmp_path, monkeypatch):
    _isolated(tmp_path, monkeypatch)

    async def open_ddim(pilot):
        pilot.app.open_paper("ddim")
        await pilot.pause()
        status = pilot.app.screen.query_one("#pdf-status")
        await until(pilot, lambda: "not on this machine" in str(status.render()), what="the PDF line")
        await pilot.pause()

    assert snap_compare(PaperkitApp(data_dir=tmp_path / "data"), terminal_size=(80, 24), run_before=open_ddim)


def test_message_at_80x24(snap_compare, tmp_path, monkeypatch):
    """A fetch error as the paper view shows it, after 2 copied the path."""
    _isolated(tmp_path, monkeypatch)
    from paperkit.tui.screens.message import MessageScreen

    async def show(pilot):
        await pilot.pause()
        pilot.app.push_screen(MessageScreen(
            "Could not fetch the PDF",
            "could not reach arxiv.org (Name or service not known); download https://arxiv.org/pdf/2010.02502v4 "
            "by hand and save it as /home/learner/.cache/paperkit/papers/2010.02502v4.pdf",
            [("URL", "https://arxiv.org/pdf/2010.02502v4"),
             ("Path to save it as", "/home/learner/.cache/paperkit/papers/2010.02502v4.pdf")]))
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()

    assert snap_compare(PaperkitApp(data_dir=tmp_path / "data"), terminal_size=(80, 24), run_before=show)
