"""APL next to PyTorch, as lesson 11 compared them: every APL glyph of the glossary and its runnable torch equivalent.

The data is the glossary's ``symbols/apl.toml`` (installed as ``paperkit.symbols``): each entry has
``apl`` (an APL expression using the glyph), ``torch`` (a PyTorch expression computing the same),
an optional ``setup`` (statements defining the names ``torch`` uses) and ``result`` (the value, as a
Python literal). ``apl_table`` lists them without importing torch; ``run_entry`` evaluates one entry's
torch expression; ``check_entry`` compares it with the entry's ``result``.

Evaluation is confined: the code is parsed first and refused if it imports, or reaches for a dunder
name or attribute (``__class__``, ``__import__`` …); it then runs in a namespace holding only
``torch``, the setup's own names and a few harmless builtins (``len``, ``range``, ``sum`` …).
The data ships with paperkit, so this guards against slips in it, not against a determined attacker.
"""

from __future__ import annotations

import ast
import builtins
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

SAFE_BUILTINS = ("len", "range", "list", "tuple", "int", "float", "bool", "abs", "min", "max", "sum",
                 "sorted", "reversed", "enumerate", "zip", "round", "True", "False", "None")


class APLError(ValueError):
    """An entry that is unknown, or whose code is refused or fails: names the entry."""


@dataclass(frozen=True)
class APLEntry:
    key: str
    glyph: str                  # the entry's first character(s), e.g. "⍴" or "+/"
    chars: tuple[str, ...]
    name: str
    say: str                    # how it is read: "reshape (rho)"
    meanings: tuple[str, ...]
    apl: str
    torch: str
    setup: str
    result: str

    def to_dict(self) -> dict:
        return {"key": self.key, "glyph": self.glyph, "chars": list(self.chars), "name": self.name, "say": self.say,
                "meanings": list(self.meanings), "apl": self.apl, "torch": self.torch, "setup": self.setup,
                "result": self.result}


@lru_cache(maxsize=1)
def apl_entries() -> tuple[APLEntry, ...]:
    """Every APL entry of the glossary, in the file's order (reads ``paperkit.symbols/apl.toml`` once)."""
    data = tomllib.loads(files("paperkit.symbols").joinpath("apl.toml").read_text(encoding="utf-8"))
    out = []
    for e in data.get("symbol", []):
        if e.get("category") != "apl" or "apl" not in e or "torch" not in e:
            continue
        out.append(APLEntry(
            key=e["key"], glyph=e["chars"][0], chars=tuple(e["chars"]), name=e.get("name", ""), say=e.get("say", ""),
            meanings=tuple(e.get("meanings", ())), apl=e["apl"], torch=e["torch"], setup=e.get("setup", ""),
            result=e.get("result", ""),
        ))
    return tuple(out)


def apl_table() -> list[dict]:
    """The glyphs with their PyTorch equivalents, one row per entry: glyph, read as, APL, PyTorch, result."""
    return [{"glyph": e.glyph, "key": e.key, "say": e.say, "apl": e.apl, "torch": e.torch, "setup": e.setup,
             "result": e.result} for e in apl_entries()]


def find_entry(key_or_glyph: str) -> APLEntry:
    """The entry with this key ("apl-reshape"), or the first one for this glyph ("⍴")."""
    wanted = key_or_glyph.strip()
    for e in apl_entries():
        if e.key == wanted:
            return e
    for e in apl_entries():
        if wanted in e.chars:
            return e
    raise APLError(f"no APL entry {key_or_glyph!r}; the glyphs are {' '.join(dict.fromkeys(e.glyph for e in apl_entries()))}")


def _check_code(code: str, mode: str, where: str) -> ast.AST:
    """Parse ``code`` and refuse imports and any dunder name or attribute."""
    try:
        tree = ast.parse(code, mode=mode)
    except SyntaxError as exc:
        raise APLError(f"{where}: not valid Python: {exc.msg}") from None
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal)):
            raise APLError(f"{where}: imports and global statements are not allowed")
        name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
        if name is not None and name.startswith("__"):
            raise APLError(f"{where}: the name {name!r} is not allowed")
    return tree


def namespace() -> dict:
    """A fresh namespace with only ``torch`` and a few harmless builtins (imports torch, ≈ 2.3 s)."""
    import torch

    safe = {n: getattr(builtins, n) for n in SAFE_BUILTINS}
    # torch's C code imports modules lazily through the running frame's builtins; the code itself
    # cannot reach __import__ (``_check_code`` refuses dunder names)
    safe["__import__"] = builtins.__import__
    return {"torch": torch, "__builtins__": safe}


def run_entry(entry: APLEntry | str):
    """The value of an entry's ``torch`` expression, as a tensor (a Python number or bool becomes a 0-d tensor).

    The ``setup`` statements run first in the same confined namespace (see the module docstring).
    """
    import torch

    entry = entry if isinstance(entry, APLEntry) else find_entry(entry)
    env = namespace()
    try:
        if entry.setup.strip():
            exec(compile(_check_code(entry.setup, "exec", f"{entry.key} setup"), f"<{entry.key} setup>", "exec"), env)
        value = eval(compile(_check_code(entry.torch, "eval", entry.key), f"<{entry.key}>", "eval"), env)
    except APLError:
        raise
    except Exception as exc:  # noqa: BLE001 — any failure of the data's code is reported with the entry
        raise APLError(f"{entry.key}: {entry.torch} raised {type(exc).__name__}: {exc}") from exc
    return value if isinstance(value, torch.Tensor) else torch.as_tensor(value)


def expected_value(entry: APLEntry | str):
    """The entry's ``result`` as a tensor (parsed with ``ast.literal_eval``)."""
    import torch

    entry = entry if isinstance(entry, APLEntry) else find_entry(entry)
    try:
        return torch.tensor(ast.literal_eval(entry.result))
    except (ValueError, SyntaxError) as exc:
        raise APLError(f"{entry.key}: result {entry.result!r} is not a Python literal") from exc


def same_value(actual, expected, rtol: float = 1e-5, atol: float = 1e-6) -> bool:
    """Same shape and values; booleans must stay booleans, floats compare to ``rtol``/``atol``, integers exactly."""
    import torch

    actual, expected = torch.as_tensor(actual), torch.as_tensor(expected)
    if tuple(actual.shape) != tuple(expected.shape):
        return False
    if actual.dtype == torch.bool or expected.dtype == torch.bool:
        return actual.dtype == expected.dtype and bool(torch.equal(actual, expected))
    if actual.is_floating_point() or expected.is_floating_point():
        return bool(torch.allclose(actual.double(), expected.double(), rtol=rtol, atol=atol))
    return bool(torch.equal(actual.long(), expected.long()))


def check_entry(entry: APLEntry | str) -> tuple[bool, object, object]:
    """(agrees, value, expected): runs the entry's torch code and compares it with its ``result``."""
    entry = entry if isinstance(entry, APLEntry) else find_entry(entry)
    value, expected = run_entry(entry), expected_value(entry)
    return same_value(value, expected), value, expected
