"""One-line Unicode rendering of LaTeX, from pylatexenc's parse tree."""

import random
import unicodedata

import pytest

from paperkit.render import to_unicode
from paperkit.render.tables import FONTS, GREEK, SUBSCRIPT, SUPERSCRIPT


@pytest.mark.parametrize("latex,text", [
    (r"\bar{\alpha}_{t-1}", "ᾱₜ₋₁"),
    (r"\bar\alpha_t", "ᾱₜ"),
    (r"\frac{a+b}{c}", "(a+b)/c"),
    (r"\frac{1}{\sqrt{\alpha_t}}", "1/√αₜ"),
    (r"\sqrt{1-\bar{\alpha}_t}", "√(1-ᾱₜ)"),
    (r"\|x\|_2^2", "‖x‖₂²"),
    (r"\left\| \epsilon - \epsilon_\theta \right\|", "‖ ε - ε_θ ‖"),
    (r"\mathcal{N}(0, \mathbf{I})", "𝒩(0, 𝐈)"),
    (r"\mathbb{E}_{x_0}", "𝔼_x₀"),
    (r"\mathbb{E}_{t, x_0}", "𝔼_(t, x₀)"),
    (r"\epsilon_\theta^{(t)}(x_t)", "ε_θ⁽ᵗ⁾(xₜ)"),
    (r"x_{1:T}", "x_(1:T)"),
    (r"\tilde{\epsilon} = (1+w)\epsilon_c - w\epsilon_u", "ε̃ = (1+w)ε_c - wεᵤ"),
    (r"M \odot y_t", "M ⊙ yₜ"),
    (r"\sum_{k=1}^{K} A_{ik}", "∑ₖ₌₁ᴷ Aᵢₖ"),
    (r"x_0 \approx \hat{x}_0", "x₀ ≈ x̂₀"),
    (r"\underbrace{a+b}_{\text{label}} + c", "a+b + c"),
    (r"\text{if } t > 1", "if t > 1"),
])
def test_renderings(latex, text):
    assert to_unicode(latex) == text


@pytest.mark.parametrize("bad", [r"\sqrt", r"\frac{1}{", "}{", r"\unknowncommand{x}", "", "^", "_{", r"\left(", "∇ε⍴"])
def test_bad_input_never_raises(bad):
    assert isinstance(to_unicode(bad), str)


def test_random_unicode_never_raises():
    rng = random.Random(0)
    for _ in range(200):
        s = "".join(chr(rng.randrange(32, 0x2FFF)) for _ in range(rng.randrange(1, 30)))
        assert isinstance(to_unicode(s), str)


def test_tables_are_what_their_names_say():
    for name, char in GREEK.items():
        base = name.removeprefix("var").lower().replace("lambda", "lamda")  # Unicode spells it lamda
        assert base in unicodedata.name(char).lower().replace(" ", ""), name
    for c, sub in SUBSCRIPT.items():
        assert "SUBSCRIPT" in unicodedata.name(sub), c
    for c, sup in SUPERSCRIPT.items():
        uname = unicodedata.name(sup)
        assert "SUPERSCRIPT" in uname or "MODIFIER" in uname or sup == "ᵀ", c
    for font, table in FONTS.items():
        for letter, char in table.items():
            if letter.isalpha():
                assert unicodedata.name(char).endswith(f" {letter.upper()}") or char in "ℯℊℴℎ", (font, letter)  # script e, g, o and italic h were encoded earlier under other names
