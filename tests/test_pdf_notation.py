"""The notation reader: identifiers in LaTeX, definition shapes in sentences, inline maths read from
real PDFs through the glyph engine, and whole papers' symbols with their definitions and uses."""

from __future__ import annotations

import pytest

from paperkit.pdf.notation.atoms import head, identifiers
from paperkit.pdf.notation.definitions import find_definitions, tokenize
from tests.pdf_paths import real_pdf


def _m(k: int) -> str:
    return f"\ue000{k}\ue001"


def definitions(masked: str, named=None, formulas=(), first_in_row=False) -> dict[int, tuple[str, str]]:
    """{run: (phrase, how)} found in a masked sentence."""
    tokens = tokenize(masked)
    named = named if named is not None else (lambda r: True)
    out = {}
    for found in find_definitions(tokens, named, first_in_row, frozenset(), lambda r: r in formulas):
        phrase = " … ".join(masked[tokens[a].start:tokens[b - 1].end] for a, b in found.ranges)
        for r in found.runs:
            out[r] = (phrase, found.how)
    return out


# -- identifiers ----------------------------------------------------------------------------------

def test_identifiers_keep_decoration_font_and_naming_scripts():
    assert [i.latex for i in identifiers(r"\pi_{\theta}(a_{t}|s_{t})")][:3] == [r"\pi_\theta", r"\theta", "a_t"]
    assert identifiers(r"\hat{A}_{t}")[0].latex == r"\hat{A}_t"
    assert identifiers(r"\hat{A}_{t}")[0].base == r"\hat{A}"
    # five symbols: A, Ã, Â, 𝒜, bold A
    five = {identifiers(x)[0].latex for x in ("A", r"\tilde{A}", r"\hat{A}", r"\mathcal{A}", r"\mathbf{A}")}
    assert len(five) == 5
    # a name as superscript stays, a power or transpose does not, and its letters are not symbols
    assert [i.latex for i in identifiers(r"L^{CLIP}(\theta)")] == ["L^{CLIP}", r"\theta"]
    assert [i.latex for i in identifiers(r"x^{T}y + g^{2}")] == ["x", "y", "g"]
    assert identifiers(r"\theta_{\mathrm{old}}")[0].latex == r"\theta_{\mathrm{old}}"


def test_head_names_what_a_run_is_or_defines():
    assert head(r"\pi_{\theta}") == [r"\pi_\theta"]
    assert head(r"r_{t}(\theta) = \frac{a}{b}") == ["r_t"]
    assert head(r"\beta_{1}, \beta_{2} \in [0, 1") == [r"\beta_1", r"\beta_2"]
    assert head(r"X \in \mathbb{R}^{N \times C}") == ["X"]
    assert head(r"\sim p(\mathbf{x})") == []
    assert head(r"1 - \epsilon") == []


# -- definition shapes ----------------------------------------------------------------------------

def test_where_is_and_a_second_definition_in_the_same_sentence():
    found = definitions(f"where {_m(0)} is a stochastic policy and {_m(1)} is an estimator of the advantage function at timestep {_m(2)}")
    assert found[0] == ("a stochastic policy", "where-is")
    assert found[1][0] == f"an estimator of the advantage function at timestep {_m(2)}"


def test_shapes_the_issue_names():
    assert definitions(f"{_m(0)} denotes the parameters of the network.")[0] == ("the parameters of the network", "denotes")
    assert definitions(f"Let {_m(0)} be the number of nodes.")[0] == ("the number of nodes", "let-be")
    assert definitions(f"We train with the learning rate {_m(0)} for 10 epochs")[0] == ("the learning rate", "apposition")
    assert definitions(f"{_m(0)}: adjacency matrix", first_in_row=True)[0] == ("adjacency matrix", "colon")
    assert definitions(f"Require: {_m(0)}: Stepsize")[0] == ("Stepsize", "colon")
    assert definitions(f"{_m(0)} is the feature matrix")[0] == ("the feature matrix", "where-is")
    assert definitions(f"With {_m(0)} and {_m(1)} we denote {_m(2)} and {_m(3)} to the power t.", named=lambda r: r < 2)[0][1] == "we-denote"
    assert definitions(f"the step size, denoted by {_m(0)}, is small")[0] == ("the step size", "denoted")
    assert definitions(f"we scale by the temperature ({_m(0)}) here")[0] == ("the temperature", "paren")
    assert definitions(f"where {_m(0)} and {_m(1)} are the decay rates")[1] == ("the decay rates", "where-is")


def test_statements_are_not_definitions():
    assert definitions(f"{_m(0)} is sampled from the data distribution") == {}
    assert definitions(f"{_m(0)} is small in practice") == {}
    assert definitions(f"{_m(0)} is not important") == {}
    assert definitions(f"in the following {_m(0)}") == {}  # "the following" names nothing
    assert definitions(f"as the direction of decreasing {_m(0)}") == {}
    # a run that names nothing is never defined
    assert definitions(f"{_m(0)} is the loss", named=lambda r: False) == {}


def test_phrase_stops_at_the_clause_and_at_a_formula():
    found = definitions(f"where {_m(0)} is the layer input, the weight matrix {_m(1)} is given")
    assert found[0] == ("the layer input", "where-is")
    found = definitions(f"Let {_m(0)} denote the probability ratio {_m(1)}, so", formulas={1})
    assert found[0] == ("the probability ratio", "let-be")


# -- whole papers ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ppo():
    from paperkit.pdf.document import open_pdf
    from paperkit.pdf.notation import read_notation

    return read_notation(open_pdf(real_pdf("ppo.pdf")))


@pytest.fixture(scope="module")
def adam():
    from paperkit.pdf.document import open_pdf
    from paperkit.pdf.notation import read_notation

    return read_notation(open_pdf(real_pdf("adam.pdf")))


def test_ppo_defines_its_policy_symbols_in_its_own_words(ppo):
    pi = ppo.symbol(r"\pi_\theta")
    assert pi is not None and pi.definition.phrase == "a stochastic policy" and pi.definition.place.page == 2
    adv = ppo.symbol(r"\hat{A}_t")
    assert "advantage function" in adv.definition.phrase
    old = ppo.symbol(r"\theta_{\mathrm{old}}")
    assert "policy parameters before the update" in old.definition.phrase
    ratio = ppo.symbol("r_t")
    assert ratio.definition.phrase == "the probability ratio"


def test_uses_cover_pages_sentences_and_numbered_equations(ppo):
    theta = ppo.symbol(r"\theta")
    pages = {u.place.page for u in theta.uses}
    assert {2, 3, 5} <= pages
    assert "7" in theta.equations  # L^CLIP(θ) in equation (7)
    sentence_uses = [u for u in theta.uses if u.equation is None]
    assert all("θ" in u.sentence for u in sentence_uses[:20])
    # a use points at the run in the reader's paragraph text
    use = sentence_uses[0]
    from paperkit.pdf.document import open_pdf

    doc = open_pdf(real_pdf("ppo.pdf"))
    from paperkit.pdf.index import page_equations

    paragraphs = doc.paragraphs(use.place.page, page_equations(doc, use.place.page))
    assert "θ" in paragraphs[use.place.para].text[use.place.start:use.place.end]


def test_adam_algorithm_inputs_and_comments(adam):
    assert adam.symbol(r"\alpha").definition.phrase == "Stepsize"
    assert adam.symbol(r"\beta_1").definition.phrase == "Exponential decay rates for the moment estimates"
    assert adam.symbol(r"\theta_0").definition.phrase == "Initial parameter vector"
    assert "1st moment vector" in adam.symbol("m_0").definition.phrase


def test_symbols_json_has_the_fields_the_issue_names(ppo):
    rows = [s.to_json() for s in ppo.symbols]
    assert rows and all({"latex", "text", "definition", "page", "uses"} <= set(r) for r in rows)
    pi = next(r for r in rows if r["latex"] == r"\pi_\theta")
    assert pi["text"] == "π_θ" or pi["text"] == "πθ" or pi["text"].startswith("π")
    assert any(r["definition"] is None for r in rows)


def test_more_shapes_found_in_real_papers():
    # a count: "each of N (parallel) actors collect T timesteps", "h = 8 parallel attention layers"
    found = definitions(f"each of {_m(0)} (parallel) actors collect {_m(1)} timesteps of data.")
    assert found[0] == ("(parallel) actors", "count") and found[1] == ("timesteps", "count")
    # the noun phrase before "of" too
    found = definitions(f"we achieve some target value of the KL divergence {_m(0)} each policy update.")
    assert found[0][0] == "some target value of the KL divergence"
    # a list with its relative clause
    found = definitions(f"we introduce, for each activation {_m(0)}, a pair of parameters {_m(1)}, which scale and shift the value:")
    assert found[1][0] == "a pair of parameters … which scale and shift the value"
    # an algorithm's comments
    assert definitions(f"{_m(0)} (Update biased first moment estimate)", formulas={0})[0] == (
        "Update biased first moment estimate", "comment")
    assert definitions(f"return {_m(0)} (Resulting parameters)")[0] == ("Resulting parameters", "comment")
    # "PHRASE: M" and "let the PHRASE be M"
    assert definitions(f"Input: Values; Parameters to be learned: {_m(0)}")[0] == ("Parameters to be learned", "colon")
    assert definitions(f"Let the normalized values be {_m(0)}, and")[0] == ("the normalized values", "let-be")
    # "we define M as a …"
    assert definitions(f"We define {_m(0)} as a vector that contains the gradients.")[0][0] == (
        "a vector that contains the gradients")
    # one noun ends the clause
    assert definitions(f"where {_m(0)} are coefficients, and")[0] == ("coefficients", "where-is")
    assert definitions(f"If the model {_m(0)} is correct, then")[0] == ("the model", "apposition")


def test_shapes_that_name_nothing():
    assert definitions(f"Setting {_m(0)} removes the noise") == {}
    assert definitions(f"DDIM writes {_m(0)} for the product") == {}
    assert definitions(f"{_m(0)} to the power t", named=lambda r: True) == {}
    assert definitions(f"{_m(0)} = 0 removes all noise", formulas={0}) == {}


def test_lead_in_words_of_a_defining_display():
    from paperkit.pdf.notation.lead_in import lead_in_phrase

    assert lead_in_phrase("TRPO maximizes a “surrogate” objective") == "a “surrogate” objective"
    assert lead_in_phrase("The KL-penalized loss is defined as") == "The KL-penalized loss"
    assert lead_in_phrase("We compute the matrix of outputs as:") == "the matrix of outputs"
    assert lead_in_phrase("The main objective we propose is the following:") is None
    assert lead_in_phrase("This ends a sentence.") is None


def test_flat_runs_read_like_the_display_engine():
    """On every run of inline maths in the five real PDFs, the flat reader (where it answers) names
    the same identifiers as glyph_latex.to_latex."""
    from paperkit.pdf.document import open_pdf
    from paperkit.pdf.glyph_latex import to_latex
    from paperkit.pdf.notation.inline import runs_in_row
    from paperkit.pdf.notation.inline_latex import inline_latex

    same = other = 0
    for name in ("cfg.pdf", "ppo.pdf"):
        doc = open_pdf(real_pdf(name))
        for number in range(1, doc.page_count + 1):
            layout = doc.layout(number)
            for row in layout.rows:
                for run in runs_in_row(row, layout.body_size):
                    flat = inline_latex(run.glyphs)
                    if flat is None:
                        continue
                    slow = to_latex(run.glyphs)
                    ours = ([i.latex for i in identifiers(flat)], head(flat))
                    if ours == ([i.latex for i in identifiers(slow)], head(slow)):
                        same += 1
                    else:
                        other += 1
    assert same > 300 and other <= 0.01 * same


def test_symbol_text_reads_like_the_paper():
    from paperkit.pdf.notation.symbols import symbol_text

    assert symbol_text(r"\hat{A}_t") == "Âₜ"
    assert symbol_text(r"\overline{RMS}") == "R̄M̄S̄"
    assert symbol_text(r"\theta_{\mathrm{old}}") == "θ_old"
    assert symbol_text(r"\beta_1^t") == "β₁ᵗ"
    assert symbol_text("x_{t-1}") == "xₜ₋₁"
    assert symbol_text(r"\mathcal{X}") == "𝒳"


def test_a_prose_line_under_a_tall_display_is_not_part_of_it():
    """ppo eq. (9)'s big bracket reaches into the "where c1, c2 are coefficients" line below it; the
    line stays prose, and its definitions are found."""
    from paperkit.pdf.document import open_pdf
    from paperkit.pdf.index import page_equations

    doc = open_pdf(real_pdf("ppo.pdf"))
    eq9 = next(e for e in page_equations(doc, 5) if e.label == "9")
    assert "coefficients" not in eq9.latex and "entropy" not in eq9.latex
    para = next(p for p in doc.paragraphs(5, page_equations(doc, 5)) if "coefficients" in p.text)
    assert para.equation is None


def test_ppo_where_clause_after_a_display(ppo):
    assert ppo.symbol("c_1").definition.phrase == "coefficients"
    assert ppo.symbol("S").definition.phrase == "an entropy bonus"
    assert ppo.symbol("N").definition.phrase == "(parallel) actors"


def test_an_equation_lists_its_symbols_as_the_paper_writes_them(ppo):
    """ppo eq. (6), L^CPI(θ) = Ê_t[π_θ/π_θold Â_t]: π_θ, not the letters of CPI; each with the
    paper's own definition where it gives one."""
    eq6 = next(e for e in ppo.equations if e.label == "6")
    listed = dict(ppo.for_equation(eq6))
    assert {r"\pi_\theta", r"\hat{A}_t", "L^{CPI}"} <= set(listed)
    assert "C" not in listed and "P" not in listed
    assert listed[r"\pi_\theta"].definition.phrase == "a stochastic policy"
    assert listed["L^{CPI}"].definition.phrase == "a “surrogate” objective"


def test_chained_and_owned_definitions():
    # "let x be …, treated as a vector, and X be the set …": both
    found = definitions(f"Let {_m(0)} be a layer input, treated as a vector, and {_m(1)} be the set of these inputs.")
    assert found[0] == ("a layer input", "let-be") and found[1] == ("the set of these inputs", "let-be")
    # "the inner-layer has dimensionality d_ff", "the projections are parameter matrices W"
    assert definitions(f"and the inner-layer has dimensionality {_m(0)}.")[0][0] == "the inner-layer has dimensionality"
    assert definitions(f"where the projections are parameter matrices {_m(0)}")[0] == ("parameter matrices", "bare")
    # a comment is words, not "(k)" left after a run cut short
    assert definitions(f"{_m(0)} (k) and more", formulas={0}) == {}


def test_a_drawn_bar_and_a_separate_tilde_make_decorated_symbols():
    """R̄M̄S̄'s bar is a drawn line and z̃'s tilde a glyph of its own: both read as decorated symbols
    (five symbols for A, Ã, Â, 𝒜, 𝐀 — decoration counts), each with the paper's words."""
    from pdf_factories import decorated_maths

    from paperkit.pdf.document import open_pdf
    from paperkit.pdf.notation import read_notation

    notation = read_notation(open_pdf(decorated_maths()))
    rms = notation.symbol(r"\overline{RMS}")
    assert rms is not None and rms.text == "R̄M̄S̄" and rms.definition.phrase == "the root mean square"
    z = notation.symbol(r"\tilde{z}")
    assert z is not None and z.text == "z̃" and z.definition.phrase == "the edited code"
    assert notation.symbol("z") is None  # the tilde is not lost: z̃ is not z
