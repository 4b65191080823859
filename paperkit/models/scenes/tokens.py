"""Captions of the scene world as the scene model reads them: six attribute tokens.

The model's text encoder works over the world's own vocabulary (``paperkit.scenes.vocabulary``), not
over free text: a caption is parsed (``parse_caption``) into six slots — the first object's shape and
colour, the second's (or ``<none>``), the background's pattern and colour — and each slot holds one
token id. The objects keep the caption's order, which is the picture's from left to right
(``paperkit.scenes.caption``): "a red circle and a blue star" puts the circle on the left, "a blue
star and a red circle" the star. The empty caption is six ``<null>`` tokens: the unconditional
input of classifier-free guidance (CFG paper §3.2), which training shows in place of the caption
with probability p_uncond.

No torch here: the CLI and the app read captions without loading it.
"""

from __future__ import annotations

from ...errors import UserError
from ...scenes import BACKGROUNDS, COLOURS, SHAPES, parse_caption

NULL, NONE = "<null>", "<none>"
VOCABULARY: tuple[str, ...] = (NULL, NONE, *SHAPES, *COLOURS, *BACKGROUNDS)
SLOTS = ("shape", "colour", "second shape", "second colour", "background", "background colour")
NULL_TOKENS: tuple[int, ...] = (0,) * len(SLOTS)
_ID = {word: i for i, word in enumerate(VOCABULARY)}


def caption_tokens(caption: str) -> tuple[int, ...]:
    """A caption → its six token ids; "" (or "<null>") → the null caption. UserError otherwise."""
    text = str(caption).strip()
    if text in ("", NULL):
        return NULL_TOKENS
    try:
        parsed = parse_caption(text)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    objects = parsed["objects"]
    (c1, s1), (c2, s2) = objects[0], objects[1] if len(objects) > 1 else (NONE, NONE)
    return (_ID[s1], _ID[c1], _ID[s2], _ID[c2], _ID[parsed["background"]], _ID[parsed["colour"]])


def tokens_caption(tokens) -> str:
    """The caption six token ids stand for ("" for the null caption): the inverse of ``caption_tokens``."""
    words = [VOCABULARY[int(i)] for i in tokens]
    if all(w == NULL for w in words):
        return ""
    s1, c1, s2, c2, bg, bc = words
    things = [f"{_a(c1)} {c1} {s1}"] + ([f"{_a(c2)} {c2} {s2}"] if s2 != NONE else [])
    return f"{' and '.join(things)} on a {BACKGROUNDS[bg]} {bc} background"


def _a(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"
