"""The rules of broadcasting (``lesson11.broadcasting``), explained one step at a time for given shapes.

Two (or more) shapes broadcast when, lined up on the right, every dimension is either equal across
them or 1 (a missing leading dimension counts as 1). The result takes, in each position, the size
that is not 1. ``explain_broadcast`` walks through it:

1. align the shapes on the right (trailing dimensions first);
2. pad the shorter ones on the left with 1s;
3. compare each dimension, from the right: equal sizes stay; a 1 is stretched to the other size;
   two different sizes, neither 1, break the rule — the first such dimension (from the right) is
   the one reported;
4. the result shape, or the verdict "cannot broadcast".

Plain Python, no torch: the app can explain shapes without loading it. The tests hold every verdict
and result against ``torch.broadcast_shapes``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence


@dataclass(frozen=True)
class DimStep:
    """One position of the aligned shapes, read from the right (``dim`` = −1 is the last dimension)."""

    dim: int
    sizes: tuple[int, ...]          # each shape's size here, after padding
    padded: tuple[bool, ...]        # which of those sizes are padding 1s (the shape had no such dimension)
    result: int | None              # the broadcast size, None where the rule breaks
    rule: str                       # "equal", "stretch" or "mismatch"
    stretched: tuple[int, ...] = () # indices of the shapes whose 1 is stretched to ``result``

    @property
    def ok(self) -> bool:
        return self.result is not None


@dataclass(frozen=True)
class BroadcastExplanation:
    """The step-by-step answer for some shapes; ``text`` is the same thing as readable lines."""

    shapes: tuple[tuple[int, ...], ...]
    padded: tuple[tuple[int, ...], ...]
    steps: tuple[DimStep, ...]                 # right to left
    ok: bool
    result: tuple[int, ...] | None
    error_dim: int | None = None               # the first dimension (from the right) that breaks the rule
    names: tuple[str, ...] = field(default=())

    @property
    def mismatches(self) -> tuple[DimStep, ...]:
        return tuple(s for s in self.steps if not s.ok)

    @property
    def text(self) -> list[str]:
        return explanation_lines(self)

    def to_dict(self) -> dict:
        """Plain data (JSON-ready)."""
        return {
            "shapes": [list(s) for s in self.shapes], "names": list(self.names),
            "padded": [list(s) for s in self.padded], "ok": self.ok,
            "result": list(self.result) if self.result is not None else None, "error_dim": self.error_dim,
            "steps": [{"dim": s.dim, "sizes": list(s.sizes), "padded": list(s.padded), "result": s.result,
                       "rule": s.rule, "stretched": list(s.stretched)} for s in self.steps],
            "text": self.text,
        }


def _as_shape(shape, name: str) -> tuple[int, ...]:
    """A shape as a tuple of non-negative ints (an int n is the 1-D shape (n,), as torch reads it)."""
    if hasattr(shape, "__index__") and not isinstance(shape, bool):
        shape = (shape,)
    try:
        dims = tuple(shape)
    except TypeError:
        raise TypeError(f"{name}: a shape is a sequence of sizes, got {shape!r}") from None
    out = []
    for d in dims:
        if isinstance(d, bool) or not hasattr(d, "__index__"):
            raise TypeError(f"{name}: sizes are integers, got {d!r} in {shape!r}")
        d = d.__index__()
        if d < 0:
            raise ValueError(f"{name}: sizes cannot be negative, got {d} in {tuple(dims)}")
        out.append(d)
    return tuple(out)


def explain_broadcast(*shapes: Sequence[int] | int, names: Sequence[str] | None = None) -> BroadcastExplanation:
    """How ``shapes`` broadcast (``lesson11.broadcasting``): each dimension compared, and the result or the clash.

    >>> explain_broadcast((5, 784, 1), (784, 10)).result
    (5, 784, 10)
    >>> explain_broadcast((3, 4), (3,)).error_dim
    -1
    """
    if not shapes:
        raise ValueError("explain_broadcast needs at least one shape")
    if names is None:
        names = tuple("abcdefghijklmnopqrstuvwxyz"[:len(shapes)]) if len(shapes) <= 26 else tuple(f"s{i}" for i in range(len(shapes)))
    names = tuple(names)
    if len(names) != len(shapes):
        raise ValueError(f"{len(names)} names for {len(shapes)} shapes")
    dims = tuple(_as_shape(s, n) for s, n in zip(shapes, names))
    ndim = max(len(d) for d in dims)
    # steps 1–2: align on the right, pad on the left with 1s
    padded = tuple((1,) * (ndim - len(d)) + d for d in dims)
    was_padding = tuple((True,) * (ndim - len(d)) + (False,) * len(d) for d in dims)
    # step 3: compare each position, from the last dimension to the first
    steps = []
    for pos in range(ndim - 1, -1, -1):
        sizes = tuple(p[pos] for p in padded)
        pads = tuple(w[pos] for w in was_padding)
        big = {s for s in sizes if s != 1}
        if not big:
            result, rule, stretched = 1, "equal", ()
        elif len(big) == 1:
            result = big.pop()
            stretched = tuple(i for i, s in enumerate(sizes) if s == 1)
            rule = "stretch" if stretched else "equal"
        else:
            result, rule, stretched = None, "mismatch", ()
        steps.append(DimStep(pos - ndim, sizes, pads, result, rule, stretched))
    ok = all(s.ok for s in steps)
    result = tuple(s.result for s in reversed(steps)) if ok else None
    error_dim = next((s.dim for s in steps if not s.ok), None)
    return BroadcastExplanation(dims, padded, tuple(steps), ok, result, error_dim, names)


def broadcast_shape(*shapes: Sequence[int] | int) -> tuple[int, ...]:
    """The broadcast shape, or a ``ValueError`` naming the first dimension (from the right) that clashes."""
    ex = explain_broadcast(*shapes)
    if not ex.ok:
        step = ex.mismatches[0]
        raise ValueError(f"shapes {', '.join(str(s) for s in ex.shapes)} cannot broadcast: at dimension "
                         f"{step.dim} the sizes {', '.join(map(str, step.sizes))} differ and are not 1")
    return ex.result


def _fmt_shape(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def explanation_lines(ex: BroadcastExplanation) -> list[str]:
    """``ex`` as readable lines: the aligned shapes as columns, then one line per dimension, then the verdict."""
    width = max([len(str(d)) for p in ex.padded for d in p] + [2])
    label = max(len(n) for n in ex.names)
    ndim = len(ex.padded[0]) if ex.padded else 0
    lines = [f"Broadcasting {' with '.join(f'{n} {_fmt_shape(s)}' for n, s in zip(ex.names, ex.shapes))}"]
    lines.append("1. Align the shapes on the right:")
    for name, shape in zip(ex.names, ex.shapes):
        cells = [" " * width] * (ndim - len(shape)) + [f"{d:>{width}}" for d in shape]
        lines.append(f"     {name:<{label}}  " + "  ".join(cells))
    if any(len(s) < ndim for s in ex.shapes):
        lines.append("2. Pad the shorter shapes on the left with 1s:")
        for name, shape, pads in zip(ex.names, ex.padded, zip(*[s.padded for s in reversed(ex.steps)])):
            cells = [f"{d:>{width}}" for d in shape]
            lines.append(f"     {name:<{label}}  " + "  ".join(cells) + ("" if not any(pads) else "   (padded)"))
    else:
        lines.append("2. Nothing to pad: the shapes have the same number of dimensions.")
    lines.append("3. Compare each dimension, from the right (equal, or one of them is 1):")
    for s in ex.steps:
        sizes = " vs ".join(f"{v}{'*' if p else ''}" for v, p in zip(s.sizes, s.padded))
        if s.rule == "mismatch":
            what = "✗ sizes differ and none is 1: the rule breaks here"
        elif s.rule == "stretch":
            who = [ex.names[i] for i in s.stretched]
            whose = f"{who[0]}'s 1 is" if len(who) == 1 else f"the 1s of {', '.join(who[:-1])} and {who[-1]} are"
            what = f"{s.result} ({whose} stretched to {s.result})"
        else:
            what = f"{s.result} (equal)"
        lines.append(f"     dim {s.dim:>3}: {sizes} → {what}")
    if not ex.steps:
        lines.append("     (no dimensions: every shape is a scalar's)")
    if any(any(s.padded) for s in ex.steps):
        lines.append("     (* a padding 1)")
    if ex.ok:
        lines.append(f"4. Result: {_fmt_shape(ex.result)}")
    else:
        bad = ", ".join(str(s.dim) for s in ex.mismatches)
        lines.append(f"4. Cannot broadcast: dimension {ex.error_dim} is the first that breaks the rule"
                     + (f" (all clashes: {bad})" if len(ex.mismatches) > 1 else ""))
    return [line.rstrip() for line in lines]
