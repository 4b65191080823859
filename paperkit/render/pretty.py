"""A 2-D rendering of an equation from sympy's pretty printer.

The paper's notation is first rewritten into something sympy parses (``paperkit.verify.notation``:
accents, ε_θ(x_t), norms, 𝒩(·) become plain symbols and functions); sympy parses that with
``parse_latex`` and prints it with fractions, roots, sums and powers laid out on several lines.
The placeholders come back as readable names (ᾱₜ₋₁, ε_θ(xₜ, t)). Anything sympy cannot parse
gives ``None``: the one-line Unicode rendering is always there.
"""

from __future__ import annotations

import re

from .tables import GREEK
from .unicode import to_unicode

ACCENT_WORDS = {"bar", "tilde", "hat", "dot", "vec"}


def display_name(name: str) -> str:
    """``alpha_bar_tm1`` → ᾱₜ₋₁; ``epsilon_theta(x_t,t)`` → ε_θ(xₜ, t) (verify's canonical names)."""
    head, paren, rest = name.partition("(")
    parts = head.split("_")
    base, mods = parts[0], parts[1:]
    latex = "\\" + base if base in GREEK else base
    for accent in (m for m in mods if m in ACCENT_WORDS):
        latex = f"\\{accent}{{{latex}}}"
    sub = "".join(m for m in mods if m not in ACCENT_WORDS)
    if sub:
        sub = re.sub(r"(?<=[a-z0-9])m(?=\d)", "-", sub)
        sub = re.sub(r"(?<=[a-z0-9])p(?=\d)", "+", sub)
        sub = re.sub("|".join(sorted(GREEK, key=len, reverse=True)), lambda m: "\\" + m.group(0) + " ", sub)
        latex += "_{" + sub.strip() + "}"
    text = to_unicode(latex)
    if paren:
        args = [display_name(a) for a in rest.rstrip(")").split(",") if a]
        text += "(" + ", ".join(args) + ")"
    return text


def _norm_and_inner(expr):
    """Tidy for printing. verify's rewriter reads ‖x‖ as N(x) and ⟨a, b⟩ as D(a, b): print them as the paper does."""
    from sympy import Function
    from sympy.printing.pretty.stringpict import prettyForm

    class Norm(Function):
        def _pretty(self, printer):
            once = prettyForm(*printer._print(self.args[0]).parens("|", "|"))
            return prettyForm(*once.parens("|", "|"))  # sympy draws tall bars only for the ones it knows

    class Inner(Function):
        def _pretty(self, printer):
            inner = printer._print_seq(self.args, delimiter=", ")
            return prettyForm(*inner.parens("<", ">"))

    from sympy import Mul, S

    expr = expr.replace(Function("N"), Norm).replace(Function("D"), Inner)
    # the parser reads 1/2 as 1·2⁻¹ unevaluated; drop the factor 1 so it prints as ½
    return expr.replace(lambda e: e.is_Mul and S.One in e.args,
                        lambda e: Mul(*[a for a in e.args if a != S.One], evaluate=False))


def to_2d(latex: str, width: int = 100) -> str | None:
    """The equation's clauses, each pretty-printed by sympy, or None when sympy cannot parse them
    faithfully: a symbol applied to arguments that the rewriter did not make a function (σ_τ(η)
    would print as σ·η) or a clause whose symbols do not all survive the parse."""
    try:
        from sympy import Symbol, pretty
        from sympy.parsing.latex import parse_latex

        from ..verify.notation import clauses, rewrite
    except ImportError:
        return None
    blocks = []
    for clause in clauses(latex):
        clause = clause.replace(":=", "=")
        try:
            rw = rewrite(clause)
            if re.search(r"v_\{\d+\}\s*(\\cdot\s*)?\(", rw.latex):  # f(x) or the rewriter's f·(x)
                return None
            expr = parse_latex(rw.latex)
            placeholders = {Symbol(p) for p in rw.names}
            if not placeholders <= expr.atoms(Symbol):
                return None
            names = {Symbol(p): Symbol(display_name(n)) for p, n in rw.names.items()}
            blocks.append(pretty(_norm_and_inner(expr.xreplace(names)), use_unicode=True, num_columns=width))
        except Exception:  # the parser and the rewriter raise many kinds of errors on notation they lack
            return None
    return "\n\n".join(blocks) if blocks else None
