"""LaTeX → one line of readable Unicode, rendered from pylatexenc's parse tree.

pylatexenc's own latex2text drops ``\\|`` and the grouping of fractions, so this walks the
``LatexWalker`` nodes itself: ``\\frac{a+b}{c}`` → (a + b)/c, ``\\bar{\\alpha}_{t-1}`` → ᾱₜ₋₁,
``\\|x\\|_2`` → ‖x‖₂, ``\\mathcal{N}`` → 𝒩, ``\\epsilon_\\theta^{(t)}`` → ε_θ⁽ᵗ⁾. Scripts use Unicode's
sub- and superscript characters when every character has one, and ``_(…)``/``^(…)`` otherwise.
Any input renders to something: on a parse failure the LaTeX comes back as it was.
"""

from __future__ import annotations

from dataclasses import dataclass

from .tables import (
    ACCENTS, FONTS, FUNCTION_NAMES, GREEK, IGNORED, PLAIN_TEXT, SPACED, SPACES, SUBSCRIPT, SUPERSCRIPT, SYMBOLS,
)


TEXT_MODE = {"text", "textrm", "textit", "textbf", "mbox"}  # prose inside maths, unlike \mathrm or \operatorname


@dataclass
class _Tok:
    text: str
    kind: str = "atom"  # "atom", "sub", "sup", "space", "op"


def to_unicode(latex: str) -> str:
    """One readable line of Unicode for ``latex`` (math mode assumed, no surrounding ``$``)."""
    try:
        from pylatexenc.latexwalker import LatexWalker

        nodes, _, _ = LatexWalker(latex, tolerant_parsing=True).get_latex_nodes()
        return _tidy(_render(nodes))
    except Exception:  # pylatexenc raises assorted errors on odd input; the raw LaTeX is still readable
        return latex


def _render(nodes) -> str:
    toks = _tokens(nodes)
    out: list[str] = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok.kind in ("sub", "sup"):
            j = i + 1
            while j < len(toks) and toks[j].kind == "space":
                j += 1
            arg = toks[j].text if j < len(toks) else ""
            out.append(_script(arg, tok.kind == "sub"))
            i = j + 1
            continue
        out.append(" " if tok.kind == "space" else tok.text)
        i += 1
    return "".join(out)


def _tokens(nodes) -> list[_Tok]:
    toks: list[_Tok] = []
    skip_label = False
    for node in nodes or ():
        kind = type(node).__name__
        if kind == "LatexCharsNode":
            for ch in node.chars:
                if ch == "_":
                    toks.append(_Tok("", "sub"))
                elif ch == "^":
                    toks.append(_Tok("", "sup"))
                elif ch.isspace():
                    toks.append(_Tok("", "space"))
                else:
                    toks.append(_Tok(ch))
            if skip_label and toks and toks[-1].kind == "sub":
                toks.pop()  # \underbrace{…}_{label}: drop the label
            else:
                skip_label = False
        elif kind == "LatexGroupNode":
            if skip_label:
                skip_label = False
                continue
            toks.append(_Tok(_render(node.nodelist), "group"))
        elif kind == "LatexMacroNode":
            if node.macroname == "underbrace" or node.macroname == "overbrace":
                toks.append(_Tok(_render(_args(node)[:1]) if _args(node) else ""))
                skip_label = True
                continue
            toks.extend(_macro(node))
            if getattr(node, "macro_post_space", ""):
                toks.append(_Tok("", "space"))  # the walker swallows the space after a macro name
        elif kind == "LatexMathNode":
            toks.append(_Tok(_render(node.nodelist)))
        elif kind == "LatexSpecialsNode":
            if node.specials_chars == "&":
                toks.append(_Tok("", "space"))  # an alignment point: a space between the columns
            else:
                toks.append(_Tok(node.specials_chars))
        elif kind == "LatexEnvironmentNode":
            toks.append(_Tok(_render(node.nodelist)))  # cases, matrices, aligned lines: their content
        # comments are dropped
    return _merge_macro_groups(toks)


def _merge_macro_groups(toks: list[_Tok]) -> list[_Tok]:
    """Macros pylatexenc does not know take their argument from the following group."""
    out: list[_Tok] = []
    for tok in toks:
        if out and out[-1].kind.startswith("pending:") and tok.kind in ("group", "atom"):
            out[-1] = _Tok(_apply(out[-1].kind[8:], tok.text))
            continue
        out.append(tok)
    return [_Tok(t.text, "atom") if t.kind == "group" else t for t in out if not t.kind.startswith("pending:")]


def _args(node) -> list:
    argd = getattr(node, "nodeargd", None)
    return [a for a in (argd.argnlist if argd else []) if a is not None]


def _arg_text(node) -> str:
    kind = type(node).__name__
    if kind == "LatexGroupNode":
        return _render(node.nodelist)
    return _render([node])


def _macro(node) -> list[_Tok]:
    name = node.macroname
    args = _args(node)
    if name in GREEK:
        return [_Tok(GREEK[name])]
    if name in SPACES:
        return [_Tok("", "space")] if SPACES[name] else []
    if name in IGNORED:
        return []
    if name in SYMBOLS:
        if name in SPACED:
            return [_Tok("", "space"), _Tok(SYMBOLS[name]), _Tok("", "space")]
        return [_Tok(SYMBOLS[name])]
    if name in FUNCTION_NAMES:
        return [_Tok(name), _Tok("", "space")]
    if name == "\\":
        return [_Tok(";"), _Tok("", "space")]  # a line break between statements
    if name in ("frac", "dfrac", "tfrac") and len(args) == 2:
        return [_Tok(_fraction(_arg_text(args[0]), _arg_text(args[1])))]
    if name == "sqrt" and args:
        argd = node.nodeargd.argnlist
        index = _arg_text(argd[0]) if len(argd) > 1 and argd[0] is not None else ""
        return [_Tok(_root(_arg_text(args[-1]), index))]
    if name in ACCENTS or name in FONTS or name in PLAIN_TEXT:
        if args:
            text = _apply(name, _arg_text(args[-1]))
            if name in TEXT_MODE and text.strip():
                # words set in text: a space where the word meets the maths ("where α", not "whereα")
                return [_Tok("", "space")] * text[:1].isalnum() + [_Tok(text.strip())] + [_Tok("", "space")] * text[-1:].isalnum()
            return [_Tok(text)]
        return [_Tok("", "pending:" + name)]
    return [_Tok("\\" + name)]


def _apply(name: str, text: str) -> str:
    if name in ACCENTS:
        return _accent(text, ACCENTS[name])
    if name in FONTS:
        table = FONTS[name]
        return "".join(table.get(c, c) for c in text)
    return text


def _accent(text: str, mark: str) -> str:
    """Put the combining ``mark`` on the base letter: after its first character (before any script)."""
    if not text:
        return mark
    return text[0] + mark + text[1:]


def _needs_parens(text: str) -> bool:
    depth = 0
    for c in text:
        if c in "([{⟨":
            depth += 1
        elif c in ")]}⟩":
            depth -= 1
        elif depth == 0 and (c in " +-−=,/·×±∓" ):
            return True
    return False


def _fraction(num: str, den: str) -> str:
    num, den = num.strip(), den.strip()
    num = f"({num})" if _needs_parens(num) else num
    den = f"({den})" if _needs_parens(den) else den
    return f"{num}/{den}"


def _root(body: str, index: str) -> str:
    body = body.strip()
    sign = {"": "√", "3": "∛", "4": "∜"}.get(index.strip(), _script(index, sub=False) + "√")
    return sign + (f"({body})" if _needs_parens(body) or len(body) > 1 and not _single_symbol(body) else body)


def _single_symbol(text: str) -> bool:
    """One letter with its combining marks and scripts (ᾱₜ): a root or script needs no brackets."""
    import unicodedata

    base = [c for c in text if not unicodedata.combining(c) and c not in SUBSCRIPT.values() and c not in SUPERSCRIPT.values()]
    return len(base) <= 1


def _script(arg: str, sub: bool) -> str:
    arg = arg.strip()
    table = SUBSCRIPT if sub else SUPERSCRIPT
    mark = "_" if sub else "^"
    if arg and all(c in table for c in arg.replace(" ", "")):
        return "".join(table[c] for c in arg.replace(" ", ""))
    if len(arg) == 1 or _single_symbol(arg) and not any(c in arg for c in " +-"):
        return mark + arg
    return f"{mark}({arg})"


def _tidy(text: str) -> str:
    import unicodedata

    # NFC turns α + combining macron into the precomposed ᾱ where Unicode has one: terminals draw it better
    return unicodedata.normalize("NFC", " ".join(text.split()))
