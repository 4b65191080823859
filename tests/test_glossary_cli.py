"""``paperkit symbol`` and ``paperkit explain`` on the command line, and the 2-D rendering."""

from __future__ import annotations

import json

import pytest

from paperkit.catalog.store import load_catalog
from paperkit.cli import main
from paperkit.render import to_unicode
from paperkit.render.pretty import to_2d


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
    code, out, _ = run(capsys, "explain", "")
    assert code == 1 and out.startswith("no symbols found")


def test_2d_rendering_of_catalog_equations():
    catalog = load_catalog()
    rendered = {eq.id: to_2d(eq.latex) for eq in catalog.equations}
    assert sum(r is not None for r in rendered.values()) >= 10
    assert "─" in rendered["ddim.9"] and "ε_θ(xₜ)" in rendered["ddim.9"]  # a fraction over √αₜ
    assert "╲╱" in rendered["ddim.9"]
    assert "ε̃_θ(z_λ, c)" in rendered["cfg.6"]
    for eq in catalog.equations:
        assert "\\" not in to_unicode(eq.latex), eq.id  # every macro rendered
    assert to_2d("\\sigma_{\\tau_i}(\\eta) = \\eta") is None  # σ applied to η is not σ·η: no picture
