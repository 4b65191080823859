"""``latex_problem(latex)``: one sentence saying why ``latex`` is not well-formed LaTeX, or None.

The renderers are tolerant (they draw what they can of anything); a user who typed the equation
wants to hear about the slip instead: an unbalanced brace, a ``\\frac`` without its denominator, a
``\\left`` without its ``\\right``, an ``\\end`` without its ``\\begin``, a dangling ``^``.
"""

from __future__ import annotations

import re

from .mathtree import Parser

_ENV = re.compile(r"\\(begin|end)\s*\{([^{}]*)\}")


def latex_problem(latex: str) -> str | None:
    """The first problem found in ``latex``, as one sentence; None when it is well-formed."""
    if not isinstance(latex, str) or not latex.strip():
        return "The equation is empty: give it in LaTeX, e.g. '\\frac{1}{\\sqrt{\\alpha_t}}'."
    problem = _braces(latex) or _environments(latex)
    if problem:
        return problem
    try:
        parser = Parser()
        parser.parse(latex)
    except Exception:  # pylatexenc is tolerant; anything it still chokes on is not LaTeX we can read
        return "The LaTeX could not be read."
    return parser.problems[0] if parser.problems else None


def _braces(latex: str) -> str | None:
    stack: list[int] = []
    i, n = 0, len(latex)
    while i < n:
        c = latex[i]
        if c == "\\":
            i += 2  # \{ \} \\ \% are not braces or comments
            continue
        if c == "%":
            end = latex.find("\n", i)
            i = n if end < 0 else end
            continue
        if c == "{":
            stack.append(i)
        elif c == "}":
            if not stack:
                return f"The closing brace }} at character {i + 1} has no opening {{ before it."
            stack.pop()
        i += 1
    if stack:
        return f"The opening brace {{ at character {stack[-1] + 1} is never closed."
    return None


def _environments(latex: str) -> str | None:
    stack: list[tuple[str, int]] = []
    for m in _ENV.finditer(latex):
        kind, name = m.group(1), m.group(2).strip()
        if kind == "begin":
            stack.append((name, m.start()))
        elif not stack:
            return f"\\end{{{name}}} at character {m.start() + 1} has no matching \\begin{{{name}}}."
        elif stack[-1][0] != name:
            return f"\\begin{{{stack[-1][0]}}} at character {stack[-1][1] + 1} is ended by \\end{{{name}}}."
        else:
            stack.pop()
    if stack:
        name, pos = stack[-1]
        return f"\\begin{{{name}}} at character {pos + 1} has no \\end{{{name}}}."
    return None
