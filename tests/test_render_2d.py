"""The 2-D equation renderer (``paperkit.render.to_2d``): the paper's structure, its term order, every
script kept, fitted to a width, and LaTeX that is not well-formed reported."""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperkit.catalog import load_catalog
from paperkit.render import latex_problem, to_2d
from paperkit.render.box import display_width
from paperkit.render.layout import cells
from paperkit.render.tables import FUNCTION_NAMES, GREEK, LATEX_OPERATORS, MORE_SYMBOLS, SYMBOLS
from paperkit.render.twod import layout_2d

ROOT = Path(__file__).resolve().parent.parent
TRUTH = json.loads((ROOT / "tests/fixtures/pdf/truth.json").read_text())
CATALOG = {eq.id: eq.latex for eq in load_catalog().equations}
HELD_OUT = {f"heldout.{e['label']}": e["latex"] for e in TRUTH["heldout.pdf"]["equations"]}
ALL = CATALOG | HELD_OUT
WIDTHS = (30, 40, 60, 80, 120, 200)


def rows(latex: str, width: int = 200) -> list[str]:
    return to_2d(latex, width).split("\n")


def test_fixtures_are_what_the_brief_names():
    assert len(HELD_OUT) == 47 and {"ddpm.alg1", "ddpm.alg2", "cfg.6", "ddim.12"} <= set(CATALOG)


# --- the paper's term order and notation ---------------------------------------------------------


def test_cfg6_keeps_the_papers_term_order():
    out = rows(CATALOG["cfg.6"])
    assert out == ["ε̃ (z , c) = (1 + w) ε (z , c) − w ε (z )",
                   " θ  λ                θ  λ          θ  λ"]
    line = out[0]
    assert line.index("(1 + w)") < line.index("− w ε")  # not sympy's −w⋅ε_θ(z_λ) + ε_θ(z_λ, c)⋅(w + 1)


def test_superscript_t_is_kept():
    assert rows(r"\epsilon_\theta^{(t)}(x_t)") == ["ε⁽ᵗ⁾(xₜ)", " θ"]
    assert "ε⁽ᵗ⁾(xₜ)" in to_2d(CATALOG["ddim.12"]) and "f⁽ᵗ⁾(xₜ)" in to_2d(CATALOG["ddim.9"])


def _symbols_of_latex(latex: str) -> str:
    """The letters and digits of ``latex`` in source order, read independently of the renderer:
    Greek and symbol macros as their character, named operators as their name, other command
    names and environment names dropped."""
    latex = re.sub(r"\\(begin|end)\{[^}]*\}", " ", latex)
    out = []
    for m in re.finditer(r"\\([A-Za-z]+|.)|(.)", latex, re.S):
        name, char = m.group(1), m.group(2)
        if char is not None:
            out.append(char)
        elif name in GREEK:
            out.append(GREEK[name])
        elif name in SYMBOLS or name in MORE_SYMBOLS:
            out.append(SYMBOLS.get(name) or MORE_SYMBOLS[name])
        elif name in FUNCTION_NAMES or name in LATEX_OPERATORS:
            out.append(name)
    return _alnum("".join(out))


def _alnum(text: str) -> str:
    """Letters and digits only, fonts and script forms folded (𝔼 → E, ₜ → t, ᾱ → α; ⊤ read as the
    T its superscript form ᵀ shares)."""
    text = unicodedata.normalize("NFKC", text.replace("⊤", "T"))
    return "".join(c for c in unicodedata.normalize("NFKD", text) if c.isalnum())


@pytest.mark.parametrize("eq_id", sorted(ALL))
def test_every_symbol_drawn_once_in_the_order_written(eq_id):
    latex = ALL[eq_id]
    box = layout_2d(latex, 10_000)
    assert box is not None
    # every symbol the layout reports is drawn where it says
    grid = [cells(r) for r in box.rows]
    for r, c, t in box.marks:
        n = display_width(t)
        drawn = "".join(grid[r][c:c + n])
        assert unicodedata.normalize("NFC", drawn) == unicodedata.normalize("NFC", t), (eq_id, r, c, t, drawn)
    # nothing lost, added or reordered: the letters and digits read in the order the LaTeX writes them
    assert _alnum("".join(t for _, _, t in box.marks)) == _symbols_of_latex(latex), eq_id
    # and on every row of the picture they stand left to right in that order
    by_row: dict[int, list[int]] = {}
    for r, c, _ in box.marks:
        by_row.setdefault(r, []).append(c)
    for r, cols in by_row.items():
        assert cols == sorted(cols) and len(set(cols)) == len(cols), (eq_id, r, cols)


# --- the constructions --------------------------------------------------------------------------


def test_fraction_rule_as_wide_as_the_wider_part_and_centred():
    assert rows(r"\frac{a+b}{c}") == ["a + b", "─────", "  c"]
    assert rows(r"\frac{1}{x+y}") == ["  1", "─────", "x + y"]
    assert rows(r"y = \frac{1}{2}") == ["    1", "y = ─", "    2"]  # the rule on the baseline


def test_radical_overbar_spans_its_radicand():
    out = rows(r"\sqrt{1-\alpha_t} + x")
    assert out == [" ______", "√1 − αₜ + x"]
    tall = rows(r"\sqrt{\frac{a}{b}}")
    assert tall == ["    __", "   ╱ a", "  ╱  ─", "╲╱   b"]
    assert rows(r"\sqrt[3]{x}") == ["  _", "³√x"]


def test_sum_limits_above_and_below():
    out = rows(r"C_{ij} = \sum_{k=1}^{K} A_{ik}\,B_{kj}")
    assert out == ["       K", "Cᵢⱼ =  ∑  Aᵢₖ Bₖⱼ", "      k=1"]
    assert out[0].index("K") == out[1].index("∑") == out[2].index("=")  # centred over and under ∑


def test_integral_limits_beside():
    assert rows(r"\int_0^1 f(x)\,dx") == ["∫₀¹ f(x) dx"]
    out = rows(r"\int_{-\infty}^{\infty} f")
    assert out == [" ∞", "∫   f", " −∞"]


def test_underbrace_label_under_its_brace():
    out = rows(r"a + \underbrace{b + c}_{\text{label}} + d")
    assert out == ["a + b + c + d", "    ╰─┬─╯", "    label"]
    out = rows(CATALOG["ddim.12"])
    brace_row = next(i for i, r in enumerate(out) if "╰" in r and "┬" in r)
    label_row = next(i for i, r in enumerate(out) if "random noise" in r)
    assert brace_row < label_row
    col = out[brace_row].rindex("┬")
    start = out[label_row].index("random noise")
    assert start <= col < start + len("random noise")  # the label is centred under its brace's tip
    assert "“predicted x₀”" in "\n".join(out) and "“direction pointing to xₜ”" in "\n".join(out)


def test_overbrace_label_above():
    assert rows(r"\overbrace{a+b}^{n}") == ["  n", "╭─┴─╮", "a + b"]


def test_delimiters_grow_with_what_they_enclose():
    assert rows(r"\left(\frac{a}{b}\right)") == ["⎛a⎞", "⎜─⎟", "⎝b⎠"]
    assert rows(r"\left\|\frac{a}{b}\right\|") == ["‖a‖", "‖─‖", "‖b‖"]
    assert rows(r"\left[\frac{a}{b}\right]") == ["⎡a⎤", "⎢─⎥", "⎣b⎦"]
    # an overbar or a lowered script does not make them grow
    assert rows(r"\left(x_t - \sqrt{a}\,\epsilon_\theta\right)^2") == ["       _", "(xₜ − √a ε )²", "          θ"]


def test_scripts_in_unicode_when_they_can_be_and_lowered_when_not():
    assert rows(r"\bar{\alpha}_{t-1} + x^2") == ["ᾱₜ₋₁ + x²"]
    assert rows(r"x_{\theta}") == ["x", " θ"]
    assert rows(r"e^{\pi i}") == [" πi", "e"]
    assert rows(r"\beta_1^t") == ["β₁ᵗ"]


def test_accents_fonts_text_and_spacing():
    assert rows(r"\hat{x} \tilde{y} \vec{v} \dot{x}") == ["x̂ỹv⃗ẋ"]
    assert rows(r"\bar{xy}") == ["__", "xy"]
    assert rows(r"\mathbb{E}\,\mathcal{N}\,\mathbf{x}\,\boldsymbol{w}") == ["𝔼 𝒩 𝐱 𝐰"]
    assert rows(r"\operatorname{softmax}(z) \quad \text{if } a \qquad b") == ["softmax(z)  if a    b"]
    assert rows(r"x := y \approx z \sim w \cdot v \odot u") == ["x := y ≈ z ∼ w · v ⊙ u"]


def test_cases_and_matrices():
    out = rows(r"f(x) = \begin{cases} 1 & x > 0 \\ 0 & \text{otherwise} \end{cases}")
    assert out == ["f(x) = ⎰ 1  x > 0", "       ⎱ 0  otherwise"]
    three = rows(r"\begin{cases} a & b \\ c & d \\ e & f \end{cases}")
    assert [r[0] for r in three] == ["⎧", "⎨", "⎩"]
    assert rows(r"\begin{pmatrix} 1 & 0 \\ 0 & 1 \end{pmatrix}") == ["⎛1  0⎞", "⎝0  1⎠"]
    assert rows(r"\begin{bmatrix} a & b \\ c & d \end{bmatrix}") == ["⎡a  b⎤", "⎣c  d⎦"]


def test_aligned_lines_line_up_on_their_relations():
    out = rows(r"\begin{aligned} x &= a + b \\ &= c \end{aligned}")
    assert out == ["x = a + b", "  = c"]
    out = rows(r"a = b \\ = c")
    assert out == ["a = b", "  = c"]


# --- fitted to a width ---------------------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
def test_no_line_wider_than_the_width(width):
    for eq_id, latex in ALL.items():
        for line in to_2d(latex, width).split("\n"):
            assert display_width(line) <= width, (eq_id, width, line)


@pytest.mark.parametrize("width", [40, 60, 80, 120, 200])
def test_every_equation_is_drawn_in_2d_from_40_columns(width):
    """Not just short enough: laid out in 2-D, not the wrapped one-line fallback."""
    assert [eq_id for eq_id, latex in ALL.items() if layout_2d(latex, width) is None] == []


def test_breaks_at_top_level_operators_with_the_operator_starting_the_line():
    out = rows(CATALOG["cfg.6"], 30)
    assert out[0].startswith("ε̃ (z , c) = (1 + w) ε (z , c)")
    cont = next(r for r in out[1:] if r.strip().startswith("−"))
    column = lambda line, s: display_width(line[:line.index(s)])  # noqa: E731
    assert column(cont, "−") == column(out[0], "(1 + w)")  # under the right-hand side
    out = rows(CATALOG["ddpm.alg2"], 40)
    main = next(r for r in out if r.startswith("xₜ₋₁ = "))  # the fraction and the bracket stay on it
    assert "⎜xₜ − ─────── ε (xₜ, t)⎟" in main
    assert out[-1].strip() == "+ σₜz" and column(out[-1], "+") == column(main, "=") + 2


def test_clauses_go_on_their_own_lines():
    out = rows(CATALOG["ddpm.2"], 40)
    starts = [r for r in out if r.startswith("q(")]
    assert len(starts) == 2 and out[0].rstrip().endswith(",") is False  # the ∏'s limit row comes first
    assert any(r.rstrip().endswith("q(xₜ|xₜ₋₁),") for r in out)


def test_a_too_wide_fraction_breaks_inside_its_numerator():
    latex = r"y = \frac{a_1 + a_2 + a_3 + a_4 + a_5 + a_6 + a_7 + a_8}{2}"
    out = rows(latex, 30)
    assert all(display_width(r) <= 30 for r in out)
    assert sum("+" in r for r in out) >= 2 and any("─" in r for r in out) and "a₈" in "\n".join(out)


def test_last_resort_is_the_one_line_form_wrapped():
    out = to_2d(r"\begin{pmatrix} aaaaaaaaaa & bbbbbbbbbb & cccccccccc \end{pmatrix}", 12)
    assert all(display_width(r) <= 12 for r in out.split("\n")) and "aaaaaaaaaa" in out


# --- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize("latex,says", [
    ("", "empty"),
    ("   ", "empty"),
    (r"\frac{1}{", "never closed"),
    (r"x}", "no opening"),
    (r"\frac{1}", r"\frac needs two arguments"),
    (r"\frac", r"\frac needs two arguments"),
    (r"\sqrt", r"\sqrt needs an argument"),
    (r"\sqrt[3]", r"\sqrt needs an argument"),
    (r"\left( x", r"\left( at character 1 has no matching \right"),
    (r"\left\| x", r"\left\| at character 1"),
    (r"x \right)", r"\right) at character 3 has no matching \left"),
    (r"\end{foo}", r"\end{foo} at character 1 has no matching \begin{foo}"),
    (r"\begin{cases} a", r"no \end{cases}"),
    (r"\begin{cases} a \end{pmatrix}", r"ended by \end{pmatrix}"),
    ("x^", "superscript ^ at character 2 has nothing after it"),
    ("x^a^b", "Double superscript"),
])
def test_latex_problem_names_the_slip(latex, says):
    problem = latex_problem(latex)
    assert problem is not None and says in problem and "\n" not in problem
    assert isinstance(to_2d(latex), str)


@pytest.mark.parametrize("eq_id", sorted(ALL))
def test_latex_problem_passes_every_real_equation(eq_id):
    assert latex_problem(ALL[eq_id]) is None


def test_random_unicode_never_raises():
    rng = random.Random(1)
    for _ in range(300):
        s = "".join(chr(rng.randrange(1, 0x2FFFF)) for _ in range(rng.randrange(1, 40)))
        width = rng.choice([1, 5, 20, 80])
        out = to_2d(s, width)
        assert isinstance(out, str) and all(display_width(r) <= width for r in out.split("\n"))
        assert latex_problem(s) is None or isinstance(latex_problem(s), str)


LATEXISH = st.lists(st.sampled_from([
    "x", "1", " ", "{", "}", "^", "_", "\\frac", "\\sqrt", "[", "]", "(", ")", "\\left(", "\\right)", "\\left.",
    "\\right\\|", "+", "-", "=", "&", "\\\\", "\\alpha", "\\mathbb", "\\bar", "\\underbrace", "\\text{a b}",
    "\\begin{cases}", "\\end{cases}", "\\begin{pmatrix}", "\\end{pmatrix}", "\\sum", "\\int", "\\quad", ",",
    "\\operatorname", "\\binom", "\\overset", "\\limits", "'", "\\unknown", "%", "$", "~", "é", "字", "\u0301",
]), max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(LATEXISH, st.integers(min_value=1, max_value=120))
def test_latex_like_fuzz_never_raises_and_never_overflows(latex, width):
    out = to_2d(latex, width)
    assert all(display_width(r) <= width for r in out.split("\n"))
    problem = latex_problem(latex)
    assert problem is None or (isinstance(problem, str) and "\n" not in problem)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60), st.integers(min_value=1, max_value=100))
def test_any_text_never_raises(text, width):
    out = to_2d(text, width)
    assert all(display_width(r) <= width for r in out.split("\n"))


def test_renderer_imports_no_heavy_library():
    probe = ("import sys, paperkit.render as r; r.to_2d(r'\\frac{a}{b}'); r.latex_problem('x'); "
             "print(sorted(m for m in ('sympy', 'torch', 'fitz', 'pymupdf') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


# --- paperkit explain -----------------------------------------------------------------------------


def _explain(*argv: str, columns: int = 80) -> subprocess.CompletedProcess:
    env = dict(os.environ, COLUMNS=str(columns))
    return subprocess.run([sys.executable, "-m", "paperkit", "explain", *argv], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)


def test_explain_draws_the_equation_within_columns():
    done = _explain(CATALOG["ddim.12"], "--paper", "ddim")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.split("\n")
    assert all(display_width(line) <= 80 for line in lines), [line for line in lines if display_width(line) > 80]
    assert "╰" in done.stdout and "random noise" in done.stdout and "ε⁽ᵗ⁾(xₜ)" in done.stdout
    narrow = _explain(CATALOG["cfg.6"], "--paper", "cfg", columns=40)
    assert narrow.returncode == 0 and all(display_width(line) <= 40 for line in narrow.stdout.split("\n"))
    assert "(1 + w) ε (z , c)" in narrow.stdout


@pytest.mark.parametrize("latex", [r"\frac{1}{", "", r"\left( x"])
def test_explain_reports_malformed_latex(latex):
    done = _explain(latex)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("paperkit: error: ") and done.stderr.count("\n") == 1
    assert latex_problem(latex) in done.stderr
