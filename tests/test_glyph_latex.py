"""LaTeX from PDF glyphs (``paperkit.pdf.glyph_latex``), its font tables and its accuracy measure.

Three layers: the font tables (CMEX, CMSY… slots, styles), the metric (tokens, normalisation, the
distance), and end to end on the TeX-typeset fixture PDFs (every numbered equation against the
catalog LaTeX it was typeset from) and on the real CFG paper.
"""

from __future__ import annotations

import importlib.util
import os
import re
import statistics
import sys
from pathlib import Path

import pytest

from paperkit.pdf import fonts
from paperkit.pdf.latex_metric import lex, levenshtein, normalize, token_edit_distance, tokenize
from paperkit.pdf.model import Glyph, MathSymbol

from pdf_paths import FIXTURES, ROOT, real_pdf

CFG6 = r"\tilde{\epsilon}_\theta(z_\lambda, c) = (1 + w)\,\epsilon_\theta(z_\lambda, c) - w\,\epsilon_\theta(z_\lambda)"


# --- fonts -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("font,char,latex", [
    # raw codes (glyph names not in the glyph list): CMEX by slot
    ("CMEX10", "X", r"\sum"), ("CMEX10", "P", r"\sum"), ("CMEX10", "Y", r"\prod"), ("CMEX10", "Q", r"\prod"),
    ("CMEX10", "Z", r"\int"), ("CMEX10", "R", r"\int"), ("CMEX10", "p", r"\sqrt"), ("CMEX10", "s", r"\sqrt"),
    ("ABCDEF+CMEX10", "X", r"\sum"), ("CMEX10", "\uf8eb", "("), ("CMEX10", "\uf8f6", ")"),
    # CMSY: uppercase is calligraphic; raw codes for the symbols
    ("CMSY10", "N", r"\mathcal{N}"), ("XYZABC+CMSY7", "L", r"\mathcal{L}"), ("CMSY10", "k", r"\|"),
    ("CMSY10", "∥", r"\|"), ("CMSY10", "p", r"\surd"), ("CMSY10", "1", r"\infty"), ("CMSY10", "2", r"\in"),
    ("CMSY10", "−", "-"), ("CMSY10", "·", r"\cdot"), ("CMSY10", "≈", r"\approx"), ("CMSY10", "∼", r"\sim"),
    ("CMSY10", "⊙", r"\odot"), ("CMSY10", "≤", r"\leq"), ("CMSY10", "∇", r"\nabla"),
    # alphabets
    ("MSBM10", "E", r"\mathbb{E}"), ("MSBM10", "R", r"\mathbb{R}"), ("CMBX10", "I", r"\mathbf{I}"),
    ("CMBX10", "z", r"\mathbf{z}"), ("CMMIB10", "ϵ", r"\boldsymbol{\epsilon}"), ("CMMIB10", "x", r"\boldsymbol{x}"),
    ("EUSM10", "A", r"\mathcal{A}"), ("EUFM10", "g", r"\mathfrak{g}"), ("RSFS10", "L", r"\mathscr{L}"),
    ("rsfs10", "F", r"\mathscr{F}"),
    # Greek: the two epsilons and phis are different letters
    ("CMMI10", "ϵ", r"\epsilon"), ("CMMI10", "ε", r"\varepsilon"), ("CMMI10", "ϕ", r"\phi"),
    ("CMMI10", "φ", r"\varphi"), ("CMMI10", "α", r"\alpha"), ("CMR10", "Ω", r"\Omega"), ("CMR10", "∆", r"\Delta"),
    # Quartz re-distilled PDFs (adam.pdf): θ comes out as ✓
    ("CMMI10", "✓", r"\theta"),
    # text fonts
    ("NimbusRomNo9L-Regu", "c", "c"), ("CMR10", "(", "("),
])
def test_glyph_latex_from_font(font, char, latex):
    assert fonts.glyph_info(font, char).latex == latex


def test_accents_and_classes():
    assert fonts.glyph_info("CMR10", "˜").kind == "accent"
    assert fonts.glyph_info("CMR10", "~").latex == r"\tilde"  # raw code 126
    assert fonts.glyph_info("CMR10", "\x16").latex == r"\bar"  # raw code 22, the macron
    assert fonts.glyph_info("CMR10", "¯").latex == r"\bar"
    assert fonts.glyph_info("CMMI10", "\u20d7").latex == r"\vec"
    assert fonts.glyph_info("CMR10", "=").kind == "rel"
    assert fonts.glyph_info("CMSY10", "−").kind == "bin"
    assert fonts.glyph_info("CMEX10", "X").kind == "op"
    assert fonts.glyph_info("CMSY10", "\u0338").kind == "negation"
    assert fonts.glyph_info("CMR10", "\ufb01").char == "fi"  # a ligature is two letters of a word


def test_cmex_glyph_told_by_width_when_its_name_is_lost():
    # pdfTeX + TeX Live: CMEX glyph names are not in the glyph list, pymupdf gives U+FFFD
    size = 9.9626
    assert fonts.cmex_candidates("\ufffd", 1.444448 * size, size)[0] == 88  # display ∑
    assert fonts.cmex_candidates("\ufffd", 1.277781 * size, size)[0] == 89  # display ∏
    assert fonts.cmex_candidates("\ufffd", 1.055559 * size, size)[0] == 80  # text ∑
    assert set(fonts.cmex_candidates("\ufffd", 0.458336 * size, size)) == {0, 1}  # big ( or ), by place
    assert fonts.cmex_candidates("X", 0.0, 0.0) == [88]


@pytest.mark.parametrize("name,style", [
    ("CMMI10", "italic"), ("ABCDEF+CMMI7", "italic"), ("CMR10", "upright"), ("CMBX10", "bold"),
    ("CMMIB10", "bold-italic"), ("CMSY10", "calligraphic"), ("EUSM10", "calligraphic"), ("MSBM10", "blackboard"),
    ("EUFM10", "fraktur"), ("RSFS10", "script"), ("CMSS10", "upright"), ("CMTT10", "upright"),
    ("NimbusRomNo9L-Regu", "upright"), ("NimbusRomNo9L-ReguItal", "italic"), ("NimbusRomNo9L-Medi", "bold"),
    ("Times-BoldItalic", "bold-italic"),
])
def test_font_style(name, style):
    assert fonts.font_style(name) == style


def test_subset_prefix():
    assert fonts.base_font_name("ABCDEF+CMMI10") == "CMMI10"
    assert fonts.base_font_name("CMMI10") == "CMMI10"


# --- metric ------------------------------------------------------------------------------------------


def test_tokens():
    assert lex(r"\alpha_t + \|x\|") == [r"\alpha", "_", "t", "+", r"\|", "x", r"\|"]
    assert lex(r"a \\ b") == ["a", r"\\", "b"]


def test_identical_is_zero_and_empty_is_zero():
    assert token_edit_distance(CFG6, CFG6) == 0.0
    assert token_edit_distance("", "") == 0.0
    assert token_edit_distance("x", "") == 1.0


def test_one_token_off_is_one_over_n():
    truth = "a + b = c"  # 5 tokens
    assert token_edit_distance("a + b = d", truth) == pytest.approx(1 / 5)
    assert token_edit_distance("a - b = c", truth) == pytest.approx(1 / 5)
    assert token_edit_distance("a + b = c d", truth) == pytest.approx(1 / 6)
    assert levenshtein(list("kitten"), list("sitting")) == 3


@pytest.mark.parametrize("a,b", [
    (r"\left( x \right)", "(x)"),
    (r"\Big[ x \Big]", "[x]"),
    (r"a\,b\;c\quad d\qquad e\ f~g\!h", "abcdefgh"),
    (r"\displaystyle x", "x"),
    (r"x \le y \ge z \ne w", r"x \leq y \geq z \neq w"),
    (r"\bar\alpha_t", r"\bar{\alpha}_{t}"),
    (r"\frac12", r"\frac{1}{2}"),
    (r"\sqrt x", r"\sqrt{x}"),
    (r"x^2_i", r"x^{2}_{i}"),
    (r"\operatorname{std}(x)", r"\mathrm{std}(x)"),
    (r"\text{if } x", r"\mathrm{if} x"),
    (r"\min_i", r"\mathrm{min}_i"),
    (r"\mathbf{xy}", r"\mathbf{x}\mathbf{y}"),
    (r"x^{\prime}", "x'"),
    (r"\left\| x \right\|", r"\|x\|"),
    (r"\Vert x \Vert", r"\|x\|"),
    (r"\iint f", r"\int\int f"),
    (r"\hspace{2pt} x", "x"),
    (r"\left. x \right|", "x|"),
])
def test_normalisation_equates_spellings_of_the_same_glyphs(a, b):
    assert tokenize(a) == tokenize(b)
    assert token_edit_distance(a, b) == 0.0


@pytest.mark.parametrize("a,b", [
    (r"x_{t-1}", r"x_t-1"),  # braces that change the script are kept
    (r"\epsilon", r"\varepsilon"),
    (r"\bar{x}", r"\hat{x}"),
    (r"\frac{a}{b}", r"a/b"),
    (r"\mathbf{x}", "x"),
    (r"\text{predicted}", r"\text{predicated}"),
    (r"(x)", "[x]"),
])
def test_normalisation_keeps_real_differences(a, b):
    assert token_edit_distance(a, b) > 0


def test_normalize_is_idempotent():
    for latex in (CFG6, r"\sqrt[3]{\frac{a}{b}}_{\text{x y}}", r"\underbrace{a}_{\text{b}}"):
        once = normalize(lex(latex))
        assert normalize(once) == once


# --- end to end on the fixture PDFs -----------------------------------------------------------------


def _bench():
    """bench/latex_accuracy.py, which holds the fixture evaluation (display boxes, truth matching)."""
    name = "paperkit_bench_latex_accuracy"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / "latex_accuracy.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up while the file runs
        spec.loader.exec_module(module)
    return sys.modules[name]


def _need_fixtures() -> Path:
    for name in ("truth.json", "onecol.pdf", "twocol.pdf", "sectioned.pdf"):
        if not (FIXTURES / name).is_file():
            if os.environ.get("CI"):
                pytest.fail(f"{FIXTURES / name} is missing, and CI always has the fixtures")
            pytest.skip(f"{FIXTURES / name} is not on this machine")
    return FIXTURES


@pytest.fixture(scope="module")
def fixture_results():
    return _bench().evaluate(_need_fixtures())


def test_fixture_mean_distance_beats_pix2tex(fixture_results):
    assert len(fixture_results) >= 40
    mean = statistics.fmean(r.distance for r in fixture_results)
    assert mean < 0.10, "\n".join(f"{r.id} {r.distance:.3f}\n  {r.predicted}\n  {r.truth}" for r in fixture_results
                                  if r.distance > 0)


@pytest.mark.parametrize("pdf,catalog_id", [
    ("onecol.pdf", "cfg.6"), ("onecol.pdf", "ddpm.4"), ("twocol.pdf", "cfg.6"), ("twocol.pdf", "ddpm.4"),
    ("onecol.pdf", "ddim.9"), ("sectioned.pdf", "ddpm.2"), ("onecol.pdf", "ddim.14"),
])
def test_simple_equations_come_back_exactly(fixture_results, pdf, catalog_id):
    result = next(r for r in fixture_results if r.pdf == pdf and r.id == catalog_id)
    assert result.distance == 0.0, (result.predicted, result.truth)


def test_fixture_equations_are_fast(fixture_results):
    assert statistics.median(r.seconds for r in fixture_results) < 0.02
    assert max(r.seconds for r in fixture_results) < 0.2


def test_math_symbols_of_cfg6():
    from paperkit.pdf import extract
    from paperkit.pdf.document import open_pdf
    from paperkit.pdf.glyph_latex import math_symbols

    _need_fixtures()
    bench = _bench()
    truth = bench.json.loads((FIXTURES / "truth.json").read_text())
    eq = next(e for e in truth["onecol.pdf"]["equations"] if e["catalog_id"] == "cfg.6")
    with open_pdf(FIXTURES / "onecol.pdf") as doc:
        page = doc.page(eq["page"])
        raw = extract.read_rawdict(page)
        box = bench.fallback_box(raw, eq["label_bbox"], page.rect.width)
        glyphs = [g for g in extract.glyphs_in(raw, box) if not extract.contains_center(tuple(eq["label_bbox"]), g.bbox)]
    symbols = math_symbols(glyphs)
    pairs = {(s.latex, s.style) for s in symbols}
    assert {(r"\tilde{\epsilon}", "italic"), (r"\epsilon", "italic"), (r"\theta", "italic"), (r"\lambda", "italic"),
            ("z", "italic"), ("c", "italic"), ("w", "italic"), ("=", "upright"), ("-", "upright"),
            ("+", "upright")} <= pairs
    assert len(pairs) == len(symbols)  # distinct by (latex, style)
    assert not any(s.latex in ("(", ")", ",", "1") for s in symbols)
    assert all(isinstance(s, MathSymbol) for s in symbols)


# --- glyphs built by hand (no PDF) ---------------------------------------------------------------------


def _g(char, font, size, x, y, width):
    return Glyph(char, font, size, (x, y), (x, y - 0.78 * size, x + width, y + 0.22 * size))


def test_subscript_superscript_from_geometry():
    from paperkit.pdf.glyph_latex import to_latex

    glyphs = [_g("σ", "CMMI10", 10, 100, 200, 6), _g("t", "CMMI7", 7, 106, 202.5, 3),
              _g("2", "CMR7", 7, 106, 196.4, 4), _g("=", "CMR10", 10, 114, 200, 7.8),
              _g("x", "CMMI10", 10, 125, 200, 5.7), _g("t", "CMMI7", 7, 130.7, 201.5, 3),
              _g("−", "CMSY7", 7, 133.7, 201.5, 6), _g("1", "CMR7", 7, 139.7, 201.5, 4)]
    assert token_edit_distance(to_latex(glyphs, []), r"\sigma_t^2 = x_{t-1}") == 0.0


def test_empty_input():
    from paperkit.pdf.glyph_latex import math_symbols, to_latex

    assert to_latex([], []) == ""
    assert math_symbols([]) == []


# --- the real CFG paper ------------------------------------------------------------------------------


def test_cfg_paper_equation_6():
    from paperkit.pdf.document import open_pdf
    from paperkit.pdf.index import page_equations

    path = real_pdf("cfg.pdf")
    with open_pdf(path) as doc:
        eq = next(e for e in page_equations(doc, 5) if e.label == "6")
    # the paper sets ε and z in bold; the catalog writes them plain
    assert token_edit_distance(eq.latex, r"\tilde{\boldsymbol{\epsilon}}_\theta(\mathbf{z}_\lambda, \mathbf{c}) = "
                               r"(1 + w)\boldsymbol{\epsilon}_\theta(\mathbf{z}_\lambda, \mathbf{c}) - "
                               r"w\boldsymbol{\epsilon}_\theta(\mathbf{z}_\lambda)") == 0.0
    plain = re.sub(r"\\(?:boldsymbol|mathbf)\{([^{}]*)\}", r"\1", eq.latex)
    assert token_edit_distance(plain, CFG6) < 0.05
    styles = {(s.latex, s.style) for s in eq.symbols}
    # a symbol's LaTeX leaves bold to its style: the same name as in the catalog
    assert (r"\epsilon", "bold-italic") in styles and ("z", "bold") in styles and (r"\theta", "italic") in styles
