"""Fixtures shared by the test files: the real PDFs, each opened once per test module, and a settings
folder of the session's own, so a model the developer picked in the app never reaches a test."""

from __future__ import annotations

import os
import tempfile

import pytest

from pdf_paths import real_pdf


# Before any test imports paperkit.settings: the app's remembered choices (model, prompts) go here.
os.environ["PAPERKIT_CONFIG_DIR"] = tempfile.mkdtemp(prefix="paperkit-test-config-")


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
