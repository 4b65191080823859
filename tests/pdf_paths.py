"""Where the tests find PDFs: the real papers in ../shared/papers/pdf and the TeX-typeset fixtures.

A missing real PDF fails the test under CI (where they are always present) and skips it elsewhere.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared/papers/pdf"
FIXTURES = ROOT / "tests/fixtures/pdf"
REAL_TRUTH = json.loads((ROOT / "tests/data/real_pdfs.json").read_text())
REAL_NAMES = sorted(REAL_TRUTH)


def real_pdf(name: str) -> Path:
    path = REAL / name
    if not path.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing, and CI always has the real PDFs")
        pytest.skip(f"{path} is not on this machine")
    return path


def fixture_truth() -> dict:
    return json.loads((FIXTURES / "truth.json").read_text())
