"""APL ↔ PyTorch (``paperkit.lab.apl``): every APL glyph of the glossary runs, and gives its stated result."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import torch

from paperkit.lab.apl import APLEntry, APLError, apl_entries, apl_table, check_entry, find_entry, run_entry, same_value

ENTRIES = apl_entries()


def test_every_apl_entry_of_the_glossary_is_loaded():
    import tomllib
    from importlib.resources import files

    data = tomllib.loads(files("paperkit.symbols").joinpath("apl.toml").read_text(encoding="utf-8"))
    keys = [e["key"] for e in data["symbol"] if e.get("category") == "apl"]
    assert [e.key for e in ENTRIES] == keys and len(keys) >= 25


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.key for e in ENTRIES])
def test_entry_runs_and_gives_its_result(entry):
    ok, value, expected = check_entry(entry)
    assert isinstance(value, torch.Tensor)
    assert ok, f"{entry.key}: {entry.torch} gave {value!r}, expected {entry.result}"


def test_the_lessons_examples():
    assert run_entry("apl-reshape").tolist() == [[1, 2, 3], [4, 5, 6]]       # ⍴ reshape
    assert run_entry("⍳").tolist() == [1, 2, 3, 4, 5]                          # ⍳ arange
    assert run_entry("∘.×").tolist() == [[1, 2], [2, 4], [3, 6]]               # ∘.× outer product
    assert run_entry("+/").item() == 10                                         # +/ sum reduce
    assert run_entry("apl-less").item() == pytest.approx(2 / 3)                # a<b, then mean
    assert run_entry("+.×").tolist() == [[19, 22], [43, 50]]                   # +.× is the matrix product


def test_table_lists_each_glyph_with_its_torch_equivalent():
    table = apl_table()
    assert len(table) == len(ENTRIES)
    glyphs = {row["glyph"] for row in table}
    assert {"⍴", "⍳", "∘.×", "+/", "<", "+.×", "⍉", "⌽"} <= glyphs
    for row in table:
        assert row["apl"] and row["torch"].strip() and row["say"] and row["result"]
    assert json.dumps(table, ensure_ascii=False)


def test_find_entry_by_key_or_glyph_and_unknown_ones():
    assert find_entry("apl-shape").say.startswith("shape")
    assert find_entry("⍴").key == "apl-reshape"  # the first entry for a glyph
    with pytest.raises(APLError, match="no APL entry"):
        find_entry("☃")


def _entry(code: str, setup: str = "") -> APLEntry:
    return APLEntry("test", "?", ("?",), "", "", (), "", code, setup, "")


@pytest.mark.parametrize("code", [
    "torch.__class__", "__import__('os').getcwd()", "().__class__.__mro__", "[x for x in torch.__dict__]",
    "open('/etc/passwd')", "eval('1')", "getattr(torch, 'tensor')(1)", "exec('x=1')",
])
def test_code_is_confined(code):
    with pytest.raises(APLError):
        run_entry(_entry(code))


def test_setup_is_confined_too_and_errors_name_the_entry():
    with pytest.raises(APLError, match="test setup: imports"):
        run_entry(_entry("x", setup="import os; x = torch.tensor(1)"))
    with pytest.raises(APLError, match="test: not valid Python"):
        run_entry(_entry("torch.tensor(("))
    with pytest.raises(APLError, match="raised"):
        run_entry(_entry("torch.tensor([1, 2]) @ torch.tensor([1, 2, 3])"))
    assert run_entry(_entry("a * 2", setup="a = torch.tensor([1, 2])")).tolist() == [2, 4]
    assert run_entry(_entry("len([1, 2, 3])")).item() == 3  # numbers come back as tensors


def test_same_value_rules():
    assert same_value(torch.tensor([True, False]), torch.tensor([True, False]))
    assert not same_value(torch.tensor([1, 0]), torch.tensor([True, False]))  # booleans must stay booleans
    assert same_value(torch.tensor([0.1 + 0.2]), torch.tensor([0.3]))
    assert not same_value(torch.tensor([1, 2]), torch.tensor([[1, 2]]))


def test_listing_the_glyphs_imports_no_torch():
    probe = ("import sys, json; from paperkit.lab.apl import apl_table; apl_table(); "
             "print(json.dumps('torch' in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) is False
