"""Where an equation's code lives, found without importing it.

A catalog entry names its code by dotted path (``paperkit.diffusion.q_sample``). Importing that
would import torch (≈ 2 s), too slow for ``paperkit eq`` or the app's equation panel, so this
module reads the source with ``ast`` instead, following ``from .module import name`` re-exports to
the definition. The catalog tests check it agrees with ``inspect`` on the imported objects.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import paperkit


@dataclass(frozen=True)
class CodeLocation:
    object: str      # the dotted path as the catalog gives it
    file: str        # path relative to the folder holding the paperkit package
    line: int        # first line of the definition (its first decorator, if any)
    end_line: int
    source: str


class CodeLinkError(LookupError):
    """The dotted path does not lead to a definition in paperkit's source."""


ROOT = Path(paperkit.__file__).resolve().parent.parent


def locate(dotted: str) -> CodeLocation:
    """Find the definition behind ``dotted`` (a module-level function or class, or Class.method)."""
    parts = dotted.split(".")
    for i in range(len(parts) - 1, 0, -1):
        module_file = _module_file(parts[:i])
        if module_file is not None:
            node, file = _find(module_file, parts[i:], seen=set())
            lines = _read(file).splitlines()
            start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            end = node.end_lineno or node.lineno
            return CodeLocation(dotted, str(file.relative_to(ROOT)), start, end, "\n".join(lines[start - 1 : end]))
    raise CodeLinkError(f"{dotted}: no module of paperkit holds it")


def _module_file(parts: list[str]) -> Path | None:
    return _source_of(ROOT.joinpath(*parts))


def _source_of(base: Path) -> Path | None:
    """The file of the module at ``base``: ``base/__init__.py`` for a package, else ``base.py``."""
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    if base.with_suffix(".py").is_file():
        return base.with_suffix(".py")
    return None


@lru_cache(maxsize=64)
def _read(file: Path) -> str:
    return file.read_text(encoding="utf-8")


@lru_cache(maxsize=64)
def _tree(file: Path) -> ast.Module:
    return ast.parse(_read(file), filename=str(file))


def _find(file: Path, attrs: list[str], seen: set) -> tuple[ast.AST, Path]:
    if (file, tuple(attrs)) in seen:
        raise CodeLinkError(f"import cycle while resolving {'.'.join(attrs)} in {file}")
    seen.add((file, tuple(attrs)))
    name, rest = attrs[0], attrs[1:]
    for node in _tree(file).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            return _member(node, rest, file)
        if isinstance(node, ast.ImportFrom) and node.level >= 1:
            for alias in node.names:
                if (alias.asname or alias.name) == name:
                    target = _relative_module(file, node.level, node.module)
                    if target is None:
                        raise CodeLinkError(f"cannot follow the import of {name} in {file}")
                    return _find(target, [alias.name, *rest], seen)
    raise CodeLinkError(f"{name} is not defined in {file.relative_to(ROOT)}")


def _member(node: ast.AST, rest: list[str], file: Path) -> tuple[ast.AST, Path]:
    for attr in rest:
        for child in getattr(node, "body", []):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and child.name == attr:
                node = child
                break
        else:
            raise CodeLinkError(f"{attr} is not defined in {getattr(node, 'name', '?')} ({file.relative_to(ROOT)})")
    return node, file


def _relative_module(file: Path, level: int, module: str | None) -> Path | None:
    package = file.parent
    for _ in range(level - 1):
        package = package.parent
    return _source_of(package.joinpath(*(module.split(".") if module else [])))
