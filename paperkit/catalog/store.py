"""Loading the catalog from ``papers/*.toml`` and looking equations up by id."""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..errors import UserError
from .model import Check, Equation, Paper, Symbol


class CatalogError(ValueError):
    """A catalog file is malformed: the message names the file and the entry."""


@dataclass(frozen=True)
class Catalog:
    papers: tuple[Paper, ...]

    def paper(self, paper_id: str) -> Paper:
        for p in self.papers:
            if p.id == paper_id:
                return p
        raise UserError(f"no paper {paper_id!r} in the catalog{_suggest(paper_id, [p.id for p in self.papers])}")

    @property
    def equations(self) -> tuple[Equation, ...]:
        return tuple(eq for p in self.papers for eq in p.equations)

    def equation(self, eq_id: str) -> Equation:
        """The equation with this id (case-insensitive); a UserError suggesting close ids otherwise."""
        key = eq_id.strip().lower()
        for eq in self.equations:
            if eq.id.lower() == key:
                return eq
        ids = [eq.id for eq in self.equations]
        raise UserError(f"no equation {eq_id!r} in the catalog{_suggest(key, ids)}")


def _suggest(key: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(key, candidates, n=4, cutoff=0.5)
    if not close:
        prefix = key.split(".")[0]
        close = [c for c in candidates if c.startswith(prefix + ".")][:6]
    return f"; did you mean {', '.join(close)}?" if close else ""


def catalog_dir() -> Path:
    """The folder holding the paper TOML files (the repository's ``papers/``, installed as ``paperkit.papers``)."""
    return Path(str(resources.files("paperkit.papers")))


@lru_cache(maxsize=4)
def load_catalog(folder: str | None = None) -> Catalog:
    """Read every ``*.toml`` paper file in ``folder`` (default: the bundled catalog)."""
    root = Path(folder) if folder else catalog_dir()
    files = sorted(root.glob("*.toml"))
    if not files:
        raise CatalogError(f"no paper files (*.toml) in {root}")
    papers = [parse_paper(f.read_text(encoding="utf-8"), source=f.name) for f in files]
    order = {"ddpm": 0, "ddim": 1, "diffedit": 2, "cfg": 3, "lesson11": 4}
    papers.sort(key=lambda p: (order.get(p.id, 99), p.id))
    return Catalog(tuple(papers))


def parse_paper(text: str, source: str = "<string>") -> Paper:
    """Build a Paper from the TOML text of one catalog file."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{source}: not valid TOML: {exc}") from exc
    meta = _require(data, "paper", dict, source)
    pid = _require(meta, "id", str, source)
    equations = tuple(_equation(e, pid, f"{source}: equation {i + 1}") for i, e in enumerate(data.get("equations", [])))
    return Paper(
        id=pid,
        title=_require(meta, "title", str, source),
        authors=tuple(_require(meta, "authors", list, source)),
        year=_require(meta, "year", int, source),
        arxiv=meta.get("arxiv"),
        version=meta.get("version"),
        summary=_require(meta, "summary", str, source).strip(),
        short=meta.get("short", pid),
        venue=meta.get("venue", ""),
        url=meta.get("url", ""),
        notes=tuple(n.strip() for n in meta.get("notes", [])),
        equations=equations,
        source=source,
        pdf_sha256=tuple(meta.get("pdf_sha256", [])),
    )


def _equation(e: dict, paper_id: str, where: str) -> Equation:
    eid = _require(e, "id", str, where)
    where = f"{where} ({eid})"
    symbols = tuple(Symbol(_require(s, "latex", str, where), _require(s, "meaning", str, where)) for s in e.get("symbols", []))
    checks = tuple(
        Check(
            part=_require(c, "part", str, where),
            code=_require(c, "code", str, where),
            inputs=dict(_require(c, "inputs", dict, where)),
            noise=c.get("noise"),
            functions=tuple(c.get("functions", ())),
            latex=c.get("latex"),
            note=c.get("note", ""),
            indexed=dict(c.get("indexed", {})),
            indices=dict(c.get("indices", {})),
        )
        for c in e.get("checks", [])
    )
    return Equation(
        id=eid,
        paper=paper_id,
        number=str(_require(e, "number", (str, int), where)),
        latex=_require(e, "latex", str, where).strip(),
        meaning=_require(e, "meaning", str, where).strip(),
        title=e.get("title", ""),
        section=str(e.get("section", "")),
        symbols=symbols,
        code=e.get("code"),
        demo=e.get("demo"),
        number_note=e.get("number_note", "").strip(),
        notes=tuple(n.strip() for n in e.get("notes", [])),
        checks=checks,
    )


def _require(table: dict, key: str, kind, where: str):
    if key not in table:
        raise CatalogError(f"{where}: missing field {key!r}")
    value = table[key]
    if not isinstance(value, kind):
        raise CatalogError(f"{where}: field {key!r} has the wrong type ({type(value).__name__})")
    return value
