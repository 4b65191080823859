"""The symbols of a catalog equation, derived from its LaTeX (issue 12, "complete symbol tables").

``derive_symbols(latex)`` walks pylatexenc's ``LatexWalker`` parse tree and returns every distinct
symbol in order of first appearance, each in a canonical LaTeX spelling (``canonical``) so that
``\\bar\\alpha_t``, ``\\bar{\\alpha}_t`` and ``\\overline{\\alpha}_{t}`` are one symbol. The rules:

* **Names** — a letter (Latin, Greek, ``\\ell``, ``\\varnothing``…) with its accent or font
  (``\\bar{\\alpha}``, ``\\tilde{\\mu}``, ``\\mathbf{I}``, ``\\mathcal{N}``, ``\\mathbb{1}``), a word set
  upright (``\\mathrm{d}``, ``\\operatorname{std}``, ``\\mathrm{Uniform}``) or a named function
  (``\\cos``, ``\\arccos``) — together with its indices: its subscript, and a superscript in
  parentheses (``\\epsilon_\\theta^{(t)}``, ``x_t^{(k)}``) or a prime. Other superscripts are powers
  (``\\sigma_t^2``, ``i^2``): not part of the symbol, their contents are walked. Symbols differ by
  index, accent and font: ``x_t``, ``x_{t-1}``, ``\\alpha_t``, ``\\bar{\\alpha}_t`` are four symbols.
  Letters inside an index belong to the symbol's name and are not listed on their own (the ``t`` of
  ``x_t``, the ``\\theta`` of ``\\epsilon_\\theta``, the ``\\tau_i`` of ``\\alpha_{\\tau_i}``).
  A function's arguments are symbols of their own: ``\\epsilon_\\theta(x_t, t)`` gives ε_θ, x_t, t.
* **Operators** — ``\\sum``, ``\\prod``, ``\\int``, ``\\nabla``, ``\\partial``, ``\\mathbb{E}``,
  ``\\max``, ``\\min``, ``\\lim``…: the operator alone; its sub- and superscripts are ranges or bound
  variables and are walked. Bound dummy variables (the ``s`` of ``\\prod_{s=1}^{t}``, the ``k`` of a
  sum) **are** listed: a reader sees them and should be told what they run over.
* **Notation** — delimiter pairs that are notation, not grouping: ``\\|\\cdot\\|`` (with its
  subscript: ``\\|\\cdot\\|_2``, ``\\|\\cdot\\|_F`` are different norms; its power is not part of it),
  ``|\\cdot|`` (absolute value; a single ``|`` inside a function's parentheses is the conditioning
  bar of ``q(x_t|x_0)`` and is not listed), ``\\lfloor\\cdot\\rfloor``, ``\\lceil\\cdot\\rceil``,
  ``\\langle\\cdot,\\cdot\\rangle``; and the few relation/operator signs a learner may not know:
  ``\\sim``, ``\\odot``, ``\\otimes``, ``\\oplus``, ``\\propto``, set relations (``\\in``,
  ``\\subseteq``, …), ``\\top``.
* **Not symbols** — numbers, parentheses and brackets, plain arithmetic and relations (``+ - = :=
  < > \\cdot \\times \\approx \\leq``…), punctuation, spacing, sizing (``\\left``, ``\\big``), dots,
  the conditioning bar, and prose (``\\text{…}``; the maths inside an ``\\underbrace`` label is walked).
* ``\\varepsilon`` is ``\\epsilon`` and ``\\varphi`` is ``\\phi``: the catalog's papers use either glyph
  for the same letter.

Which catalog row gives which symbol's meaning is ``symbol_table``'s business.

Plain data only: pylatexenc and the render tables, no torch or pymupdf.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from ..render.tables import ACCENTS, FONTS, FUNCTION_NAMES, GREEK, LATEX_OPERATORS


class SymbolDerivationError(ValueError):
    """The LaTeX could not be parsed into symbols."""


@dataclass(frozen=True)
class DerivedSymbol:
    """One distinct symbol of an equation."""

    latex: str  # canonical LaTeX spelling: the symbol's identity
    text: str  # one line of Unicode
    kind: str  # "name", "operator" or "notation"
    pos: int  # offset of its first appearance in the equation's LaTeX


# ---- what each macro is -------------------------------------------------------------------------

LETTERS = set(GREEK) | {"ell", "hbar", "imath", "jmath", "aleph", "varnothing", "emptyset", "infty", "wp"}
NAMED_FUNCTIONS = (set(FUNCTION_NAMES) | set(LATEX_OPERATORS)) - {"max", "min", "sup", "inf", "lim", "liminf",
                                                                   "limsup", "argmax", "argmin"}
OPERATORS = {"sum", "prod", "coprod", "int", "iint", "iiint", "oint", "bigcup", "bigcap", "bigoplus",
             "bigotimes", "bigodot", "nabla", "partial", "max", "min", "sup", "inf", "lim", "liminf",
             "limsup", "argmax", "argmin"}
OPERATOR_KEYS = {"\\mathbb{E}"}  # a font-set letter that acts as an operator over its subscript
NOTATION = {"odot", "otimes", "oplus", "sim", "propto", "in", "notin", "subseteq", "subset", "supseteq",
            "supset", "cup", "cap", "setminus", "top", "perp", "circ"}
DECORATIONS = set(ACCENTS) | set(FONTS) | {"mathrm", "mathit", "mathsf", "mathtt", "mathscr", "pmb",
                                           "operatorname", "operatorname*", "mathring"}
PROSE = {"text", "textrm", "textit", "textbf", "textsf", "texttt", "mbox", "emph", "intertext", "label", "tag"}
STRUCTURE = {"frac", "dfrac", "tfrac", "cfrac", "binom", "sqrt", "underbrace", "overbrace", "underset", "overset",
             "stackrel", "boxed", "cancel", "phantom"}
SIZING = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr",
          "Biggl", "Biggr", "middle"}
IGNORED = {",", ";", ":", "!", " ", "quad", "qquad", "enspace", "displaystyle", "textstyle", "scriptstyle",
           "limits", "nolimits", "\\", "nonumber", "notag", "cdot", "ldots", "dots", "cdots", "vdots", "ddots",
           "not", "hspace", "vspace"}
# relations and arithmetic named by a command: not symbols, but they separate what is around them
RELATIONS = {"approx", "simeq", "cong", "leq", "le", "geq", "ge", "neq", "ne", "equiv", "to", "rightarrow",
             "leftarrow", "Rightarrow", "Leftarrow", "iff", "implies", "mapsto", "times", "div", "pm", "mp",
             "mid", "coloneqq", "triangleq", "gg", "ll", "land", "lor", "wedge", "vee", "neg", "lnot", "star",
             "ast", "dagger", "colon", "doteq", "leqslant", "geqslant", "longrightarrow", "gets"}
NORM_BARS = {"|", "Vert", "lVert", "rVert"}
ABS_BARS = {"vert", "lvert", "rvert"}
PAIRS = {"langle": ("open", "\\langle\\cdot,\\cdot\\rangle"), "rangle": ("close", "\\langle\\cdot,\\cdot\\rangle"),
         "lfloor": ("open", "\\lfloor\\cdot\\rfloor"), "rfloor": ("close", "\\lfloor\\cdot\\rfloor"),
         "lceil": ("open", "\\lceil\\cdot\\rceil"), "rceil": ("close", "\\lceil\\cdot\\rceil")}
BRACKETS = {"{": "open", "}": "close", "lbrace": "open", "rbrace": "close", "lbrack": "open", "rbrack": "close"}

_VARIANTS = re.compile(r"\\var(epsilon|phi)(?![A-Za-z])")


@functools.lru_cache(maxsize=4096)
def canonical(latex: str) -> str:
    """The spelling that identifies a symbol: the glossary's ``latex_key`` (synonyms unified,
    arguments and scripts braced, spacing dropped) with ``\\varepsilon`` read as ``\\epsilon`` and
    ``\\varphi`` as ``\\phi``."""
    from ..glossary.latex_keys import latex_key  # plain text processing, no heavy imports

    return latex_key(_VARIANTS.sub(lambda m: "\\" + m.group(1), latex))


# ---- tokens -------------------------------------------------------------------------------------


@dataclass
class _Tok:
    kind: str  # base | script | prime | group | open | close | bar | norm | pair | other
    pos: int
    end: int
    role: str = ""  # base: name/operator/notation; script: "_"/"^"; pair: open/close; bar/norm: left/right/""
    key: str = ""  # base: canonical spelling; pair: the pair's symbol
    children: list = field(default_factory=list)  # group/script: the tokens inside
    inner: tuple[int, int] = (0, 0)  # group/script: the span of the argument without its braces


def _tokens(nodes, src: str) -> list[_Tok]:
    """A flat list of tokens for one level of the parse tree, scripts folded onto their argument."""
    raw: list[_Tok] = []
    size = ""  # "left"/"right" after \left / \right: the next delimiter is sized
    pending: _Tok | None = None  # a decoration macro waiting for its argument (pylatexenc does not know \operatorname)
    for node in nodes or ():
        kind = type(node).__name__
        if pending is not None:  # the node after \operatorname is its argument
            if kind == "LatexCharsNode":
                stripped = node.chars.lstrip()
                if not stripped:
                    continue
                start = node.pos + len(node.chars) - len(stripped)
                pending.end = start + 1
                raw.append(_decorated(pending, src))
                pending = None
                raw.extend(_chars(stripped[1:], start + 1, ""))
                continue
            pending.end = node.pos + node.len
            raw.append(_decorated(pending, src))
            pending = None
            continue
        if kind == "LatexCharsNode":
            toks = _chars(node.chars, node.pos, size)
            if toks:
                size = ""
            raw.extend(toks)
        elif kind == "LatexGroupNode":
            raw.append(_group(node, src))
        elif kind == "LatexMacroNode":
            name = node.macroname
            args = [a for a in (node.nodeargd.argnlist if node.nodeargd else []) if a is not None]
            end = node.pos + node.len
            if name in SIZING:
                size = "left" if name in ("left", "bigl", "Bigl", "biggl", "Biggl") else (
                    "right" if name in ("right", "bigr", "Bigr", "biggr", "Biggr") else "")
                continue
            if name in IGNORED or name in PROSE:
                continue
            if name in NORM_BARS or name in ABS_BARS:
                role = size or ("left" if name.startswith("l") and name != "|" else "right" if name.startswith("r") else "")
                raw.append(_Tok("norm" if name in NORM_BARS else "bar", node.pos, end, role=role))
                size = ""
            elif name in PAIRS:
                role, key = PAIRS[name]
                raw.append(_Tok("pair", node.pos, end, role=role, key=key))
                size = ""
            elif name in BRACKETS:
                raw.append(_Tok(BRACKETS[name], node.pos, end))
                size = ""
            elif name in STRUCTURE:
                for arg in args[:1] if name in ("underbrace", "overbrace") else args:
                    raw.append(_group(arg, src))
            elif name in DECORATIONS:
                tok = _Tok("base", node.pos, end, role="name")
                if args:
                    raw.append(_decorated(tok, src))
                else:
                    pending = tok
            elif name in LETTERS or name in NAMED_FUNCTIONS:
                raw.append(_Tok("base", node.pos, end, role="name", key=canonical("\\" + name)))
            elif name in OPERATORS:
                raw.append(_Tok("base", node.pos, end, role="operator", key=canonical("\\" + name)))
            elif name in NOTATION:
                raw.append(_Tok("base", node.pos, end, role="notation", key=canonical("\\" + name)))
            elif name == "prime":
                raw.append(_Tok("prime", node.pos, end))
            elif len(name) == 1 and not name.isalpha():
                raw.append(_Tok("other", node.pos, end))  # \#, \%, \&, \$, \_
            elif args:  # an unknown macro with arguments: read its arguments
                for arg in args:
                    raw.append(_group(arg, src))
            elif name in RELATIONS:
                raw.append(_Tok("other", node.pos, end))
            else:  # an unknown command: list it rather than hide it
                raw.append(_Tok("base", node.pos, end, role="name", key=canonical("\\" + name)))
        elif kind in ("LatexMathNode", "LatexEnvironmentNode"):
            raw.append(_Tok("group", node.pos, node.pos + node.len, children=_tokens(node.nodelist, src),
                            inner=(node.pos, node.pos + node.len)))
        elif kind == "LatexSpecialsNode":
            raw.append(_Tok("other", node.pos, node.pos + node.len))
        # comments are dropped
    if pending is not None:
        raw.append(_decorated(pending, src))
    return _fold_scripts(raw)


def _decorated(tok: _Tok, src: str) -> _Tok:
    """An accent or font with its argument (``\\bar{\\alpha}``, ``\\mathbb{E}``): one base token."""
    tok.key = canonical(src[tok.pos:tok.end])
    if tok.key in OPERATOR_KEYS:
        tok.role = "operator"
    return tok


def _chars(chars: str, pos: int, size: str) -> list[_Tok]:
    out = []
    for i, ch in enumerate(chars):
        p = pos + i
        if ch.isspace():
            continue
        if ch in "_^":
            out.append(_Tok("script", p, p + 1, role=ch))
        elif ch == "'":
            out.append(_Tok("prime", p, p + 1))
        elif ch.isalpha():
            out.append(_Tok("base", p, p + 1, role="name", key=canonical(ch)))
        elif ch in "([":
            out.append(_Tok("open", p, p + 1))
        elif ch in ")]":
            out.append(_Tok("close", p, p + 1))
        elif ch == "|":
            out.append(_Tok("bar", p, p + 1, role=size))
        else:
            out.append(_Tok("other", p, p + 1))
        size = ""
    return out


def _group(node, src: str) -> _Tok:
    start, end = node.pos, node.pos + node.len
    if type(node).__name__ == "LatexGroupNode":
        inner = (start + len(node.delimiters[0]), end - len(node.delimiters[1]))
        return _Tok("group", start, end, children=_tokens(node.nodelist, src), inner=inner)
    return _Tok("group", start, end, children=_tokens([node], src), inner=(start, end))


def _fold_scripts(raw: list[_Tok]) -> list[_Tok]:
    """``_`` or ``^`` and the token after it become one script token holding that argument."""
    out: list[_Tok] = []
    i = 0
    while i < len(raw):
        tok = raw[i]
        if tok.kind == "script" and not tok.children and i + 1 < len(raw):
            arg = raw[i + 1]
            children = arg.children if arg.kind == "group" else [arg]
            inner = arg.inner if arg.kind == "group" else (arg.pos, arg.end)
            out.append(_Tok("script", tok.pos, arg.end, role=tok.role, children=children, inner=inner))
            i += 2
            continue
        out.append(tok)
        i += 1
    return out


# ---- the walk -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Occurrence:
    """One appearance of a symbol: its canonical spelling, kind, and span in the LaTeX (the span takes
    in the symbol's scripts, and for a delimiter pair its contents)."""

    key: str
    kind: str
    pos: int
    end: int


def _is_index(src: str, script: _Tok) -> bool:
    """A superscript that is part of the name: ``^{(t)}``, ``^*``, a prime. Others are powers."""
    text = src[script.inner[0]:script.inner[1]].strip()
    return (text.startswith("(") and text.endswith(")")) or text in ("*", "\\prime", "'")


def _walk(toks: list[_Tok], src: str, out: list[Occurrence]) -> None:
    roles = _bar_roles(toks)
    opened: list[tuple[str, int]] = []  # (pair symbol, position) of the open delimiter pairs at this level
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok.kind == "base":
            j, sub, sup, prime = i + 1, None, None, ""
            end = tok.end
            while j < len(toks) and toks[j].kind in ("script", "prime"):
                t = toks[j]
                if t.kind == "prime":
                    prime += "'"
                elif t.role == "_" and sub is None:
                    sub = t
                elif t.role == "^" and sup is None:
                    sup = t
                else:
                    break
                end = t.end
                j += 1
            if tok.role == "name":
                spelling = tok.key
                if sub is not None:
                    spelling += "_{" + src[sub.inner[0]:sub.inner[1]] + "}"
                if sup is not None and _is_index(src, sup):
                    spelling += "^{" + src[sup.inner[0]:sup.inner[1]] + "}"
                elif sup is not None:
                    _walk_script(sup, src, out)
                spelling += prime
                out.append(Occurrence(canonical(spelling), "name", tok.pos, end))
            else:
                out.append(Occurrence(tok.key, tok.role, tok.pos, end))
                for script in (sub, sup):
                    if script is not None:
                        _walk_script(script, src, out)
            i = j
            continue
        if tok.kind == "group":
            _walk(tok.children, src, out)
        elif tok.kind == "script":  # after a bracket, a number or an \underbrace: a power or a label
            _walk_script(tok, src, out)
        elif tok.kind in ("bar", "norm", "pair"):
            role = roles.get(i, "")
            symbol = tok.key or ("\\|\\cdot\\|" if tok.kind == "norm" else "|\\cdot|")
            if role == "open":
                opened.append((symbol, tok.pos))
            elif role == "close":
                start = next((p for s, p in reversed(opened) if s == symbol), tok.pos)
                if opened and opened[-1][0] == symbol:
                    opened.pop()
                j, end, spelling = i + 1, tok.end, symbol
                while j < len(toks) and toks[j].kind == "script":
                    t = toks[j]
                    if t.role == "_" and tok.kind != "pair" and spelling == symbol:
                        spelling += "_{" + src[t.inner[0]:t.inner[1]] + "}"
                    else:
                        _walk_script(t, src, out)
                    end = t.end
                    j += 1
                out.append(Occurrence(canonical(spelling), "notation", start, end))
                i = j
                continue
        i += 1
    for symbol, pos in opened:  # an unclosed pair still shows its notation
        out.append(Occurrence(canonical(symbol), "notation", pos, pos + 1))


def _walk_script(script: _Tok, src: str, out: list[Occurrence]) -> None:
    text = src[script.inner[0]:script.inner[1]].strip()
    if script.role == "^" and text in ("\\top", "\\intercal"):
        out.append(Occurrence("\\top", "notation", script.inner[0], script.inner[1]))
        return
    _walk(script.children, src, out)


def _bar_roles(toks: list[_Tok]) -> dict[int, str]:
    """For each ``|``, ``\\|`` and pair delimiter at this level: "open", "close" or "" (a conditioning bar).

    ``\\left|``/``\\right|`` say so themselves. A bare ``|`` closes an open ``|`` at the same bracket
    depth, opens a pair when another bare ``|`` follows before its bracket closes, and is otherwise the
    conditioning bar of p(a|b). ``\\|`` alternates; ``\\langle``/``\\rangle`` and the like say which."""
    roles: dict[int, str] = {}
    depth = 0
    open_abs: list[int] = []  # depths of the open |…| pairs
    norm_open = False
    for i, tok in enumerate(toks):
        if tok.kind == "open":
            depth += 1
        elif tok.kind == "close":
            depth -= 1
        elif tok.kind == "pair":
            roles[i] = tok.role
        elif tok.kind == "norm":
            if tok.role == "left" or (tok.role == "" and not norm_open):
                roles[i], norm_open = "open", True
            else:
                roles[i], norm_open = "close", False
        elif tok.kind == "bar":
            if tok.role == "left":
                roles[i] = "open"
                open_abs.append(depth)
            elif tok.role == "right" or (open_abs and open_abs[-1] == depth):
                roles[i] = "close"
                if open_abs:
                    open_abs.pop()
            elif _another_bar(toks, i, depth):
                roles[i] = "open"
                open_abs.append(depth)
            else:
                roles[i] = ""
    return roles


def _another_bar(toks: list[_Tok], i: int, depth: int) -> bool:
    d = depth
    for tok in toks[i + 1:]:
        if tok.kind == "open":
            d += 1
        elif tok.kind == "close":
            d -= 1
            if d < depth:
                return False
        elif tok.kind == "bar" and d == depth:
            return True
    return False


@functools.lru_cache(maxsize=512)
def occurrences(latex: str) -> tuple[Occurrence, ...]:
    """Every occurrence of a symbol in ``latex`` (cached: the catalog's strings are few and fixed)."""
    from pylatexenc.latexwalker import LatexWalker  # pure Python, a few ms; the catalog already depends on it

    try:
        nodes, _, _ = LatexWalker(latex, tolerant_parsing=False).get_latex_nodes()
    except Exception as exc:  # pylatexenc raises assorted errors on malformed input
        raise SymbolDerivationError(f"cannot parse the LaTeX {latex!r}: {exc}") from exc
    out: list[Occurrence] = []
    _walk(_tokens(nodes, latex), latex, out)
    return tuple(out)


def derive_symbols(latex: str) -> list[DerivedSymbol]:
    """Every distinct symbol of ``latex`` in order of first appearance (see the module's rules).

    Raises SymbolDerivationError when the LaTeX does not parse."""
    from ..render import to_unicode

    if not isinstance(latex, str):
        raise SymbolDerivationError(f"LaTeX must be text, not {type(latex).__name__}")
    first: dict[str, Occurrence] = {}
    for occ in sorted(occurrences(latex), key=lambda o: o.pos):
        first.setdefault(occ.key, occ)
    return [DerivedSymbol(o.key, to_unicode(o.key), o.kind, o.pos) for o in first.values()]
