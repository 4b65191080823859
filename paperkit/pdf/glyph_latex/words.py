"""Row items merged and joined: runs of upright letters into operator names, ``\\mathrm{…}`` or
``\\text{…}``, three dots into ``\\ldots``/``\\cdots``, and the row's parts into one LaTeX string.
"""

from __future__ import annotations

from ...render.tables import LATEX_OPERATORS
from .atoms import _Item


def _merge_words(items: list[_Item], size: float) -> list[_Item]:
    """Runs of upright letters: operator names, \\mathrm{…} words, \\text{…} phrases."""
    out: list[_Item] = []
    run: list[_Item] = []

    def flush() -> None:
        if not run:
            return
        letters = [it.base for it in run]
        gaps = [b.x0 - a.x1 for a, b in zip(letters, letters[1:])]
        words, current = [], letters[0].char
        for gap, b in zip(gaps, letters[1:]):
            if gap > 0.18 * size:
                words.append(current)
                current = b.char
            else:
                current += b.char
        words.append(current)
        text_font = letters[0].role == "text"
        merged = _Item(letters[0], list(run[-1].subs), list(run[-1].sups), x1=letters[-1].x1, words=" ".join(words))
        if len(words) == 1 and words[0] in LATEX_OPERATORS and not text_font:
            merged.latex, merged.kind = "\\" + words[0], "op"
        elif len(words) == 1 and not text_font:
            merged.latex = rf"\mathrm{{{_escape(words[0])}}}"
        else:
            merged.latex = rf"\text{{{_escape(' '.join(words))}}}"
        out.append(merged)
        run.clear()

    for it in items:
        b = it.base
        word_part = b is not None and b.kind == "ord" and (b.letter or (b.char in "“”‘’" and b.role in ("rm", "text")))
        if word_part and run:
            prev = run[-1].base
            if run[-1].subs or run[-1].sups or b.x0 - prev.x1 > 0.6 * size or prev.role != b.role \
                    or abs(b.size - prev.size) > 0.05 * size:
                flush()
        if word_part:
            run.append(it)
        else:
            flush()
            out.append(it)
    flush()
    return _parenthesised_words(out, size)


def _parenthesised_words(items: list[_Item], size: float) -> list[_Item]:
    """``\text{(linear)}``: upright parentheses hugging a word (no gap either side) belong to it."""
    out: list[_Item] = []
    i = 0
    while i < len(items):
        trio = items[i:i + 3]
        if len(trio) == 3 and trio[1].words and not trio[0].subs and not trio[0].sups and not trio[1].subs \
                and not trio[1].sups and all(t.base is not None for t in trio):
            a, w, b = trio[0].base, trio[1], trio[2].base
            if a.char == "(" and b.char == ")" and a.role == w.base.role == b.role \
                    and w.base.x0 - a.x1 < 0.05 * size and b.x0 - w.x1 < 0.05 * size:
                merged = _Item(a, list(trio[2].subs), list(trio[2].sups), latex=rf"\text{{({_escape(w.words)})}}",
                               x1=b.x1, words=f"({w.words})")
                out.append(merged)
                i += 3
                continue
        out.append(items[i])
        i += 1
    return out


def _escape(text: str) -> str:
    return text.replace("“", "``").replace("”", "''").replace("‘", "`").replace("’", "'")


def _merge_dots(items: list[_Item], size: float) -> list[_Item]:
    out: list[_Item] = []
    i = 0
    while i < len(items):
        trio = items[i:i + 3]
        if len(trio) == 3 and all(t.base is not None and not t.subs and not t.sups for t in trio):
            chars = {t.base.char for t in trio}
            gaps = [b.base.x0 - a.base.x1 for a, b in zip(trio, trio[1:])]
            if chars in ({"."}, {"·"}) and all(0 <= g < 0.4 * size for g in gaps):
                merged = _Item(trio[0].base, [], [])
                merged.latex = r"\ldots" if chars == {"."} else r"\cdots"
                merged.kind = "ord"
                out.append(merged)
                i += 3
                continue
        out.append(items[i])
        i += 1
    return out


def _join(parts: list[tuple[str, str]]) -> str:
    out = ""
    prev_kind = "start"
    for text, kind in parts:
        if not text:
            continue
        spaced = kind in ("rel", "bin") and prev_kind not in ("start", "open", "rel", "bin", "punct")
        if out and (spaced or prev_kind in ("rel", "punct") or (prev_kind == "bin" and kind != "bin")):
            out += " "
        elif out and out[-1].isalpha() and text[0].isalpha() and _ends_with_command(out):
            out += " "
        out += text
        prev_kind = kind if kind != "bin" or spaced else "ord"
    return out


def _ends_with_command(text: str) -> bool:
    i = len(text) - 1
    while i >= 0 and text[i].isalpha():
        i -= 1
    return i >= 0 and text[i] == "\\"
