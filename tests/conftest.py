"""Fixtures shared by the test files: the real PDFs, each opened once per test module."""

from __future__ import annotations

import pytest

from pdf_paths import real_pdf


@pytest.fixture(scope="module")
def docs():
    """``docs(name)``: the real PDF ``name`` opened with ``paperkit.pdf`` (once per module, closed after)."""
    from paperkit.pdf.document import open_pdf

    opened = {}

    def get(name):
        if name not in opened:
            opened[name] = open_pdf(real_pdf(name))
        return opened[name]

    yield get
    for doc in opened.values():
        doc.close()
