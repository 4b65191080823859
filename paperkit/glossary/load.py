"""Load the glossary: the hand-written entries in ``symbols/*.toml`` (installed as the data package
``paperkit.symbols``), completed with every Unicode ↔ LaTeX pair in pylatexenc's tables, built here
at load time rather than copied in."""

from __future__ import annotations

import functools
import string
import tomllib
import unicodedata
from importlib import resources

from .model import Clash, Entry

def _hand_files():
    folder = resources.files("paperkit.symbols")
    return sorted((f for f in folder.iterdir() if f.name.endswith(".toml") and f.name != "clashes.toml"),
                  key=lambda f: f.name)


def hand_entries() -> list[Entry]:
    out = []
    for file in _hand_files():
        data = tomllib.loads(file.read_text(encoding="utf-8"))
        for raw in data.get("symbol", []):
            out.append(Entry(
                key=raw["key"], chars=tuple(raw.get("chars", ())), latex=tuple(raw.get("latex", ())),
                name=raw["name"], say=raw.get("say", ""), aliases=tuple(raw.get("aliases", ())),
                category=raw["category"], meanings=tuple(raw.get("meanings", ())), torch=raw.get("torch", ""),
                example=raw.get("example", ""), apl=raw.get("apl", ""), setup=raw.get("setup", ""),
                result=raw.get("result", ""),
            ))
    return out


def _category(char: str) -> str:
    name = unicodedata.name(char, "")
    cat = unicodedata.category(char)
    if "GREEK" in name:
        return "greek"
    if "ARROW" in name:
        return "arrow"
    if name.startswith("MATHEMATICAL"):
        return "font"
    return {"S": "symbol", "L": "letter", "N": "number", "P": "punctuation"}.get(cat[0], "misc")


def _strip_ensuremath(macro: str) -> str:
    if macro.startswith("\\ensuremath{") and macro.endswith("}"):
        return macro[len("\\ensuremath{"):-1]
    return macro


def pylatexenc_pairs() -> dict[str, list[str]]:
    """Character → LaTeX spellings, from latexencode's table and latex2text's macro table."""
    from pylatexenc import latex2text
    from pylatexenc.latexencode import get_builtin_uni2latex_dict

    pairs: dict[str, list[str]] = {}
    for code, macro in get_builtin_uni2latex_dict().items():
        char = chr(code)
        if unicodedata.category(char) in ("Cc", "Cn", "Zs", "Cf"):
            continue
        pairs.setdefault(char, []).append(_strip_ensuremath(macro))
    db = latex2text.get_default_latex_context_db()
    for category in db.categories():
        for spec in db.iter_macro_specs([category]):
            repl = getattr(spec, "simplify_repl", None)
            if isinstance(repl, str) and len(repl) == 1 and not repl.isspace() and "%" not in repl:
                spellings = pairs.setdefault(repl, [])
                macro = "\\" + spec.macroname
                if macro not in spellings:
                    spellings.append(macro)
    return pairs


@functools.cache
def all_entries() -> tuple[Entry, ...]:
    """Hand entries first, then one generated entry per character pylatexenc knows that no hand entry
    shows; a hand entry also gains pylatexenc's spellings of its character."""
    hand = hand_entries()
    pairs = pylatexenc_pairs()
    covered = {c for e in hand for c in e.chars}
    out: list[Entry] = []
    for e in hand:
        if len(e.chars) >= 1 and len(e.chars[0]) == 1 and e.chars[0] in pairs:
            extra = tuple(s for s in pairs[e.chars[0]] if s not in e.latex)
            e = Entry(**{**e.__dict__, "latex": e.latex + extra}) if extra else e
        out.append(e)
    for letter in string.ascii_letters:  # plain variables: their meaning is the paper's (--paper)
        pairs.setdefault(letter, [letter])
    for char, spellings in sorted(pairs.items()):
        if char in covered:
            continue
        name = unicodedata.name(char, "")
        if not name:
            continue
        out.append(Entry(key=f"u{ord(char):04x}", chars=(char,), latex=tuple(spellings), name=name,
                         say=name.lower(), aliases=(), category=_category(char), meanings=(), source="pylatexenc"))
    return tuple(out)


@functools.cache
def clashes() -> tuple[Clash, ...]:
    file = resources.files("paperkit.symbols") / "clashes.toml"
    data = tomllib.loads(file.read_text(encoding="utf-8"))
    return tuple(Clash(c["key"], c["symbol"], dict(c["papers"]), c.get("note", ""), dict(c.get("entries", {})),
                       dict(c.get("torch", {})), dict(c.get("example", {})))
                 for c in data.get("clash", []))
