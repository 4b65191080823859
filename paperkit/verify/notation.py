"""Rewriting paper notation so that sympy's LaTeX parser can evaluate an equation.

sympy's parser reads ``\\sqrt``, ``\\frac``, Greek letters and subscripts, but not accents
(``\\bar{\\alpha}_t``), model outputs written as function calls (``\\epsilon_\\theta(x_t, t)``),
index superscripts (``\\epsilon_\\theta^{(t)}``), norms, ``\\underbrace`` labels or ``\\mathbf{I}``.
This module:

1. splits a display into clauses (at ``\\quad``, ``\\text{and}``, ``\\\\``) and relations (``=``, ``:=``);
2. replaces every *atom* — a letter with its accents, subscript and index superscript, and for the
   model's functions its argument list — by a placeholder symbol ``v_{k}``, remembering the atom's
   canonical name (``\\bar{\\alpha}_{t-1}`` → ``alpha_bar_tm1``, ``\\epsilon_\\theta^{(t)}(x_t)`` →
   ``epsilon_theta``);
3. maps norms ‖x‖ to N(x), std(x) to S(x) and ⟨a, b⟩ to D(a, b), for the evaluator to supply.

Canonical names are what a catalog check's ``inputs`` bind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta",
    "iota", "kappa", "lambda", "mu", "nu", "xi", "rho", "varrho", "sigma", "varsigma",
    "tau", "upsilon", "phi", "varphi", "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda",
    "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega",
}
# variants that name the same symbol
GREEK_ALIAS = {"varepsilon": "epsilon", "vartheta": "theta", "varphi": "phi", "varrho": "rho", "varpi": "pi", "varsigma": "sigma"}
ACCENTS = {"bar": "bar", "overline": "bar", "tilde": "tilde", "widetilde": "tilde", "hat": "hat", "widehat": "hat", "dot": "dot", "vec": "vec"}
STYLES = {"mathbf", "boldsymbol", "bm", "mathrm", "mathit", "mathsf"}
# commands sympy's parser handles itself
PASS_THROUGH = {"odot", "sqrt", "frac", "dfrac", "tfrac", "sin", "cos", "tan", "arccos", "arcsin", "arctan", "exp", "log", "ln", "cdot", "times", "min", "max", "pi", "infty", "sum", "prod"}
SPACING = {",", ";", "!", ":", " ", "quad", "qquad", "left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "displaystyle", "limits"}
FUNCTION_WORDS = {"std": "S", "norm": "N"}


class NotationError(ValueError):
    """The LaTeX uses notation this rewriter cannot turn into something sympy evaluates."""


@dataclass
class Rewritten:
    """LaTeX ready for sympy's parser, and the canonical name behind each placeholder ``v_{k}``."""

    latex: str
    names: dict[str, str]  # placeholder ("v_{3}") -> canonical name ("alpha_bar_tm1")


# ---------------------------------------------------------------------------------------- scanning

def read_group(s: str, i: int) -> tuple[str, int]:
    """The argument starting at ``s[i]`` (skipping spaces): a braced group's content, a command, or a char."""
    while i < len(s) and s[i] == " ":
        i += 1
    if i >= len(s):
        raise NotationError("an argument is missing at the end of the expression")
    if s[i] == "{":
        return _balanced(s, i, "{", "}")
    if s[i] == "\\":
        m = re.match(r"\\([A-Za-z]+|.)", s[i:])
        return m.group(0), i + len(m.group(0))
    return s[i], i + 1


def read_parens(s: str, i: int) -> tuple[str, int]:
    """The content of the balanced ``( … )`` starting at ``s[i]``."""
    return _balanced(s, i, "(", ")")


def _balanced(s: str, i: int, open_: str, close: str) -> tuple[str, int]:
    """The content between ``s[i] == open_`` and its matching ``close``, skipping escaped characters."""
    depth, j = 0, i
    while j < len(s):
        if s[j] == "\\":
            j += 2
            continue
        if s[j] == open_:
            depth += 1
        elif s[j] == close:
            depth -= 1
            if depth == 0:
                return s[i + 1 : j], j + 1
        j += 1
    raise NotationError(f"unbalanced {open_}{close} in {s!r}")


def top_level_split(s: str, separators: list[str]) -> list[str]:
    """Split ``s`` at any of ``separators`` that stand outside braces, brackets and parentheses."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(s):
        width = _separator_at(s, i, separators) if depth == 0 and s[i] not in "{([})]" else 0
        if width:
            parts.append(s[start:i])
            i = start = i + width
            continue
        if s[i] == "\\":
            i += 2  # an escaped character or a command's backslash: never a bracket
            continue
        depth += 1 if s[i] in "{([" else -1 if s[i] in "})]" else 0
        i += 1
    parts.append(s[start:])
    return [p.strip() for p in parts if p.strip()]


def _separator_at(s: str, i: int, separators: list[str]) -> int:
    """Length of the separator starting at ``s[i]`` (0 if none); ``\\quad`` does not match ``\\quadx``."""
    for sep in separators:
        if s.startswith(sep, i):
            after = s[i + len(sep) : i + len(sep) + 1]
            if not (sep[-1].isalpha() and sep.startswith("\\") and after.isalpha()):
                return len(sep)
    return 0


# ------------------------------------------------------------------------------- picking parts

CLAUSE_SEPARATORS = ["\\qquad", "\\quad", "\\\\", "\\text{and}", "\\text{ and }", "\\text{or}", "\\text{where}", "\\text{with}"]
RELATIONS = [":=", "\\approx", "="]


def clauses(latex: str) -> list[str]:
    """The display's separate statements, e.g. eq. 7's μ̃_t := … and β̃_t := …"""
    return [c.strip(" ,;") for c in top_level_split(_strip_layout(latex), CLAUSE_SEPARATORS)]


def relation_sides(clause: str) -> list[str]:
    """``a = b := c`` → ["a", "b", "c"], splitting only at top-level relations."""
    return top_level_split(clause, RELATIONS)


def pick(latex: str, part: str, functions: tuple[str, ...] = ()) -> str:
    """The piece of ``latex`` a check evaluates.

    - ``"rhs"``: the last side of the last clause (after its last ``=``/``:=``/``\\approx``);
    - ``"def:NAME"``: the right side of the clause whose left side is the atom NAME;
    - ``"clause:N"``: the right side of the N-th clause (1-based);
    - ``"normal.mean"``, ``"normal.cov"``: the arguments of the first 𝒩(x; μ, Σ).
    """
    if part == "rhs":
        return relation_sides(clauses(latex)[-1])[-1]
    if part.startswith("def:"):
        name = part[4:]
        for clause in clauses(latex):
            sides = relation_sides(clause)
            if len(sides) >= 2 and base_name(_atom_name(sides[0], functions) or "") == name:
                return sides[-1]
        raise NotationError(f"no clause defines {name!r}")
    if part.startswith("clause:"):
        return relation_sides(clauses(latex)[int(part[7:]) - 1])[-1]
    if part in ("normal.mean", "normal.cov"):
        _, mean, cov = normal_args(latex)
        return mean if part == "normal.mean" else cov
    raise NotationError(f"unknown part {part!r}")


def normal_args(latex: str) -> tuple[str, str, str]:
    """(x, μ, Σ) of the first ``\\mathcal{N}(x; μ, Σ)``."""
    m = re.search(r"\\mathcal\s*\{?\s*N\s*\}?\s*(\\left\s*)?\(", latex)
    if not m:
        raise NotationError("no \\mathcal{N}(…) in the equation")
    body, _ = read_parens(latex, m.end() - 1)
    body = body.replace("\\right", "")
    head, _, rest = body.partition(";")
    args = top_level_split(rest, [","])
    if len(args) != 2:
        raise NotationError(f"expected 𝒩(x; μ, Σ), got 𝒩({body})")
    return head.strip(), args[0], args[1]


def definitions(latex: str, functions: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(atom name, right side) for every clause of the form ``atom = …`` or ``atom := …``, in order."""
    found = []
    for clause in clauses(latex):
        sides = relation_sides(clause)
        if len(sides) < 2:
            continue
        try:
            name = _atom_name(sides[0], functions)
        except NotationError:
            continue
        if name:
            found.append((base_name(name), sides[-1]))
    return found


def _atom_name(text: str, functions: tuple[str, ...]) -> str | None:
    rw = rewrite(text, functions)
    if re.fullmatch(r"v_\{\d+\}", rw.latex.strip()) and len(rw.names) == 1:
        return next(iter(rw.names.values()))
    return None


# ------------------------------------------------------------------------------------ rewriting

def _strip_layout(s: str) -> str:
    s = re.sub(r"\\(left|right)\s*(?=[()\[\]|.]|\\[|{}]|\\[lr]Vert)", "", s)
    s = re.sub(r"\\(big|Big|bigg|Bigg)[lr]?\b", "", s)
    return s


def rewrite(latex: str, functions: tuple[str, ...] = ()) -> Rewritten:
    """Replace atoms by placeholders and paper-only notation by plain functions (module docstring).

    ``functions`` lists canonical names of atoms that are applied to arguments (``mu_tilde_t``);
    atoms subscripted by θ (ε_θ, μ_θ, f_θ) are always functions. A function atom's arguments are
    dropped: the check binds the function's *value* at those arguments.
    """
    s = _strip_layout(latex)
    s = re.sub(r"\\[,;:! ]|\\q?quad\b", " ", s)  # spacing, so "s\,(…)" reads as a product
    s = _remove_underbraces(s)
    # words inside subscripts name the symbol (ε_{ref}); elsewhere \text{…} is commentary
    s = re.sub(r"_\s*\{?\s*\\(?:text|textrm|mathrm|mbox)\s*\{([^{}]*)\}\s*\}?", r"_{\1}", s)
    s = re.sub(r"\\(text|textrm|mbox)\s*\{[^{}]*\}", " ", s)
    s = re.sub(r"\\(mathbf|boldsymbol|bm)\s*\{\s*I\s*\}", r" \\cdot 1 ", s)  # the identity matrix scales by 1
    s = re.sub(r"\\mathbb\s*\{?\s*I\s*\}?", r" \\cdot 1 ", s)
    s = _norms(s)
    s = re.sub(r"\\langle", " D(", s)
    s = re.sub(r"\\rangle", ") ", s)
    for word, letter in FUNCTION_WORDS.items():
        s = re.sub(r"\\(operatorname|mathrm)\s*\{" + word + r"\}", " " + letter, s)
        s = re.sub(r"(?<![A-Za-z\\])" + word + r"(?=\s*\()", " " + letter, s)
    out: list[str] = []
    names: dict[str, str] = {}
    by_name: dict[str, str] = {}
    i = 0
    while i < len(s):
        c = s[i]
        if c == "\\":
            m = re.match(r"\\([A-Za-z]+|.)", s[i:])
            cmd = m.group(1)
            if cmd in SPACING:
                out.append(" ")
                i += len(m.group(0))
                continue
            if cmd in GREEK or cmd in ACCENTS or cmd in STYLES or cmd == "mathcal":
                i = _atom(s, i, out, names, by_name, functions)
                continue
            if cmd in PASS_THROUGH:
                out.append("\\cdot " if cmd == "odot" else m.group(0) + " ")  # ⊙ is element-wise: a product on arrays
                i += len(m.group(0))
                continue
            raise NotationError(f"unsupported command \\{cmd}")
        if c.isalpha():
            if c in "NSD" and s[i + 1 : i + 2] == "(" and (i == 0 or not s[i - 1].isalpha()) and _is_marker(s, i):
                out.append(c)
                i += 1
                continue
            i = _atom(s, i, out, names, by_name, functions)
            continue
        out.append(c)
        i += 1
    return Rewritten("".join(out), names)


def _is_marker(s: str, i: int) -> bool:
    """Whether the N/S/D at ``s[i]`` was written by this module (preceded by a space we inserted)."""
    return i > 0 and s[i - 1] == " "


def _atom(s, i, out, names, by_name, functions) -> int:
    """Read one atom at ``s[i]``, append its placeholder to ``out``, return the index after it."""
    base, accents, i = _atom_base(s, i)
    sub = sup_index = ""
    while i < len(s):
        j = i
        while j < len(s) and s[j] == " ":
            j += 1
        if j < len(s) and s[j] == "_" and not sub:
            sub, i = read_group(s, j + 1)
        elif j < len(s) and s[j] == "^" and re.match(r"\^\s*\{\s*\(", s[j:]):
            sup_index, i = read_group(s, j + 1)
        else:
            break
    name = base + "".join("_" + a for a in accents) + ("_" + _subscript_name(sub) if sub else "")
    is_function = "theta" in _subscript_name(sub) or name in functions
    j = i
    while j < len(s) and s[j] == " ":
        j += 1
    if is_function and j < len(s) and s[j] == "(":
        args, i = read_parens(s, j)
        name += "(" + ",".join(_arg_name(a, functions) for a in top_level_split(args, [","])) + ")"
    placeholder = by_name.get(name)
    if placeholder is None:
        placeholder = f"v_{{{len(by_name) + 1}}}"
        by_name[name] = placeholder
        names[placeholder] = name
    out.append(" " + placeholder + " ")
    # keep "v(…)" from reading as a function call
    k = i
    while k < len(s) and s[k] == " ":
        k += 1
    if k < len(s) and s[k] == "(":
        out.append("\\cdot ")
    return i


def _arg_name(arg: str, functions: tuple[str, ...]) -> str:
    """A function argument's canonical name, or its text when it is an expression."""
    try:
        return _atom_name(arg, functions) or re.sub(r"\s+", "", arg)
    except NotationError:
        return re.sub(r"\s+", "", arg)


def base_name(name: str) -> str:
    """``epsilon_theta(x_t,t)`` → ``epsilon_theta``: the atom without its argument list."""
    return name.split("(", 1)[0]


def _atom_base(s: str, i: int) -> tuple[str, list[str], int]:
    """The letter at ``s[i]`` with any accents and font styles around it: ("alpha", ["bar"], next index)."""
    if s[i] != "\\":
        return s[i], [], i + 1
    m = re.match(r"\\([A-Za-z]+)", s[i:])
    cmd = m.group(1)
    i += len(m.group(0))
    if cmd in GREEK:
        return GREEK_ALIAS.get(cmd, cmd), [], i
    arg, i = read_group(s, i)
    inner_base, inner_accents, _ = _atom_base(arg.strip(), 0) if arg.strip() else ("", [], 0)
    if cmd in ACCENTS:
        return inner_base, inner_accents + [ACCENTS[cmd]], i
    if cmd == "mathcal":
        return "cal" + inner_base, inner_accents, i
    return inner_base, inner_accents, i  # a font style does not change which symbol it is


def _subscript_name(sub: str) -> str:
    text = sub.replace("\\", "").replace(" ", "")
    text = text.replace("{", "").replace("}", "").replace("-", "m").replace("+", "p").replace(":", "to")
    text = re.sub(r"(text|mathrm)", "", text)
    return re.sub(r"[^A-Za-z0-9_]", "", text)


def _norms(s: str) -> str:
    """‖x‖ (``\\|x\\|``, ``\\lVert x\\rVert``) → `` N(x) ``; a trailing ``_2`` or ``_F`` is dropped."""
    s = s.replace("\\lVert", "\\|").replace("\\rVert", "\\|").replace("\\Vert", "\\|")
    out, i, open_ = [], 0, False
    while i < len(s):
        if s.startswith("\\|", i):
            out.append(" N(" if not open_ else ") ")
            i += 2
            if open_:
                m = re.match(r"\s*_\s*(\{[^{}]*\}|[A-Za-z0-9])", s[i:])
                if m:
                    i += len(m.group(0))
            open_ = not open_
            continue
        out.append(s[i])
        i += 1
    if open_:
        raise NotationError("unbalanced norm bars")
    return "".join(out)


def _remove_underbraces(s: str) -> str:
    while True:
        m = re.search(r"\\underbrace\s*\{", s)
        if not m:
            return s
        body, end = read_group(s, m.end() - 1)
        rest = s[end:]
        lab = re.match(r"\s*_\s*", rest)
        if lab:
            _, label_end = read_group(rest, lab.end())
            rest = rest[label_end:]
        s = s[: m.start()] + "{(" + body + ")}" + rest
