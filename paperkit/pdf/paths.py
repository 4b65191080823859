"""Why a path cannot be opened as a PDF file, said in one line, before anything reads it.

The reader, ``paperkit pdf`` and ``paperkit open`` (and any box that takes a path) use one wording:
a folder is called a folder and its PDFs are named, so the user can pick one; a missing path is
"no such file". Plain Python: no pymupdf.
"""

from __future__ import annotations

import os
from pathlib import Path

SHOWN = 3  # PDFs of a folder named in the message


def folder_message(path: Path, name: str | None = None) -> str:
    """"papers is a folder, not a PDF file: it holds 5 PDFs (adam.pdf, cfg.pdf, ppo.pdf, …)"."""
    name = name or str(path)
    try:
        pdfs = sorted(entry.name for entry in os.scandir(path) if entry.name.lower().endswith(".pdf") and entry.is_file())
    except OSError:
        return f"{name} is a folder, not a PDF file"
    if not pdfs:
        return f"{name} is a folder, not a PDF file, and it holds no PDF"
    listed = ", ".join(pdfs[:SHOWN]) + (", …" if len(pdfs) > SHOWN else "")
    count = f"{len(pdfs)} PDF{'s' if len(pdfs) > 1 else ''}"
    return f"{name} is a folder, not a PDF file: it holds {count} ({listed})"


def pdf_path_problem(path: str | os.PathLike, name: str | None = None) -> str | None:
    """One line saying why ``path`` is not a file to open (missing, a folder, not a regular file),
    or None when it is a file. Whether the file is a PDF is ``open_pdf``'s to say."""
    path = Path(path).expanduser()
    name = name or str(path)
    try:
        if path.is_dir():
            return folder_message(path, name)
        if not path.exists():
            return f"no such file: {name}"
        if not path.is_file():
            return f"{name} is not a regular file (a device, a pipe or a socket), not a PDF"
    except OSError as exc:
        return f"cannot read {name}: {exc.strerror or exc}"
    return None
