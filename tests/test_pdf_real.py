"""The engine on the real arXiv PDFs: equation counts and labels as seen on the rendered pages
(tests/data/real_pdfs.json), the traps that look like labels, outline, reading order, running text."""

from __future__ import annotations

import pytest

from paperkit.pdf.identify import arxiv_id, identify
from paperkit.pdf.index import find_equations, iter_equations
from paperkit.pdf.outline import heading_outline, outline
from paperkit.pdf.search import search
from pdf_paths import REAL_NAMES, REAL_TRUTH


@pytest.mark.parametrize("name", REAL_NAMES)
def test_numbered_equations_match_the_pages(docs, name):
    truth = REAL_TRUTH[name]
    doc = docs(name)
    assert doc.page_count == truth["pages"]
    found = [(eq.page, eq.label) for eq in iter_equations(doc, latex=False)]
    assert found == [(e["page"], e["label"]) for e in truth["equations"]]


def test_batchnorm_has_no_numbered_equations_though_it_has_displays(docs):
    doc = docs("batchnorm.pdf")
    assert list(iter_equations(doc, latex=False)) == []
    assert REAL_TRUTH["batchnorm.pdf"]["unnumbered_displays"]  # there were displays to be fooled by


def test_table_cells_and_references_are_not_labels(docs):
    attention = docs("attention.pdf")
    assert "O(1)" in attention.text(6)  # the trap is there …
    assert [eq for eq in iter_equations(attention, latex=False) if eq.page == 6] == []  # … and not taken
    ppo = docs("ppo.pdf")
    assert "c1 (9)" in ppo.text(10).replace("\n", " ") or "(9)" in ppo.text(10)
    assert [eq.page for eq in iter_equations(ppo, latex=False) if eq.page in (7, 8, 9, 10)] == []
    cfg = docs("cfg.pdf")
    assert "(2021)" in cfg.text(7)
    assert all(eq.page != 7 for eq in iter_equations(cfg, latex=False))


def test_equation_boxes_hold_the_label_and_lie_in_the_text_block(docs):
    doc = docs("cfg.pdf")
    width, height = doc.page_size(5)
    (eq6,) = [eq for eq in iter_equations(doc, latex=False) if eq.label == "6"]
    x0, y0, x1, y1 = eq6.bbox
    lx0, ly0, lx1, ly1 = eq6.label_bbox
    assert x0 <= lx0 and lx1 <= x1 + 0.01 and y0 <= ly0 and ly1 <= y1 + 0.01
    assert 0 < x0 < x1 <= width and 0 < y0 < y1 <= height and y1 - y0 < 40  # one display, not the page


def test_cfg_is_identified_and_linked_to_the_catalog(docs):
    doc = docs("cfg.pdf")
    assert arxiv_id(doc) == "2207.12598v1"
    assert identify(doc).paper_id == "cfg" and identify(doc).by == "arxiv"
    report = find_equations(doc, latex=False)
    linked = {eq.label: eq.catalog_id for eq in report.equations}
    assert linked["6"] == "cfg.6" and linked["1"] is None
    assert report.missing == []


@pytest.mark.parametrize("name", REAL_NAMES)
def test_arxiv_stamp_is_read_and_papers_outside_the_catalog_are_not_claimed(docs, name):
    doc = docs(name)
    assert arxiv_id(doc) == REAL_TRUTH[name]["arxiv_id_on_page1"]
    found = identify(doc)
    assert (found.paper_id if found else None) == ("cfg" if name == "cfg.pdf" else None)


def _fold(title: str) -> str:
    return " ".join(title.replace("’", "'").lower().split())


@pytest.mark.parametrize("name", REAL_NAMES)
def test_outline_from_headings_finds_the_sections(docs, name):
    """Bookmarks where the PDF has them; the headings found on the pages must cover nearly all of
    the headings seen on the rendered pages, with the right page and level."""
    doc = docs(name)
    want = {(h["page"], h["level"], _fold(h["title"])) for h in REAL_TRUTH[name]["headings"]}
    got = {(e.page, e.level, _fold(e.title)) for e in heading_outline(doc)}
    assert len(want & got) >= 0.9 * len(want), sorted(want - got)
    assert len(got - want) <= 2, sorted(got - want)  # at most "Abstract"-like extras


def test_bookmarks_are_preferred_when_present(docs):
    marks = outline(docs("attention.pdf"))
    assert marks[0].source == "bookmarks" and marks[0].title == "1 Introduction" and marks[0].page == 1
    assert outline(docs("adam.pdf"))[0].source == "headings"


def test_running_headers_and_page_numbers_are_left_out(docs):
    adam = docs("adam.pdf")
    for number in (2, 5, 9):
        text = adam.text(number)
        assert "Published as a conference paper" not in text
        assert str(number) not in text.splitlines()  # the bare page number
    assert "Published as a conference paper at ICLR 2015" in adam.page(2).get_text()  # it was there


def test_two_columns_are_read_one_after_the_other(docs):
    doc = docs("batchnorm.pdf")
    layout = doc.layout(2)
    assert layout.two_column
    text = " ".join(doc.text(2).split())
    left = text.index("Fixed distribution of inputs to a sub-network")
    right = text.index("We define Internal Covariate Shift")
    assert left < right
    # each line of the left column is whole: no right-column text spliced into it
    assert "sub- network, as well." in text or "sub-network, as well." in text


def test_the_arxiv_stamp_is_not_body_text(docs):
    doc = docs("batchnorm.pdf")
    assert "arXiv:1502.03167v3" not in doc.text(1)
    assert any("1502.03167" in s for s in doc.layout(1).sidebar)


def test_search_finds_text_across_pages_and_ligatures(docs):
    doc = docs("attention.pdf")
    hits = search(doc, "scaled dot-product attention")
    assert {h.page for h in hits} >= {1, 4}
    assert search(doc, "SIGNIFICANTLY")  # "signiﬁcantly" is set with an ﬁ ligature
    assert search(doc, "no such phrase in this paper") == []
