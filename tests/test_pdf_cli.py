"""``paperkit pdf`` and ``paperkit open`` on real PDFs: JSON shapes, text output, errors."""

from __future__ import annotations

import json
import shutil

import pytest

from paperkit.cli import main
from pdf_paths import FIXTURES, real_pdf


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_equations_json_shape_and_catalog_link(capsys):
    code, out, err = run(capsys, "pdf", real_pdf("cfg.pdf"), "--equations", "--json")
    assert code == 0, err
    eqs = json.loads(out)
    assert [e["label"] for e in eqs] == ["1", "2", "3", "4", "5", "6"]
    for e in eqs:
        assert set(e) == {"page", "label", "bbox", "latex", "symbols", "catalog_id", "explained"}
        assert isinstance(e["page"], int) and len(e["bbox"]) == 4 and e["latex"]
        assert all(set(s) == {"char", "latex", "style"} for s in e["symbols"])
    six = eqs[-1]
    assert six["page"] == 5 and six["catalog_id"] == "cfg.6"
    assert {s["latex"] for s in six["symbols"]} >= {"\\epsilon", "\\theta", "\\lambda", "w"}
    assert all(e["catalog_id"] is None for e in eqs[:-1])


def test_equations_text_lists_missing_catalog_equations(capsys):
    code, out, _ = run(capsys, "pdf", FIXTURES / "twocol.pdf", "--equations")
    assert code == 0 and "→ ddim.12" in out
    assert "In the catalog for ddim but not found in this PDF:" in out and "ddim.5" in out


def test_outline_page_and_search(capsys):
    path = real_pdf("attention.pdf")
    code, out, _ = run(capsys, "pdf", path, "--outline", "--json")
    entries = json.loads(out)
    assert code == 0 and entries[0] == {"level": 1, "title": "1 Introduction", "page": 1, "source": "bookmarks"}
    code, out, _ = run(capsys, "pdf", path, "--page", 4, "--json")
    assert code == 0 and json.loads(out)["page"] == 4 and "Scaled Dot-Product Attention" in json.loads(out)["text"]
    code, out, _ = run(capsys, "pdf", path, "--search", "multi-head attention")
    assert code == 0 and out.startswith("p.")
    code, out, _ = run(capsys, "pdf", path, "--search", "zebra crossing")
    assert code == 1 and "no match" in out


def test_render_writes_a_png(capsys, tmp_path):
    out_file = tmp_path / "p5.png"
    code, out, _ = run(capsys, "pdf", real_pdf("cfg.pdf"), "--render", 5, "--clip", "100,300,520,350", "--out", out_file)
    assert code == 0 and out.strip() == str(out_file) and out_file.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("argv, message", [
    (["--render", "5"], "--render needs --out"),
    (["--render", "5", "--clip", "1,2,3", "--out", "x.png"], "--clip takes four numbers"),
    (["--page", "99"], "there is no page 99"),
    (["--out", "x.png"], "--out and --clip go with --render"),
])
def test_bad_options_one_line(capsys, argv, message):
    code, out, err = run(capsys, "pdf", real_pdf("cfg.pdf"), *argv)
    assert code == 2 and message in err and err.count("\n") == 1


def test_summary_and_open_a_cached_catalog_paper(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("PAPERKIT_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("PAPERKIT_ARXIV_URL", "http://127.0.0.1:9")  # never used: the copy is cached
    code, _, err = run(capsys, "pdf", "cfg", "--outline")
    assert code == 2 and "paperkit fetch cfg" in err  # not fetched yet: pdf never downloads
    (tmp_path / "papers").mkdir()
    shutil.copy(real_pdf("cfg.pdf"), tmp_path / "papers" / "2207.12598v1.pdf")
    code, out, err = run(capsys, "open", "cfg", "--json")
    assert code == 0, err
    info = json.loads(out)
    assert info["paper"] == "cfg" and info["identified_by"] == "arxiv" and info["pages"] == 14
    assert info["equations"][-1] == {"page": 5, "label": "6", "catalog_id": "cfg.6"} and info["missing"] == []
    code, out, _ = run(capsys, "pdf", "cfg")
    assert code == 0 and "catalog   cfg (identified by arxiv)" in out and "(6)=cfg.6" in out


def test_open_a_missing_file(capsys):
    code, _, err = run(capsys, "open", "no/such/paper.pdf")
    assert code == 2 and "no such file" in err


def test_a_folder_is_called_a_folder(capsys, tmp_path):
    """``paperkit pdf DIR`` and ``paperkit open DIR`` say it is a folder and which PDFs it holds."""
    shutil.copy(real_pdf("cfg.pdf"), tmp_path / "cfg.pdf")
    for command in (["pdf", str(tmp_path)], ["open", str(tmp_path), "--print"], ["open", str(tmp_path)]):
        code, out, err = run(capsys, *command)
        assert code == 2 and out == "", command
        assert f"{tmp_path} is a folder, not a PDF file: it holds 1 PDF (cfg.pdf)" in err, (command, err)
        assert "no such file" not in err.lower()
