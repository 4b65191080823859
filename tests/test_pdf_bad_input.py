"""Bad PDFs give one clear PdfError (one line on the command line, no traceback); huge PDFs are lazy;
mutated bytes of a real PDF raise nothing but the project's own error (hypothesis)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperkit.cli import main
from paperkit.pdf import document
from paperkit.pdf.document import PdfError, open_pdf
from paperkit.pdf.index import index_document
from pdf_paths import ROOT, real_pdf


def _pymupdf():
    import pymupdf

    return pymupdf


def small_pdf(pages: int = 1, text: str = "Hello") -> bytes:
    pymupdf = _pymupdf()
    doc = pymupdf.open()
    for i in range(pages):
        doc.new_page().insert_text((72, 300), f"{text} {i + 1}")
    return doc.tobytes()


def encrypted_pdf() -> bytes:
    pymupdf = _pymupdf()
    doc = pymupdf.open(stream=small_pdf(), filetype="pdf")
    return doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="secret", owner_pw="owner")


@pytest.mark.parametrize("data, message", [
    (b"", "is empty"),
    (b"<html><body>Not found</body></html>", "is not a PDF"),
    (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog", "truncated"),
])
def test_bad_bytes_give_one_clear_error(data, message):
    with pytest.raises(PdfError, match=message) as info:
        open_pdf(data, name="x.pdf")
    assert "\n" not in str(info.value) and "x.pdf" in str(info.value)


def test_truncated_real_pdf(tmp_path):
    data = real_pdf("cfg.pdf").read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(PdfError, match="truncated"):
        open_pdf(cut)


def test_encrypted_pdf():
    with pytest.raises(PdfError, match="encrypted with a password"):
        open_pdf(encrypted_pdf(), name="locked.pdf")


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(PdfError, match="no such file"):
        open_pdf(tmp_path / "nope.pdf")
    with pytest.raises(PdfError, match="is a folder, not a PDF file, and it holds no PDF"):
        open_pdf(tmp_path)
    for name in ("b.pdf", "a.pdf", "c.PDF", "d.pdf"):
        (tmp_path / name).write_bytes(b"%PDF-1.4\n")
    (tmp_path / "notes.txt").write_text("not listed")
    with pytest.raises(PdfError) as raised:
        open_pdf(tmp_path, name="papers")
    # the PDFs in it, so the user can pick one; never "no such file"
    assert str(raised.value) == "papers is a folder, not a PDF file: it holds 4 PDFs (a.pdf, b.pdf, c.PDF, …)"


def test_path_problem_names_what_the_path_is(tmp_path):
    from paperkit.pdf.paths import pdf_path_problem

    (tmp_path / "one.pdf").write_bytes(b"%PDF-1.4\n")
    assert pdf_path_problem(tmp_path / "one.pdf") is None
    assert pdf_path_problem(tmp_path / "two.pdf", name="two.pdf") == "no such file: two.pdf"
    assert pdf_path_problem(tmp_path, name="here") == "here is a folder, not a PDF file: it holds 1 PDF (one.pdf)"


def test_page_out_of_range_and_bad_zoom():
    doc = open_pdf(small_pdf(3))
    with pytest.raises(PdfError, match="pages 1–3; there is no page 4"):
        doc.text(4)
    with pytest.raises(PdfError, match="zoom"):
        doc.render_png(1, zoom=0)
    with pytest.raises(PdfError, match="outside page 1"):
        doc.render_png(1, clip=(2000, 2000, 2100, 2100))


@pytest.mark.parametrize("make, message", [
    (lambda p: p.write_bytes(b"just text"), "is not a PDF"),
    (lambda p: p.write_bytes(b""), "is empty"),
    (lambda p: p.write_bytes(encrypted_pdf()), "encrypted"),
    (lambda p: p.write_bytes(small_pdf()[:200]), "truncated"),
    (lambda p: None, "no such file"),
])
def test_cli_one_line_error(tmp_path, capsys, make, message):
    path = tmp_path / "paper.pdf"
    make(path)
    code = main(["pdf", str(path), "--outline"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("paperkit: error:") and message in err and err.count("\n") == 1


def test_cli_error_has_no_traceback_in_a_fresh_process(tmp_path):
    path = tmp_path / "x.pdf"
    path.write_bytes(b"%PDF-1.4 garbage garbage %%EOF")
    proc = subprocess.run([sys.executable, "-m", "paperkit", "pdf", str(path), "--equations"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("paperkit: error:")


def test_a_thousand_pages_open_lazily(monkeypatch):
    data = small_pdf(1000, "Page text")
    loaded = []
    original = document.extract.read_rawdict
    monkeypatch.setattr(document.extract, "read_rawdict", lambda page: loaded.append(page.number) or original(page))
    doc = open_pdf(data)
    assert doc.page_count == 1000 and loaded == []
    assert "Page text 1000" in doc.text(1000)
    assert len(loaded) <= 9  # page 1000 plus the running-text sample, not the whole file
    for number in range(1, 30):
        doc.text(number)
    assert len(doc._raw) <= document.PAGE_CACHE  # memory stays bounded


def test_render_page_and_clip():
    doc = open_pdf(real_pdf("cfg.pdf"))
    width, height = doc.page_size(5)
    png = doc.render_png(5, zoom=1.0)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    import struct

    w, h = struct.unpack(">II", png[16:24])
    assert (w, h) == (round(width), round(height))
    clip = doc.render_png(5, zoom=2.0, clip=(100, 300, 300, 350))
    assert struct.unpack(">II", clip[16:24]) == (400, 100)


MUTATIONS = st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), min_size=1, max_size=30)


@pytest.fixture(scope="module")
def cfg_bytes():
    return real_pdf("cfg.pdf").read_bytes()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutations=MUTATIONS, cut=st.one_of(st.none(), st.integers(min_value=0)))
def test_fuzzed_bytes_raise_nothing_but_pdf_error(cfg_bytes, mutations, cut):
    data = bytearray(cfg_bytes)
    for at, value in mutations:
        data[at % len(data)] = value
    if cut is not None:
        data = data[: cut % len(data)]
    try:
        doc = open_pdf(bytes(data), name="fuzzed.pdf")
        for number in (1, 2, doc.page_count):
            doc.text(number)
        index_document(doc) if doc.page_count <= 14 else None
    except PdfError as exc:
        assert "\n" not in str(exc)
