"""The paper's notation in the app, driven by Textual's Pilot on real PDFs: in the reader, the symbol
or reference under the cursor shows its definition or target, ←/→ choose among a line's items, Enter
jumps there and Backspace back; a PDF equation's panel gives the paper's definitions (the glossary's
meaning only as a marked fallback); the equation screen adds "in this PDF"; the glossary's paper
filter offers the open PDF. Bad cases: a line without items, an unresolved reference, a notation that
cannot be read — one message each, and the reader stays usable.

Most tests give the reader a hand-made ``Notation`` (``ReaderSource.notation`` replaced), built from
the PDF's real paragraphs, so that they test the app, not the engine's reading.
"""

from __future__ import annotations

import pytest

from footer_helpers import footer_keys, settle
from paperkit.pdf.notation import Notation
from paperkit.pdf.notation.model import Definition, PaperSymbol, Place, Use
from paperkit.pdf.xref.model import Mention, Target
from paperkit.tui.app import PaperkitApp
from pdf_paths import real_pdf
from tui_helpers import NoNotes, record_notifications, run, until

SIZE = (100, 40)
pytestmark = pytest.mark.filterwarnings("ignore:Image.Image.getdata is deprecated:DeprecationWarning")


# -- a hand-made notation, placed on the PDF's own paragraphs ---------------------------------------
def paragraphs(source, page: int) -> list:
    with source.lock:
        return source.doc.paragraphs(page, source.page_equations(page))


def place(source, page: int, start_of_para: str, words: str, nth: int = 0) -> Place:
    """Where ``words`` are printed in the paragraph of ``page`` that starts with ``start_of_para``."""
    paras = paragraphs(source, page)
    p = next(i for i, para in enumerate(paras) if para.text.startswith(start_of_para))
    at = -1
    for _ in range(nth + 1):
        at = paras[p].text.index(words, at + 1)
    return Place(page, p, at, at + len(words))


def ppo_notation(source) -> Notation:
    """ppo.pdf: [KL02] (page 3) → the bibliography (page 9); Figure 2 (page 3) → its caption (page 4);
    "Section 6.1" left unresolved; r_t(θ) defined on page 3 and used below; L^CLIP used, never
    defined; ϵ defined as a hyperparameter, used in equation (7)."""
    kl02 = place(source, 3, "The superscript CPI", "[KL02]")
    bib = place(source, 9, "[KL02]", "[KL02]")
    fig = place(source, 3, "Figure 2 provides", "Figure 2")
    caption = place(source, 4, "Figure 2: Surrogate", "Figure 2")
    section = place(source, 4, "Figure 2: Surrogate", "Section 6.1")
    defined = place(source, 3, "Let rt(θ) denote", "rt(θ)")
    used = place(source, 3, "The superscript CPI", "rt(θ)")
    clip = place(source, 3, "Figure 2 provides", "LCLIP")
    eps = place(source, 3, "where epsilon is", "ϵ")
    ratio = PaperSymbol("r_t(\\theta)", "rt(θ)",
                        [Definition("the probability ratio", "Let rt(θ) denote the probability ratio", defined, "denotes")],
                        [Use("Let rt(θ) denote the probability ratio", defined),
                         Use("move rt(θ) away from 1", used), Use("", Place(3, 2, 0, 0), equation="6")])
    lclip = PaperSymbol("L^{CLIP}", "LCLIP", [], [Use("the surrogate objective LCLIP", clip),
                                                   Use("", Place(3, 6, 0, 0), equation="7")])
    epsilon = PaperSymbol("\\epsilon", "ϵ", [Definition("a hyperparameter", "where epsilon is a hyperparameter, say, ϵ = 0.2",
                                                       eps, "is")],
                          [Use("say, ϵ = 0.2", eps), Use("", Place(3, 6, 0, 0), equation="7")])
    mentions = [
        Mention("citation", "[KL02]", "KL02", kl02,
                Target("citation", "KL02", 9, None, "S. Kakade and J. Langford. “Approximately optimal approximate "
                       "reinforcement learning”. ICML 2002.", para=bib.para)),
        Mention("figure", "Figure 2", "2", fig,
                Target("figure", "2", 4, None, "Figure 2: Surrogate objectives, as we interpolate between the initial "
                       "policy parameter θold, and the updated policy parameter", para=caption.para)),
        Mention("section", "Section 6.1", "6.1", section, None),
    ]
    return Notation([ratio, lclip, epsilon], mentions, [])


def inject(monkeypatch, build) -> None:
    """The reader reads ``build(source)`` as the paper's notation, page by page like the engine."""
    from paperkit.tui.screens.reader_source import ReaderSource

    def notation(self, progress=None, cancel=None):
        for page in range(1, self.page_count + 1):
            if cancel is not None and cancel():
                break
            if progress is not None:
                progress(page, self.page_count)
        return build(self)

    monkeypatch.setattr(ReaderSource, "notation", notation)


async def reader_with_notation(app, pilot, path, page: int):
    from paperkit.tui.screens.reader import ReaderScreen

    app.open_pdf(path)
    await until(pilot, lambda: isinstance(app.screen, ReaderScreen), what="the reader", timeout=15.0)
    screen = app.screen
    await until(pilot, lambda: screen.notation is not None or screen.notation_error, what="the notation", timeout=60.0)
    assert screen.notation is not None, screen.notation_error
    screen.go_to_page(page)
    await until(pilot, lambda: screen.page_shown == page and screen.page == page, what=f"page {page}", timeout=15.0)
    await settle(pilot)
    return screen


def in_reader(monkeypatch, tmp_path, name: str, notation_of, page: int, body, size=SIZE) -> None:
    """Run ``body(app, pilot, screen, built)`` in the reader on the real PDF ``name`` at ``page``, its
    notation built by ``notation_of(source)`` (kept in ``built["n"]``)."""
    pdf = real_pdf(name)
    built = {}
    inject(monkeypatch, lambda source: built.setdefault("n", notation_of(source)))

    async def scenario():
        app = PaperkitApp(data_dir=tmp_path, notes=NoNotes())
        async with app.run_test(size=size) as pilot:
            screen = await reader_with_notation(app, pilot, pdf, page)
            await body(app, pilot, screen, built)

    run(scenario())


def line_with(text, para: int, start: int) -> int:
    return text.line_of(para, start)


async def cursor_to(pilot, screen, where: Place) -> None:
    text = screen.query_one("#page-text")
    text.highlighted = text.line_of(where.para, where.start)
    await until(pilot, lambda: screen._items_line == text.highlighted, what="the cursor line's items")
    await settle(pilot)


def panel(screen) -> str:
    return screen.query_one("#notation-panel").plain


# -- the reader ----------------------------------------------------------------------------------
def test_a_reference_shows_its_target_enter_jumps_and_backspace_returns(monkeypatch, tmp_path):
    async def body(app, pilot, screen, built):
        text = screen.query_one("#page-text")
        kl02 = built["n"].mentions[0]
        await cursor_to(pilot, screen, kl02.place)
        assert screen.current_item is kl02
        assert panel(screen).startswith("[KL02] → page 9: S. Kakade and J. Langford.")
        assert panel(screen).endswith("Enter: go to p. 9")
        line = text.highlighted
        # the reference is marked (underlined) and, chosen, reversed on its line
        prompt = text.get_option_at_index(line).prompt
        start = kl02.place.start - text.rows[line].start + 2  # the gutter
        styles = [str(s.style) for s in prompt.spans if s.start <= start < s.end]
        assert any("underline" in st for st in styles) and "bold reverse" in styles, styles

        await pilot.press("enter")
        await until(pilot, lambda: screen.page_shown == 9, what="the bibliography's page", timeout=15.0)
        await settle(pilot)
        row = text.rows[text.highlighted]
        assert text.paragraphs[row.para].text.startswith("[KL02] S. Kakade")  # the cursor on the entry
        assert text._target_para == row.para  # and the entry tinted
        assert screen.jumps and panel(screen).endswith("Backspace: back to p. 3")

        await pilot.press("backspace")
        await until(pilot, lambda: screen.page_shown == 3, what="page 3 again", timeout=15.0)
        await settle(pilot)
        assert text.highlighted == line and screen.current_item is kl02
        assert not screen.jumps
        assert "Backspace" not in panel(screen).splitlines()[1]

    in_reader(monkeypatch, tmp_path, "ppo.pdf", ppo_notation, 3, body)


def test_left_right_choose_among_the_items_of_a_line(monkeypatch, tmp_path):
    async def body(app, pilot, screen, built):
        figure, lclip = built["n"].mentions[1], built["n"].symbols[1]
        await cursor_to(pilot, screen, figure.place)
        assert [item for _, _, item in screen._line_items] == [figure, lclip]  # left to right
        assert panel(screen).startswith("Figure 2 → page 4: Figure 2: Surrogate objectives")
        assert panel(screen).splitlines()[1] == "←/→ 1 of 2 on this line · Enter: go to p. 4"
        keys = footer_keys(app)
        assert {"←", "→"} <= set(keys.visible) and not keys.cut, keys  # shown as "←→ Item"
        await pilot.press("right")
        assert screen.current_item is lclip
        assert panel(screen).splitlines() == ["LCLIP  not defined in this PDF  ·  used on p. 3 · equations (7)",
                                              "←/→ 2 of 2 on this line · no definition to go to"]
        await pilot.press("right")  # round again
        assert screen.current_item is figure
        await pilot.press("left")
        assert screen.current_item is lclip
        await pilot.press("enter")  # not defined: a message, no jump
        await settle(pilot)
        assert screen.page == 3 and not screen.jumps
        await pilot.press("left", "enter")
        await until(pilot, lambda: screen.page_shown == 4, what="the figure's caption", timeout=15.0)
        text = screen.query_one("#page-text")
        assert text.paragraphs[text.rows[text.highlighted].para].text.startswith("Figure 2: Surrogate")

    in_reader(monkeypatch, tmp_path, "ppo.pdf", ppo_notation, 3, body)


def test_enter_on_a_symbol_goes_to_its_definition(monkeypatch, tmp_path):
    async def body(app, pilot, screen, built):
        ratio = built["n"].symbols[0]
        use = ratio.uses[1].place
        await cursor_to(pilot, screen, use)
        text = screen.query_one("#page-text")
        while screen.current_item is not ratio:  # the line may hold [KL02] too
            await pilot.press("right")
        assert panel(screen).startswith("rt(θ)  the probability ratio  ·  defined p. 3 · used on p. 3 · equations (6)")
        assert "Enter: its definition, p. 3" in panel(screen)
        before = text.highlighted
        await pilot.press("enter")
        definition = ratio.definition.place
        await until(pilot, lambda: text.rows[text.highlighted].para == definition.para, what="the definition")
        assert text._hit == (definition.para, definition.start, definition.end)  # the symbol reversed
        assert screen.jumps[-1][0] == 3
        await pilot.press("backspace")
        await until(pilot, lambda: text.highlighted == before, what="the line jumped from")
        assert screen.current_item is ratio  # the same item chosen again

    in_reader(monkeypatch, tmp_path, "ppo.pdf", ppo_notation, 3, body)


def test_a_line_without_items_and_an_unresolved_reference(monkeypatch, tmp_path):
    pdf = real_pdf("ppo.pdf")
    built = {}
    inject(monkeypatch, lambda source: built.setdefault("n", ppo_notation(source)))

    async def scenario():
        app = PaperkitApp(data_dir=tmp_path, notes=NoNotes())
        seen = record_notifications(app)
        async with app.run_test(size=SIZE) as pilot:
            screen = await reader_with_notation(app, pilot, pdf, 4)
            text = screen.query_one("#page-text")
            # a line of the page with nothing marked: the panel explains, the keys do nothing
            plain = next(i for i, row in enumerate(text.rows) if not row.blank and not text.items_on(i))
            text.highlighted = plain
            await until(pilot, lambda: screen._items_line == plain, what="the plain line")
            await settle(pilot)
            assert screen.current_item is None
            assert panel(screen).startswith("On this page: 1 reference (underlined)")
            keys = footer_keys(app)
            assert not {"←", "→"} & set(keys.visible) and not keys.cut
            await pilot.press("right", "left", "enter")
            await settle(pilot)
            assert screen.page == 4 and text.highlighted == plain and not screen.jumps

            section = built["n"].mentions[2]
            await cursor_to(pilot, screen, section.place)
            while screen.current_item is not section:
                await pilot.press("right")
            assert panel(screen).startswith("Section 6.1 → not found in this PDF")
            assert panel(screen).splitlines()[1].endswith("no target to go to")
            seen.clear()
            await pilot.press("enter")
            await settle(pilot)
            assert seen == [("warning", "Section 6.1: not found in this PDF")]
            assert screen.page == 4 and not screen.jumps
            await pilot.press("right_square_bracket")  # still reading
            await until(pilot, lambda: screen.page_shown == 5, what="page 5", timeout=15.0)
            assert not screen.query_one("#notation-panel").display  # nothing marked on page 5

    run(scenario())


def test_a_notation_that_cannot_be_read_is_one_line(monkeypatch, tmp_path):
    from paperkit.pdf.document import PdfError
    from paperkit.tui.screens.reader_source import ReaderSource

    pdf = real_pdf("ppo.pdf")

    def broken(self, progress=None, cancel=None):
        raise PdfError("ppo.pdf: page 5 could not be analysed (bad font)")

    monkeypatch.setattr(ReaderSource, "notation", broken)

    async def scenario():
        app = PaperkitApp(data_dir=tmp_path, notes=NoNotes())
        seen = record_notifications(app)
        async with app.run_test(size=SIZE) as pilot:
            from paperkit.tui.screens.reader import ReaderScreen

            app.open_pdf(pdf)
            await until(pilot, lambda: isinstance(app.screen, ReaderScreen), what="the reader", timeout=15.0)
            screen = app.screen
            await until(pilot, lambda: screen.notation_error, what="the failure", timeout=60.0)
            assert seen == [("warning", "ppo.pdf: page 5 could not be analysed (bad font)")]
            assert "notation unavailable" in str(screen.query_one("#reader-status").render())
            assert not screen.query_one("#notation-panel").display
            assert app.open_pdf_notation is None
            await pilot.press("right_square_bracket")
            await until(pilot, lambda: screen.page_shown == 2, what="page 2", timeout=15.0)
            eq = screen.equations[0]
            screen.choose_equation(eq)  # the panel still lists the symbols, and says why no definitions
            shown = str(screen.query_one("#eq-detail").render())
            assert "Symbols" in shown and "notation is unavailable" in shown

    run(scenario())


def test_a_pdf_equation_lists_the_papers_definitions_then_the_glossarys(monkeypatch, tmp_path):
    pdf = real_pdf("ppo.pdf")
    inject(monkeypatch, ppo_notation)

    async def scenario():
        app = PaperkitApp(data_dir=tmp_path, notes=NoNotes())
        async with app.run_test(size=SIZE) as pilot:
            screen = await reader_with_notation(app, pilot, pdf, 3)
            seven = next(eq for eq in screen.equations if eq.label == "7")
            assert seven.catalog_id is None  # PPO is not a catalog paper
            await pilot.press("e")
            listing = screen.query_one("#equations")
            listing.highlighted = screen.equations.index(seven)
            await pilot.press("enter")
            await settle(pilot)
            shown = str(screen.query_one("#eq-detail").render())
            lines = shown.splitlines()
            assert "  ε \\epsilon — a hyperparameter (p. 3)" in lines, lines  # the paper's own, with its page
            # the glossary's meaning (its first clause), marked; and for a letter it has nothing on, a dash
            assert "  θ \\theta — the learnable parameters of a model  (glossary)" in lines, lines
            assert any(line.strip().endswith("— —") for line in lines), lines  # nothing known: a dash

    run(scenario())


def cfg_notation(source) -> Notation:
    """cfg.pdf page 5: w defined in Algorithm 2 ("Require: w: guidance strength"); "Eq. (6)" below the
    display, its target given by label and box only (no paragraph), as the engine may."""
    w_at = place(source, 5, "Require: w:", "w")
    w = PaperSymbol("w", "w", [Definition("guidance strength", "Require: w: guidance strength", w_at, "colon")],
                    [Use("Require: w: guidance strength", w_at), Use("", Place(5, 14, 0, 0), equation="6")])
    six = next(eq for eq in source.page_equations(5) if eq.label == "6")
    mention = Mention("equation", "Eq. (6)", "6", place(source, 5, "Eq. (6) has no", "Eq. (6)"),
                      Target("equation", "6", 5, six.bbox, six.latex))
    return Notation([w], [mention], [])


def test_a_catalog_equation_opened_from_the_pdf_shows_its_definitions(monkeypatch, tmp_path):
    pdf = real_pdf("cfg.pdf")
    inject(monkeypatch, cfg_notation)

    async def scenario():
        app = PaperkitApp(data_dir=tmp_path, notes=NoNotes())
        async with app.run_test(size=SIZE) as pilot:
            from paperkit.tui.screens.equation import EquationScreen

            screen = await reader_with_notation(app, pilot, pdf, 5)
            six = next(eq for eq in screen.equations if eq.label == "6")
            screen.choose_equation(six)
            await until(pilot, lambda: isinstance(app.screen, EquationScreen), what="the equation screen", timeout=15.0)
            eq_screen = app.screen
            assert eq_screen.detected is six and eq_screen.notation is screen.notation
            await settle(pilot)
            listing = eq_screen.query_one("#eq-symbols")
            prompts = [listing.get_option_at_index(i).prompt.plain for i in range(listing.option_count)]
            w = next(p for p in prompts if p.startswith("w  "))
            assert "guidance strength, w ≥ 0" in w  # the catalog's own text stays
            assert "in this PDF: guidance strength (p. 5)" in w
            assert not any("in this PDF" in p for p in prompts if not p.startswith("w  "))

    run(scenario())


def test_a_reference_to_an_equation_lands_on_its_row(monkeypatch, tmp_path):
    async def body(app, pilot, screen, built):
        text = screen.query_one("#page-text")
        mention = built["n"].mentions[0]
        await cursor_to(pilot, screen, mention.place)
        assert panel(screen).startswith("Eq. (6) → page 5: ε̃_θ(")  # the equation's LaTeX, read as Unicode
        await pilot.press("enter")
        await until(pilot, lambda: text.rows[text.highlighted].first_of_equation, what="the equation's row")
        assert text.rows[text.highlighted].equation.label == "6" and screen.jumps
        await pilot.press("enter")  # on the equation's row Enter keeps its meaning: open it
        await until(pilot, lambda: type(app.screen).__name__ == "EquationScreen", what="the equation screen",
                    timeout=15.0)

    in_reader(monkeypatch, tmp_path, "cfg.pdf", cfg_notation, 5, body)


@pytest.mark.parametrize("width", [80, 89, 106, 107, 200])
def test_the_footer_fits_with_items_and_a_jump(monkeypatch, tmp_path, width):
    """The reader's usual keys fill 80 columns: "←→ Item" and "⌫ Back to p. N" join them where they
    fit, none is ever cut, and the panel names the keys at every width."""
    async def body(app, pilot, screen, built):
        figure = built["n"].mentions[1]
        await cursor_to(pilot, screen, figure.place)
        keys = footer_keys(app)
        assert not keys.cut, keys
        assert ({"←", "→"} <= set(keys.visible)) == (width >= 89), keys
        assert "q Quit" in keys.visible and "Enter: go to p. 4" in panel(screen)
        await pilot.press("enter")
        await until(pilot, lambda: screen.page_shown == 4, what="page 4", timeout=15.0)
        await cursor_to(pilot, screen, built["n"].mentions[2].place)  # a line with items
        keys = footer_keys(app)
        assert not keys.cut, keys
        assert ("⌫ Back to p. 3" in keys.visible) == (width >= 107), keys
        assert "Backspace: back to p. 3" in panel(screen)

    in_reader(monkeypatch, tmp_path, "ppo.pdf", ppo_notation, 3, body, size=(width, 30))


def test_notation_snapshot_at_80x24(snap_compare, monkeypatch, tmp_path):
    """ppo.pdf page 3 at 80×24 with the hand-made notation: rt(θ) coloured, [KL02] underlined and
    chosen (reversed) on the cursor line, the panel naming its target and the keys."""
    pdf = real_pdf("ppo.pdf")
    built = {}
    inject(monkeypatch, lambda source: built.setdefault("n", ppo_notation(source)))
    app = PaperkitApp(data_dir=tmp_path, notes=NoNotes())

    async def run_before(pilot):
        screen = await reader_with_notation(app, pilot, pdf, 3)
        kl02 = built["n"].mentions[0]
        await cursor_to(pilot, screen, kl02.place)
        while screen.current_item is not kl02:
            await pilot.press("right")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


# -- the glossary --------------------------------------------------------------------------------
def test_the_glossary_offers_the_open_pdf(monkeypatch, tmp_path):
    pdf = real_pdf("ppo.pdf")
    inject(monkeypatch, ppo_notation)

    async def scenario():
        from textual.widgets import Select

        from paperkit.tui.screens.glossary import THIS_PDF, GlossaryScreen

        app = PaperkitApp(data_dir=tmp_path, notes=NoNotes())
        async with app.run_test(size=SIZE) as pilot:
            app.open_glossary()  # before any PDF: the catalog's papers only
            await until(pilot, lambda: isinstance(app.screen, GlossaryScreen) and app.screen.query("#gl-paper"),
                        what="the glossary")
            values = [v for _, v in app.screen.query_one("#gl-paper", Select)._options]
            assert THIS_PDF not in values
            await pilot.press("escape")

            screen = await reader_with_notation(app, pilot, pdf, 3)
            assert app.open_pdf_notation == (screen.title, screen.notation)
            await pilot.press("g")
            await until(pilot, lambda: isinstance(app.screen, GlossaryScreen) and app.screen.query("#gl-paper"),
                        what="the glossary")
            g = app.screen
            select = g.query_one("#gl-paper", Select)
            labels = {v: str(label) for label, v in select._options}
            assert labels[THIS_PDF] == "this PDF: Proximal…"
            select.value = THIS_PDF
            await until(pilot, lambda: g.pdf is not None and g.shown_query == "" and "pdf:0" in g.hits, what="the PDF's symbols")
            assert [h.symbol.text for h in g.hits.values()] == ["rt(θ)", "ϵ", "LCLIP"]  # defined first

            g.query_one("#gl-query").value = "probability"  # a word of a definition
            await until(pilot, lambda: g.shown_query == "probability", what="the look-up")
            assert [h.symbol.text for h in g.hits.values()] == ["rt(θ)"]
            from test_tui_glossary import plain

            detail = plain(g.query_one("#gl-detail-text").content)
            assert "the probability ratio" in detail and "defined on p. 3" in detail
            assert "used on p. 3 · 3 times" in detail and "equations (6)" in detail
            assert "glossary" not in detail.split("matched by")[0]  # defined: no fallback shown

            g.query_one("#gl-query").value = "\\epsilon"
            await until(pilot, lambda: g.shown_query == "\\epsilon", what="the look-up")
            assert [h.symbol.text for h in g.hits.values()] == ["ϵ"]

            g.query_one("#gl-query").value = "clip"
            await until(pilot, lambda: g.shown_query == "clip", what="the look-up")
            detail = plain(g.query_one("#gl-detail-text").content)
            assert "not defined in this PDF" in detail and "(glossary, not this paper)" in detail

            g.query_one("#gl-query").value = "zzz"
            await until(pilot, lambda: g.shown_query == "zzz", what="the look-up")
            assert "no symbol of this PDF matches 'zzz'" in str(g.query_one("#gl-status").render())

            await pilot.press("escape")  # back in the reader; closing it withdraws "this PDF"
            await pilot.press("escape")
            await until(pilot, lambda: app.open_pdf_notation is None, what="the PDF withdrawn")

    run(scenario())


# -- end to end: the engine's own reading ----------------------------------------------------------
def test_end_to_end_on_ppo_with_the_engine(tmp_path):
    """No injection: the reader reads ppo.pdf's notation itself. "Figure 2" on page 3 leads to its
    caption on page 4 and back; equation (1)'s panel gives Â_t the paper's words; the glossary's
    "this PDF" finds Â_t by a word of its definition."""
    pdf = real_pdf("ppo.pdf")

    async def scenario():
        from paperkit.tui.screens.glossary import THIS_PDF, GlossaryScreen

        app = PaperkitApp(data_dir=tmp_path, notes=NoNotes())
        async with app.run_test(size=SIZE) as pilot:
            screen = await reader_with_notation(app, pilot, pdf, 3)
            text = screen.query_one("#page-text")
            assert screen.query_one("#notation-panel").display and text.has_marks
            figure = next(m for m in screen.notation.mentions if m.text == "Figure 2" and m.place.page == 3)
            await cursor_to(pilot, screen, figure.place)
            while screen.current_item is not figure:
                await pilot.press("right")
            assert panel(screen).startswith("Figure 2 → page 4: Figure 2: Surrogate objectives")
            line = text.highlighted
            await pilot.press("enter")
            await until(pilot, lambda: screen.page_shown == 4, what="the caption's page", timeout=15.0)
            await settle(pilot)
            assert text.paragraphs[text.rows[text.highlighted].para].text.startswith("Figure 2: Surrogate objectives")
            await pilot.press("backspace")
            await until(pilot, lambda: screen.page_shown == 3 and text.highlighted == line, what="back", timeout=15.0)

            one = next(eq for eq in screen.equations if eq.label == "1")
            screen.choose_equation(one)
            await settle(pilot)
            shown = str(screen.query_one("#eq-detail").render())
            assert "— an estimator of the advantage function at timestep t (p. 2)" in shown
            assert "(glossary)" in shown  # ∇, log: the generic meaning, marked

            await pilot.press("escape", "g")
            await until(pilot, lambda: isinstance(app.screen, GlossaryScreen) and app.screen.query("#gl-paper"),
                        what="the glossary")
            g = app.screen
            g.query_one("#gl-paper").value = THIS_PDF
            g.query_one("#gl-query").value = "advantage"
            await until(pilot, lambda: g.pdf is not None and g.shown_query == "advantage", what="the look-up")
            assert g.current.symbol.latex == "\\hat{A}_t"

    run(scenario())
