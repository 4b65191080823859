"""How close a reconstructed LaTeX string is to the truth: normalised token edit distance.

``tokenize`` splits LaTeX into tokens: a control word (``\\alpha``) or control symbol (``\\|``,
``\\,``, ``\\\\``) is one token, every other non-space character is one token; spaces are not tokens.
``normalize`` then rewrites the token list the same way for the truth and the prediction, only where
two spellings print the same glyphs, so that the distance measures what a reader sees:

1. **Sizing and spacing go.** ``\\left`` ``\\right`` ``\\big``… ``\\Biggr`` (and ``\\left.``'s dot),
   ``\\displaystyle`` and the other style switches, ``\\limits``/``\\nolimits``, and spacing
   (``\\,`` ``\\;`` ``\\:`` ``\\!`` ``\\ `` ``~`` ``\\quad`` ``\\qquad``, ``\\hspace{…}``). They
   change sizes and gaps, not which symbols are printed, and a layout reader sees sizes it cannot
   tie to one command (``\\Big(`` and ``\\left(`` give the same glyph).
2. **Synonyms become one spelling.** ``\\le``→``\\leq``, ``\\ge``→``\\geq``, ``\\ne``/``\\not=``→
   ``\\neq``, ``\\to``→``\\rightarrow``, ``\\gets``→``\\leftarrow``, ``\\vert``/``\\lvert``/
   ``\\rvert``/``\\mid``→``|``, ``\\Vert``/``\\lVert``/``\\rVert``→``\\|``, ``\\lbrace``→``\\{``,
   ``\\rbrace``→``\\}``, ``\\dots``→``\\ldots``, ``\\colon``→``:``, ``\\land``/``\\lor``/``\\lnot``,
   ``\\dfrac``/``\\tfrac``→``\\frac``, ``\\bm``→``\\boldsymbol``, ``^{\\prime}`` and ``^\\prime``→
   ``'``, ``\\iint``→``\\int\\int`` (amsmath only sets the signs closer). These are the same
   glyphs under two names.
3. **Upright text is one spelling.** ``\\text``, ``\\textrm``, ``\\textnormal``, ``\\mbox``,
   ``\\operatorname`` and ``\\mathrm`` all become ``\\mathrm``, and the named operators (``\\log``,
   ``\\min``, ``\\cos``…) become ``\\mathrm{log}``…: in the page they are the same upright letters.
   The contents stay, one token per character (spaces dropped), so a misread word still counts.
4. **Single-token arguments get braces.** The argument of ``_``, ``^``, accents (``\\bar``,
   ``\\tilde``…), ``\\sqrt``, ``\\frac``, the alphabet commands (``\\mathbf``…) and ``\\mathrm`` is
   always written ``{…}``, so ``x_t`` = ``x_{t}`` and ``\\bar\\alpha`` = ``\\bar{\\alpha}``. Other
   braces are kept: dropping braces wholesale would hide wrong scripts (``x_{t-1}`` vs ``x_t-1``).
5. **Alphabet commands go letter by letter.** ``\\mathbf{xy}`` becomes ``\\mathbf{x}\\mathbf{y}``
   (also ``\\mathbb``, ``\\mathcal``, ``\\boldsymbol``, ``\\mathfrak``, ``\\mathscr``, ``\\mathsf``,
   ``\\mathtt``, ``\\mathit``) when the argument is a plain run of symbols: it prints the same.

``token_edit_distance(pred, truth)`` is the Levenshtein distance between the two normalised token
lists divided by the longer length (0 when both are empty), the measure behind the published
figures for pix2tex (about 0.10) and Nougat (about 0.06).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..render.tables import LATEX_OPERATORS

_TOKEN = re.compile(r"\\[A-Za-z]+\*?|\\.|[^\s]", re.S)

DROP = frozenset(
    r"\left \right \big \Big \bigg \Bigg \bigl \Bigl \biggl \Biggl \bigr \Bigr \biggr \Biggr \bigm \Bigm "
    r"\biggm \Biggm \displaystyle \textstyle \scriptstyle \scriptscriptstyle \limits \nolimits \, \; \: \! "
    r"\quad \qquad \enspace \thinspace \medspace \thickspace \negthinspace \negmedspace \negthickspace "
    r"\nobreak \allowbreak \relax \middle".split()
) | {"\\ ", "~", "\\\n", "\\\t"}
DROP_WITH_ARG = frozenset(r"\hspace \hspace* \vspace \vspace* \mspace \phantom \hphantom \vphantom \label \tag \nonumber \notag".split())

SYNONYMS = {
    r"\le": r"\leq", r"\ge": r"\geq", r"\ne": r"\neq", r"\to": r"\rightarrow", r"\gets": r"\leftarrow",
    r"\vert": "|", r"\lvert": "|", r"\rvert": "|", r"\mid": "|", r"\Vert": r"\|", r"\lVert": r"\|",
    r"\rVert": r"\|", r"\lbrace": r"\{", r"\rbrace": r"\}", r"\lbrack": "[", r"\rbrack": "]",
    r"\dots": r"\ldots", r"\dotsc": r"\ldots", r"\dotsb": r"\cdots", r"\colon": ":", r"\land": r"\wedge",
    r"\lor": r"\vee", r"\lnot": r"\neg", r"\owns": r"\ni", r"\dfrac": r"\frac", r"\tfrac": r"\frac",
    r"\bm": r"\boldsymbol", r"\text": r"\mathrm", r"\textrm": r"\mathrm", r"\textnormal": r"\mathrm",
    r"\mbox": r"\mathrm", r"\operatorname": r"\mathrm", r"\operatorname*": r"\mathrm", r"\textup": r"\mathrm",
    r"\textbf": r"\mathbf", r"\textit": r"\mathit", r"\textsf": r"\mathsf", r"\texttt": r"\mathtt",
    r"\emptyset": r"\emptyset", r"\lnot": r"\neg", r"\implies": r"\Longrightarrow", r"\cdotp": r"\cdot",
}

ACCENT_COMMANDS = frozenset(
    r"\bar \hat \tilde \dot \ddot \dddot \vec \check \breve \acute \grave \mathring \widehat \widetilde "
    r"\overline \underline \overrightarrow \overleftarrow \underbrace \overbrace \boxed".split()
)
ALPHABET_COMMANDS = frozenset(
    r"\mathbf \mathbb \mathcal \boldsymbol \mathfrak \mathscr \mathsf \mathtt \mathit \pmb".split()
)
ONE_ARG = ACCENT_COMMANDS | ALPHABET_COMMANDS | {r"\mathrm", r"\sqrt"}
TWO_ARGS = frozenset({r"\frac", r"\binom", r"\stackrel", r"\overset", r"\underset"})


def lex(latex: str) -> list[str]:
    """Raw tokens: ``\\alpha`` and ``\\|`` are one token each, every other non-space char one token."""
    return _TOKEN.findall(latex)


def tokenize(latex: str) -> list[str]:
    """The normalised tokens of a LaTeX string (see the module docstring for what changes)."""
    return normalize(lex(latex))


def _group_end(tokens: Sequence[str], i: int) -> int:
    """Index just past the ``}`` matching the ``{`` at ``i`` (or the end)."""
    depth = 0
    for j in range(i, len(tokens)):
        if tokens[j] == "{":
            depth += 1
        elif tokens[j] == "}":
            depth -= 1
            if depth == 0:
                return j + 1
    return len(tokens)


def _skip_dropped(tokens: Sequence[str], i: int) -> int:
    while i < len(tokens) and (tokens[i] in DROP or tokens[i] in DROP_WITH_ARG):
        if tokens[i] in DROP_WITH_ARG:
            j = i + 1
            if j < len(tokens) and tokens[j] == "{":
                i = _group_end(tokens, j)
                continue
            i = j
            continue
        i += 1
    return i


def _read_arg(tokens: Sequence[str], i: int) -> tuple[list[str], int]:
    """One macro argument starting at ``i``: the contents of a ``{…}`` group, or one token with its
    own arguments when it is a command that takes some. Returns (tokens, next index)."""
    i = _skip_dropped(tokens, i)
    if i >= len(tokens):
        return [], i
    t = tokens[i]
    if t == "{":
        end = _group_end(tokens, i)
        return list(tokens[i + 1:end - 1]), end
    name = SYNONYMS.get(t, t)
    nargs = 1 if name in ONE_ARG else 2 if name in TWO_ARGS else 0
    j = i + 1
    out = [t]
    if name == r"\sqrt" and j < len(tokens) and tokens[j] == "[":
        while j < len(tokens) and tokens[j] != "]":
            out.append(tokens[j])
            j += 1
        if j < len(tokens):
            out.append(tokens[j])
            j += 1
    for _ in range(nargs):
        arg, j = _read_arg(tokens, j)
        out += ["{", *arg, "}"]
    return out, j


def normalize(tokens: Sequence[str]) -> list[str]:
    """Apply the rewrites of the module docstring to a raw token list."""
    out: list[str] = []
    i, n = 0, len(tokens)
    while i < n:
        t = tokens[i]
        if t in (r"\left", r"\right", r"\middle") and i + 1 < n and tokens[i + 1] == ".":
            i += 2
            continue
        if t in DROP:
            i += 1
            continue
        if t in DROP_WITH_ARG:
            _, i = _read_arg(tokens, i + 1)
            continue
        if t == r"\not" and i + 1 < n and tokens[i + 1] == "=":
            out.append(r"\neq")
            i += 2
            continue
        t = SYNONYMS.get(t, t)
        if t in (r"\iint", r"\iiint"):  # the same integral signs set closer
            out += [r"\int"] * (2 if t == r"\iint" else 3)
            i += 1
            continue
        if t.startswith("\\") and t[1:] in LATEX_OPERATORS:
            out += [r"\mathrm", "{", *t[1:], "}"]
            i += 1
            continue
        if t in ("^", "_"):
            arg, j = _read_arg(tokens, i + 1)
            if t == "^" and arg and all(a == r"\prime" for a in arg):
                out += ["'"] * len(arg)
            else:
                out += [t, "{", *normalize(arg), "}"]
            i = j
            continue
        if t in ONE_ARG or t in TWO_ARGS:
            j = i + 1
            if t == r"\sqrt" and j < n and tokens[j] == "[":
                end = j
                while end < n and tokens[end] != "]":
                    end += 1
                optional = normalize(tokens[j + 1:end])
                out += [t, "[", *optional, "]"]
                j = end + 1
            else:
                out.append(t)
            args = []
            for _ in range(2 if t in TWO_ARGS else 1):
                arg, j = _read_arg(tokens, j)
                args.append(normalize(arg))
            if t in ALPHABET_COMMANDS and len(args[0]) > 1 and all(_plain(a) for a in args[0]):
                out.pop()
                for a in args[0]:
                    out += [t, "{", a, "}"]
            elif t == r"\mathrm":
                out += ["{", *[a for a in args[0] if a != r"\mathrm"], "}"]
            else:
                for a in args:
                    out += ["{", *a, "}"]
            i = j
            continue
        out.append(t)
        i += 1
    return out


def _plain(token: str) -> bool:
    return token not in ("{", "}", "_", "^") and not (token.startswith("\\") and token in ONE_ARG | TWO_ARGS)


def levenshtein(a: Sequence[str], b: Sequence[str]) -> int:
    """Edit distance (insert, delete, substitute: cost 1 each) between two sequences."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def token_edit_distance(pred: str | Sequence[str], truth: str | Sequence[str]) -> float:
    """Levenshtein distance between the normalised token lists over the longer length (0 if both empty).

    Strings are tokenised and normalised; token lists are taken as already normalised.
    """
    p = tokenize(pred) if isinstance(pred, str) else list(pred)
    t = tokenize(truth) if isinstance(truth, str) else list(truth)
    longest = max(len(p), len(t))
    if longest == 0:
        return 0.0
    return levenshtein(p, t) / longest
