"""Look-up in a paper's context (issue 12, item 6), on the command line and in the engine: a letter also
finds its decorated forms; ``--paper`` leads with the paper's own spelling, meaning, equations, clashes,
PyTorch and example; one paper's example never shows under another paper's meaning; the query is shown
as typed, never as a Python repr."""

from __future__ import annotations

import json

import pytest

from paperkit.cli import main
from paperkit.glossary import clashes_for, glossary, lookup
from paperkit.glossary.paper_view import catalog_forms, paper_view
from paperkit.render import to_unicode


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def entry(key):
    g = glossary()
    return g.entries[g.by_key[key]]


# -- 1. a letter finds its decorated forms ---------------------------------------------------------


@pytest.mark.parametrize("query", ["alpha", "α", "\\alpha", "alhpa", "Alpha"])
def test_a_letter_finds_its_bar_form_right_after_itself(query):
    keys = [h.entry.key for h in lookup(query, limit=5)]
    assert keys[0] == "alpha" and keys[1] == "alpha-bar", keys


@pytest.mark.parametrize("query, letter, forms", [
    ("epsilon", "epsilon", {"eps-theta-t", "epsilon-t", "epsilon-tilde"}),  # ε_θ^{(t)}, ε_t, ε̃
    ("mu", "mu", {"mu-tilde"}),                                            # DDPM's μ̃_t
    ("beta", "beta", {"beta-tilde"}),                                      # DDPM's β̃_t
    ("x", None, {"x-t", "x-0"}),                                           # x_t, x_0
])
def test_other_letters_find_the_forms_the_papers_write(query, letter, forms):
    hits = lookup(query, limit=8)
    keys = [h.entry.key for h in hits]
    if letter:
        assert keys[0] == letter
    assert forms & set(keys[1:6]), keys
    assert all(h.score < hits[0].score for h in hits if h.matched == "variant")  # never above the letter


def test_a_description_does_not_pull_in_forms():
    """"learning rate" names α by what it means, not the letter: no ᾱ added."""
    assert "alpha-bar" not in [h.entry.key for h in lookup("learning rate", limit=5)]


def test_with_a_paper_its_own_forms_come_first():
    """DDIM writes no bar on α, but its α_t *is* ᾱ: the clash brings ᾱ in; x̄ is DDIM's (eq. 14), so it
    ranks among DDIM's forms of x, and DDPM's x_t and x_0 rank before it in DDPM."""
    assert [h.entry.key for h in lookup("alpha", paper="ddim", limit=3)][:2] == ["alpha", "alpha-bar"]
    ddim = [h.entry.key for h in lookup("x", paper="ddim", limit=10)]
    assert "x-bar" in ddim[:5], ddim
    ddpm = [h.entry.key for h in lookup("x", paper="ddpm", limit=10)]
    assert ddpm.index("x-t") < (ddpm.index("x-bar") if "x-bar" in ddpm else 99), ddpm
    assert lookup("epsilon", paper="ddpm", limit=8)[3:], "a paper never hides the other papers' forms"


def test_the_cli_lists_how_the_papers_write_the_letter(capsys):
    code, out, _ = run(capsys, "symbol", "alpha")
    assert code == 0
    forms = out[out.index("in the papers"):]
    assert "αₜ" in forms and "ᾱₜ" in forms
    assert "DDPM: 1 − β_t" in forms and "DDIM: cumulative" in forms  # the same α_t, two meanings
    assert out.index("α   Greek small letter alpha") < out.index("ᾱ   Greek small letter alpha with macron")


def test_catalog_forms_group_one_spelling_across_papers():
    forms = {f.latex: f for f in catalog_forms(entry("alpha"))}
    assert {u.paper for u in forms["\\alpha_t"].uses} >= {"ddpm", "ddim"}
    assert "\\bar{\\alpha}_t" in forms
    ddim_only = catalog_forms(entry("alpha"), "ddim")
    assert ddim_only and all(u.paper == "ddim" for f in ddim_only for u in f.uses)


# -- 2. --paper leads with the paper ---------------------------------------------------------------


def test_paper_changes_the_answer_and_leads_with_it(capsys):
    _, plain, _ = run(capsys, "symbol", "alpha bar")
    code, out, _ = run(capsys, "symbol", "alpha bar", "--paper", "ddim")
    assert code == 0 and out != plain
    lines = out.splitlines()
    assert lines[0].startswith("ᾱ ")
    assert lines[1].strip().startswith("in DDIM") and "ᾱ is written αₜ" in lines[1] and "\\alpha_t" in lines[1]
    assert "cumulative signal fraction" in lines[2]  # DDIM's own meaning, from its catalog equations
    assert "ddim.4" in out and "ddim.12" in out  # where DDIM writes it
    assert out.index("notation clash") < out.index("in general") < out.index("say     alpha bar")


def test_paper_view_follows_the_notation_not_the_glyph():
    """ᾱ in DDIM is written α_t; α in DDIM is the ᾱ entry; ᾱ in DDPM is its own ᾱ_t; σ in CFG is its clash."""
    view = paper_view(entry("alpha-bar"), "ddim")
    assert view.written == "\\alpha_t" and "cumulative" in view.meaning and view.specific and view.means_entry is None
    view = paper_view(entry("alpha"), "ddim")
    assert view.written == "\\alpha_t" and view.means_entry == "alpha-bar"
    view = paper_view(entry("alpha-bar"), "ddpm")
    assert view.written == "\\bar{\\alpha}_t" and not view.specific and "ddpm.4" in view.equations
    view = paper_view(entry("sigma"), "ddim", "\\sigma_{t}")
    assert view.written == "\\sigma_t" and "deterministic" in view.meaning
    assert paper_view(entry("nabla"), "cfg").meaning is None  # CFG has no ∇: said so, nothing made up


def test_unknown_paper_is_one_clear_message(capsys):
    code, out, err = run(capsys, "symbol", "alpha", "--paper", "ddmi")
    assert code == 2 and "ddim" in err and out == ""


# -- 3. each paper's own example -------------------------------------------------------------------


def test_ddim_alpha_shows_ddims_code_not_ddpms(capsys):
    code, out, _ = run(capsys, "symbol", "alpha", "--paper", "ddim")
    assert code == 0 and "alphas_cumprod" in out and "alphas = 1 - betas" not in out
    assert "x_t = \\sqrt{\\alpha_t}" in out and "\\alpha_t := 1 - \\beta_t" not in out
    _, out, _ = run(capsys, "symbol", "alpha", "--paper", "ddpm")
    assert "alphas = 1 - betas" in out and "alphas_cumprod" not in out
    _, out, _ = run(capsys, "symbol", "alpha", "--paper", "ddim", "--json")
    assert "cumprod" in json.loads(out)[0]["torch"]


@pytest.mark.parametrize("clash", clashes_for(), ids=lambda c: c.key)
def test_no_paper_shows_another_papers_example(capsys, clash):
    """Each clash symbol looked up in each of its papers shows that paper's code, and no other paper's."""
    for paper in clash.torch:
        _, out, _ = run(capsys, "symbol", clash.symbol, "--paper", paper, "--limit", "1")
        assert clash.torch[paper] in out, (clash.key, paper)
        for other, torch in clash.torch.items():
            if other != paper and torch != clash.torch[paper]:
                assert torch not in out, (clash.key, paper, other)
        for other, example in clash.example.items():
            if other != paper and example != clash.example.get(paper):
                assert example not in out, (clash.key, paper, other)


@pytest.mark.parametrize("clash", clashes_for(), ids=lambda c: c.key)
def test_clash_examples_are_well_formed(clash):
    """Per-paper data only for the clash's papers; the code compiles; the LaTeX renders."""
    assert set(clash.torch) <= set(clash.papers) and set(clash.example) <= set(clash.papers)
    assert set(clash.entries.values()) <= set(glossary().by_key)
    for code in clash.torch.values():
        compile(code, f"clashes.toml:{clash.key}", "exec")
    for latex in clash.example.values():
        text = to_unicode(latex)
        assert text and "\\" not in text, (clash.key, latex, text)


# -- 5. the query as typed -------------------------------------------------------------------------


def test_no_match_shows_the_latex_as_typed(capsys):
    code, out, _ = run(capsys, "symbol", "\\frac{")
    assert code == 1 and "'\\frac{'" in out and "\\\\" not in out
    code, out, _ = run(capsys, "symbol", "\x1b[31mq\x00qqqqqqqqqqqqqqq")
    assert code == 1 and "\x1b" not in out and "\\x1b" in out  # control characters made visible
