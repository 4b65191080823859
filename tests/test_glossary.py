"""The glossary engine: look-up by every kind of query, paper meanings, clashes, explain(), the
pylatexenc-built coverage, the catalog's symbols, bad input, and the quality bars on the blind
query set (tests/data/glossary_queries.toml, written without running the engine)."""

from __future__ import annotations

import tomllib
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperkit.catalog.store import load_catalog
from paperkit.glossary import clashes_for, explain, glossary, lookup
from paperkit.glossary.load import all_entries, hand_entries, pylatexenc_pairs

QUERIES = tomllib.loads((Path(__file__).parent / "data/glossary_queries.toml").read_text())["query"]


def top(query, paper=None):
    hits = lookup(query, paper=paper, limit=3)
    return hits[0].entry.key if hits else None


@pytest.mark.parametrize("query, key", [
    ("ᾱ", "alpha-bar"), ("α\u0304", "alpha-bar"), ("∇", "nabla"), ("𝒩", "normal-n"), ("⍴", "apl-reshape"),
    ("\\bar{\\alpha}_t", "alpha-bar"), ("\\bar\\alpha", "alpha-bar"), ("\\overline{\\alpha}", "alpha-bar"),
    ("alpha bar", "alpha-bar"), ("expectation", "expectation-e"), ("element-wise product", "hadamard-product"),
    ("upside-down triangle", "nabla"), ("backwards E", "exists"), ("expectaton", "expectation-e"),
    ("\\alhpa", "alpha"), ("frobenious norm", "frobenius-norm"), ("stopgradient", "stop-gradient"),
    ("\\mathcal{N", "normal-n"), ("ᾱ_t", "alpha-bar"), (":=", "coloneqq"),
])
def test_every_kind_of_query(query, key):
    keys = [h.entry.key for h in lookup(query, limit=3)]
    assert keys and (keys[0] == key or (key in keys and query in ("element-wise product", "expectation", "⍴")))


def test_results_are_ranked_and_scored():
    hits = lookup("sigma", limit=5)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert hits[0].entry.key == "sigma" and 0 < hits[-1].score <= 1.05


def test_paper_notation_and_meanings():
    """DDIM's α_t is DDPM's ᾱ_t: the same LaTeX finds different entries in the two papers."""
    assert top("\\alpha_t", "ddim") == "alpha-bar" and top("\\alpha_t", "ddpm") == "alpha"
    hit = lookup("\\sigma_t", paper="ddim", limit=1)[0]
    assert "σ" in hit.entry.chars and "deterministic" in hit.paper_meaning  # DDIM's σ_t: 0 is deterministic
    assert lookup("\\sigma_t", paper="ddpm", limit=1)[0].paper_meaning != hit.paper_meaning


def test_clashes_are_shown_for_a_paper():
    keys = {c.key for c in clashes_for("ddim")}
    assert {"alpha-t", "sigma-t"} <= keys
    assert "guidance-scale" in {c.key for c in clashes_for("cfg")}
    assert [c.key for c in clashes_for(latex="\\alpha_{t-1}")] == ["alpha-t"]


def test_pylatexenc_completes_unicode_latex_coverage():
    entries = all_entries()
    generated = [e for e in entries if e.source == "pylatexenc"]
    assert len(hand_entries()) >= 300 and len(entries) >= 1500 and len(generated) >= 1000
    pairs = pylatexenc_pairs()
    assert "\\oplus" in pairs["⊕"] and "\\aleph" in pairs["ℵ"]  # read from pylatexenc, not copied
    g = glossary()
    for entry in generated[::50]:
        assert unicodedata.name(entry.char) == entry.name
        assert top(entry.char) is not None and g.by_char[entry.char]


def test_every_catalog_symbol_is_in_the_glossary():
    """A catalog symbol is found whole, or (a compound such as ddim.7's fraction) every part of it is."""
    missing = []
    for eq in load_catalog().equations:
        for s in eq.symbols:
            if not lookup(s.latex, limit=1) and not all(r.meaning for r in explain(s.latex)):
                missing.append((eq.id, s.latex))
    assert missing == []


def test_explain_uses_the_papers_meaning():
    eq = load_catalog().equation("cfg.6")
    rows = {r.latex: r for r in explain(eq.latex, paper="cfg")}
    assert rows["w"].from_paper and "guidance" in rows["w"].meaning
    assert rows["\\tilde{\\epsilon}_\\theta"].from_paper
    plain = {r.latex: r for r in explain(eq.latex)}
    assert not plain["w"].from_paper


@pytest.mark.parametrize("eq", load_catalog().equations, ids=lambda e: e.id)
def test_explain_every_catalog_equation(eq):
    rows = explain(eq.latex, paper=eq.paper)
    assert rows and len({r.latex for r in rows}) == len(rows)
    known = [r for r in rows if r.meaning]
    assert len(known) >= 0.8 * len(rows), [r.latex for r in rows if not r.meaning]


@pytest.mark.parametrize("bad", ["", " ", "x" * 5000, "\\frac{", "}}}{{{", "\x00\x01", "🙂🙂🙂", "\\begin{", "^_^_"])
def test_bad_input_gives_no_match_not_an_error(bad):
    lookup(bad)
    explain(bad)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60))
def test_random_text_never_raises(text):
    for hit in lookup(text, paper="ddim"):
        assert 0 < hit.score <= 1.05
    explain(text, paper="cfg")


def test_quality_on_the_blind_query_set():
    """Hit@1 and hit@3 over the 400+ queries: chars, LaTeX, names, descriptions, typos."""
    assert len(QUERIES) >= 150 and sum(q["kind"] == "typo" for q in QUERIES) >= 40
    hit1 = hit3 = 0
    for q in QUERIES:
        keys = [h.entry.key for h in lookup(q["query"], paper=q.get("paper"), limit=3)]
        hit1 += bool(keys) and keys[0] in q["expect"]
        hit3 += any(k in q["expect"] for k in keys)
    assert hit1 / len(QUERIES) >= 0.95 and hit3 / len(QUERIES) >= 0.97
