"""Rendering LaTeX for the terminal: ``to_unicode`` gives one line of readable Unicode, ``to_2d``
the equation in 2-D as the paper writes it, fitted to a width; ``latex_problem`` says what is
wrong with LaTeX that is not well-formed.

``to_2d`` and ``latex_problem`` load on first use (PEP 562): the app's start-up imports this package
for ``to_unicode`` only, and the 2-D renderer's modules are not needed until an equation is drawn.
"""

from .unicode import to_unicode

__all__ = ["latex_problem", "to_2d", "to_unicode"]


def __getattr__(name: str):
    if name == "to_2d":
        from .twod import to_2d

        return to_2d
    if name == "latex_problem":
        from .problems import latex_problem

        return latex_problem
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
