"""Paragraphs from the PDF's lines (``paperkit.pdf.reflow``) on the real papers: rows joined into
paragraphs, words broken at a line's end mended and real hyphens kept, display equations kept as
their own rows, nothing lost or added, running heads left out."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from paperkit.pdf.document import open_pdf
from paperkit.pdf.index import page_equations
from paperkit.pdf.layout import running_key
from paperkit.pdf.reflow import Vocabulary, join_hyphenated, keeps_hyphen, page_text
from pdf_paths import REAL_NAMES, real_pdf


@pytest.fixture(scope="module")
def docs():
    opened = {}

    def get(name):
        if name not in opened:
            doc = opened[name] = open_pdf(real_pdf(name))
            for number in range(1, doc.page_count + 1):  # every page's words, as the reader's index pass does
                doc.layout(number)
        return opened[name]

    yield get
    for doc in opened.values():
        doc.close()


def paragraphs(doc, number):
    return doc.paragraphs(number, page_equations(doc, number))


def test_cfg_page_3_paragraphs_and_display_5(docs):
    doc = docs("cfg.pdf")
    paras = paragraphs(doc, 3)
    texts = [p.text for p in paras]
    # the display stays a row of its own, tied to its equation, between the prose around it
    at = next(i for i, p in enumerate(paras) if p.equation is not None)
    assert paras[at].kind == "row" and paras[at].first_of_equation and paras[at].equation.label == "5"
    assert paras[at].text == "Eϵ,λ[∥ϵθ(zλ) −ϵ∥22] (5)"
    assert texts[at - 1].startswith("The reverse process mean comes from an estimate")
    assert texts[at - 1].endswith("and we train on the objective")
    assert texts[at + 1].startswith("where ϵ ∼N(0, I), zλ = αλx + σλϵ, and λ is drawn")
    # the PDF's 9 lines of that paragraph are one paragraph; it ends where its short last line does
    after = paras[at + 1]
    assert len(after.rows) == 5 and after.text.endswith("(Kingma et al., 2021).")
    assert texts[at + 2].startswith("If p(λ) is not uniform")
    # "informa-" + "tion" is one word again
    assert any("with conditioning information c, i.e." in t for t in texts)
    assert not any("informa-" in t or "informa tion" in t for t in texts)
    # where each PDF row starts in its paragraph
    for p in paras:
        for row in p.rows:
            assert p.text[row.offset:].startswith(row.text.strip()[:3].rstrip("-")), (p.text[:40], row.text)


def test_a_real_hyphen_at_a_line_end_is_kept(docs):
    doc = docs("cfg.pdf")
    six = page_text(paragraphs(doc, 6))
    # "classifier-" ends a line on page 6; the joined word would be wrong
    assert "classifier-free" in six and "classifierfree" not in six
    attention = docs("attention.pdf")
    first = page_text(paragraphs(attention, 1))
    assert "English-to-German" in first and "Englishto-German" not in first


def test_headings_are_their_own_blocks(docs):
    paras = paragraphs(docs("cfg.pdf"), 1)
    headings = [p.text for p in paras if p.kind == "heading"]
    assert {"CLASSIFIER-FREE DIFFUSION GUIDANCE", "ABSTRACT", "1 INTRODUCTION"} <= set(headings)
    abstract = paras[[p.text for p in paras].index("ABSTRACT") + 1]
    assert abstract.kind == "text" and abstract.gap_before and len(abstract.rows) >= 9
    assert abstract.text.startswith("Classifier guidance is a recently introduced method to trade off mode coverage and")


def test_two_columns_keep_their_paragraphs_apart(docs):
    """On a two-column page a paragraph is read down its column; it goes on at the top of the next
    column only when the column ends mid-sentence on a full line (batchnorm.pdf page 4)."""
    doc = docs("batchnorm.pdf")
    for number in (2, 3, 4, 5, 6):
        layout = doc.layout(number)
        assert layout.two_column
        column_of = {row.text: row.column for row in layout.rows}
        for p in paragraphs(doc, number):
            columns = [column_of[source.text] for source in p.rows]
            assert columns == sorted(columns) and columns[0] == p.column, (number, p.text[:60])
            for column in set(columns):  # down each column, never back up
                tops = [source.top for source, c in zip(p.rows, columns) if c == column]
                assert tops == sorted(tops), (number, p.text[:60])
    four = [p.text for p in paragraphs(doc, 4)]
    assert any("or with any of its variants such as Adagrad (Duchi et al., 2011). The normalization" in t for t in four)
    # and page 4's left column, whose lines hold CMEX accents 3 em high, is read line after line
    assert any("passed to other network layers. The normalized activations x̂ are internal to our transformation, "
               "but their presence is crucial. The distributions of values of any x̂" in t for t in four)


@pytest.mark.parametrize("name", REAL_NAMES)
def test_nothing_lost_or_added_and_running_heads_left_out(docs, name):
    """The letters and digits of a page's paragraphs are exactly those of its rows, running heads
    left out: joining only removes line-end hyphens and adds spaces."""
    doc = docs(name)
    running = doc.running_texts
    for number in range(1, doc.page_count + 1):
        layout = doc.layout(number)
        rows = [r.text for r in layout.rows if r.text and not (r.margin and running_key(r.text) in running)]
        paras = paragraphs(doc, number)
        assert Counter(re.sub(r"\W", "", "".join(rows))) == Counter(re.sub(r"\W", "", "".join(p.text for p in paras))), number
        heads = [r.text for r in layout.rows if r.margin and running_key(r.text) in running]
        for head in heads:
            assert not any(p.text == head for p in paras), (number, head)


def test_hyphen_decisions_from_the_documents_words():
    words = Vocabulary()
    words.add(["diffusion models and classifier-free guidance", "a classifier that is free of charge",
               "WaveGrad is fast", "state-of-the-art results, sequence to sequence"])
    assert not keeps_hyphen("diffu", "sion", words)  # "diffusion" is a word of the document
    assert keeps_hyphen("classifier", "free", words)  # "classifier-free" is, and "classifierfree" is not
    assert not keeps_hyphen("Wave", "Grad", words)  # "WaveGrad": the document spells it joined
    assert keeps_hyphen("Batch", "Normalized", words)  # a capital after the hyphen, nothing known
    assert keeps_hyphen("state-of-the", "art", words)  # a compound already
    assert not keeps_hyphen("nor", "malization", Vocabulary())  # nothing known: a word broken by TeX
    assert join_hyphenated("are diffu-", "sion models", words) == "are diffusion models"
    assert join_hyphenated("use classifier-", "free guidance", words) == "use classifier-free guidance"
    assert join_hyphenated("an English-", "to-German task", Vocabulary()) == "an English-to-German task"


def test_the_vocabulary_never_counts_a_broken_word():
    words = Vocabulary()
    words.add(["we study diffu-", "sion models"])
    assert "diffu" not in words.words and "sion" not in words.words and words.words["models"] == 1
