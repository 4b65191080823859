"""``paperkit pdf FILE --symbols`` and ``--references`` (issue 14): JSON shapes and text output on
real papers, and bad input — a scanned PDF, random bytes, a missing file, a 1,000-page PDF."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from paperkit.cli import main
from paperkit.pdf import document
from pdf_factories import scanned_page, text_pages
from pdf_paths import ROOT, real_pdf


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


# -- real papers -------------------------------------------------------------------------------------

def test_references_json_on_cfg(capsys):
    code, out, err = run(capsys, "pdf", real_pdf("cfg.pdf"), "--references", "--json")
    assert code == 0, err
    mentions = json.loads(out)
    assert {"kind", "text", "label", "page", "paragraph", "start", "end", "bbox", "target"} <= set(mentions[0])
    ho = [m for m in mentions if m["label"] == "Ho et al., 2020"]
    assert ho and all(m["target"]["page"] == 10 and "Denoising diffusion probabilistic models" in m["target"]["text"]
                      for m in ho)
    six = [m for m in mentions if m["text"] == "Eq. (6)"]
    assert len(six) == 3 and six[0]["target"]["kind"] == "equation" and six[0]["target"]["page"] == 5
    assert [m["page"] for m in mentions] == sorted(m["page"] for m in mentions)


def test_references_text_on_attention(capsys):
    code, out, err = run(capsys, "pdf", real_pdf("attention.pdf"), "--references")
    assert code == 0 and not err, err
    lines = out.splitlines()
    assert "Figures (4, 4 resolved)" in lines and "Citations (84, 84 resolved)" in lines
    assert "  p.1   [13] → Sepp Hochreiter and Jürgen Schmidhuber. Long short-term memory. Neural computation, 9(8):1735–1780,…" in lines
    assert any(line.startswith("  p.2   [2] → Dzmitry Bahdanau") for line in lines)  # one number of "[35, 2, 5]"
    assert "  p.9   Section 23 → unresolved" in lines  # a section of the WSJ treebank, not of the paper
    assert "  p.8   Table 3 → Table 3: Variations on the Transformer architecture. Unlisted values …, page 9" in lines
    assert lines[-1] == "103 references (10 table, 4 figure, 5 section, 84 citation); 101 resolved (98%)"


def test_references_text_equations_read_as_labels(capsys):
    code, out, _ = run(capsys, "pdf", real_pdf("ppo.pdf"), "--references")
    assert code == 0
    assert "  p.2   Equation (5) → equation (5), page 2" in out.splitlines()


def test_symbols_json_and_text_on_cfg(capsys):
    code, out, err = run(capsys, "pdf", real_pdf("cfg.pdf"), "--symbols", "--json")
    assert code == 0, err
    symbols = json.loads(out)
    assert symbols and all({"latex", "text", "definition", "page", "uses"} <= set(s) for s in symbols)
    assert all(isinstance(s["uses"], list) for s in symbols)
    assert "\\lambda" in {s["latex"] for s in symbols}
    code, out, _ = run(capsys, "pdf", real_pdf("cfg.pdf"), "--symbols")
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["symbol", "LaTeX", "page", "definition", "uses", "pages"]
    assert re.fullmatch(r"\d+ symbols, \d+ with a definition found, \d+ redefined", lines[-1])
    assert len(lines) == len(symbols) + 3  # header, one row per symbol, blank, summary
    first = [int(re.search(r"(\d+)", row.split("  p.")[1]).group(1)) for row in lines[1:4] if "  p." in row]
    assert first and min(first) == 2  # the first symbols are those of page 2, where cfg's maths starts


def test_symbols_and_references_are_exclusive(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["pdf", str(real_pdf("cfg.pdf")), "--symbols", "--references"])
    assert exited.value.code == 2 and "not allowed with argument --symbols" in capsys.readouterr().err


# -- bad input -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("flag", ["--symbols", "--references"])
def test_pdf_without_text_layer_says_so(tmp_path, capsys, flag):
    import pymupdf

    doc = pymupdf.open()
    scanned_page(doc)
    scanned_page(doc)
    path = tmp_path / "scan.pdf"
    doc.save(path)
    code, out, err = run(capsys, "pdf", path, flag, "--json")
    assert code == 1 and out == ""
    assert err == f"{path} has no text layer (a scanned PDF?): no symbols or references to read\n"


def test_a_scanned_page_among_text_pages(tmp_path, capsys):
    path = tmp_path / "mixed.pdf"
    path.write_bytes(text_pages(3, scanned_first=True))
    code, out, err = run(capsys, "pdf", path, "--references", "--json")
    assert code == 0, err
    mentions = json.loads(out)
    assert [m["page"] for m in mentions if m["kind"] == "table"] == [2, 3, 4]
    assert all(m["target"] is not None for m in mentions)


@pytest.mark.parametrize("make, message", [
    (lambda p: p.write_bytes(bytes(range(256)) * 40), "is not a PDF"),
    (lambda p: p.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF"), "damaged"),
    (lambda p: None, "no such file"),
])
@pytest.mark.parametrize("flag", ["--symbols", "--references"])
def test_bad_files_one_line(tmp_path, capsys, make, message, flag):
    path = tmp_path / "paper.pdf"
    make(path)
    code, out, err = run(capsys, "pdf", path, flag)
    assert code == 2 and out == "" and err.startswith("paperkit: error:") and message in err and err.count("\n") == 1


def test_random_bytes_no_traceback_in_a_fresh_process(tmp_path):
    path = tmp_path / "noise.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes((i * 7919) % 256 for i in range(20000)) + b"\n%%EOF\n")
    proc = subprocess.run([sys.executable, "-m", "paperkit", "pdf", str(path), "--references"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1
    assert proc.stderr.startswith("paperkit: error:") and "is damaged" in proc.stderr


# -- long PDFs ----------------------------------------------------------------------------------------

def test_a_thousand_pages_with_bounded_caches(tmp_path, capsys, monkeypatch):
    path = tmp_path / "long.pdf"
    path.write_bytes(text_pages(1000))
    opened = []
    original = document.open_pdf
    monkeypatch.setattr(document, "open_pdf", lambda *a, **k: opened.append(original(*a, **k)) or opened[-1])
    code, out, err = run(capsys, "pdf", path, "--references", "--json")
    assert code == 0 and err == ""  # no progress line: stderr is not a terminal
    mentions = json.loads(out)
    assert len(mentions) == 2000 and all(m["target"] is not None for m in mentions)
    assert {m["target"]["page"] for m in mentions} == {1, 1000}  # Table 1's caption, the reference on the last page
    doc = opened[0]
    assert len(doc._raw) <= document.PAGE_CACHE and len(doc._layouts) <= document.PAGE_CACHE


def test_progress_on_a_terminal_only(tmp_path, capsys, monkeypatch):
    path = tmp_path / "twenty.pdf"
    path.write_bytes(text_pages(25))
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    code, out, err = run(capsys, "pdf", path, "--references")
    assert code == 0 and "reading page 25/25" in err and "\x1b[K" in err
    assert out.splitlines()[-1] == "50 references (25 table, 25 citation); 50 resolved (100%)"


def test_equations_are_explained_from_the_paper(capsys):
    """``--equations``: each symbol of a numbered equation with the paper's own definition and page,
    the glossary's meaning only where the paper has none, marked as the glossary's."""
    code, out, err = run(capsys, "pdf", real_pdf("ppo.pdf"), "--equations", "--json")
    assert code == 0, err
    equations = {eq["label"]: eq for eq in json.loads(out)}
    one = {e["latex"]: e for e in equations["1"]["explained"]}
    assert one[r"\pi_\theta"] == {"latex": r"\pi_\theta", "text": "π_θ", "meaning": "a stochastic policy", "page": 2,
                                  "source": "paper", "redefined": False}
    assert one[r"\theta"]["source"] == "glossary" and one[r"\theta"]["page"] is None
    code, out, err = run(capsys, "pdf", real_pdf("ppo.pdf"), "--equations")
    assert "π_θ          a stochastic policy (p. 2)" in out
    assert "(glossary, not this paper)" in out
