"""Page text on the real papers reads glyphs the PDF does not name through paperkit's own glyph
tables (``paperkit.pdf.glyph_text``): no U+FFFD anywhere, CMEX's big delimiters and operators as the
characters they draw, a Quartz-rewritten PDF's symbols as the math they are, accents on their letters;
and a reader's note drawn over the paper's text takes only its own words away."""

from __future__ import annotations

import pytest

from paperkit.pdf import fonts
from paperkit.pdf.glyph_text import UNKNOWN, read_blocks
from paperkit.pdf.layout import combine_accents
from pdf_paths import REAL_NAMES

UNREADABLE = ("\ufffd", "\uf8ff", "↵", "✏", "✓", "⌘")  # U+FFFD, and what Quartz or raw codes leave


@pytest.mark.parametrize("name", REAL_NAMES)
def test_no_replacement_character_on_any_page(docs, name):
    doc = docs(name)
    for number in range(1, doc.page_count + 1):
        text = doc.text(number)
        found = [c for c in UNREADABLE + (UNKNOWN,) if c in text]
        assert not found, (number, found)
        assert not any(0xE000 <= ord(c) <= 0xF8FF for c in text), number  # no private-use piece either
        assert not doc.layout(number).unknown, number


def test_cfg_page_3_reads_the_cmex_brackets_and_the_integral(docs):
    text = docs("cfg.pdf").text(3)
    assert "Eϵ,λ[∥ϵθ(zλ) −ϵ∥22] (5)" in text  # was Eϵ,λ�∥ϵθ(zλ) −ϵ∥22� (5)
    assert "latent variable model ∫ pθ(x|z)pθ(z)dz," in text  # a text-style ∫, same width as a big [
    assert "Hyvärinen & Dayan" in text  # the diaeresis set over the a


def test_ppo_big_brackets_open_and_close(docs):
    text = docs("ppo.pdf").text(2)
    assert "Êt[KL[πθold(· | st), πθ(· | st)]] ≤δ. (4)" in text
    assert text.count("[") == text.count("]")


def test_quartz_symbols_read_as_the_math_they_are(docs):
    """adam.pdf went through macOS Quartz: CMMI's α, ϵ and θ, CMSY's ≤ and ← come out as keyboard
    symbols (↵ ✏ ✓ , a one-em space) unless read through the font's slots."""
    doc = docs("adam.pdf")
    two = doc.text(2)
    assert "θt←θt−1 −α· m̂t/(√v̂t + ϵ)" in two
    assert "m0←0 (Initialize 1st moment vector)" in two
    assert "|∆t| ≤α" in two
    assert "∥∇ft(θ)∥2 ≤G" in doc.text(4)


def test_wide_accents_sit_on_their_letters(docs):
    four = docs("batchnorm.pdf").text(4)
    assert "normalized activations x̂ are internal" in four  # CMEX \widehat over x, not ∫ or ‖
    assert "∫x" not in four and "‖x" not in four
    # a radical has the same width as a \widehat but no letter under it
    assert "x̂(k) = x(k) −E[x(k)]√\nVar[x(k)]" in docs("batchnorm.pdf").text(3)


def test_a_smaller_cmex_is_read_by_its_own_widths():
    """CMEX7/CMEX9 are wider in em than cmex10, whose widths the tables hold."""
    assert fonts.cmex_candidates("\ufffd", 1.2 * 7, 7, "ABCDEF+CMEX7")[0] == 80  # text ∑ (batchnorm p.4)
    assert fonts.cmex_candidates("\ufffd", 1.085 * 9, 9, "CMEX9")[0] == 80  # text ∑ (attention p.4)
    assert fonts.cmex_candidates("\ufffd", 1.2 * 10, 10, "CMEX10") == []  # no cmex10 slot is 1.2 em wide
    # a raw code is kept only when its width agrees: MuPDF's own spaces are not Bigg parentheses
    assert fonts.cmex_candidates(" ", 0.79167 * 10, 10, "CMEX10") == [32]
    assert fonts.cmex_candidates(" ", 0.3 * 10, 10, "CMEX10") == []


def _block(font: str, chars: str, size: float = 10.0, width: float = 5.0) -> dict:
    glyphs = [{"c": c, "origin": (10 + i * width, 20), "bbox": (10 + i * width, 12, 10 + (i + 1) * width, 22)}
              for i, c in enumerate(chars)]
    span = {"font": font, "size": size, "flags": 0, "chars": glyphs, "bbox": (10, 12, 10 + len(chars) * width, 22)}
    return {"type": 0, "bbox": span["bbox"], "lines": [{"bbox": span["bbox"], "dir": (1, 0), "spans": [span]}]}


def test_a_glyph_nothing_can_name_is_a_visible_placeholder_with_a_reason():
    blocks = [_block("ABCDEF+Mystery-Regular", "a\ufffdb"), _block("CMEX10", "\ufffd", width=12.0)]
    texts = [[["a\ufffdb"]], [["\ufffd"]]]
    reasons = read_blocks(blocks, texts)
    assert texts == [[[f"a{UNKNOWN}b"]], [[UNKNOWN]]]
    assert reasons == ["a Mystery-Regular glyph the PDF names with no character",
                       "a CMEX10 glyph 1.20 em wide that no slot of the font has"]


def test_combine_accents():
    assert combine_accents("Hyv¨arinen") == "Hyvärinen"
    assert combine_accents("˜σ2λ and ˆmt") == "σ̃2λ and m̂t"
    assert combine_accents("a ˆ b") == "a ˆ b"  # an accent with no letter after it stays


def test_a_note_over_the_text_takes_only_its_own_words(docs):
    """ppo.pdf page 2 carries a reader's FreeText note whose box covers a line of the paper."""
    text = docs("ppo.pdf").text(2)
    assert "for some coefficient β. This follows from the fact that a certain surrogate objective" in text
    assert "we just need minimize" not in text and "Training data sample from out of" not in text
