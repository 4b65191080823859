"""One spelling for LaTeX that means the same: ``\\bar\\alpha``, ``\\bar{\\alpha}`` and
``\\overline{\\alpha}`` all become ``\\bar{\\alpha}``, so a look-up finds the entry whatever the
paper or the reader typed."""

from __future__ import annotations

import functools
import re

from ..render.tables import LATEX_OPERATORS

TOKEN = re.compile(r"\\[A-Za-z]+\*?|\\.|[{}]|\s+|.", re.S)
SYNONYMS = {
    "\\overline": "\\bar", "\\widehat": "\\hat", "\\widetilde": "\\tilde", "\\vec": "\\vec",
    "\\le": "\\leq", "\\ge": "\\geq", "\\ne": "\\neq", "\\leqslant": "\\leq", "\\geqslant": "\\geq",
    "\\to": "\\rightarrow", "\\gets": "\\leftarrow", "\\iff": "\\Leftrightarrow", "\\implies": "\\Rightarrow",
    "\\lvert": "|", "\\rvert": "|", "\\vert": "|", "\\lVert": "\\|", "\\rVert": "\\|", "\\Vert": "\\|",
    "\\land": "\\wedge", "\\lor": "\\vee", "\\lnot": "\\neg", "\\owns": "\\ni", "\\dots": "\\ldots",
    "\\bm": "\\boldsymbol", "\\mathbold": "\\boldsymbol", "\\textrm": "\\mathrm", "\\rm": "\\mathrm",
    "\\bf": "\\mathbf", "\\operatorname": "\\mathrm", "\\operatorname*": "\\mathrm", "\\text": "\\mathrm", "\\cal": "\\mathcal", "\\emptyset": "\\varnothing", "\\colon": ":",
    "\\lbrace": "\\{", "\\rbrace": "\\}", "\\langle": "\\langle", "\\lbrack": "[", "\\rbrack": "]",
}
DROP = {"\\left", "\\right", "\\big", "\\Big", "\\bigg", "\\Bigg", "\\bigl", "\\bigr", "\\Bigl", "\\Bigr",
        "\\displaystyle", "\\textstyle", "\\,", "\\;", "\\:", "\\!", "\\ ", "\\quad", "\\qquad", "~", "\\limits",
        "\\ensuremath"}
ONE_ARGUMENT = {"\\bar", "\\hat", "\\tilde", "\\dot", "\\ddot", "\\vec", "\\check", "\\breve", "\\acute", "\\grave",
                "\\mathbb", "\\mathcal", "\\mathbf", "\\boldsymbol", "\\mathrm", "\\mathfrak", "\\mathscr", "\\mathsf",
                "\\mathtt", "\\mathit", "\\operatorname", "\\sqrt", "\\underline", "\\text"}


def tokens(latex: str) -> list[str]:
    out = []
    for tok in TOKEN.findall(latex):
        if tok.isspace():
            continue
        tok = SYNONYMS.get(tok, tok)
        if tok in DROP:
            continue
        out.append(tok)
    return out


@functools.lru_cache(maxsize=16384)  # a pure function of its text; look-ups in a paper's context ask it often
def latex_key(latex: str) -> str:
    """The canonical spelling: synonyms unified, sizing and spacing dropped, the single-token
    argument of an accent or font command braced, and ``_x``/``^x`` braced likewise."""
    toks = tokens(latex)
    out: list[str] = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        out.append(tok)
        if (tok in ONE_ARGUMENT or tok in ("_", "^")) and i + 1 < len(toks) and toks[i + 1] != "{":
            out.extend(["{", toks[i + 1], "}"])
            i += 2
            continue
        i += 1
    text = ""
    joined = " ".join(out)
    for word in LATEX_OPERATORS:  # \mathrm{log} is \log
        joined = joined.replace("\\mathrm { " + " ".join(word) + " }", "\\" + word)
    out = [t for t in TOKEN.findall(joined) if not t.isspace()]
    for tok in out:
        if text and text[-1].isalpha() and tok[:1].isalpha() and re.search(r"\\[A-Za-z]+$", text):
            text += " "
        text += tok
    return text


def strip_scripts(key: str) -> str:
    """``\\bar{\\alpha}_{t-1}^{2}`` → ``\\bar{\\alpha}``: the symbol without its indices."""
    depth, cut = 0, len(key)
    for i, c in enumerate(key):
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif c in "_^" and depth == 0 and i > 0:
            cut = i
            break
    return key[:cut]
