"""The glossary and notes screens, driven with Textual's Pilot: live search, the detail panel, a paper's
notation, meanings, code and clashes, a letter's decorated forms, LaTeX shown as typed, copying LaTeX,
bad input, notes on a symbol, the notes list, every binding described, footers that fit 80 columns,
the command palette's word search, both terminal sizes, and snapshots (tests/__snapshots__/).

The tests are synchronous (no pytest-asyncio here): each runs its coroutine with ``asyncio.run``, and
every wait is bounded.
"""

from __future__ import annotations

import io
import random

import pytest
from rich.console import Console

from footer_helpers import footer_keys, settle
from paperkit.tui.app import PaperkitApp
from paperkit.tui.screens.glossary import NO_MATCH, GlossaryScreen, SearchInput
from textual.css.query import NoMatches
from textual.widgets import DataTable, Input, Label, Select, Static
from tui_helpers import run, until



TIMEOUT = 10.0  # seconds; the first look-up loads the glossary (~0.2 s)


async def ready(pilot, screen, selector: str):
    """``screen.query_one(selector)`` once the screen has composed it."""
    found = []

    def there() -> bool:
        try:
            found.append(screen.query_one(selector))
            return True
        except NoMatches:
            return False

    await until(pilot, there, timeout=TIMEOUT, what=selector)
    return found[-1]


def plain(renderable, width: int = 100) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None, legacy_windows=False)
    console.print(renderable)
    return console.file.getvalue()


class Glossary:
    """Handles on a running glossary screen."""

    def __init__(self, app: PaperkitApp, pilot):
        self.app, self.pilot = app, pilot

    @property
    def screen(self) -> GlossaryScreen:
        screen = self.app.screen
        assert isinstance(screen, GlossaryScreen), screen
        return screen

    @property
    def table(self) -> DataTable:
        return self.screen.query_one("#gl-results", DataTable)

    @property
    def status(self) -> str:
        return str(self.screen.query_one("#gl-status", Label).render())

    @property
    def detail(self) -> str:
        return plain(self.screen.query_one("#gl-detail-text", Static).content)

    def rows(self) -> list[str]:
        return [k.value for k in self.table.rows]

    def top(self) -> str | None:
        rows = self.rows()
        return rows[0] if rows else None

    def query(self) -> str:
        return self.screen.query_one("#gl-query", Input).value

    async def settled(self) -> None:
        """Wait until the table shows the newest look-up, of what the search box holds now."""
        s = self.screen

        def shown() -> bool:
            try:
                return s._seq >= 1 and s.shown_seq == s._seq and s.shown_query == self.query()
            except NoMatches:  # not composed yet
                return False

        await until(self.pilot, shown, what="the newest look-up's results")
        await self.pilot.pause()

    async def type(self, text: str) -> None:
        await self.pilot.press(*text)
        await self.settled()

    async def set_query(self, text: str) -> None:
        """Put ``text`` in the search box as a paste would (for input no keyboard types)."""
        self.screen.query_one("#gl-query", Input).value = text
        await self.settled()


async def open_glossary(app, pilot, query: str = "", paper: str | None = None) -> Glossary:
    app.open_glossary(query, paper)
    await until(pilot, lambda: isinstance(app.screen, GlossaryScreen), what="the glossary screen")
    g = Glossary(app, pilot)
    await g.settled()
    return g


# -- live search ------------------------------------------------------------------------------


@pytest.mark.parametrize("query, key, char", [
    ("upside-down triangle", "nabla", "∇"),
    ("ᾱ", "alpha-bar", "ᾱ"),
    ("alpha bar", "alpha-bar", "ᾱ"),
    ("alhpa", "alpha", "α"),
])
def test_typing_fills_the_table_best_first(tmp_path, query, key, char):
    async def main():
        app = PaperkitApp(data_dir=tmp_path)
        async with app.run_test(size=(100, 40)) as pilot:
            g = await open_glossary(app, pilot)
            await g.type(query)
            assert g.top() == key
            first = g.table.get_row_at(0)
            assert str(first[0]) == char
            scores = [float(str(g.table.get_row_at(i)[4])) for i in range(g.table.row_count)]
            assert scores == sorted(scores, reverse=True)
            assert g.screen.current.entry.key == key  # the detail panel follows the top row

    run(main())


def test_detail_panel_shows_everything_about_the_symbol(tmp_path):
    async def main():
        app = PaperkitApp(data_dir=tmp_path)
        async with app.run_test(size=(100, 40)) as pilot:
            g = await open_glossary(app, pilot)
            await g.type("alpha bar")
            text = g.detail
            assert "Greek small letter alpha with macron" in text
            assert "“alpha bar”" in text                              # how it is said
            assert "\\bar{\\alpha}" in text and "\\overline{\\alpha}" in text  # LaTeX spellings
            assert "cumulative alpha" in text                         # aliases
            assert "Meanings" in text and "fraction of the signal's variance" in text
            assert "torch.cumprod(1 - betas, dim=0)" in text          # the torch equivalent
            assert "𝒩" in text                                       # the example, rendered
            assert "Notation clash" in text and "αₜ" in text          # ᾱ is DDIM's α_t

            await pilot.press("down")  # ↓ (or Enter) goes from the search box to the results
            await until(pilot, lambda: g.table.has_focus, what="the table's focus")
            await pilot.press("down")
            await until(pilot, lambda: g.screen.current.entry.key != "alpha-bar", what="the second row's detail")
            assert g.screen.current.entry.title in g.detail

    run(main())


def test_apl_entries_show_their_expression(tmp_path):
    async def main():
        app = PaperkitApp(data_dir=tmp_path)
        async with app.run_test(size=(100, 40)) as pilot:
            g = await open_glossary(app, pilot)
            await g.set_query("⍴")  # pasted: Pilot cannot type "⍴" (its key name has no Unicode name)
            assert g.top() == "apl-reshape"
            assert "APL" in g.detail and "2 3 ⍴ ⍳6" in g.detail and "reshape(2, 3)" in g.detail

    run(main())


# -- the paper context ------------------------------------------------------------------------


def test_choosing_ddim_shows_its_meaning_and_the_alpha_t_clash(tmp_path):
    async def main():
        app = PaperkitApp(data_dir=tmp_path)
        async with app.run_test(size=(100, 40)) as pilot:
            g = await open_glossary(app, pilot)
            select = g.screen.query_one("#gl-paper", Select)
            assert select.value == "any"
            select.value = "ddim"
            await until(pilot, lambda: g.screen.paper == "ddim", what="the paper context")
            await g.settled()
            g.screen.query_one("#gl-query", Input).focus()
            await g.type("\\alpha_t")
            assert g.top() == "alpha-bar"  # DDIM's α_t is DDPM's ᾱ_t
            hit = g.screen.current
            assert hit.paper_meaning and "cumulative" in hit.paper_meaning
            text = g.detail
            assert "In DDIM" in text and "cumulative signal fraction" in text
            assert "αₜ" in text and "DDIM's α_t is DDPM's ᾱ_t" in text  # the clash, DDIM first
            assert "in DDIM" in g.status

            # the paper's clashes: every one, note and per-paper meanings
            g.table.focus()
            await pilot.press("k")
            await until(pilot, lambda: "Notation clashes in DDIM" in g.detail, what="the clash list")
            text = g.detail
            from paperkit.glossary import clashes_for

            clashes = clashes_for("ddim")
            assert f"({len(clashes)})" in text and len(clashes) >= 2
            assert "DDPM" in text and "per-step signal fraction" in text
            assert "σₜ" in text  # the σ_t clash too

            # the same LaTeX in DDPM is the plain α
            select.value = "ddpm"
            await until(pilot, lambda: g.screen.paper == "ddpm" and g.top() == "alpha", what="DDPM's α_t")

    run(main())


def test_a_paper_given_on_opening_is_chosen(tmp_path):
    async def main():
        app = PaperkitApp(data_dir=tmp_path)
        async with app.run_test(size=(100, 40)) as pilot:
            g = await open_glossary(app, pilot, "\\alpha_t", paper="ddim")
            assert g.screen.query_one("#gl-paper", Select).value == "ddim"
            assert g.top() == "alpha-bar"
            await pilot.press("escape")
            app.open_glossary("\\alpha_t", "no-such-paper")  # an unknown paper: any paper, and a warning
            await until(pilot, lambda: isinstance(app.screen, GlossaryScreen), what="the glossary")
            g = Glossary(app, pilot)
            await g.settled()
            assert g.screen.paper is None
            assert any("no-such-paper" in n.message for n in app._notifications)

    run(main())


def test_a_paper_chosen_leads_with_its_notation_meaning_and_own_code(tmp_path):
    """α in DDIM: DDIM writes α_t for DDPM's ᾱ_t, so its meaning, equations and code (alphas_cumprod) come
    first, and DDPM's `alphas = 1 - betas` is nowhere; in DDPM, the other way round."""
    async def main():
        app = PaperkitApp(data_dir=tmp_path)
        async with app.run_test(size=(100, 40)) as pilot:
            g = await open_glossary(app, pilot, "alpha", paper="ddim")
            assert g.rows()[:2] == ["alpha", "alpha-bar"]
            assert str(g.table.columns["category"].label) == "in DDIM"
            assert str(g.table.get_row("alpha")[2]) == "αₜ" and str(g.table.get_row("alpha-bar")[2]) == "αₜ"
            text = g.detail
            lines = [line.strip() for line in text.splitlines() if line.strip()]
            assert lines[2].startswith("In DDIM") and "written αₜ" in lines[2] and "\\alpha_t" in lines[2]
            assert "DDIM's αₜ is the glossary's ᾱ “alpha bar”" in text
            assert "cumulative signal fraction" in text and "ddim.4" in text
            assert "PyTorch in DDIM" in text and "alphas_cumprod" in text
            assert "alphas = 1 - betas" not in text and "\\alpha_t := 1 - \\beta_t" not in text
            assert text.index("In DDIM") < text.index("Notation clash") < text.index("In general") < text.index("Meanings")
            g.table.focus()
            await pilot.press("k")  # DDIM's clash list carries DDIM's own code too
            await until(pilot, lambda: "Notation clashes in DDIM" in g.detail, what="the clash list")
            assert "alphas_cumprod" in g.detail and "alphas = 1 - betas" not in g.detail

            g.screen.query_one("#gl-paper", Select).value = "ddpm"
            await until(pilot, lambda: g.screen.paper == "ddpm", what="DDPM chosen")
            await g.settled()
            text = g.detail
            assert "In DDPM" in text and "1 − β_t" in text
            assert "alphas = 1 - betas" in text and "alphas_cumprod" not in text

            await g.set_query("alpha bar")
            g.screen.query_one("#gl-paper", Select).value = "ddim"
            await until(pilot, lambda: g.screen.paper == "ddim", what="DDIM again")
            await g.settled()
            assert g.top() == "alpha-bar" and "ᾱ is written αₜ" in g.detail

            await g.set_query("nabla")  # a symbol DDIM does not use: said so, the general entry stands
            assert "not among the symbols of its catalog equations" in g.detail and "loss.backward()" in g.detail
            assert str(g.table.get_row("nabla")[2]) == "—"

    run(main())


def test_a_letter_shows_its_decorated_forms_and_how_the_papers_write_it(tmp_path):
    async def main():
        app = PaperkitApp(data_dir=tmp_path)
        async with app.run_test(size=(100, 40)) as pilot:
            g = await open_glossary(app, pilot)
            await g.type("alpha")
            assert g.rows()[:2] == ["alpha", "alpha-bar"]  # ᾱ right after α
            text = g.detail
            forms = text[text.index("In the papers"):]
            assert "αₜ" in forms and "ᾱₜ" in forms and "DDPM" in forms and "DDIM" in forms
            assert "1 − β_t" in forms and "cumulative signal fraction" in forms  # one α_t, two meanings

    run(main())


def test_latex_is_shown_as_typed(tmp_path):
    """The status line quotes the query as typed: \\nabla with one backslash, not a Python repr."""
    async def main():
        app = PaperkitApp(data_dir=tmp_path)
        async with app.run_test(size=(100, 40)) as pilot:
            g = await open_glossary(app, pilot)
            await g.set_query("\\nabla")
            assert g.top() == "nabla"
            assert "'\\nabla'" in g.status and "\\\\" not in g.status
            await g.set_query("\\frac{")
            assert "no match for '\\frac{'" in g.status and "\\\\" not in g.status
            await g.set_query("\x1b[31m")
            assert "\x1b" not in g.status

    run(main())


# -- copying ----------------------------------------------------------------------------------


def test_c_copies_the_latex(tmp_path):
    async def main():
        app = PaperkitApp(data_dir=tmp_path)
        async with app.run_test(size=(100, 40)) as pilot:
            g = await open_glossary(app, pilot)
            await g.type("alpha bar")
            await pilot.press("enter")  # from the search box to the results
            await until(pilot, lambda: g.table.has_focus, what="the table's focus")
            await pilot.press("c")
            await until(pilot, lambda: app.clipboard == "\\bar{\\alpha}", what="the clipboard")
            assert any("copied" in n.message for n in app._notifications)

    run(main())


# -- bad input --------------------------------------------------------------------------------


def _random_unmatched(rng: random.Random) -> str:
    """Characters the glossary has nothing for: CJK, Hangul, emoji, with stray combining marks."""
    pools = [(0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0x1F600, 0x1F64F)]
    out = []
    for _ in range(rng.randint(3, 20)):
        lo, hi = rng.choice(pools)
        out.append(chr(rng.randint(lo, hi)))
    return "".join(out)


def test_bad_input_shows_no_match_and_the_app_carries_on(tmp_path):
    rng = random.Random(6)
    unmatched = ["", "   ", "x" * 5000, "☃௵", "}}}^^__", "\\frac{", "\\begin{", "$$", "\\\\\\", "{" * 300]
    unmatched += [_random_unmatched(rng) for _ in range(10)]
    anything = ["".join(chr(rng.randint(0x20, 0xFFFF)) for _ in range(rng.randint(1, 40))).replace("\ud800", "")
                for _ in range(20)]
    anything = ["".join(c for c in s if not 0xD800 <= ord(c) <= 0xDFFF) for s in anything]
    anything += ["\\mathcal{N", "\\bar{", "^_^", "\\alpha_{t-1", "\x00\x1b[31m", "[bold]x[/]", "\\sqrt[", "ᾱ" * 250]

    async def main():
        app = PaperkitApp(data_dir=tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            g = await open_glossary(app, pilot)
            assert g.top() == NO_MATCH and "no match" in g.status  # the empty box
            for paper in ("any", "ddim"):
                g.screen.query_one("#gl-paper", Select).value = paper
                await until(pilot, lambda: g.screen.paper == (None if paper == "any" else paper), what=paper)
                await g.settled()
                for text in unmatched:
                    await g.set_query(text)
                    assert g.rows() == [NO_MATCH], (text[:40], g.rows())
                    assert "no match" in g.status and "no match" in plain(g.table.get_row_at(0)[1])
                    assert app.is_running
                for text in anything:  # may match or not; never an exception, always a row
                    await g.set_query(text)
                    assert g.table.row_count >= 1 and app.is_running
            huge = "x" * 5000
            await g.set_query(huge)
            assert "5000 characters" in g.status
            g.table.focus()
            await pilot.press("c", "n", "k")  # nothing highlighted: messages, not errors
            await pilot.pause()
            assert app.is_running
            g.screen.query_one("#gl-query", Input).focus()
            g.screen.query_one("#gl-query", Input).value = ""
            await g.type("nabla")  # and it still works
            assert g.top() == "nabla"

    run(main())


def test_a_failing_lookup_is_a_message_not_a_crash(tmp_path, monkeypatch):
    import paperkit.glossary as glossary_pkg

    def broken(*args, **kwargs):
        raise RuntimeError("glossary data unreadable")

    monkeypatch.setattr(glossary_pkg, "lookup", broken)

    async def main():
        app = PaperkitApp(data_dir=tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            g = await open_glossary(app, pilot)
            await pilot.press(*"nabla")
            await until(pilot, lambda: "look-up failed" in g.status, what="the failure message")
            assert g.rows() == [NO_MATCH] and "glossary data unreadable" in g.status and app.is_running

    run(main())


# -- notes ------------------------------------------------------------------------------------


def test_a_symbol_note_is_saved_and_listed(tmp_path):
    async def main():
        app = PaperkitApp(data_dir=tmp_path)
        async with app.run_test(size=(100, 40)) as pilot:
            g = await open_glossary(app, pilot)
            await g.type("alpha bar")
            await pilot.press("enter")
            await until(pilot, lambda: g.table.has_focus, what="the table's focus")
            await pilot.press("n")
            from paperkit.tui.widgets.note_editor import NoteEditor

            await until(pilot, lambda: isinstance(app.screen, NoteEditor), what="the note editor")
            await pilot.press(*"DDIM calls this alpha_t")
            await pilot.press("ctrl+s")
            await until(pilot, lambda: isinstance(app.screen, GlossaryScreen), what="the editor to close")
            note = app.notes.get("sym:alpha-bar")
            assert note is not None and note.text == "DDIM calls this alpha_t"
            await until(pilot, lambda: "Your note" in g.detail, what="the note in the detail panel")
            assert "DDIM calls this alpha_t" in g.detail

            # the notes screen lists it; Enter opens the glossary on that very entry
            from paperkit.tui.screens.notes import NotesScreen

            app.action_notes()
            await until(pilot, lambda: isinstance(app.screen, NotesScreen), what="the notes screen")
            table = await ready(pilot, app.screen, "#notes-table")
            await until(pilot, lambda: "sym:alpha-bar" in [k.value for k in table.rows], what="the note row")
            row = table.get_row("sym:alpha-bar")
            assert str(row[1]) == "DDIM calls this alpha_t"
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, GlossaryScreen), what="the glossary")
            g2 = Glossary(app, pilot)
            await g2.settled()
            assert g2.top() == "alpha-bar"
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, NotesScreen), what="back to the notes")

            # x exports Markdown next to the database, and says where
            await pilot.press("x")
            export = tmp_path / "notes.md"
            await until(pilot, lambda: export.exists(), what="the export")
            assert "DDIM calls this alpha_t" in export.read_text()
            assert str(export) in str(app.screen.query_one("#notes-status", Label).render())

            # d asks first: n keeps it, y deletes it
            await pilot.press("d")
            await pilot.pause()
            await pilot.press("n")
            await pilot.pause()
            assert app.notes.get("sym:alpha-bar") is not None
            await pilot.press("d")
            await pilot.pause()
            await pilot.press("y")
            await until(pilot, lambda: app.notes.get("sym:alpha-bar") is None, what="the deletion")
            await until(pilot, lambda: [k.value for k in table.rows] == ["__empty__"], what="the empty list")

    run(main())


def test_a_symbol_note_survives_a_restart(tmp_path):
    async def write():
        app = PaperkitApp(data_dir=tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            g = await open_glossary(app, pilot, "nabla")
            g.table.focus()
            await pilot.press("n")
            await pilot.pause()
            await pilot.press(*"grad", "ctrl+s")
            await until(pilot, lambda: isinstance(app.screen, GlossaryScreen), what="the editor to close")

    async def read():
        app = PaperkitApp(data_dir=tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            g = await open_glossary(app, pilot, "nabla")
            assert app.notes.get("sym:nabla").text == "grad"
            await until(pilot, lambda: "Your note" in g.detail, what="the note")

    run(write())
    run(read())


def test_notes_unavailable_is_a_message(tmp_path):
    """A data folder that is a file: the store cannot open; n says so and the app carries on."""
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")

    async def main():
        app = PaperkitApp(data_dir=blocker / "sub")
        async with app.run_test(size=(80, 24)) as pilot:
            g = await open_glossary(app, pilot, "nabla")
            g.table.focus()
            await pilot.press("n")
            await until(pilot, lambda: any("unavailable" in n.message.lower() for n in app._notifications),
                             what="the notes-unavailable message")
            assert isinstance(app.screen, GlossaryScreen) and app.is_running

    run(main())


# -- bindings and sizes -----------------------------------------------------------------------


def test_every_binding_has_a_description_and_a_tooltip():
    from paperkit.tui.screens.notes import ConfirmDelete, NotesScreen
    from paperkit.tui.widgets.note_editor import NoteEditor

    for cls in (GlossaryScreen, SearchInput, NotesScreen, NoteEditor, ConfirmDelete):
        for binding in cls.BINDINGS:
            assert binding.description and binding.tooltip, (cls.__name__, binding.key)


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
def test_usable_at_both_sizes(tmp_path, size):
    async def main():
        app = PaperkitApp(data_dir=tmp_path)
        async with app.run_test(size=size) as pilot:
            g = await open_glossary(app, pilot, "alpha bar", paper="ddim")
            screen = g.screen
            for selector, min_height in (("#gl-query", 3), ("#gl-paper", 3), ("#gl-clashes", 3),
                                         ("#gl-results", 4), ("#gl-detail", 5)):
                widget = screen.query_one(selector)
                region = widget.region
                assert region.height >= min_height and region.width >= 10, (selector, region)
                assert region.right <= size[0] and region.bottom <= size[1] - 1, (selector, region)  # above the footer
            if size[0] >= 140:
                assert screen.has_class("-wide")  # table and detail side by side
                assert screen.query_one("#gl-detail").region.x > screen.query_one("#gl-results").region.x

    run(main())


def test_footer_keys_fit_80_columns(tmp_path):
    """Every key the footer shows is in sight at 80 columns, in the search box, the table and the
    paper choice; the rest are unshown but described (help lists them)."""
    async def main():
        app = PaperkitApp(data_dir=tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            g = await open_glossary(app, pilot, "alpha", paper="ddim")
            await settle(pilot)
            keys = footer_keys(app)
            assert not keys.cut and {"↓ Results", "esc Back"} <= set(keys.visible), keys
            g.table.focus()
            await settle(pilot)
            keys = footer_keys(app)
            assert not keys.cut, keys
            assert {"esc Back", "/ Search", "c Copy", "k Clashes", "n Note", "p Paper", "? Help"} <= set(keys.visible), keys
            await pilot.press("p")
            await settle(pilot)
            assert not footer_keys(app).cut
            hidden = [b for b in GlossaryScreen.BINDINGS if not b.show]
            assert {b.key for b in hidden} >= {"q", "down"} and all(b.description and b.tooltip for b in hidden)

    run(main())


# -- the command palette ----------------------------------------------------------------------


def _palette_hits(app) -> list[str]:
    from textual.command import CommandList

    options = app.screen.query_one(CommandList)
    return [str(options.get_option_at_index(i).hit.text) for i in range(options.option_count)]


@pytest.mark.parametrize("query, first, also", [
    ("alpha bar", "Equation ddpm.alpha_bar", "Symbol ᾱ"),   # words of the id, and the symbol by its name
    ("ddim 12", "Equation ddim.12", None),                  # the paper and the equation number
    ("nabla", "Symbol ∇", "Equation ddpm.alg1"),           # ∇_θ is in Algorithm 1's symbol table
])
def test_the_palette_finds_equations_by_their_words_and_symbols(tmp_path, query, first, also):
    async def main():
        from textual.command import CommandPalette

        app = PaperkitApp(data_dir=tmp_path)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+p")
            await until(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")
            await pilot.press(*query)
            await until(pilot, lambda: any(h.startswith(first) for h in _palette_hits(app)), timeout=TIMEOUT,
                        what=f"{first} in the palette")
            await until(pilot, lambda: also is None or any(h.startswith(also) for h in _palette_hits(app)[:4]),
                        timeout=TIMEOUT, what=f"{also} in the palette")
            assert _palette_hits(app)[0].startswith(first), _palette_hits(app)[:5]  # whole words first
            if first.startswith("Equation"):
                await pilot.press("enter")
                from paperkit.tui.screens.equation import EquationScreen

                await until(pilot, lambda: isinstance(app.screen, EquationScreen), what="the equation")
                assert app.screen.equation_id == first.split()[1].rstrip(":")

    run(main())


# -- snapshot ---------------------------------------------------------------------------------


def test_glossary_snapshot(snap_compare, tmp_path):
    """The glossary after typing "upside-down triangle" at 80×24, the results table focused."""
    app = PaperkitApp(data_dir=tmp_path)

    async def run_before(pilot):
        g = await open_glossary(app, pilot)
        await g.type("upside-down triangle")
        await pilot.press("enter")
        await until(pilot, lambda: g.table.has_focus, what="the table's focus")
        app.clear_notifications()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_glossary_snapshot_with_a_paper(snap_compare, tmp_path):
    """"alpha" with DDIM chosen at 80×24, the table focused: the "in DDIM" column (αₜ for α and ᾱ alike),
    and the detail leading with DDIM's spelling, meaning, equations and alphas_cumprod."""
    app = PaperkitApp(data_dir=tmp_path)

    async def run_before(pilot):
        g = await open_glossary(app, pilot, "alpha", paper="ddim")
        g.table.focus()
        await until(pilot, lambda: g.table.has_focus, what="the table's focus")
        await settle(pilot)
        app.clear_notifications()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
