"""PDFs the tests make with pymupdf: a scanned page (an image, no text layer), and a long PDF of
plain pages that mention Table 1 and cite [1] on every page, its bibliography on the last."""

from __future__ import annotations


def scanned_page(doc) -> None:
    """A page that is only an image, as a scanner makes it: no text layer."""
    import pymupdf

    page = doc.new_page()
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 120, 160), False)
    pix.clear_with(230)
    page.insert_image(page.rect, pixmap=pix)


def text_pages(pages: int, *, scanned_first: bool = False) -> bytes:
    """``pages`` pages of two lines each (the first with Table 1's caption, the last with the
    References), optionally after a scanned page."""
    import pymupdf

    doc = pymupdf.open()
    if scanned_first:
        scanned_page(doc)
    for i in range(pages):
        page = doc.new_page()
        if i == 0:
            page.insert_text((72, 100), "Table 1: Counts of things on every page.")
        page.insert_text((72, 300), f"Page {i + 1} repeats, as Table 1 says [1].")
        page.insert_text((72, 320), "A second line of plain running text follows here.")
        if i == pages - 1:
            page.insert_text((72, 500), "References", fontname="hebo", fontsize=14)
            page.insert_text((72, 520), "[1] A. Author. A title of a paper. 2020.")
    return doc.tobytes()
