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


def _tex_font(base: str, old: bytes, new: bytes) -> bytes:
    """A pymupdf base font renamed in its CFF name index, so the PDF calls it as TeX does (CMMI10,
    CMR10) and paperkit reads it through TeX's encodings."""
    import pymupdf

    buf = bytearray(pymupdf.Font(base).buffer)
    at = buf.find(old)
    buf[at:at + len(old)] = new
    return bytes(buf)


def decorated_maths() -> bytes:
    """One line of prose with inline maths as TeX sets it: R̄M̄S̄ with its bar drawn as a line (no
    glyph), and z̃ whose tilde is a glyph of its own in CMR10 above the z in CMMI10; each symbol
    defined in words ("the root mean square RMS", "z̃ denotes the edited code")."""
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_font(fontname="T", fontbuffer=pymupdf.Font("tiro").buffer)
    page.insert_font(fontname="M", fontbuffer=_tex_font("tiit", b"NimbusRoman-Italic", b"CMMI10-ItalicCMMI1"))
    page.insert_font(fontname="R", fontbuffer=_tex_font("tiro", b"NimbusRoman-Regular", b"CMR10-RegularCMR10x"))
    roman, italic = pymupdf.Font("tiro"), pymupdf.Font("tiit")
    y, x = 200.0, 72.0

    def text(s: str, font: str) -> float:
        nonlocal x
        start = x
        page.insert_text((x, y), s, fontname=font, fontsize=10)
        x += (italic if font == "M" else roman).text_length(s, fontsize=10)
        return start

    text("We normalise by the root mean square ", "T")
    start = text("RMS", "M")
    page.draw_line((start + 0.5, y - 8.2), (x - 0.5, y - 8.2), width=0.4)
    text(" of the activations. The noisy latent ", "T")
    start = text("z", "M")
    page.insert_text((start + 0.6, y - 2.5), "\u02dc", fontname="R", fontsize=10)
    text(" denotes the edited code.", "T")
    return doc.tobytes()
