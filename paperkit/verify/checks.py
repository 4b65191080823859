"""Run a catalog equation's numeric checks: its LaTeX, evaluated by sympy, against its torch code.

For each check (see ``paperkit.catalog.Check``):

1. pick the part of the equation the code computes and rewrite its notation (``notation``);
2. parse it with sympy's LaTeX parser and ``lambdify`` it over NumPy;
3. draw the inputs (seeded, float64), evaluate the expression and the code on them;
4. compare: they must agree to ~1e-9 relative, far tighter than any float32 slip.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..catalog import Check, Equation
from .notation import NotationError, base_name, definitions, normal_args, pick, rewrite


@dataclass(frozen=True)
class CheckResult:
    equation: str
    part: str
    ok: bool
    max_abs_err: float
    message: str = ""


def run_check(eq: Equation, check: Check, seed: int = 0, rtol: float = 1e-9, atol: float = 1e-12) -> CheckResult:
    """Evaluate one check; never raises for a bad check, returns a failed result with the reason."""
    try:
        inputs = draw_inputs(check.inputs, seed)
        expected = evaluate_latex(check.latex or eq.latex, check, inputs)
        actual = evaluate_code(check.code, inputs)
    except (NotationError, NameError, KeyError, SyntaxError, TypeError, ValueError) as exc:
        return CheckResult(eq.id, check.part, False, math.inf, f"{type(exc).__name__}: {exc}")
    import numpy as np

    expected = np.broadcast_to(np.asarray(expected, dtype=np.float64), np.shape(actual))
    err = float(np.max(np.abs(expected - actual))) if np.size(actual) else 0.0
    ok = bool(np.allclose(actual, expected, rtol=rtol, atol=atol))
    return CheckResult(eq.id, check.part, ok, err, "" if ok else f"max abs difference {err:.3g}")


def draw_inputs(spec: dict[str, str], seed: int) -> dict:
    """Evaluate the check's input expressions in order; later ones may use earlier ones."""
    import numpy as np
    import torch

    gen = torch.Generator().manual_seed(seed)
    rng = np.random.default_rng(seed)

    def tensor(*shape):
        return torch.randn(shape or (2, 3, 4, 4), generator=gen, dtype=torch.float64)

    def uniform(lo, hi):
        return float(rng.uniform(lo, hi))

    def arange(lo, hi):
        return torch.arange(lo, hi, dtype=torch.float64)

    values: dict = {}
    env = {"tensor": tensor, "uniform": uniform, "arange": arange, "sqrt": math.sqrt, "torch": torch, "math": math}
    for name, expr in spec.items():
        values[name] = eval(expr, env | values)  # catalog data, written by the project
    return values


def evaluate_latex(latex: str, check: Check, inputs: dict):
    """The value of the equation's chosen part on ``inputs``, computed by sympy from the LaTeX."""
    if check.part == "normal.sample":
        if not check.noise:
            raise ValueError("a normal.sample check must name its noise input")
        _, mean, cov = normal_args(latex)
        return _eval(mean, check, inputs) + _eval(cov, check, inputs) ** 0.5 * _np(inputs[check.noise])
    target = pick(latex, check.part, check.functions)
    # "where" clauses: bind every other atom the display defines (σ_pos = std(x_pos), …) in order
    bound = dict(inputs)
    for name, rhs in definitions(latex, check.functions) if not check.indexed else ():
        if rhs == target:
            break
        if name not in inputs:
            try:
                bound[name] = _eval(rhs, check, bound)
            except KeyError:
                continue  # defined from symbols this check does not draw; the target cannot need it
    return _eval(target, check, bound)


def _eval(piece: str, check: Check, inputs: dict):
    if check.indexed:
        return _eval_indexed(piece, check, inputs)
    return _eval_plain(piece, check, inputs)


def _eval_indexed(piece: str, check: Check, inputs: dict):
    """Index notation (C_ij = Σ_k A_ik B_kj): entries become sympy ``Indexed`` objects over the input
    matrices, sums are expanded with ``doit``, and the expression is evaluated at every value of the
    free indices. Indices in the paper count from 1."""
    import itertools

    import numpy as np
    from sympy import IndexedBase, Symbol, lambdify
    from sympy.parsing.latex import parse_latex

    rw = rewrite(piece, check.functions)
    expr = parse_latex(rw.latex)
    by_name = {name: Symbol(p) for p, name in rw.names.items()}
    free = {letter: by_name.get(letter, Symbol(f"free_{letter}")) for letter in check.indices}
    bases = {name: IndexedBase(name) for name in set(check.indexed.values())}
    replace, scalars = {}, {}
    for placeholder, name in rw.names.items():
        base, _, sub = name.partition("_")
        if base in check.indexed and sub:
            letters = [by_name.get(c) or free.get(c) or Symbol(f"free_{c}") for c in sub]
            replace[Symbol(placeholder)] = bases[check.indexed[base]][tuple(s - 1 for s in letters)]
        elif name in inputs and not hasattr(inputs[name], "shape"):
            scalars[Symbol(placeholder)] = inputs[name]  # a bound such as K, m, n
    expr = expr.xreplace(replace)
    sizes = [int(inputs[check.indices[letter]]) for letter in check.indices]
    out = np.empty(sizes, dtype=np.float64)
    arrays = [_np(inputs[name]) for name in bases]
    for point in itertools.product(*[range(1, n + 1) for n in sizes]):
        bound = dict(scalars) | {free[letter]: value for letter, value in zip(check.indices, point)}
        fn = lambdify(list(bases.values()), _expand(expr.xreplace(bound)), modules="numpy")
        out[tuple(v - 1 for v in point)] = fn(*arrays)
    return out


def _expand(expr):
    """Write out every Σ and ∏ whose bounds are now numbers as explicit sums and products.

    sympy's ``doit`` leaves a product over ``Indexed`` terms unevaluated; expanding by hand works
    for both, innermost first.
    """
    from sympy import Add, Mul, Product, Sum

    def write_out(node):
        body = node.function
        for var, lo, hi in reversed(node.limits):
            terms = [body.xreplace({var: k}) for k in range(int(lo), int(hi) + 1)]
            body = (Add if isinstance(node, Sum) else Mul)(*terms)
        return body

    return expr.replace(lambda e: isinstance(e, (Sum, Product)), write_out)


def _eval_plain(piece: str, check: Check, inputs: dict):
    import numpy as np
    from sympy import Symbol, lambdify, pi
    from sympy.parsing.latex import parse_latex

    rw = rewrite(piece, check.functions)
    expr = parse_latex(rw.latex).subs(Symbol("pi"), pi)  # the parser sometimes leaves \pi a symbol
    placeholders = sorted(rw.names, key=lambda p: int(p[3:-1]))
    # a function value binds by its full call (ε_θ(z_λ,c)) when the check distinguishes calls
    keys = {p: rw.names[p] if rw.names[p] in inputs else base_name(rw.names[p]) for p in placeholders}
    missing = [rw.names[p] for p in placeholders if keys[p] not in inputs]
    if missing:
        raise KeyError(f"no input for symbol(s) {', '.join(missing)} in {piece!r}")
    free = {str(s) for s in expr.free_symbols}
    unknown = free - set(placeholders)
    if unknown:
        raise NotationError(f"sympy read stray symbols {sorted(unknown)} from {rw.latex!r}")
    fn = lambdify([Symbol(p) for p in placeholders], expr, modules=[_FUNCTIONS, "numpy"])
    return np.asarray(fn(*[_np(inputs[keys[p]]) for p in placeholders]), dtype=np.float64)


def evaluate_code(code: str, inputs: dict):
    """The value of the check's code expression on ``inputs``, as float64 NumPy."""
    import torch

    from .. import diffusion
    from ..lab.frobenius import frobenius_norm
    from ..lab.matmul import matmul_loops

    env = {name: getattr(diffusion, name) for name in diffusion.__all__}
    env |= {"matmul_loops": matmul_loops, "frobenius_norm": frobenius_norm, "torch": torch, "math": math}
    return _np(eval(code, env | inputs))  # catalog data, written by the project


def _np(value):
    import numpy as np

    if hasattr(value, "detach"):
        return value.detach().cpu().double().numpy()
    if isinstance(value, (list, tuple)):
        return np.asarray(value, dtype=np.float64)
    return value


def _norm(x):
    import numpy as np

    x = np.asarray(x)
    axes = tuple(range(1, x.ndim)) if x.ndim > 1 else None
    return np.sqrt(np.sum(x * x, axis=axes, keepdims=x.ndim > 1))


def _std(x):
    import numpy as np

    x = np.asarray(x)
    axes = tuple(range(1, x.ndim)) if x.ndim > 1 else None
    return np.std(x, axis=axes, ddof=1, keepdims=x.ndim > 1)


def _dot(a, b):
    import numpy as np

    prod = np.asarray(a) * np.asarray(b)
    axes = tuple(range(1, prod.ndim)) if prod.ndim > 1 else None
    return np.sum(prod, axis=axes, keepdims=prod.ndim > 1)


_FUNCTIONS = {"N": _norm, "S": _std, "D": _dot}
