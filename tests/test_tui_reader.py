"""The reader screen, driven by Textual's Pilot: a real paper (CFG) and the two-column fixture are
opened, read, searched and navigated; bad files give one message and the app carries on.

pytest-asyncio is not a dependency: each test runs its coroutine with ``asyncio.run``. Waits are
bounded polls on the screen's state, never fixed sleeps.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from paperkit.tui.app import PaperkitApp
from pdf_paths import FIXTURES, ROOT, real_pdf
from tui_helpers import run, until

SIZE = (100, 40)
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


def texts(screen) -> list[str]:
    return [row.text for row in screen.query_one("#page-text").rows]


def record_notifications(app) -> list[tuple[str, str]]:
    seen: list[tuple[str, str]] = []
    original = app.notify

    def notify(message, *args, **kwargs):
        seen.append((kwargs.get("severity", "information"), str(message)))
        return original(message, *args, **kwargs)

    app.notify = notify
    return seen


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
            assert text.highlighted is not None and text.rows[text.highlighted].text == first.text
            prompt = text.get_option_at_index(text.highlighted).prompt
            assert any(str(span.style) == "reverse" for span in prompt.spans)

            await pilot.press("t")
            from textual.widgets import Tree

            tree = screen.query_one("#outline", Tree)
            await until(pilot, lambda: tree.root.children and tree.root.children[0].data, what="the outline", timeout=15.0)
            labels = [str(node.label.plain) for node in _walk(tree.root)]
            assert any(label.startswith("1 Introduction") for label in labels), labels
            intro = next(node for node in _walk(tree.root) if str(node.label.plain).startswith("4 Experiments"))
            tree.select_node(intro)
            await on_page(pilot, screen, 5)

            await pilot.press("question_mark")
            await pilot.pause()
            from paperkit.tui.screens.help import HelpScreen

            assert isinstance(app.screen, HelpScreen)
            help_text = app.screen.text()
            for description in ("Go to page", "Search", "Outline", "Equations", "Image", "Zoom in"):
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
            picture = image._picture_widget.image
            assert picture.width > 2 * picture.height  # a one-line display, not the page

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
            rows = texts(screen)
            order = [rows.index(t) for t in ("1 Introduction", "bers are those of the paper.", "2 Background",
                                              "2.1 Predicting the clean image", "3 Accelerated sampling")]
            assert order == sorted(order), order
            marked = {row.equation.label: row.equation.catalog_id
                      for row in screen.query_one("#page-text").rows if row.first_of_equation}
            assert marked == {"4": "ddim.4", "9": "ddim.9", "12": "ddim.12", "14": "ddim.14", "16": "ddim.16"}
            # the spanning display (12) is read after both columns above it
            eq12 = next(i for i, r in enumerate(screen.query_one("#page-text").rows) if r.first_of_equation
                        and r.equation.label == "12")
            assert eq12 > rows.index("3 Accelerated sampling")
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
                "damaged": "damaged", "encrypted": "encrypted", "missing": "no such file", "a directory": "directory"}

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
                if number == 0:  # nothing to act on, and nothing breaks or repeats the error
                    for key in ("right_square_bracket", "p", "i", "c", "plus", "e", "escape", "slash", "escape"):
                        await pilot.press(key)
                    assert [message for severity, message in seen if severity == "error"] == [screen.error]
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
