"""``paperkit symbol`` and ``paperkit explain`` on the command line, and the 2-D rendering."""

from __future__ import annotations

import json

import pytest

from paperkit.catalog.store import load_catalog
from paperkit.cli import main
from paperkit.render import to_2d, to_unicode


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_symbol_json_fields_best_first(capsys):
    code, out, _ = run(capsys, "symbol", "\\alpha_t", "--paper", "ddim", "--json")
    hits = json.loads(out)
    assert code == 0 and hits[0]["char"] == "ᾱ"
    assert set(hits[0]) == {"char", "latex", "name", "category", "meanings", "paper_meaning", "torch", "score"}
    assert "ᾱ" in hits[0]["paper_meaning"] or "cumulative" in hits[0]["paper_meaning"]
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)


def test_symbol_text_shows_meaning_torch_and_clash(capsys):
    code, out, _ = run(capsys, "symbol", "ᾱ", "--paper", "ddim")
    assert code == 0 and "alpha bar" in out and "torch.cumprod" in out and "notation clash" in out


@pytest.mark.parametrize("query", ["", "\\frac{", "qqqqqqqqqqqqqqqq", "x" * 300])
def test_symbol_no_match_is_clear(capsys, query):
    code, out, err = run(capsys, "symbol", query)
    assert code == 1 and out.startswith("no match") and err == ""


def test_symbol_unknown_paper(capsys):
    code, _, err = run(capsys, "symbol", "x", "--paper", "ddmp")
    assert code == 2 and "ddpm" in err and err.count("\n") == 1


def test_explain_text_and_json(capsys):
    latex = load_catalog().equation("ddpm.4").latex
    code, out, _ = run(capsys, "explain", latex, "--paper", "ddpm")
    assert code == 0 and out.splitlines()[0] == to_unicode(latex) and "(ddpm)" in out
    code, out, _ = run(capsys, "explain", latex, "--json")
    data = json.loads(out)
    spelled = {s["latex"] for s in data["symbols"]}
    assert {"\\mathcal{N}", "x_0"} <= spelled and any(s.startswith("\\bar{\\alpha}") for s in spelled)
    code, out, err = run(capsys, "explain", "")
    assert code == 2 and out == "" and err.startswith("paperkit: error: The equation is empty")


def test_explain_malformed_latex_is_an_error_not_no_symbols(capsys):
    code, out, err = run(capsys, "explain", "\\frac{1}{")
    assert code == 2 and out == "" and err == "paperkit: error: The opening brace { at character 9 is never closed.\n"
    code, out, err = run(capsys, "explain", "\\frac{1}{", "--json")
    assert code == 2 and out == "" and "never closed" in err


def test_explain_json_pretty_is_the_2d_rendering(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    latex = load_catalog().equation("cfg.6").latex
    code, out, _ = run(capsys, "explain", latex, "--json")
    pretty = json.loads(out)["pretty"]
    assert code == 0 and pretty == to_2d(latex, 60)
    assert pretty.split("\n")[0] == "ε̃ (z , c) = (1 + w) ε (z , c) − w ε (z )"  # the paper's term order


def test_2d_rendering_of_catalog_equations():
    catalog = load_catalog()
    rendered = {eq.id: to_2d(eq.latex) for eq in catalog.equations}
    assert "─" in rendered["ddim.9"] and "ε⁽ᵗ⁾(xₜ)" in rendered["ddim.9"]  # a fraction over √αₜ, (t) kept
    assert "√αₜ" in rendered["ddim.9"].replace("\n", "")
    assert "ε̃ (z , c) = (1 + w)" in rendered["cfg.6"]
    for eq in catalog.equations:
        assert "\\" not in to_unicode(eq.latex), eq.id  # every macro rendered
        assert "\\" not in rendered[eq.id], eq.id
    # σ applied to η stays a function of η, as the paper writes it
    assert to_2d("\\sigma_{\\tau_i}(\\eta) = \\eta").split("\n") == ["σ  (η) = η", " τᵢ"]
