"""Cross-references read from PDFs alone (issue 14): "Eq. (6)", "Table 3", "Section 2", "[13]",
"(Ho et al., 2020)" found in the running text and resolved to the equation, caption, heading or
bibliography entry they name — checked against what the real papers print on their pages."""

from __future__ import annotations

import functools
import tracemalloc

import pytest

from paperkit.pdf.document import open_pdf
from paperkit.pdf.index import page_equations
from paperkit.pdf.xref import XrefReader
from paperkit.pdf.xref.bibliography import surnames
from paperkit.pdf.xref.mentions import find_mentions
from pdf_factories import text_pages
from pdf_paths import FIXTURES, real_pdf


def read_xrefs(path):
    """Drive the reader as ``read_notation`` does: each page's equations, paragraphs and layout once."""
    doc = open_pdf(path)
    reader = XrefReader(doc)
    for number in range(1, doc.page_count + 1):
        equations = page_equations(doc, number)
        reader.add_page(number, doc.paragraphs(number, equations), equations, doc.layout(number))
    return reader.finish()


@functools.cache
def real(name: str):
    return read_xrefs(real_pdf(name))


@functools.cache
def fixture(name: str):
    return read_xrefs(FIXTURES / name)


def find(mentions, page: int, text: str, label: str | None = None):
    hits = [m for m in mentions if m.place.page == page and m.text == text and (label is None or m.label == label)]
    assert hits, f"no mention {text!r} on page {page}: {[m.text for m in mentions if m.place.page == page]}"
    return hits[0]


# -- the forms a mention takes, on their own --------------------------------------------------------

@pytest.mark.parametrize("text, kind, labels", [
    ("as Eq. (6) shows", "equation", ["6"]),
    ("from Eqs. (6) and (7)", "equation", ["6", "7"]),
    ("Equation 6 gives", "equation", ["6"]),
    ("using equation (6)", "equation", ["6"]),
    ("see Eqs. (6)–(8)", "equation", ["6", "7", "8"]),
    ("Algorithm 1 trains", "algorithm", ["1"]),
    ("by Alg. 1", "algorithm", ["1"]),
    ("in Table 2,", "table", ["2"]),
    ("in Tab. 2", "table", ["2"]),
    ("Figure 3 plots", "figure", ["3"]),
    ("Fig. 3", "figure", ["3"]),
    ("Figs. 3 and 4", "figure", ["3", "4"]),
    ("Figures 1, 3 and 6 to 8 show", "figure", ["1", "3", "6", "7", "8"]),
    ("in Section 3.1.", "section", ["3.1"]),
    ("Sec. 3.1", "section", ["3.1"]),
    ("§3.1", "section", ["3.1"]),
    ("in Appendix A", "section", ["A"]),
    ("Sections 2 and 4", "section", ["2", "4"]),
    ("memory [23] and", "citation", ["23"]),
    ("models [1, 4–6].", "citation", ["1", "4", "5", "6"]),
    ("Ioffe and Szegedy [13]", "citation", ["13"]),
    ("policies [Sch+15b; Dua+16]", "citation", ["Sch+15b", "Dua+16"]),
    ("models (Ho et al., 2020).", "citation", ["Ho et al., 2020"]),
    ("(Ho et al., 2020; Song et al., 2021)", "citation", ["Ho et al., 2020", "Song et al., 2021"]),
    ("as Ho et al. (2020) show", "citation", ["Ho et al., 2020"]),
    ("Ho & Salimans (2021) propose", "citation", ["Ho & Salimans, 2021"]),
    ("Adam (Kingma & Ba, 2014)", "citation", ["Kingma & Ba, 2014"]),
    ("Kingma and Ba (2014) use", "citation", ["Kingma & Ba, 2014"]),
    ("(Gülc¸ehre & Bengio, 2013)", "citation", ["Gülc¸ehre & Bengio, 2013"]),
    ("(Song et al., 2021a;", "citation", ["Song et al., 2021a"]),
])
def test_mention_forms(text, kind, labels):
    found = find_mentions(text)
    assert [f.kind for f in found] == [kind] * len(found) and found
    assert [label for f in found for label, _, _ in f.labels] == labels
    for f in found:
        for _, start, end in f.labels:
            assert 0 <= start < end <= len(text)


@pytest.mark.parametrize("text", [
    "the interval u ∈ [0, 1] of",  # an interval, not a citation
    "f(6) and g (x)",  # a function's argument
    "a subsequence 3 of",  # "sequence" is no keyword; "sub" … neither
    "the tables turned in 2020",  # no number after the keyword
    "TRPO [Sch+15b",  # not closed
])
def test_not_mentions(text):
    assert [f for f in find_mentions(text) if f.how != "bare"] == []


def test_surnames_of_both_name_orders():
    assert surnames("Bengio, Yoshua and Glorot, Xavier. Understanding the difficulty") == ["Bengio", "Glorot"]
    assert surnames("Jonathan Ho, Ajay Jain, and Pieter Abbeel. Denoising diffusion") == ["Ho", "Jain", "Abbeel"]
    assert surnames("M. Bellemare, Y. Naddaf, J. Veness, and M. Bowling. “The arcade") == ["Bellemare", "Naddaf", "Veness", "Bowling"]
    assert surnames("Hinton, G.E. and Salakhutdinov, R.R. Reducing the dimensionality") == ["Hinton", "Salakhutdinov"]
    assert surnames("Pascal Vincent. A connection between score matching") == ["Vincent"]
    assert surnames("Zinkevich, Martin. Online convex programming") == ["Zinkevich"]


# -- real papers -------------------------------------------------------------------------------------

def test_ppo_equation_mentions_resolve_to_their_labels():
    mentions = real("ppo.pdf")
    five = find(mentions, 2, "Equation (5)")  # "optimize the penalized objective Equation (5) with SGD"
    assert five.kind == "equation" and five.target.kind == "equation"
    assert (five.target.label, five.target.page) == ("5", 2)
    ten = find(mentions, 5, "Equation (10)")  # "which reduces to Equation (10) when λ = 1"
    assert (ten.target.label, ten.target.page) == ("10", 5) and ten.target.para is not None
    assert ten.target.text  # the equation's LaTeX, one line
    section = find(mentions, 2, "Section 6.1")
    assert section.target.page == 5 and section.target.text == "6.1 Comparison of Surrogate Objectives"
    appendix = find(mentions, 8, "Appendix B")
    assert appendix.target.page == 10 and appendix.target.text.startswith("B Performance on More Atari Games")


def test_ppo_key_citations():
    mentions = real("ppo.pdf")
    mnih = find(mentions, 1, "[Mni+16]")
    assert mnih.target.label == "Mni+16" and mnih.target.page == 9
    assert "V. Mnih" in mnih.target.text and "Asynchronous methods" in mnih.target.text
    both = [m for m in mentions if m.text == "[Sch+15b; Dua+16]"]
    assert [m.label for m in both] == ["Sch+15b", "Dua+16"]
    assert "Trust region policy optimization" in both[0].target.text and "Y. Duan" in both[1].target.text
    # the enumerations "are (1) RoboschoolHumanoid …, (2) …" (p.7) and "metrics: (1) …, and (2) …" (p.8)
    # name labels the paper has, but they are list items
    assert not [m for m in mentions if m.place.page in (7, 8) and m.kind == "equation"]


def test_attention_figures_tables_sections():
    mentions = real("attention.pdf")
    figure = find(mentions, 2, "Figure 1")  # "shown in the left and right halves of Figure 1"
    assert figure.target.kind == "figure" and figure.target.page == 3
    assert figure.target.text.startswith("Figure 1: The Transformer - model architecture")
    table = find(mentions, 8, "Table 3")
    assert table.target.page == 9 and table.target.text.startswith("Table 3: Variations on the Transformer")
    assert find(mentions, 7, "table 3").target is table.target  # "bottom line of table 3"
    section = find(mentions, 8, "Section 3.2.2")
    assert (section.target.page, section.target.text) == (4, "3.2.2 Multi-Head Attention")
    # "Section 23 of WSJ" names the treebank's section, not the paper's: it stays unresolved
    assert find(mentions, 9, "Section 23").target is None


def test_attention_numbered_citations():
    mentions = real("attention.pdf")
    lstm = find(mentions, 1, "[13]")  # "long short-term memory [13]"
    assert lstm.target.label == "13" and lstm.target.page == 11
    assert "Hochreiter and Jürgen Schmidhuber. Long short-term memory" in lstm.target.text
    group = [m for m in mentions if m.place.page == 2 and m.text == "[35, 2, 5]"]
    assert [m.label for m in group] == ["35", "2", "5"]
    assert "Sutskever" in group[0].target.text and "Bahdanau" in group[1].target.text
    assert len({m.place.start for m in group}) == 3  # each number has its own place
    citations = [m for m in mentions if m.kind == "citation"]
    assert all(m.target is not None for m in citations)
    # nothing inside the bibliography (pages 10–12) is counted as a mention of itself
    assert not [m for m in mentions if m.place.page in (11, 12)]
    # a caption's own "Figure 1:" is its target, not a mention
    assert not [m for m in mentions if (m.place.page, m.place.para, m.place.start) == (3, 0, 0)]


def test_cfg_author_year_citations():
    mentions = real("cfg.pdf")
    ddpm = find(mentions, 1, "Ho et al., 2020")
    assert ddpm.target.label == "Ho et al., 2020" and ddpm.target.page == 10
    assert ddpm.target.text.startswith("Jonathan Ho, Ajay Jain, and Pieter Abbeel. Denoising diffusion probabilistic models")
    cascaded = find(mentions, 1, "Ho et al., 2021")
    assert "Cascaded diffusion models" in cascaded.target.text
    a, b = find(mentions, 1, "Song et al., 2021a"), find(mentions, 1, "Song et al., 2021b")
    assert "Maximum likelihood training" in a.target.text and "stochastic differential equations" in b.target.text
    textual = find(mentions, 3, "Ho et al. (2020)")  # "the discrete time ancestral sampler of … Ho et al. (2020)"
    assert textual.target == ddpm.target
    yearless = find(mentions, 2, "Dhariwal & Nichol")  # "Dhariwal & Nichol can trade off"
    assert yearless.target.text.startswith("Prafulla Dhariwal and Alex Nichol. Diffusion models beat GANs")
    # "u ∈ [0, 1]" (p.3) is an interval; the paper's citations are author–year
    assert not [m for m in mentions if m.text.startswith("[")]


def test_cfg_equations_algorithms_and_figure_ranges():
    mentions = real("cfg.pdf")
    six = [m for m in mentions if m.text == "Eq. (6)"]
    assert len(six) == 3 and all((m.target.label, m.target.page) == ("6", 5) for m in six)
    algorithms = [m for m in mentions if m.text == "Algorithms 1 and 2"]
    assert [(m.target.label, m.target.page) for m in algorithms] == [("1", 4), ("2", 5)]
    assert algorithms[0].target.text.startswith("Algorithm 1 Joint training a diffusion model")
    figures = [m for m in mentions if m.text == "Figures 1, 3 and 6 to 8"]
    assert [(m.label, m.target.page) for m in figures] == [("1", 1), ("3", 6), ("6", 12), ("7", 13), ("8", 14)]
    section = find(mentions, 4, "Section 1")
    assert (section.target.page, section.target.text) == (1, "1 INTRODUCTION")


def test_adam_algorithm_sections_equation():
    mentions = real("adam.pdf")
    algorithm = find(mentions, 2, "algorithm 1")  # "See algorithm 1 for pseudo-code"
    assert (algorithm.target.kind, algorithm.target.page) == ("algorithm", 2)
    assert algorithm.target.text.startswith("Algorithm 1: Adam, our proposed algorithm")
    adamax = find(mentions, 8, "algorithm 2")
    assert adamax.target.page == 9 and "AdaMax" in adamax.target.text
    section = find(mentions, 2, "Section 3")  # "Section 3 explains our initialization bias correction"
    assert (section.target.page, section.target.text) == (3, "3 INITIALIZATION BIAS CORRECTION")
    assert find(mentions, 2, "section 2").target.text == "2 ALGORITHM"
    eq = find(mentions, 3, "eq. (1)")
    assert (eq.target.label, eq.target.page) == ("1", 3)
    # "section 1.2 in (Duchi et al., 2011)" is a section of the cited paper
    assert find(mentions, 4, "section 1.2").target is None
    assert "Adaptive subgradient methods" in find(mentions, 4, "Duchi et al., 2011").target.text


def test_batchnorm_hanging_indent_bibliography_and_appendix():
    mentions = real("batchnorm.pdf")
    alg = find(mentions, 4, "Alg. 1")
    assert alg.target.page == 3 and alg.target.text.startswith("Algorithm 1: Batch Normalizing Transform")
    sec = find(mentions, 7, "Sec. 4.2.1")
    assert (sec.target.page, sec.target.text) == (6, "4.2.1 Accelerating BN Networks")
    cite = find(mentions, 8, "Gülc¸ehre & Bengio, 2013")
    assert cite.target.text.startswith("Gülc¸ehre, C¸ aglar and Bengio, Yoshua. Knowledge matters")
    lecun = find(mentions, 3, "LeCun et al., 1998b")
    assert "Efficient backprop" in lecun.target.text  # 1998b, not 1998a
    # the bibliography ends at "Appendix": the appendix's "Figure 5 documents …" is running text again
    figure = find(mentions, 9, "Figure 5")
    assert figure.target.page == 11 and figure.target.text.startswith("Figure 5: Inception architecture")


@pytest.mark.parametrize("name, unresolved", [
    ("adam.pdf", {(4, "section 1.2")}),  # "section 1.2 in (Duchi et al., 2011)": the cited paper's
    ("attention.pdf", {(9, "Section 23"), (10, "Section 22")}),  # sections of the WSJ treebank
    ("batchnorm.pdf", set()),
    ("cfg.pdf", set()),
    ("ppo.pdf", set()),
])
def test_everything_else_resolves(name, unresolved):
    mentions = real(name)
    assert len([m for m in mentions if m.kind == "citation"]) >= 25
    assert {(m.place.page, m.text) for m in mentions if m.target is None} == unresolved


def test_places_point_into_the_paragraph_text():
    doc = open_pdf(real_pdf("cfg.pdf"))
    mentions = real("cfg.pdf")
    for page in (1, 5, 7):
        paragraphs = doc.paragraphs(page, page_equations(doc, page))
        for m in (m for m in mentions if m.place.page == page):
            text = paragraphs[m.place.para].text[m.place.start:m.place.end]
            in_range = " to " in text or "–" in text  # "6 to 8" is the place of 7
            assert m.label.split()[0].split(",")[0] in text or in_range, (m, text)
            x0, top, x1, bottom = m.place.bbox
            assert x0 < x1 and top < bottom


# -- traps: a bare "(n)" that is not a reference ------------------------------------------------------

def test_bare_numbers_only_for_the_papers_own_labels():
    onecol = fixture("onecol.pdf")
    bare = [(m.place.page, m.text, m.target.label) for m in onecol if m.text.startswith("(")]
    # "predicted from (4) into the posterior mean", "see (3)", "(5)" at a line's start, "in (3) above"
    assert bare == [(2, "(4)", "4"), (3, "(3)", "3"), (3, "(5)", "5"), (3, "(3)", "3")]
    # not mentions: the table's last column "(1) (2) (3)", "(2), (3)", the matrix "(1) (2) / (3) (4)",
    # and "as in (A.1)" — onecol has no equation A.1
    assert not [m for m in onecol if m.text == "(A.1)"]
    twocol = fixture("twocol.pdf")
    # twocol has no equation 3: "see (3) in Table 1" is no mention; "(1) training, (2) …" is a list;
    # "as in (A.1)" is its appendix's equation
    assert [(m.text, m.target.page) for m in twocol if m.text.startswith("(")] == [("(4)", 1), ("(9)", 1), ("(A.1)", 2)]


# -- memory: flat on long PDFs -----------------------------------------------------------------------

def test_reader_keeps_only_small_data_per_page():
    peaks, kept = {}, {}
    for pages in (100, 500):
        doc = open_pdf(text_pages(pages))
        tracemalloc.start()
        reader = XrefReader(doc)
        for number in range(1, pages + 1):
            equations = page_equations(doc, number)
            reader.add_page(number, doc.paragraphs(number, equations), equations, doc.layout(number))
        snapshot = tracemalloc.take_snapshot()
        mentions = reader.finish()
        peaks[pages] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        xref = snapshot.filter_traces([tracemalloc.Filter(True, "*/paperkit/pdf/xref/*")])
        kept[pages] = sum(stat.size for stat in xref.statistics("filename"))
        assert len(mentions) == 2 * pages and all(m.target is not None for m in mentions)
        assert len(doc._raw) <= 8 and len(doc._layouts) <= 8
    # five times the pages: the peak does not grow five times, and what the reader holds per page is
    # its two mentions (a few hundred bytes each), not the page's paragraphs or layout (tens of kB)
    assert peaks[500] < 3.5 * peaks[100], peaks
    assert (kept[500] - kept[100]) / 400 < 2500, kept
