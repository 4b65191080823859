"""Complete symbol tables (issue 12): every symbol derived from a catalog equation's LaTeX has a row
with its meaning, the rows follow the equation's order, and the derivation itself behaves."""

import dataclasses

import pytest

from paperkit.catalog import load_catalog
from paperkit.catalog.equation_symbols import SymbolDerivationError, canonical, derive_symbols
from paperkit.catalog.symbol_table import missing_symbols, row_symbol, symbol_rows
from paperkit.catalog.model import Equation, Symbol

CATALOG = load_catalog()
EQUATIONS = CATALOG.equations


def keys(latex: str) -> list[str]:
    return [d.latex for d in derive_symbols(latex)]


def missing_report(eq: Equation) -> str:
    """What the catalog test says when a row is missing: the equation and each symbol."""
    return "\n".join(f"{eq.id}: no row for {d.latex} ({d.text})" for d in missing_symbols(eq))


# ---- the catalog --------------------------------------------------------------------------------


@pytest.mark.parametrize("eq", EQUATIONS, ids=lambda e: e.id)
def test_every_derived_symbol_has_a_row(eq):
    assert not missing_report(eq), missing_report(eq)


@pytest.mark.parametrize("eq", EQUATIONS, ids=lambda e: e.id)
def test_rows_follow_the_equations_order(eq):
    """Rows that give a derived symbol's meaning come in the order the symbols first appear."""
    first = {d.latex: d.pos for d in derive_symbols(eq.latex)}
    rows = [(first[k], s.latex) for s in eq.symbols if (k := row_symbol(s.latex)) in first]
    positions = [pos for pos, _ in rows]
    assert positions == sorted(positions), [latex for _, latex in rows]


@pytest.mark.parametrize("eq", EQUATIONS, ids=lambda e: e.id)
def test_no_row_for_a_symbol_the_equation_does_not_show(eq):
    """A row's symbol is derived from the equation or written inside one of its indices (θ of ε_θ)."""
    derived = {d.latex for d in derive_symbols(eq.latex)}
    whole = canonical(eq.latex)
    for s in eq.symbols:
        key = row_symbol(s.latex)
        assert key is None or key in derived or key in whole, f"{eq.id}: row {s.latex!r} is not in the equation"


def test_rows_cover_the_symbols_the_issue_named():
    ddim12 = {row_symbol(s.latex) for s in CATALOG.equation("ddim.12").symbols}
    assert {"x_{t}", "\\alpha_{t}", "\\epsilon_{\\theta}^{(t)}", "x_{t-1}", "\\alpha_{t-1}"} <= ddim12
    alg2 = {row_symbol(s.latex) for s in CATALOG.equation("ddpm.alg2").symbols}
    assert {"x_{t}", "\\alpha_{t}", "\\bar{\\alpha}_{t}"} <= alg2


def test_meanings_are_the_papers_own():
    def meaning(eq_id, latex):
        rows = {canonical(s.latex): s.meaning for s in CATALOG.equation(eq_id).symbols}
        return rows[canonical(latex)]

    assert "ᾱ" in meaning("ddim.12", "\\alpha_t")  # DDIM's α_t is DDPM's ᾱ_t
    assert "1 − β_t" in meaning("ddpm.alg2", "\\alpha_t")
    assert "free" in meaning("ddim.7", "\\sigma_t")  # a free parameter of q_σ in DDIM
    assert "reverse" in meaning("ddpm.alg2", "\\sigma_t")  # the reverse step's std in DDPM
    assert "s = 1 + w" in meaning("cfg.6", "w")
    assert "ε_θ(x_t, t)" in meaning("ddim.9", "\\epsilon_\\theta^{(t)}(x_t)")


def test_an_incomplete_table_is_caught():
    eq = CATALOG.equation("ddim.12")
    dropped = {"x_{t}", "\\alpha_{t}", "\\epsilon_{\\theta}^{(t)}"}
    cut = dataclasses.replace(eq, symbols=tuple(s for s in eq.symbols if row_symbol(s.latex) not in dropped))
    assert {d.latex for d in missing_symbols(cut)} == dropped
    report = missing_report(cut)
    assert "ddim.12: no row for x_{t} (xₜ)" in report and "ε_θ⁽ᵗ⁾" in report
    # an expression row does not stand in for the symbols inside it
    only_expr = dataclasses.replace(eq, symbols=(Symbol("\\sqrt{1-\\alpha_{t-1}-\\sigma_t^2}", "weight"),))
    assert {"\\alpha_{t-1}", "\\sigma_{t}"} <= {d.latex for d in missing_symbols(only_expr)}


# ---- the derivation -----------------------------------------------------------------------------


def test_indices_accents_and_fonts_make_different_symbols():
    assert keys(r"x_t + x_{t-1} + \bar{\alpha}_t + \alpha_t + \bar\alpha_{t-1}") == [
        "x_{t}", "x_{t-1}", "\\bar{\\alpha}_{t}", "\\alpha_{t}", "\\bar{\\alpha}_{t-1}"]
    assert keys(r"A + \tilde{A} + \mathbf{A} + \mathcal{A}") == [
        "A", "\\tilde{A}", "\\mathbf{A}", "\\mathcal{A}"]


def test_spellings_of_one_symbol_are_one_symbol():
    spellings = [r"\bar\alpha_t", r"\bar{\alpha}_t", r"\overline{\alpha}_{t}", r"\bar{\alpha}_{ t }"]
    assert {canonical(s) for s in spellings} == {"\\bar{\\alpha}_{t}"}
    assert keys(" + ".join(spellings)) == ["\\bar{\\alpha}_{t}"]
    assert keys(r"\varepsilon_\theta + \epsilon_\theta") == ["\\epsilon_{\\theta}"]
    assert keys(r"\epsilon^{(t)}_\theta") == keys(r"\epsilon_\theta^{(t)}")


def test_a_function_keeps_its_own_indices_and_its_arguments_are_symbols():
    assert keys(r"\epsilon_\theta^{(t)}(x_t)") == ["\\epsilon_{\\theta}^{(t)}", "x_{t}"]
    assert keys(r"\epsilon_\theta(x_t, t)") == ["\\epsilon_{\\theta}", "x_{t}", "t"]
    assert keys(r"x_t^{(k)}") == ["x_{t}^{(k)}"]
    assert keys(r"\sigma_t^2 + i^2") == ["\\sigma_{t}", "i"]  # a power is not part of the symbol
    assert [d.text for d in derive_symbols(r"\epsilon_\theta^{(t)}(x_t)")] == ["ε_θ⁽ᵗ⁾", "xₜ"]


def test_numbers_brackets_and_plain_arithmetic_are_not_symbols():
    assert keys(r"2\left(x + 1\right)^{2} - [y] \cdot 10^{-4} = \frac{1}{2} \approx 0.5") == ["x", "y"]
    assert keys(r"\{1, \ldots, 3\}") == []
    assert keys("") == []


def test_operators_list_their_bound_variables():
    assert keys(r"\sum_{k=1}^{K} a_k") == ["\\sum", "k", "K", "a_{k}"]
    assert keys(r"\mathbb{E}_{x_0 \sim q(x_0)}[f]") == ["\\mathbb{E}", "x_{0}", "\\sim", "q", "f"]
    assert keys(r"\nabla_\theta L") == ["\\nabla", "\\theta", "L"]
    assert keys(r"\max(a, b)") == ["\\max", "a", "b"]


def test_delimiter_notation_and_the_conditioning_bar():
    assert keys(r"q(x_t|x_0)") == ["q", "x_{t}", "x_{0}"]  # the bar of p(a|b) is not a symbol
    assert keys(r"|a_{ij}|^2") == ["|\\cdot|", "a_{ij}"]
    assert keys(r"\left| u - v \right|") == ["|\\cdot|", "u", "v"]
    assert keys(r"\left\| \epsilon \right\|_2^2") == ["\\|\\cdot\\|_{2}", "\\epsilon"]
    assert keys(r"\|A\|_F + \|A\|") == ["\\|\\cdot\\|_{F}", "A", "\\|\\cdot\\|"]
    assert keys(r"\lfloor c\,i \rfloor") == ["\\lfloor\\cdot\\rfloor", "c", "i"]
    assert keys(r"\langle a, b\rangle") == ["\\langle\\cdot,\\cdot\\rangle", "a", "b"]


def test_prose_is_skipped_but_maths_in_a_label_is_read():
    assert keys(r"\text{repeat: } x_0 \sim q \text{ until converged}") == ["x_{0}", "\\sim", "q"]
    assert keys(r"\underbrace{\sigma_t\epsilon_t}_{\text{``predicted } x_0\text{''}}") == [
        "\\sigma_{t}", "\\epsilon_{t}", "x_{0}"]
    assert keys(r"\operatorname{std}(x) + \mathrm{d}u") == ["\\mathrm{std}", "x", "\\mathrm{d}", "u"]


def test_bad_latex_raises_one_clear_error():
    for bad in [r"\frac{1}{", "}}}{{{", r"\begin{"]:
        with pytest.raises(SymbolDerivationError, match="cannot parse"):
            derive_symbols(bad)
    with pytest.raises(SymbolDerivationError):
        derive_symbols(None)


# ---- rows ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("latex,symbol", [
    (r"\epsilon_\theta(x_t, t)", "\\epsilon_{\\theta}"),
    (r"q(x_{t-1}|x_t, x_0)", "q"),
    (r"\mathcal{N}(x; \mu, \Sigma)", "\\mathcal{N}"),
    (r"\mathbb{1}[\cdot]", "\\mathbb{1}"),
    (r"\mathbb{E}_{t, x_0, \epsilon}", "\\mathbb{E}"),
    (r"\sum_{k=1}^{K}", "\\sum"),
    (r"\|\cdot\|^2", "\\|\\cdot\\|"),
    (r"\|A\|_F", "\\|\\cdot\\|_{F}"),
    (r"\sigma_t^2", "\\sigma_{t}"),
    (r"\bar\alpha_t", "\\bar{\\alpha}_{t}"),
    (r"1-\alpha_t", None),
    (r"\frac{x_t}{\sqrt{\alpha_t}}", None),
    (r"\Delta t", None),
    (r"\frac{1}{", None),
])
def test_which_symbol_a_row_covers(latex, symbol):
    assert row_symbol(latex) == symbol


def test_symbol_rows_for_the_equation_screen():
    rows = symbol_rows(CATALOG.equation("ddim.12"))
    assert [r.text for r in rows[:5]] == ["xₜ₋₁", "αₜ₋₁", "xₜ", "αₜ", "ε_θ⁽ᵗ⁾(xₜ)"]
    assert all(r.meaning for r in rows)
    assert rows[2].latex == "x_t" and rows[2].symbol == "x_{t}" and "noisy" in rows[2].meaning
    assert any(r.symbol is None and r.latex.startswith("\\sqrt") for r in rows)  # expression rows stay


def test_symbol_rows_shows_a_symbol_without_a_row_and_survives_bad_latex():
    eq = CATALOG.equation("ddpm.alg2")
    cut = dataclasses.replace(eq, symbols=eq.symbols[:1])
    extra = symbol_rows(cut)[1:]
    assert {r.symbol for r in extra} >= {"x_{t}", "\\alpha_{t}", "\\bar{\\alpha}_{t}"}
    assert all(r.meaning == "" for r in extra)
    broken = dataclasses.replace(eq, latex=r"\frac{x_t}{")
    assert [r.latex for r in symbol_rows(broken)] == [s.latex for s in eq.symbols]
