"""The reader screen, driven by Textual's Pilot: a real paper (CFG) and the two-column fixture are
opened, read, searched and navigated; bad files give one message and the app carries on.

pytest-asyncio is not a dependency: each test runs its coroutine with ``asyncio.run``. Waits are
bounded polls on the screen's state, never fixed sleeps.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from paperkit.tui.app import PaperkitApp
from footer_helpers import footer_keys, settle
from pdf_paths import FIXTURES, ROOT, real_pdf
from tui_helpers import record_notifications, run, until

SIZE = (100, 40)
# every key of the reader but Back: none may be offered while no PDF is open
READER_KEYS = {"left_square_bracket", "right_square_bracket", "pageup", "pagedown", "slash", "t", "e", "p", "i",
               "c", "plus", "equals_sign", "minus"}
# textual-image's half-block renderer still calls a Pillow API deprecated for Pillow 14
pytestmark = pytest.mark.filterwarnings("ignore:Image.Image.getdata is deprecated:DeprecationWarning")


async def open_reader(app, pilot, path: Path):
    from paperkit.tui.screens.reader import ReaderScreen

    app.open_pdf(path)
    await until(pilot, lambda: isinstance(app.screen, ReaderScreen), what="the reader screen", timeout=15.0)
    screen = app.screen
    await until(pilot, lambda: screen.page_shown or screen.error, what=f"{path.name} to open", timeout=15.0)
    return screen


async def on_page(pilot, screen, number: int) -> None:
    await until(pilot, lambda: screen.page_shown == number and screen.page == number, what=f"page {number}", timeout=15.0)


async def reader_at_equation(pilot, path: Path, index: int):
    """The reader on ``path`` once indexed, at its ``index``-th numbered equation's page."""
    from paperkit.tui.screens.reader import ReaderScreen

    app = pilot.app
    app.open_pdf(path)
    await until(pilot, lambda: isinstance(app.screen, ReaderScreen), what="the reader", timeout=15.0)
    screen = app.screen
    await until(pilot, lambda: screen.equations is not None, what="the index", timeout=30.0)
    # and the notation, read after the index: its marks and panel are on the page (snapshots)
    await until(pilot, lambda: screen.notation is not None or screen.notation_error, what="the notation", timeout=30.0)
    eq = screen.equations[index]
    screen.go_to_page(eq.page, ("eq", eq))
    await on_page(pilot, screen, eq.page)
    return screen


async def reader_at(app, pilot, path: Path, number: int):
    """The reader on ``path``, at page ``number`` once it is shown."""
    screen = await open_reader(app, pilot, path)
    screen.go_to_page(number)
    await on_page(pilot, screen, number)
    return screen


def texts(screen) -> list[str]:
    return [row.text for row in screen.query_one("#page-text").rows]


def test_cfg_text_pages_and_equation_6_highlighted(tmp_path):
    pdf = real_pdf("cfg.pdf")

    async def scenario():
        app = PaperkitApp(data_dir=tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_reader(app, pilot, pdf)
            assert screen.error is None
            assert screen.page_count == 14
            assert "CLASSIFIER-FREE DIFFUSION GUIDANCE" in texts(screen)
            assert screen.title == "Classifier-Free Diffusion Guidance"
            assert "CFG" in screen.sub_title and "arXiv" in screen.sub_title

            await pilot.press("p", "5", "enter")  # go to page
            await on_page(pilot, screen, 5)
            rows = screen.query_one("#page-text").rows
            marked = [row for row in rows if row.equation is not None]
            assert len(marked) == 1, [r.text for r in marked]
            row = marked[0]
            assert row.text.endswith("(6)") and "(1 + w)" in row.text
            assert row.equation.label == "6" and row.equation.catalog_id == "cfg.6"
            assert row.marker == "(6) → cfg.6"
            option = screen.query_one("#page-text").get_option_at_index(rows.index(row))
            prompt = option.prompt
            assert "(6) → cfg.6" in prompt.plain
            assert any("$warning-muted" in str(span.style) for span in prompt.spans)  # highlighted

            await pilot.press("right_square_bracket")
            await on_page(pilot, screen, 6)
            await pilot.press("pageup")
            await on_page(pilot, screen, 5)
            await pilot.press("left_square_bracket")
            await on_page(pilot, screen, 4)
            screen.go_to_page(99)  # clamped, not an error
            await on_page(pilot, screen, 14)

    run(scenario())


def test_cfg_search_outline_and_help(tmp_path):
    pdf = real_pdf("cfg.pdf")

    async def scenario():
        app = PaperkitApp(data_dir=tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_reader(app, pilot, pdf)

            await pilot.press("slash")
            screen.query_one("#search").value = "implicit classifier"
            await pilot.press("enter")
            await until(pilot, lambda: screen.hits, what="search hits", timeout=15.0)
            first = screen.hits[0]
            assert "implicit classifier" in first.text.casefold()
            await pilot.press("enter")  # the first hit is highlighted in the results list
            await on_page(pilot, screen, first.page)
            text = screen.query_one("#page-text")
            # the line holding the match is highlighted, and the match itself reversed
            para, start, end = text._hit
            assert text.paragraphs[para].text[start:end].casefold() == "implicit classifier"
            line = text.rows[text.highlighted]
            assert line.para == para and line.start <= start < line.start + len(line.text) + 1
            prompt = text.get_option_at_index(text.highlighted).prompt
            assert any(str(span.style) == "reverse" for span in prompt.spans)

            await pilot.press("t")
            outline = screen.query_one("#outline")
            await until(pilot, lambda: screen.outline_entries, what="the outline", timeout=15.0)
            titles = [entry.title for entry in screen.outline_entries]
            assert titles[0] == "1 Introduction" and "4 Experiments" in titles
            assert outline.has_focus
            outline.highlighted = titles.index("4 Experiments")
            await pilot.press("enter")
            await on_page(pilot, screen, 5)

            await pilot.press("question_mark")
            await pilot.pause()
            from paperkit.tui.screens.help import HelpScreen

            assert isinstance(app.screen, HelpScreen)
            help_text = app.screen.text()
            for description in ("Go to page", "Search", "Outline", "Equations", "Page image", "Equation image", "Zoom in"):
                assert description.lower() in help_text.lower(), description

    run(scenario())


def _walk(node):
    for child in node.children:
        yield child
        yield from _walk(child)


def test_cfg_equations_list_opens_the_equation(tmp_path):
    pdf = real_pdf("cfg.pdf")

    async def scenario():
        app = PaperkitApp(data_dir=tmp_path)
        opened: list[str] = []
        real_open = app.open_equation
        has_screen = (ROOT / "tui/screens/equation.py").is_file()

        def open_equation(equation_id, *args, **kwargs):
            opened.append(equation_id)
            if has_screen:
                real_open(equation_id, *args, **kwargs)

        app.open_equation = open_equation
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_reader(app, pilot, pdf)
            await until(pilot, lambda: screen.equations is not None, what="the equation index", timeout=15.0)
            assert [eq.label for eq in screen.equations] == ["1", "2", "3", "4", "5", "6"]
            assert screen.missing == []

            await pilot.press("e")
            listing = screen.query_one("#equations")
            assert listing.has_focus
            # one without a catalog id: its LaTeX and symbols in the panel, and its page
            listing.highlighted = 0
            await pilot.press("enter")
            await on_page(pilot, screen, 2)
            detail = screen.query_one("#eq-detail")
            assert detail.display
            shown = str(detail.render())
            assert "Equation (1)" in shown and "\\mathcal{N}" in shown and "Symbols" in shown
            assert opened == []

            listing.highlighted = 5  # (6), linked to cfg.6
            await pilot.press("enter")
            await until(pilot, lambda: opened, what="open_equation", timeout=15.0)
            assert opened == ["cfg.6"]
            if has_screen:
                await until(pilot, lambda: type(app.screen).__name__ == "EquationScreen", what="the equation screen", timeout=15.0)

    run(scenario())


def test_image_pane_crop_and_zoom(tmp_path):
    pdf = real_pdf("cfg.pdf")

    async def scenario():
        app = PaperkitApp(data_dir=tmp_path)
        async with app.run_test(size=(140, 40)) as pilot:
            screen = await open_reader(app, pilot, pdf)
            image = screen.query_one("#page-image")
            await pilot.press("i")
            await until(pilot, lambda: image.has_picture, what="the page image", timeout=15.0)
            assert image.caption.startswith("Page 1 of 14")
            assert screen.query_one("#page-text").display  # wide enough: side by side
            await pilot.press("plus")
            assert image.zoom == 1.5
            await until(pilot, lambda: "zoom ×1.5" in image.caption, what="the zoomed image", timeout=15.0)

            screen.go_to_page(5)
            await on_page(pilot, screen, 5)
            await pilot.press("c")
            await until(pilot, lambda: image.caption.startswith("Equation (6)") and image.has_picture, what="the crop", timeout=15.0)
            assert "cfg.6" in image.caption
            assert image.picture.width > 2 * image.picture.height  # a one-line display, not the page
            assert not screen.query_one("#page-text").display  # the equation takes the reader's width

            await pilot.press("escape")  # back to the page image beside the text
            assert screen.query_one("#page-text").display and image.display and not image.equation
            await pilot.press("i")
            assert not image.display

    run(scenario())


def test_two_columns_read_left_before_right(tmp_path):
    pdf = FIXTURES / "twocol.pdf"

    async def scenario():
        app = PaperkitApp(data_dir=tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_reader(app, pilot, pdf)
            await until(pilot, lambda: screen.equations is not None, what="the equation index", timeout=15.0)
            paragraphs = [p.text for p in screen.query_one("#page-text").paragraphs]

            def where(start: str) -> int:
                return next(i for i, t in enumerate(paragraphs) if t.startswith(start))

            order = [where(t) for t in ("1 Introduction", "2 Background", "2.1 Predicting the clean image",
                                        "3 Accelerated sampling")]
            assert order == sorted(order), order
            assert paragraphs[where("1 Introduction") + 1].endswith("bers are those of the paper.")  # one paragraph
            marked = {row.equation.label: row.equation.catalog_id
                      for row in screen.query_one("#page-text").rows if row.first_of_equation}
            assert marked == {"4": "ddim.4", "9": "ddim.9", "12": "ddim.12", "14": "ddim.14", "16": "ddim.16"}
            # the spanning display (12) is read after both columns above it
            rows = screen.query_one("#page-text").rows
            eq12 = next(i for i, r in enumerate(rows) if r.first_of_equation and r.equation.label == "12")
            assert eq12 > next(i for i, r in enumerate(rows) if r.text.startswith("3 Accelerated sampling"))
            assert "DDIM" in screen.sub_title

    run(scenario())


def bad_files(folder: Path) -> dict[str, Path]:
    """One of each kind of file the reader must refuse with a message."""
    import pymupdf  # only to write an encrypted copy of a fixture

    folder.mkdir()
    files = {kind: folder / f"{kind}.pdf" for kind in ("empty", "truncated", "damaged", "encrypted")}
    files["not a pdf"] = folder / "notes [draft].txt"  # brackets: never read as markup
    files["not a pdf"].write_text("these are not the PDFs you are looking for\n")
    files["empty"].write_bytes(b"")
    files["truncated"].write_bytes((FIXTURES / "onecol.pdf").read_bytes()[:5000])
    files["damaged"].write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50 + b"\n%%EOF\n")
    with pymupdf.open(FIXTURES / "onecol.pdf") as doc:
        doc.save(files["encrypted"], encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="secret", owner_pw="owner")
    files["missing"] = folder / "missing.pdf"
    files["a directory"] = folder
    return files


def test_bad_files_give_one_message_each_and_the_app_carries_on(tmp_path):
    files = bad_files(tmp_path / "bad")
    expected = {"not a pdf": "is not a PDF", "empty": "is empty", "truncated": "is truncated",
                "damaged": "damaged", "encrypted": "encrypted", "missing": "no such file",
                "a directory": "is a folder, not a PDF file: it holds 4 PDFs (damaged.pdf, empty.pdf, encrypted.pdf, …)"}

    async def scenario():
        app = PaperkitApp(data_dir=tmp_path / "data")
        seen = record_notifications(app)
        async with app.run_test(size=SIZE) as pilot:
            for number, (kind, path) in enumerate(files.items()):
                seen.clear()
                screen = await open_reader(app, pilot, path)
                assert screen.error and expected[kind] in screen.error, (kind, screen.error)
                errors = [message for severity, message in seen if severity == "error"]
                assert errors == [screen.error], (kind, seen)
                assert "\n" not in screen.error
                message = str(screen.query_one("#reader-message").render())
                assert screen.error in message and "Escape" in message
                assert not screen.query_one("#reader-panes").display
                # nothing but Back is offered: no page, search, outline or image keys, in the footer or at all
                await settle(pilot)
                assert set(screen.active_bindings) & READER_KEYS == set(), kind
                assert "escape" in screen.active_bindings
                assert footer_keys(app).visible == ["esc Back", "? Help", "q Quit", "^p Commands"], kind
                if number == 0:  # keys do nothing, repeat no error, and the message stays
                    for key in ("right_square_bracket", "pagedown", "p", "i", "c", "plus", "e", "t", "slash"):
                        await pilot.press(key)
                    assert [message for severity, message in seen if severity == "error"] == [screen.error]
                    assert app.screen is screen and screen.query_one("#reader-message").display
                    assert screen.error in str(screen.query_one("#reader-message").render())
                await pilot.press("escape")
                await until(pilot, lambda: type(app.screen).__name__ == "LibraryScreen", what="the library", timeout=15.0)
            assert app.is_running

    run(scenario())


def test_library_lists_the_opened_pdf(tmp_path):
    pdf = FIXTURES / "twocol.pdf"

    async def scenario():
        app = PaperkitApp(data_dir=tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_reader(app, pilot, pdf)
            assert screen.error is None
            await pilot.press("escape")
            await until(pilot, lambda: type(app.screen).__name__ == "LibraryScreen", what="the library", timeout=15.0)
            listing = app.screen.query_one("#papers")

            def ids():
                return [listing.get_option_at_index(i).id for i in range(listing.option_count)]

            await until(pilot, lambda: any((i or "").startswith("pdf:") for i in ids()), what="recent PDFs", timeout=15.0)
            assert f"pdf:{pdf.resolve()}" in ids()

    run(scenario())


# -- reading at any width ------------------------------------------------------------------------


def screen_lines(text) -> list[tuple[int, str]]:
    """(paragraph, text) of each screen line of the page text, blank lines left out."""
    return [(row.para, row.text) for row in text.rows if not row.blank]


def assert_wrapped_to(text, width: int) -> None:
    """Every line fits ``width`` cells, and within a paragraph no line ends early: the next line's
    first word would not have fitted on it (the PDF's own line breaks are gone)."""
    lines = screen_lines(text)
    assert lines
    for (para, line), (next_para, next_line) in zip(lines, lines[1:]):
        assert len(line) <= width, line
        if para == next_para and text.paragraphs[para].kind == "text":
            assert len(line) + 1 + len(next_line.split(" ")[0]) > width, (line, next_line)


def test_reflow_at_80_40_and_200_columns(tmp_path):
    """At 80 columns the PDF's lines used to be wrapped again ("coverage" alone on a line); now
    each paragraph is one block wrapped to the pane, again on every resize."""
    pdf = real_pdf("cfg.pdf")

    async def scenario():
        app = PaperkitApp(data_dir=tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_reader(app, pilot, pdf)
            text = screen.query_one("#page-text")
            await until(pilot, lambda: text._wrapped_at and text._wrapped_at == text.scrollable_content_region.width,
                        what="the text wrapped to the pane")
            width = text.scrollable_content_region.width - 2  # the gutter: two cells before each line
            assert_wrapped_to(text, width)
            abstract = next(p for p, para in enumerate(text.paragraphs) if para.text.startswith("Classifier guidance is"))
            assert len(text.paragraphs[abstract].rows) == 12  # twelve lines in the PDF, 78–88 characters …
            lines = [line for para, line in screen_lines(text) if para == abstract]
            assert lines[0] == "Classifier guidance is a recently introduced method to trade off mode"
            # … one paragraph here: as few lines as the text needs at this width (row by row it took 24)
            assert len(lines) <= len(text.paragraphs[abstract].text) // (width - 15) + 1
            assert min(len(line) for line in lines[:-1]) >= width - 15
            text.highlighted = text.line_of(abstract, 300)
            mark = text.rows[text.highlighted].start  # the first word of the line under the cursor

            for size in ((40, 24), (200, 50), (80, 24)):
                await pilot.resize_terminal(*size)
                await until(pilot, lambda: text._wrapped_at == text.scrollable_content_region.width, what="the re-wrap")
                assert_wrapped_to(text, text.scrollable_content_region.width - 2)
                here = text.rows[text.highlighted]
                assert here.para == abstract and here.start <= mark <= here.start + len(here.text)  # the place is kept
            assert [line for para, line in screen_lines(text) if para == abstract] == lines

    run(scenario())


def test_place_survives_the_notation_arriving_between_resizes(tmp_path):
    """The page is read again when the paper's notation arrives; if that lands between two resizes,
    the cursor keeps the words it was on, not the start of the wider line that held them."""
    pdf = real_pdf("cfg.pdf")

    async def scenario():
        app = PaperkitApp(data_dir=tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_reader(app, pilot, pdf)
            await until(pilot, lambda: screen.notation is not None and screen.page in screen._pages,
                        what="the notation and the page read again with it", timeout=30.0)
            text = screen.query_one("#page-text")
            await until(pilot, lambda: text._wrapped_at == text.scrollable_content_region.width, what="the wrap")
            abstract = next(p for p, para in enumerate(text.paragraphs) if para.text.startswith("Classifier guidance is"))
            text.highlighted = text.line_of(abstract, 300)
            mark = text.rows[text.highlighted].start
            await pilot.resize_terminal(200, 50)
            await until(pilot, lambda: text._wrapped_at == text.scrollable_content_region.width, what="the re-wrap")
            wide = text.rows[text.highlighted]
            assert wide.para == abstract and wide.start < mark  # the wide line starts before the place
            screen._notation_ready(screen.notation)  # as when the notation lands now: the page is read again
            assert screen.page not in screen._pages
            await until(pilot, lambda: screen.page in screen._pages, what="the page read again")
            await pilot.pause()
            await pilot.resize_terminal(80, 24)
            await until(pilot, lambda: text._wrapped_at == text.scrollable_content_region.width, what="the re-wrap")
            assert text.rows[text.highlighted].para == abstract and text.rows[text.highlighted].start == mark

    run(scenario())


def test_cfg_page_3_has_no_replacement_character(tmp_path):
    pdf = real_pdf("cfg.pdf")

    async def scenario():
        app = PaperkitApp(data_dir=tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await reader_at(app, pilot, pdf, 3)
            text = screen.query_one("#page-text")
            assert not any("\ufffd" in row.text for row in text.rows)
            (five,) = [row for row in text.rows if row.first_of_equation]
            assert five.text == "Eϵ,λ[∥ϵθ(zλ) −ϵ∥22] (5)" and five.marker == "(5)"  # still its own line, marked
            assert any("Hyvärinen & Dayan" in row.text for row in text.rows)
            assert "⍰" not in str(screen.query_one("#reader-status").render())

    run(scenario())


def outline_text(listing) -> str:
    """What the outline list shows, its lines joined."""
    return " ".join(" ".join(listing.render_line(y).text.split()) for y in range(listing.size.height))


def test_outline_titles_are_shown_in_full_at_80_columns(tmp_path):
    pdf = real_pdf("cfg.pdf")

    async def scenario():
        app = PaperkitApp(data_dir=tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_reader(app, pilot, pdf)
            await pilot.press("t")
            await until(pilot, lambda: screen.outline_entries, what="the outline", timeout=15.0)
            await settle(pilot)
            listing = screen.query_one("#outline")
            assert listing.has_focus and screen.query_one("#side").outer_size.width == 40  # as wide as 80 columns allow
            shown = outline_text(listing)
            for entry in screen.outline_entries:  # every heading, to its last word, with its page
                assert f"{entry.title} p. {entry.page}" in shown, (entry.title, shown)
            assert "4.3 Varying the number of sampling steps p. 8" in shown  # wider than the panel: wrapped

    run(scenario())


def test_equation_image_is_large_at_80_columns(tmp_path):
    """The crop of (6) used to be 2 rows high; it now takes the reader's width, cut into lines tall
    enough to read in half-blocks (``EquationImage``)."""
    pdf = real_pdf("cfg.pdf")

    async def scenario():
        app = PaperkitApp(data_dir=tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await reader_at(app, pilot, pdf, 5)
            await until(pilot, lambda: screen.source.known_equations(5), what="the page's equations", timeout=15.0)
            await pilot.press("c")
            image = screen.query_one("#page-image")
            await until(pilot, lambda: image.equation and image.has_picture, what="the crop", timeout=15.0)
            await until(pilot, lambda: image._equation_widget.children, what="the crop's pieces", timeout=15.0)
            await settle(pilot)
            pieces = list(image._equation_widget.children)
            assert not screen.query_one("#page-text").display and image.has_focus
            assert all(piece.size.height >= 5 for piece in pieces), [p.size for p in pieces]
            assert sum(piece.size.height for piece in pieces) >= 16, [p.size for p in pieces]
            assert all(piece.size.width <= image.size.width for piece in pieces)
            await pilot.press("escape")
            assert screen.query_one("#page-text").display and not image.display

    run(scenario())


def test_zoomed_page_starts_at_the_text_and_pans(tmp_path):
    pdf = real_pdf("cfg.pdf")

    async def scenario():
        app = PaperkitApp(data_dir=tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await reader_at(app, pilot, pdf, 5)
            image = screen.query_one("#page-image")
            await pilot.press("i")
            await until(pilot, lambda: image.has_picture, what="the page image", timeout=15.0)
            assert image.has_focus and not screen.query_one("#page-text").display  # 80 columns: the image alone
            full = image.picture.size
            await pilot.press("plus")
            await until(pilot, lambda: image.has_picture and "text area" in image.caption, what="the zoom", timeout=15.0)
            # the picture is the page's text box, not its blank corner: narrower than the page for its height
            x0, y0, x1, y1 = screen._pages[5].content_box
            scale = image.picture.size[0] / (x1 - x0 + 12)
            assert abs(scale - 2.25) < 0.05 and image.picture.size[0] / image.picture.size[1] != full[0] / full[1]
            await settle(pilot)
            assert image.max_scroll_y > 0 and image.scroll_y == 0
            await pilot.press("pagedown")  # pans, the page stays
            await settle(pilot)
            assert screen.page == 5 and image.scroll_y > 0
            await pilot.press("down", "right")
            await settle(pilot)
            assert image.scroll_x > 0
            await pilot.press("end")
            await settle(pilot)
            assert image.scroll_y == image.max_scroll_y
            await pilot.press("home")
            await settle(pilot)
            assert image.scroll_y == 0
            await pilot.press("right_square_bracket")  # ] still turns the page
            await on_page(pilot, screen, 6)

    run(scenario())


def test_pagedown_scrolls_the_text_then_turns_the_page(tmp_path):
    pdf = real_pdf("cfg.pdf")

    async def scenario():
        app = PaperkitApp(data_dir=tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_reader(app, pilot, pdf)
            text = screen.query_one("#page-text")
            first = text.highlighted
            await pilot.press("pagedown")
            await settle(pilot)
            assert screen.page == 1 and text.highlighted > first
            text.highlighted = max(i for i, row in enumerate(text.rows) if not row.blank)
            await pilot.press("pagedown")
            await on_page(pilot, screen, 2)
            await pilot.press("pageup")  # at the top of page 2: back to the end of page 1
            await on_page(pilot, screen, 1)
            assert text.highlighted == max(i for i, row in enumerate(text.rows) if not row.blank)

    run(scenario())


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
def test_footer_shows_every_key_it_offers(tmp_path, size):
    pdf = real_pdf("cfg.pdf")

    async def scenario():
        app = PaperkitApp(data_dir=tmp_path)
        async with app.run_test(size=size) as pilot:
            await open_reader(app, pilot, pdf)
            await settle(pilot)
            keys = footer_keys(app)
            assert not keys.cut, keys
            assert {"esc Back", "[", "]", "/ Find", "t Outline", "e Equations", "? Help", "q Quit"} <= set(keys.visible)

    run(scenario())


def no_notation(monkeypatch) -> None:
    """The reader reads an empty notation: these snapshots show the text and images as they are, not
    what the notation engine finds this week (tests/test_tui_notation.py has the notation's own)."""
    from paperkit.pdf.notation import Notation
    from paperkit.tui.screens.reader_source import ReaderSource

    monkeypatch.setattr(ReaderSource, "notation", lambda self, progress=None, cancel=None: Notation([], [], []))


def test_reader_snapshot_at_80x24(snap_compare, tmp_path, monkeypatch):
    """cfg.pdf page 3 at 80×24: paragraphs wrapped to the width, display (5) on its own marked line,
    CMEX brackets read, the footer's keys all in sight."""
    pdf = real_pdf("cfg.pdf")
    no_notation(monkeypatch)

    async def open_page_3(pilot):
        await reader_at_equation(pilot, pdf, 4)
        await settle(pilot)

    assert snap_compare(PaperkitApp(data_dir=tmp_path), terminal_size=(80, 24), run_before=open_page_3)


def test_equation_image_snapshot_at_80x24(snap_compare, tmp_path, monkeypatch):
    """cfg.pdf's (6) as the reader shows it with ``c`` at 80×24 in half-blocks (tmux): the full
    width, cut into lines of the equation large enough to read."""
    pdf = real_pdf("cfg.pdf")
    no_notation(monkeypatch)

    async def open_crop(pilot):
        screen = await reader_at_equation(pilot, pdf, 5)
        await pilot.press("c")
        image = screen.query_one("#page-image")
        await until(pilot, lambda: image.equation and image.has_picture and image._equation_widget.children,
                    what="the crop", timeout=15.0)
        await settle(pilot, turns=6)

    assert snap_compare(PaperkitApp(data_dir=tmp_path), terminal_size=(80, 24), run_before=open_crop)


def test_a_scanned_pdf_says_so_and_stays_usable(tmp_path):
    """A PDF whose pages are images only: each page says it has no text layer and how to see it, the
    notation reads as empty (no marks, no error), and the page image opens."""
    import pymupdf

    scanned = tmp_path / "scanned.pdf"
    doc = pymupdf.open()
    for _ in range(2):
        page = doc.new_page()
        pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 60, 80), False)
        pix.clear_with(200)
        page.insert_image(page.rect, pixmap=pix)
    doc.save(scanned)

    async def scenario():
        app = PaperkitApp(data_dir=tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_reader(app, pilot, scanned)
            assert texts(screen) == ["Page 1 has no text layer (a scanned page?): press i to see its image."]
            await until(pilot, lambda: screen.notation is not None or screen.notation_error, what="the notation",
                        timeout=30.0)
            assert screen.notation is not None and not screen.notation.symbols and not screen.notation.mentions
            await pilot.press("right_square_bracket")
            await on_page(pilot, screen, 2)
            assert texts(screen)[0].startswith("Page 2 has no text layer")
            await pilot.press("i")
            await until(pilot, lambda: screen.query_one("#page-image").display, what="the page image")

    run(scenario())
