"""Identifying a PDF against the catalog: by arXiv id on page 1, by title, by a known file hash."""

from __future__ import annotations

from paperkit.catalog.store import load_catalog
from paperkit.pdf.document import open_pdf
from paperkit.pdf.identify import arxiv_id, identify


def make_pdf(title_line: str | None = None, body: str = "Some words on a page.", meta_title: str | None = None) -> bytes:
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page()
    if title_line:
        page.insert_text((72, 120), title_line, fontsize=17)
    page.insert_text((72, 200), body, fontsize=10)
    if meta_title:
        doc.set_metadata({"title": meta_title})
    return doc.tobytes()


def test_by_arxiv_id_in_the_text():
    doc = open_pdf(make_pdf(body="Preprint arXiv:2006.11239v2 [cs.LG]"))
    assert arxiv_id(doc) == "2006.11239v2"
    assert identify(doc).paper_id == "ddpm" and identify(doc).by == "arxiv"


def test_by_title_on_page_one_or_in_the_metadata():
    found = identify(open_pdf(make_pdf("Denoising Diffusion Implicit Models")))
    assert (found.paper_id, found.by) == ("ddim", "title")
    found = identify(open_pdf(make_pdf(meta_title="DiffEdit: Diffusion-based semantic image editing with mask guidance")))
    assert (found.paper_id, found.by) == ("diffedit", "title")


def test_by_hash_of_a_known_file():
    known = load_catalog().paper("cfg").pdf_sha256[0]
    doc = open_pdf(make_pdf())
    assert identify(doc) is None
    doc.__dict__["sha256"] = known  # a copy with exactly the bytes arXiv serves
    assert (identify(doc).paper_id, identify(doc).by) == ("cfg", "hash")


def test_unknown_papers_are_not_claimed():
    assert identify(open_pdf(make_pdf("Attention Is All You Need", body="arXiv:1706.03762v5"))) is None
    assert identify(open_pdf(make_pdf("Denoising Diffusion"))) is None  # a part of a title is not enough
