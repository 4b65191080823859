"""Numeric verification of catalog equations against the code that implements them.

``notation`` rewrites a paper's LaTeX (ᾱ_t, ε_θ^{(t)}(x_t), ‖·‖, 𝒩(·;·,·)) into something sympy's
LaTeX parser reads; ``checks`` evaluates both sides on random inputs. Importing this package is
cheap; sympy and torch are imported when a check runs.
"""
