"""LaTeX → a math list: the structure TeX itself builds, which the 2-D layout draws.

pylatexenc's ``LatexWalker`` gives the parse tree (groups, macros, environments). It knows the
arguments of some macros (``\\frac``, ``\\sqrt``) and not of others (``\\operatorname``, ``\\binom``),
so its tree is first flattened back into a stream of tokens and every macro takes its arguments
from that stream by this module's own table. The stream is then parsed the way TeX reads math:
atoms with a class (ordinary, operator, binary, relation, opening, closing, punctuation), scripts
attached to the atom before them, ``\\left … \\right`` pairs, fractions, roots, accents, braces and
environments (cases, matrices, aligned lines). Nothing is reordered or dropped: the list keeps the
paper's term order, every script and every underbrace label.

Problems that make the input not well-formed LaTeX (a ``\\frac`` without its denominator, a ``\\left``
without ``\\right``) are collected in ``Parser.problems``; the parse itself never fails.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from .tables import (
    ACCENTS, BIG_OPERATORS, BINARY, CLOSING, FONTS, FUNCTION_NAMES, GREEK, IGNORED, INTEGRALS, LATEX_OPERATORS,
    LIMIT_OPERATORS, MORE_SYMBOLS, OPENING, PLAIN_TEXT, RELATIONS, SYMBOLS, WIDE_ACCENTS,
)

# --- the math list ------------------------------------------------------------------------------


@dataclass
class Atom:
    """One symbol or word. ``cls`` is TeX's atom class: ord, op, bin, rel, open, close or punct."""

    text: str
    cls: str = "ord"
    limits: bool = False  # an operator whose scripts go above and below


@dataclass
class Space:
    """Explicit spacing in columns (``\\,`` 1, ``\\quad`` 2, ``\\qquad`` 4, ``\\!`` −1); a quad or wider
    separates clauses, where a line may break."""

    width: int
    clause: bool = False


@dataclass
class Group:
    items: list
    cache: dict | None = field(default=None, repr=False, compare=False)


@dataclass
class Frac:
    num: list
    den: list
    rule: bool = True  # \binom has none, and parentheses instead
    cache: dict | None = field(default=None, repr=False, compare=False)


@dataclass
class Radical:
    body: list
    index: list | None = None
    cache: dict | None = field(default=None, repr=False, compare=False)


@dataclass
class Scripted:
    base: object
    sub: list | None = None
    sup: list | None = None
    limits: bool = False
    sup_first: bool = False  # x^2_t: drawn in the order written
    cache: dict | None = field(default=None, repr=False, compare=False)


@dataclass
class Accent:
    base: list
    name: str
    cache: dict | None = field(default=None, repr=False, compare=False)


@dataclass
class Delimited:
    left: str
    items: list
    right: str
    cache: dict | None = field(default=None, repr=False, compare=False)


@dataclass
class Brace:
    body: list
    label: list | None
    over: bool = False
    cache: dict | None = field(default=None, repr=False, compare=False)


@dataclass
class Stack:
    """``\\overset{top}{base}``, ``\\underset{bottom}{base}``, ``\\stackrel``: limits on any symbol."""

    base: list
    top: list | None = None
    bottom: list | None = None
    cache: dict | None = field(default=None, repr=False, compare=False)


@dataclass
class Table:
    """An environment of rows and ``&`` columns: cases, matrices, aligned equations."""

    rows: list  # list of rows, each a list of cells, each a list of items
    kind: str  # "cases", "matrix", "align", "gather", "array"
    left: str = ""
    right: str = ""
    aligns: str = ""  # per column: l, c or r (repeated from the last when short)
    cache: dict | None = field(default=None, repr=False, compare=False)


@dataclass
class Newline:
    """``\\\\``: a new line of an aligned display."""


@dataclass
class Amp:
    """``&``: the next column of an aligned display."""


# --- tokens -------------------------------------------------------------------------------------


@dataclass
class Tok:
    kind: str  # char, macro, group, opt, env, specials
    text: str = ""
    body: list = field(default_factory=list)
    args: list = field(default_factory=list)  # env: its own arguments ({cc} of array)
    pos: int = 0


@lru_cache(maxsize=256)
def tokens(latex: str) -> tuple[Tok, ...]:
    """The flattened token stream of ``latex`` (pylatexenc's tolerant parse: it never raises on odd
    input). Memoised: pylatexenc's parse is most of a render's time, and the equation screen and
    ``paperkit explain`` read the same equation more than once. Tokens are never modified."""
    from pylatexenc.latexwalker import LatexWalker

    nodes, _, _ = LatexWalker(latex, tolerant_parsing=True).get_latex_nodes()
    out: list[Tok] = []
    _flatten(nodes, out)
    return tuple(out)


def _flatten(nodes, out: list[Tok]) -> None:
    for node in nodes or ():
        kind = type(node).__name__
        pos = getattr(node, "pos", 0) or 0
        if kind == "LatexCharsNode":
            out.extend(Tok("char", c, pos=pos + i) for i, c in enumerate(node.chars))
        elif kind == "LatexGroupNode":
            body: list[Tok] = []
            _flatten(node.nodelist, body)
            opt = getattr(node, "delimiters", ("{", "}"))[0] == "["
            out.append(Tok("opt" if opt else "group", body=body, pos=pos))
        elif kind == "LatexMacroNode":
            out.append(Tok("macro", node.macroname, pos=pos))
            argd = getattr(node, "nodeargd", None)
            for arg in (argd.argnlist if argd and argd.argnlist else ()):
                if arg is not None:
                    _flatten([arg], out)  # the argument back into the stream: the parser takes it
        elif kind == "LatexEnvironmentNode":
            body = []
            _flatten(node.nodelist, body)
            args = []
            argd = getattr(node, "nodeargd", None)
            for arg in (argd.argnlist if argd and argd.argnlist else ()):
                if arg is not None:
                    a: list[Tok] = []
                    _flatten([arg], a)
                    args.append(a)
            out.append(Tok("env", node.environmentname, body=body, args=args, pos=pos))
        elif kind == "LatexSpecialsNode":
            out.append(Tok("specials", node.specials_chars, pos=pos))
        elif kind == "LatexMathNode":
            body = []
            _flatten(node.nodelist, body)
            out.append(Tok("group", body=body, pos=pos))
        # comments are dropped


# --- the parser ---------------------------------------------------------------------------------

CHAR_CLASS = {"=": "rel", "<": "rel", ">": "rel", "+": "bin", "-": "bin", "*": "bin", "(": "open", "[": "open",
              ")": "close", "]": "close", "!": "close", "?": "close", ",": "punct", ";": "punct", ":": "punct"}
CHAR_SHOWN = {"-": "−", "*": "∗", "'": "′"}
SPACE_WIDTHS = {",": 1, ":": 1, ";": 1, ">": 1, " ": 1, "enspace": 1, "thinspace": 1, "medspace": 1,
                "thickspace": 1, "quad": 2, "qquad": 4, "!": -1, "negthinspace": -1, "hfill": 2}
DROPPED = {"label", "tag", "color", "hspace", "vspace", "eqref", "ref"}  # macros whose argument is not shown
NO_OUTPUT = IGNORED | {"nonumber", "notag", "hline", "centering", "scriptstyle", "scriptscriptstyle",
                       "nobreak", "allowbreak", "relax", "middle", "mathstrut", "strut", "smash"}
TABLE_DELIMS = {"pmatrix": ("(", ")"), "bmatrix": ("[", "]"), "Bmatrix": ("{", "}"), "vmatrix": ("|", "|"),
                "Vmatrix": ("‖", "‖"), "smallmatrix": ("", ""), "matrix": ("", "")}
ALIGNED = {"align", "align*", "aligned", "split", "alignat", "alignat*", "alignedat", "eqnarray", "eqnarray*",
           "flalign", "flalign*"}
GATHERED = {"gather", "gather*", "gathered", "multline", "multline*", "equation", "equation*", "displaymath",
            "math", "subequations"}
TEXT_SPECIALS = {"``": "“", "''": "”", "`": "‘", "'": "’", "~": " ", "--": "–", "---": "—"}


def _clean(c: str) -> str:
    """Control, format and surrogate characters would upset a terminal: they are dropped."""
    return "" if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co") else c


class Parser:
    """Reads a token stream into a math list; ``problems`` collects what is not well-formed."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    # -- entry points --
    def parse(self, latex: str) -> list:
        return self.row(list(tokens(latex)), font=None)

    def row(self, toks: list[Tok], font: str | None, stop_right: bool = False) -> list:
        items, _ = self._row(_Stream(toks), font, stop_right)
        return items

    # -- the row --
    def _row(self, s: "_Stream", font: str | None, stop_right: bool):
        items: list = []
        while not s.done():
            t = s.next()
            if t.kind == "char":
                c = t.text
                if c.isspace():
                    continue
                if c in "_^":
                    self._script(items, s, font, c == "^", t)
                    continue
                if c == ":" and s.peek_char() == "=":
                    s.next()
                    items.append(Atom(":=", "rel"))
                    continue
                if c == "'":
                    items.append(Atom("′"))
                    continue
                c = _clean(c)
                if not c:
                    continue
                if c.isdigit() or (c == "." and items and isinstance(items[-1], Atom) and items[-1].text[-1:].isdigit()
                                   and s.peek_char().isdigit()):
                    if items and isinstance(items[-1], Atom) and items[-1].cls == "ord" and _numeric(items[-1].text):
                        items[-1] = Atom(items[-1].text + _font(c, font))
                        continue
                items.append(Atom(_font(c, font), CHAR_CLASS.get(c, "ord")) if c not in CHAR_SHOWN
                             else Atom(CHAR_SHOWN[c], CHAR_CLASS.get(c, "ord")))
            elif t.kind == "group":
                items.append(Group(self.row(t.body, font)))
            elif t.kind == "opt":  # an optional argument no macro here takes: the brackets as written
                items.append(Atom("[", "open"))
                items.extend(self.row(t.body, font))
                items.append(Atom("]", "close"))
            elif t.kind == "specials":
                if t.text == "&":
                    items.append(Amp())
                elif t.text == "~":
                    items.append(Space(1))
                elif t.text == "''":
                    items.append(Atom("″"))
                else:
                    items.append(Atom(TEXT_SPECIALS.get(t.text, t.text)))
            elif t.kind == "env":
                items.append(self._env(t, font))
            elif t.kind == "macro":
                if t.text == "right":
                    if stop_right:
                        return items, self._delim(s)
                    at = s.i
                    self._delim(s)
                    self.problems.append(f"\\right{s.written(at)} at character {t.pos + 1} has no matching \\left.")
                    continue
                node = self._macro(t, s, font, items)
                if node is not None:
                    items.append(node)
        return items, None

    def _script(self, items: list, s: "_Stream", font, sup: bool, t: Tok) -> None:
        mark = "^" if sup else "_"
        arg = self._arg(s, font)
        if arg is None:
            self.problems.append(f"The {'superscript' if sup else 'subscript'} {mark} at character {t.pos + 1} "
                                 "has nothing after it.")
            arg = []
        base = items.pop() if items and not isinstance(items[-1], (Space, Amp, Newline)) else Atom("")
        if not isinstance(base, Scripted) or (base.sup if sup else base.sub) is not None:
            if isinstance(base, Scripted):
                self.problems.append(f"Double {'superscript' if sup else 'subscript'} at character {t.pos + 1}: "
                                     "put braces around one of them.")
                items.append(base)
                base = Atom("")
            limits = isinstance(base, (Atom,)) and base.limits
            base = Scripted(base, limits=limits)
        if sup:
            base.sup = arg
            base.sup_first = base.sub is None
        else:
            base.sub = arg
        items.append(base)

    # -- arguments --
    def _arg(self, s: "_Stream", font, name: str = "") -> list | None:
        """One mandatory argument: a group's items, or the single token that follows."""
        s.skip_space()
        if s.done():
            return None
        t = s.peek()
        if t.kind == "group":
            s.next()
            return self.row(t.body, font)
        if t.kind == "opt":
            return None
        if t.kind == "char":
            if t.text in "}^_&":
                return None
            s.next()
            return self.row([t], font)
        if t.kind == "macro":
            s.next()
            if t.text == "right":
                return None
            node = self._macro(t, s, font, [])
            return [node] if node is not None else []
        s.next()
        return self.row([t], font)

    def _required(self, s: "_Stream", font, name: str, count: int, example: str) -> list[list]:
        args = []
        for _ in range(count):
            a = self._arg(s, font, name)
            if a is None:
                self.problems.append(f"\\{name} needs {_count(count)}, as in {example}, and has "
                                     f"{'only one' if args else 'none'}.")
                a = []
            args.append(a)
        return args

    def _optional(self, s: "_Stream") -> list[Tok] | None:
        """An optional ``[…]`` argument, as pylatexenc gives it or as plain characters."""
        s.skip_space()
        if s.done():
            return None
        if s.peek().kind == "opt":
            return s.next().body
        if s.peek_char() != "[":
            return None
        start = s.i
        s.next()
        body: list[Tok] = []
        while not s.done():
            t = s.next()
            if t.kind == "char" and t.text == "]":
                return body
            body.append(t)
        s.i = start  # no closing ]: not an optional argument after all
        return None

    def _raw_arg(self, s: "_Stream") -> list[Tok] | None:
        s.skip_space()
        if s.done():
            return None
        t = s.next()
        return t.body if t.kind == "group" else [t]

    def _delim(self, s: "_Stream") -> str:
        """The delimiter after ``\\left``/``\\right``: a character, ``\\|``, ``\\{``, ``\\langle``…; "." for none."""
        s.skip_space()
        if s.done():
            return ""
        t = s.next()
        if t.kind == "char":
            return "" if t.text == "." else {"<": "⟨", ">": "⟩"}.get(t.text, t.text)
        if t.kind == "macro":
            return SYMBOLS.get(t.text) or MORE_SYMBOLS.get(t.text) or ""
        s.back()
        return ""

    # -- macros --
    def _macro(self, t: Tok, s: "_Stream", font, items: list):
        name = t.text
        if name in GREEK:
            return Atom(GREEK[name])
        if name in SPACE_WIDTHS:
            w = SPACE_WIDTHS[name]
            return Space(w, clause=w >= 2)
        if name == "left":
            at = s.i
            left = self._delim(s)
            written = s.written(at)
            body, right = self._row(s, font, stop_right=True)
            if right is None:
                self.problems.append(f"\\left{written} at character {t.pos + 1} has no matching \\right.")
                right = ""
            return Delimited(left, body, right)
        if name in NO_OUTPUT:
            if name == "middle":
                d = self._delim(s)
                return Atom(d, "rel") if d else None
            return None
        if name in DROPPED:
            if s.peek_char() == "*":
                s.next()
            self._raw_arg(s)
            return None
        if name == "\\":
            if s.peek_char() == "*":
                s.next()
            if not s.done() and s.peek().kind == "opt":
                s.next()
            return Newline()
        if name in BIG_OPERATORS:
            return Atom(BIG_OPERATORS[name], "op", limits=name not in INTEGRALS)
        if name in ("limits", "nolimits"):
            if items and isinstance(items[-1], Atom) and items[-1].cls == "op":
                items[-1].limits = name == "limits"
            elif items and isinstance(items[-1], Scripted):
                items[-1].limits = name == "limits"
            return None
        if name in FUNCTION_NAMES or name in LATEX_OPERATORS:
            return Atom(name, "op", limits=name in LIMIT_OPERATORS)
        if name in SYMBOLS or name in MORE_SYMBOLS:
            char = SYMBOLS.get(name) or MORE_SYMBOLS[name]
            cls = ("rel" if name in RELATIONS else "bin" if name in BINARY else "open" if name in OPENING
                   else "close" if name in CLOSING else "punct" if name == "colon" else "ord")
            if name in ("{", "}"):
                cls = "open" if name == "{" else "close"
            return Atom(char, cls)
        if name in ("frac", "dfrac", "tfrac", "cfrac"):
            num, den = self._required(s, font, name, 2, "\\frac{a}{b}")
            return Frac(num, den)
        if name in ("binom", "dbinom", "tbinom", "choose"):
            num, den = self._required(s, font, name, 2, "\\binom{n}{k}")
            return Delimited("(", [Frac(num, den, rule=False)], ")")
        if name == "sqrt":
            opt = self._optional(s)
            index = self.row(opt, font) if opt is not None else None
            (body,) = self._required(s, font, name, 1, "\\sqrt{x}")
            return Radical(body, index)
        if name in ("underbrace", "overbrace"):
            (body,) = self._required(s, font, name, 1, f"\\{name}{{a+b}}_{{label}}")
            label = None
            s.skip_space()
            if s.peek_char() == ("_" if name == "underbrace" else "^"):
                mark = s.next()
                label = self._arg(s, font)
                if label is None:
                    self.problems.append(f"The label {mark.text} of \\{name} at character {mark.pos + 1} has "
                                         "nothing after it.")
                    label = []
            return Brace(body, label, over=name == "overbrace")
        if name in ("overset", "underset", "stackrel"):
            top, base = self._required(s, font, name, 2, f"\\{name}{{a}}{{=}}")
            return Stack(base, top=None if name == "underset" else top, bottom=top if name == "underset" else None)
        if name in ACCENTS or name in WIDE_ACCENTS or name == "underline":
            (body,) = self._required(s, font, name, 1, f"\\{name}{{x}}")
            return Accent(body, name)
        if name in FONTS:
            (body,) = self._required(s, name, name, 1, f"\\{name}{{X}}")
            return Group(body) if len(body) != 1 else body[0]
        if name in ("mathrm", "mathsf", "mathtt", "mathit", "mathnormal", "mathup"):
            raw = self._raw_arg(s)
            if raw is None:
                self.problems.append(f"\\{name} needs an argument, as in \\{name}{{d}}.")
                return None
            return Group(self.row(raw, font=None))
        if name == "operatorname" or name == "operatorname*":
            limits = False
            if s.peek_char() == "*":
                s.next()
                limits = True
            raw = self._raw_arg(s)
            if raw is None:
                self.problems.append("\\operatorname needs an argument, as in \\operatorname{softmax}.")
                return None
            return Atom(_text(raw).strip() or "", "op", limits=limits)
        if name in PLAIN_TEXT or name in ("textsc", "textsf", "textup", "emph", "textnormal", "hbox", "mathbfit"):
            raw = self._raw_arg(s)
            if raw is None:
                self.problems.append(f"\\{name} needs an argument, as in \\{name}{{if}}.")
                return None
            return Atom(_text(raw), "ord")
        if name == "substack":
            raw = self._raw_arg(s) or []
            return Table(split_rows(self.row(raw, font)), "gather", aligns="c")
        if name in ("phantom", "hphantom", "vphantom"):
            self._arg(s, font)
            return None
        if name in ("not",):
            nxt = self._arg(s, font) or []
            if len(nxt) == 1 and isinstance(nxt[0], Atom):
                return Atom(nxt[0].text + "\u0338", nxt[0].cls)
            return Group(nxt)
        if name in ("textcolor",):
            self._raw_arg(s)
            (body,) = self._required(s, font, name, 1, "\\textcolor{red}{x}")
            return Group(body)
        if name in ("boxed", "fbox"):
            (body,) = self._required(s, font, name, 1, f"\\{name}{{x}}")
            return Delimited("[", body, "]")
        if name in ("begin", "end"):
            raw = self._raw_arg(s)
            self.problems.append(f"\\{name}{{{_text(raw or [])}}} has no matching \\{'end' if name == 'begin' else 'begin'}.")
            return None
        if name in ("mathop", "mathbin", "mathrel", "mathord", "mathopen", "mathclose", "mathpunct"):
            body = self._arg(s, font) or []
            cls = {"mathop": "op", "mathbin": "bin", "mathrel": "rel", "mathopen": "open", "mathclose": "close",
                   "mathpunct": "punct"}.get(name, "ord")
            if len(body) == 1 and isinstance(body[0], Atom):
                return Atom(body[0].text, cls, limits=cls == "op")
            return Group(body)
        if name in ("displaystyle", "textstyle"):
            return None
        if len(name) == 1 and not name.isalpha():
            return Atom(name)  # \{ \} \$ \% \# … not in the tables
        return Atom("\\" + name)  # an unknown command: shown as written

    # -- environments --
    def _env(self, t: Tok, font) -> object:
        name = t.text
        if name in ("array", "tabular") and t.args:
            aligns = "".join(c for c in _text(t.args[-1]) if c in "lcr")
            return self._table(t.body, "array", font, aligns=aligns or "c")
        if name in TABLE_DELIMS:
            left, right = TABLE_DELIMS[name]
            return self._table(t.body, "matrix", font, left=left, right=right, aligns="c")
        if name in ("cases", "dcases", "rcases"):
            left, right = ("", "}") if name == "rcases" else ("{", "")
            return self._table(t.body, "cases", font, left=left, right=right, aligns="l")
        if name in ALIGNED:
            return self._table(t.body, "align", font, aligns="rl")
        if name in GATHERED:
            return self._table(t.body, "gather", font, aligns="c")
        return self._table(t.body, "gather", font, aligns="l")  # an environment this renderer does not know

    def _table(self, toks: list[Tok], kind: str, font, left: str = "", right: str = "", aligns: str = "c") -> Table:
        items = self.row(toks, font)
        return Table(split_rows(items), kind, left, right, aligns)


def split_rows(items: list) -> list[list[list]]:
    """Items with ``Newline`` and ``Amp`` markers → rows of cells (a trailing empty row dropped)."""
    rows: list[list[list]] = [[[]]]
    for it in items:
        if isinstance(it, Newline):
            rows.append([[]])
        elif isinstance(it, Amp):
            rows[-1].append([])
        else:
            rows[-1][-1].append(it)
    if len(rows) > 1 and rows[-1] == [[]]:
        rows.pop()
    return rows


class _Stream:
    __slots__ = ("toks", "i")

    def __init__(self, toks: list[Tok]) -> None:
        self.toks, self.i = toks, 0

    def done(self) -> bool:
        return self.i >= len(self.toks)

    def next(self) -> Tok:
        t = self.toks[self.i]
        self.i += 1
        return t

    def back(self) -> None:
        self.i -= 1

    def peek(self) -> Tok:
        return self.toks[self.i]

    def peek_char(self) -> str:
        if self.i < len(self.toks) and self.toks[self.i].kind == "char":
            return self.toks[self.i].text
        return ""

    def written(self, start: int) -> str:
        """The source of the tokens from ``start`` to here, for a message (a delimiter: ``\\|``, ``(``)."""
        return "".join(("\\" + k.text) if k.kind == "macro" else k.text for k in self.toks[start:self.i]).strip()

    def skip_space(self) -> None:
        while self.i < len(self.toks) and self.toks[self.i].kind == "char" and self.toks[self.i].text.isspace():
            self.i += 1


def _font(c: str, font: str | None) -> str:
    return FONTS[font].get(c, c) if font in FONTS else c


def _numeric(text: str) -> bool:
    return bool(text) and all(ch.isdigit() or ch == "." for ch in text)


def _count(n: int) -> str:
    return "an argument" if n == 1 else {2: "two arguments", 3: "three arguments"}.get(n, f"{n} arguments")


def _text(toks: list[Tok]) -> str:
    """The words of a ``\\text{…}`` argument, spaces kept, TeX's quotes made typographic."""
    out = []
    for t in toks:
        if t.kind == "char":
            out.append(" " if t.text.isspace() else _clean(t.text))
        elif t.kind == "specials":
            out.append(TEXT_SPECIALS.get(t.text, t.text))
        elif t.kind in ("group", "opt"):
            out.append(_text(t.body))
        elif t.kind == "macro":
            name = t.text
            if name in SPACE_WIDTHS:
                out.append(" " if SPACE_WIDTHS[name] > 0 else "")
            elif name in GREEK:
                out.append(GREEK[name])
            elif name in SYMBOLS or name in MORE_SYMBOLS:
                out.append(SYMBOLS.get(name) or MORE_SYMBOLS[name])
            elif len(name) == 1 and not name.isalpha():
                out.append(name)
            elif name in ("textbf", "textit", "emph", "text", "textrm", "mathrm"):
                pass  # its group follows and is read as text
            else:
                out.append("\\" + name)
        elif t.kind == "env":
            out.append(_text(t.body))
    text = "".join(out)
    while "  " in text:
        text = text.replace("  ", " ")
    return text
