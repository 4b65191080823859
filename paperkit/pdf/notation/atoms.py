"""Symbols in a piece of LaTeX: the identifiers a reader would point at, as ScholarPhi counts them.

An *identifier* is a base — a letter or Greek letter, with its decoration and font (``\\hat{A}``,
``\\tilde{z}``, ``\\mathcal{A}``, ``\\mathbf{A}`` and ``A`` are five symbols) — and the scripts
that name it: its subscript (``x_t``, ``\\pi_\\theta``, ``\\theta_{\\mathrm{old}}``) and a
superscript that is a name rather than a power (``L^{CLIP}``, ``x^{(k)}``, ``x'``; not ``x^2``,
``x^T`` or ``x^{-1}``). Both the identifier and its bare base are symbols of the paper; the
identifiers inside a subscript (θ in π_θ) are used too.

The LaTeX read here is the glyph engine's own (``glyph_latex.to_latex``), which is regular: this
small tokenizer reads it in one pass, which matters when a paper has thousands of inline runs
(pylatexenc's general parser costs ~20× more per run, and the whole notation pass must stay
within 2× of pymupdf's own text extraction).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

GREEK = frozenset(
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi varpi rho "
    "varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi "
    "Psi Omega ell emptyset varnothing".split())
ACCENTS = frozenset("hat tilde bar widehat widetilde overline dot ddot vec check breve acute grave mathring".split())
FONTS = frozenset("mathbf mathcal mathbb mathfrak mathscr mathsf mathit boldsymbol bm mathrm".split())
WORDS = frozenset("mathrm text operatorname textrm textit mathtt".split())
RELATION_COMMANDS = frozenset("in notin sim approx leq geq le ge neq equiv propto subset subseteq coloneqq "
                              "triangleq doteq to rightarrow leftarrow mapsto".split())
NOT_NAMES = frozenset("""log ln exp sin cos tan tanh sinh cosh arctan arcsin arccos sec csc cot max min sup inf lim
liminf limsup arg argmax argmin det tr diag softmax sigmoid relu sign sgn clip mod gcd lcm dim ker rank span
and or if for where with else otherwise s t old new th st nd rd iff const""".split())
_TEXT_SPACES = re.compile(r"\\(?:text|mathrm|operatorname)\{[^{}]*\}")  # "\text{log tan}" is two words
TOKEN = re.compile(r"\\[A-Za-z]+\*?|\\.|[{}_^]|[^\s\\{}_^]")


@dataclass(frozen=True)
class Identifier:
    """One identifier of a piece of LaTeX: its full LaTeX, its base's, and the identifiers inside its
    scripts (θ in π_θ)."""

    latex: str
    base: str
    inner: tuple[str, ...] = ()


def _group(tokens: list[str], i: int) -> tuple[list[str], int]:
    """The tokens of the argument starting at ``i`` (a braced group or one token), and the index after."""
    if i >= len(tokens):
        return [], i
    if tokens[i] != "{":
        return [tokens[i]], i + 1
    depth, j = 0, i
    while j < len(tokens):
        if tokens[j] == "{":
            depth += 1
        elif tokens[j] == "}":
            depth -= 1
            if depth == 0:
                return tokens[i + 1:j], j + 1
        j += 1
    return tokens[i + 1:], len(tokens)


def _join(tokens: list[str]) -> str:
    out = ""
    for t in tokens:
        if out and out[-1].isalpha() and t[:1].isalpha() and re.search(r"\\[A-Za-z]+$", out):
            out += " "
        out += t
    return out


def _brace(tokens: list[str]) -> str:
    """A script's argument as canonical LaTeX: braces only when it is more than one token."""
    text = _join(tokens)
    if len(tokens) == 1 and (len(text) == 1 or (text.startswith("\\") and "{" not in text)):
        return text
    return "{" + text + "}"


def _is_name_superscript(tokens: list[str]) -> bool:
    """A superscript that names (``CLIP``, ``(k)``, ``'``, ``\\ast``), not a power or a transpose."""
    text = _join(tokens)
    if text in ("'", "''", "\\prime", "\\ast", "*", "\\star", "\\dagger"):
        return True
    if text in ("T", "\\top", "\\intercal", "\\mathsf{T}") or re.fullmatch(r"[-+\d./]+", text):
        return False
    return True


def _is_word(tokens: list[str]) -> bool:
    return len(tokens) >= 2 and all(len(t) == 1 and t.isalpha() for t in tokens)


def _name(arg: list[str]) -> str | None:
    """A function or quantity a paper names in upright letters (LayerNorm, FFN, Var, lrate), which is
    a symbol of the paper; None for an operator (log, max, softmax) or words with spaces."""
    text = "".join(arg)
    if not re.fullmatch(r"[A-Za-z][A-Za-z_]{1,23}", text) or text.lower() in NOT_NAMES:
        return None
    if not (text[0].isupper() or "_" in text):
        return None  # "ize", "ma": pieces of words the glyph reader split, not names
    return text


def _base_at(tokens: list[str], i: int) -> tuple[str, int] | None:
    """A base identifier starting at ``i`` (a letter, a Greek letter, or one decorated or set in a
    font), and the index after it; None when ``tokens[i]`` starts no identifier."""
    t = tokens[i]
    if len(t) == 1 and t.isalpha() and t.isascii():
        return t, i + 1
    if t.startswith("\\"):
        name = t[1:]
        if name in GREEK:
            return t, i + 1
        if name in ACCENTS or name in FONTS:
            arg, j = _group(tokens, i + 1)
            if not arg:
                return None
            inner = _base_at(arg, 0)
            if name in FONTS and (inner is None or inner[1] != len(arg)):
                if name in ("mathrm", "mathbf", "mathsf") and all(len(a) == 1 and a.isalpha() for a in arg) and (
                        len(arg) == 1 or (name != "mathrm" and len(arg) <= 3)):
                    pass  # \mathbf{W}, \mathrm{x}: a bold or upright letter is a symbol
                else:
                    return None
            if name in ACCENTS and inner is None and not all(len(a) == 1 and a.isalnum() for a in arg):
                return None
            return t + "{" + _join(arg) + "}", j
    if len(t) == 1 and t.isalpha() and not t.isascii():  # a Unicode letter the engine left as is
        return t, i + 1
    m = re.fullmatch(r"\\(mathrm|operatorname)\{([A-Za-z_]{2,24})\}", t)
    if m:  # a name rewritten by _scan: \mathrm{LayerNorm}
        return t, i + 1
    return None


@lru_cache(maxsize=8192)
def identifiers(latex: str) -> tuple[Identifier, ...]:
    """Every identifier of ``latex``, left to right, with those inside scripts after their owner."""
    tokens = TOKEN.findall(_TEXT_SPACES.sub(lambda m: m.group(0).replace(" ", "~"), latex))
    return tuple(_scan(tokens))


def _scan(tokens: list[str], script: bool = False) -> list[Identifier]:
    """The identifiers of ``tokens``; in a ``script``, upright names (old, model, targ) are labels."""
    out: list[Identifier] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t[1:].rstrip("*") in WORDS and (script or _base_at(tokens, i) is None):
            arg, j = _group(tokens, i + 1)
            name = None if script else _name(arg)
            if name is None:  # \text{where}, \mathrm{log}: words and operators, not symbols
                i = j
                continue
            tokens = tokens[:i] + [f"\\{t[1:] if t[1:] != 'text' else 'mathrm'}{{{name}}}"] + tokens[j:]
            t = tokens[i]
        if t in ("_", "^"):  # a script whose base was not an identifier: read inside it
            arg, i = _group(tokens, i + 1)
            out.extend(_scan(arg))
            continue
        found = _base_at(tokens, i)
        if found is None:
            i += 1
            continue
        base, i = found
        sub = sup = None
        inner: list[Identifier] = []
        while i < len(tokens) and tokens[i] in ("_", "^", "'"):
            if tokens[i] == "'":
                sup = (sup or []) + ["'"]
                i += 1
                continue
            kind = tokens[i]
            arg, i = _group(tokens, i + 1)
            if not _is_word(arg) and (kind == "_" or (len(arg) > 1 and _is_name_superscript(arg))) \
                    and not base.startswith("\\mathbb"):
                inner.extend(_scan(arg, script=True))  # a name (CLIP, old, Q) or a power holds no symbols
            if kind == "_":
                sub = arg
            else:
                sup = arg
        latex = base
        if sub:
            latex += "_" + _brace(sub)
        if sup and _is_name_superscript(sup) and not base.startswith("\\mathbb"):  # ℝ^{N×C} is a set
            latex += "'" * len(sup) if all(s == "'" for s in sup) else "^" + _brace(sup)
        out.append(Identifier(latex, base, tuple(x.latex for x in inner)))
        out.extend(inner)
    return out


def _names_as_tokens(tokens: list[str]) -> list[str]:
    """``\\text{Sublayer}`` as one token ``\\mathrm{Sublayer}``, as ``_scan`` reads a name."""
    out, i = [], 0
    while i < len(tokens):
        t = tokens[i]
        if t[1:].rstrip("*") in WORDS and _base_at(tokens, i) is None:
            arg, j = _group(tokens, i + 1)
            name = _name(arg)
            if name is not None:
                out.append(f"\\mathrm{{{name}}}")
                i = j
                continue
        out.append(t)
        i += 1
    return out


def _with_power(latex: str, tokens: list[str]) -> str:
    """The identifier with the power its run gives it ("g_t^2 indicates the elementwise square" names
    g_t², not g_t): the superscript ``identifiers`` leaves out as a power, put back."""
    if "^" in latex or "^" not in tokens:
        return latex
    k = tokens.index("^")
    arg, _ = _group(tokens, k + 1)
    text = _join(arg)
    if text in ("T", "\\top", "\\intercal"):
        return latex
    return latex + "^" + _brace(arg)


def head(latex: str) -> list[str]:
    """The identifiers a run of maths *is* or starts by naming: ``π_θ`` for "π_θ", ``r_t`` for
    "r_t(θ)", ``X`` for "X ∈ ℝ^{N×C}", ``[β_1, β_2]`` for "β_1, β_2 ∈ [0, 1)"; none for an
    expression that names nothing ("∼ p(x)", "1 - ε")."""
    tokens = TOKEN.findall(_TEXT_SPACES.sub(lambda m: m.group(0).replace(" ", "~"), latex))
    tokens = _names_as_tokens(tokens)
    if len(tokens) > 2 and tokens[0] == "(" and tokens[-1] == ")":
        tokens = tokens[1:-1]  # "(m_t)", "(x_1, …, x_n)": a symbol or sequence in parentheses
    names: list[str] = []
    i = 0
    while i < len(tokens):
        if tokens[i] in ("\\ldots", "\\cdots", "\\dots") and names:
            i += 1  # "x_1, …, x_n": the sequence is named by its first member
            while i < len(tokens) and tokens[i] == ",":
                i += 1
            if i >= len(tokens):
                return names[:1]
            skip = _base_at(tokens, i)
            if skip is None:
                return []
            i = skip[1]
            while i < len(tokens) and tokens[i] in ("_", "^", "'"):
                i = i + 1 if tokens[i] == "'" else _group(tokens, i + 1)[1]
            if i < len(tokens) and tokens[i] == "(":
                depth = 0
                while i < len(tokens):
                    depth += tokens[i] == "("
                    depth -= tokens[i] == ")"
                    i += 1
                    if depth == 0:
                        break
            names = names[:1]
            if i >= len(tokens):
                return names
            continue
        found = _base_at(tokens, i)
        if found is None:
            return []
        start = i
        _base, i = found
        while i < len(tokens) and tokens[i] in ("_", "^", "'"):
            i = i + 1 if tokens[i] == "'" else _group(tokens, i + 1)[1]
        ident = _scan(tokens[start:i])
        if not ident:
            return []
        names.append(_with_power(ident[0].latex, tokens[start:i]))
        if i < len(tokens) and tokens[i] in ("(", "["):  # r_t(θ), Ê_t[…]: a function and its arguments
            opening = tokens[i]
            closing = ")" if opening == "(" else "]"
            depth = 0
            while i < len(tokens):
                depth += tokens[i] == opening
                depth -= tokens[i] == closing
                i += 1
                if depth == 0:
                    break
        if i >= len(tokens):
            return names
        t = tokens[i]
        if t == "," or (t == "\\times" and i + 1 < len(tokens) and _base_at(tokens, i + 1)):
            i += 1  # "β₁, β₂", and the sides of "p × q" (feature maps of size p × q)
            continue
        if t in ("<", ">", "\\leq", "\\geq", "\\le", "\\ge", "\\ll") and i + 1 < len(tokens) and _base_at(tokens, i + 1):
            more = head(_join(tokens[i + 1:]))  # "λ_min < λ_max ∈ ℝ": an ordered pair, both named
            return names + more if more else names
        if t in ("=", "<", ">", ":", "\\leq", "\\geq") or t[1:] in RELATION_COMMANDS:
            return names
        return []
    return names
