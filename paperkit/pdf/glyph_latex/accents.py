"""Accents: ˜ ˆ ¯ ˙ ⃗ (CMR/CMMI) wrap the atom they overlap most; CMEX ``\\widehat``/``\\widetilde``
wrap the atoms centred under them.
"""

from __future__ import annotations

from . import analysis
from .atoms import Atom


def _attach_wide_accents(atoms: list[Atom]) -> list[Atom]:
    """\\widehat{…}/\\widetilde{…}: a CMEX accent over the atoms centred under it."""
    wide = [a for a in atoms if a.kind == "accent" and a.role == "ex"]
    if not wide:
        return atoms
    rest = [a for a in atoms if not (a.kind == "accent" and a.role == "ex")]
    for acc in wide:
        s = acc.size
        under = [b for b in rest if b.kind != "rule" and acc.x0 - 0.2 * s <= b.cx <= acc.x1 + 0.2 * s
                 and acc.y - 0.2 * s <= b.y <= acc.y + 1.2 * s and b.top >= acc.top - 0.1 * s]
        if not under:
            continue
        inner = analysis._layout(under)
        atom = Atom(min(b.x0 for b in under), max(b.x1 for b in under), acc.top, max(b.bottom for b in under),
                    inner.y, inner.size, f"{acc.latex}{{{inner.latex}}}", "struct",
                    glyphs=[g for b in under + [acc] for g in b.glyphs])
        used = set(map(id, under))
        rest = [b for b in rest if id(b) not in used] + [atom]
    return rest


def _attach_accents(atoms: list[Atom], wide: bool = True) -> list[Atom]:
    """Accents (˜ ˆ ¯ ˙ ⃗…) wrap the atom under them; ``wide``: also \\widehat/\\widetilde over groups."""
    atoms = _attach_wide_accents(atoms) if wide else [a for a in atoms if not (a.kind == "accent" and a.role == "ex")]
    accents = sorted((a for a in atoms if a.kind == "accent" and a.role != "ex"), key=lambda a: -a.y)
    if not accents:
        return atoms
    rest = [a for a in atoms if not (a.kind == "accent" and a.role != "ex")]
    for acc in accents:
        s = acc.size
        if acc.width < 0.3:  # zero-width accent (\vec): the ink lies over the next glyph
            cands = [b for b in rest if b.kind != "rule" and -0.2 * s <= b.x0 - acc.x0 <= 0.6 * s
                     and -0.3 * s <= b.y - acc.y <= 1.0 * s]
            base = min(cands, key=lambda b: b.x0 - acc.x0, default=None)
        else:
            best, base = 0.0, None
            for b in rest:
                if b.kind in ("rule",) or not (-0.3 * s <= b.y - acc.y <= 1.2 * s):
                    continue
                overlap = min(acc.x1, b.x1) - max(acc.x0, b.x0)
                if overlap > 0.3 * min(acc.width, max(b.width, 0.1)) and overlap > best:
                    best, base = overlap, b
        if base is None:
            continue
        base.latex = f"{acc.latex}{{{base.latex}}}"
        base.letter = False
        base.top = min(base.top, acc.top)
        base.glyphs = base.glyphs + acc.glyphs
    return rest
