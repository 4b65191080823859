"""``paperkit fetch`` against a real HTTP server on 127.0.0.1: the right URL, an atomic cache, and one
clear line for every way a download can fail. Nothing here touches the real network."""

from __future__ import annotations

import hashlib
import io
import os
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from paperkit.catalog.store import load_catalog
from paperkit.cli import main
from paperkit.cli.fetch_cmd import ProgressBar
from paperkit.errors import UserError
from paperkit.pdf import fetch

PDF = Path(__file__).resolve().parents[1].parent / "shared/papers/pdf/cfg.pdf"
CFG = load_catalog().paper("cfg")
CFG_PATH = f"/pdf/{CFG.arxiv}{CFG.version}"  # /pdf/2207.12598v1


@pytest.fixture(scope="module")
def pdf_bytes() -> bytes:
    if not PDF.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"test PDF missing: {PDF}")
        pytest.skip(f"test PDF missing: {PDF}")
    return PDF.read_bytes()


class _Handler(BaseHTTPRequestHandler):
    """Serves ``server.routes[path]``: a mode name; a path not in routes is a 404."""

    def log_message(self, *args):  # keep pytest's output clean
        pass

    def do_GET(self):
        self.server.requests.append((self.path, self.headers.get("User-Agent", "")))
        mode = self.server.routes.get(self.path, "404")
        pdf = self.server.pdf
        try:
            if mode == "pdf":
                self._send(200, "application/pdf", pdf)
            elif mode == "damaged":
                self._send(200, "application/pdf", b"%PDF-1.5\n" + b"garbage " * 500)
            elif mode == "html":
                self._send(200, "text/html; charset=utf-8", b"<!DOCTYPE html><html><body>Just a moment...</body></html>")
            elif mode in ("404", "500"):
                self._send(int(mode), "text/html", b"<html>nope</html>")
            elif mode == "drop":  # promises the whole PDF, sends half, closes the connection
                self._head(200, "application/pdf", len(pdf))
                self.wfile.write(pdf[: len(pdf) // 2])
                self.close_connection = True
            elif mode == "reset":  # sends half, then a TCP reset while the client is reading
                self._head(200, "application/pdf", len(pdf))
                self.wfile.write(pdf[:100_000])
                time.sleep(0.2)
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
            elif mode == "stall":  # headers and a few bytes, then nothing for longer than the timeout
                self._head(200, "application/pdf", len(pdf))
                self.wfile.write(pdf[:1000])
                time.sleep(1.0)
            elif mode == "silent":  # accepts the connection, never answers in time
                time.sleep(1.0)
        except OSError:
            pass

    def _head(self, status, kind, length):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(length))
        self.end_headers()

    def _send(self, status, kind, body):
        self._head(status, kind, len(body))
        self.wfile.write(body)


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Every test caches under tmp_path, keeps its notes (the PDFs opened before) there, and points
    arXiv at a closed port unless it starts a server."""
    monkeypatch.setenv("PAPERKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PAPERKIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PAPERKIT_ARXIV_URL", f"http://127.0.0.1:{_closed_port()}")


@pytest.fixture
def server(pdf_bytes, monkeypatch):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    httpd.routes = {CFG_PATH: "pdf"}
    httpd.requests = []
    httpd.pdf = pdf_bytes
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    monkeypatch.setenv("PAPERKIT_ARXIV_URL", httpd.url + "/")
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def _cache_files(tmp_path) -> list[str]:
    folder = tmp_path / "cache" / "papers"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def _cli(capsys, *argv):
    code = main(["fetch", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


# --- references ---------------------------------------------------------------------------------


@pytest.mark.parametrize("ref, expected", [
    ("cfg", f"{CFG.arxiv}{CFG.version}"),
    ("DDIM", "2010.02502v4"),
    ("2207.12598", "2207.12598"),
    ("2207.12598v1", "2207.12598v1"),
    (" 1706.03762v7 ", "1706.03762v7"),
    ("cs/0112017", "cs/0112017"),
    ("math.GT/0309136v2", "math.GT/0309136v2"),
    ("arXiv:2207.12598v1", "2207.12598v1"),
    ("https://arxiv.org/abs/2207.12598v1", "2207.12598v1"),
    ("https://arxiv.org/pdf/2207.12598.pdf", "2207.12598"),
    ("arxiv.org/abs/cs/0112017", "cs/0112017"),
])
def test_arxiv_id_accepts_catalog_ids_ids_and_links(ref, expected):
    assert fetch.arxiv_id(ref) == expected


@pytest.mark.parametrize("ref", ["", "ddpn", "2207.125", "2207.12598v", "../../etc/passwd", "https://example.com/abs/2207.12598"])
def test_bad_reference_is_one_line_naming_the_accepted_forms(ref):
    with pytest.raises(UserError) as err:
        fetch.arxiv_id(ref)
    message = str(err.value)
    assert "\n" not in message and "ddpm" in message and "2207.12598v1" in message and "cs/0112017" in message


def test_urls_and_cache_paths(monkeypatch, tmp_path):
    monkeypatch.setenv("PAPERKIT_ARXIV_URL", "http://mirror.example/")
    assert fetch.arxiv_url("ddim") == "http://mirror.example/pdf/2010.02502v4"
    monkeypatch.delenv("PAPERKIT_ARXIV_URL")
    assert fetch.arxiv_url("ddim") == "https://arxiv.org/pdf/2010.02502v4"
    assert fetch.pdf_path("ddim") == tmp_path / "cache" / "papers" / "2010.02502v4.pdf"
    assert fetch.pdf_path("cs/0112017").name == "cs_0112017.pdf"
    assert fetch.cached_path("ddim") is None


# --- downloads ----------------------------------------------------------------------------------


def test_fetch_catalog_id_downloads_its_version_with_progress(server, tmp_path, pdf_bytes):
    calls = []
    path = fetch.fetch_paper("cfg", progress=lambda done, total: calls.append((done, total)))
    assert [p for p, _ in server.requests] == [CFG_PATH]
    assert server.requests[0][1].startswith("paperkit/")
    assert path == tmp_path / "cache" / "papers" / f"{CFG.arxiv}{CFG.version}.pdf"
    assert path.read_bytes() == pdf_bytes
    assert _cache_files(tmp_path) == [path.name]
    total = len(pdf_bytes)
    assert 0 < calls[0][0] < total and calls[-1] == (total, total)
    done = [d for d, _ in calls]
    assert done == sorted(set(done)) and all(t == total for _, t in calls)


def test_cached_pdf_is_not_downloaded_again_unless_forced(server, pdf_bytes):
    path = fetch.fetch_paper("cfg")
    assert fetch.cached_path("cfg") == path and fetch.cached_path("2207.12598v1") == path
    assert fetch.fetch_paper("cfg") == path and len(server.requests) == 1
    assert fetch.fetch_paper("cfg", force=True) == path and len(server.requests) == 2
    path.write_bytes(b"%PDF-1.5 truncated")  # a damaged cached copy is fetched again
    assert fetch.cached_path("cfg") is None
    assert fetch.fetch_paper("cfg").read_bytes() == pdf_bytes and len(server.requests) == 3


def test_ctrl_c_removes_the_partial_file(server, tmp_path):
    def interrupt(done, total):
        if done:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fetch.fetch_paper("cfg", progress=interrupt)
    assert _cache_files(tmp_path) == []


@pytest.mark.parametrize("mode, expected", [
    ("reset", r"download interrupted after \d+ of \d+ bytes \(Connection reset"),
    ("stall", "timed out"),
    ("silent", "could not reach 127.0.0.1"),
])
def test_reset_and_timeouts_are_one_line_errors(server, tmp_path, mode, expected):
    server.routes[CFG_PATH] = mode
    with pytest.raises(UserError, match=expected) as err:
        fetch.fetch_paper("cfg", timeout=0.3)
    assert "\n" not in str(err.value)
    assert _cache_files(tmp_path) == []


def test_resolve_paths_and_references(server, tmp_path):
    local = tmp_path / "paper.pdf"
    local.write_bytes(b"%PDF-")
    assert fetch.resolve(str(local)) == local
    with pytest.raises(UserError, match="no such file"):
        fetch.resolve(str(tmp_path / "missing.pdf"))
    assert fetch.resolve("cfg") == fetch.pdf_path("cfg") and fetch.cached_path("cfg")


# --- a copy already on disk ----------------------------------------------------------------------


def _copy(tmp_path, pdf_bytes, name="my-cfg.pdf") -> tuple[Path, str]:
    """A user's own copy of the CFG PDF, outside the cache, and its sha256."""
    folder = tmp_path / "papers"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_bytes(pdf_bytes)
    return path, hashlib.sha256(pdf_bytes).hexdigest()


def test_local_pdf_finds_a_copy_the_reader_identified(tmp_path, pdf_bytes):
    path, sha = _copy(tmp_path, pdf_bytes)
    other = {"path": str(tmp_path / "elsewhere.pdf"), "paper_id": "ddim", "sha256": "0" * 64}
    recent = [other, {"path": str(path), "paper_id": "cfg", "sha256": sha}]
    assert fetch.local_pdf("cfg", recent) == path
    assert fetch.local_pdf("2207.12598", recent) == path  # an arXiv id of a catalog paper is that paper
    assert fetch.local_pdf("2207.12598v1", recent) == path
    assert fetch.local_pdf("ddim", recent) is None  # the ddim entry's file is not there
    assert fetch.local_pdf("cfg") is None  # nothing cached, nothing opened before
    assert fetch.local_pdf("lesson11", recent) is None  # the lesson has no PDF at all


def test_local_pdf_matches_a_known_hash_without_a_recorded_paper(tmp_path, pdf_bytes):
    path, sha = _copy(tmp_path, pdf_bytes)
    assert sha in CFG.pdf_sha256  # the fixture is arXiv's v1 PDF, whose hash the catalog records
    assert fetch.local_pdf("cfg", [{"path": str(path), "paper_id": None, "sha256": sha}]) == path
    assert fetch.local_pdf("ddpm", [{"path": str(path), "paper_id": None, "sha256": sha}]) is None


def test_local_pdf_distrusts_a_file_changed_since_or_gone(tmp_path, pdf_bytes):
    path, sha = _copy(tmp_path, pdf_bytes)
    recent = [{"path": str(path), "paper_id": "cfg", "sha256": sha}]
    path.write_bytes(pdf_bytes + b"\n%appended")  # another file now: its hash no longer matches
    assert fetch.local_pdf("cfg", recent) is None
    unhashed = [{"path": str(path), "paper_id": "cfg", "sha256": None}]
    assert fetch.local_pdf("cfg", unhashed) == path  # no hash recorded: it only has to open as a PDF
    path.write_bytes(b"not a pdf")
    assert fetch.local_pdf("cfg", unhashed) is None
    path.unlink()
    assert fetch.local_pdf("cfg", recent) is None and fetch.local_pdf("cfg", unhashed) is None
    folder = tmp_path / "folder.pdf"
    folder.mkdir()
    assert fetch.local_pdf("cfg", [{"path": str(folder), "paper_id": "cfg", "sha256": None}]) is None


def test_local_pdf_prefers_the_cache_and_never_downloads(server, tmp_path, pdf_bytes):
    path, sha = _copy(tmp_path, pdf_bytes)
    recent = [{"path": str(path), "paper_id": "cfg", "sha256": sha}]
    assert fetch.local_pdf("cfg", recent) == path and server.requests == []
    cached = fetch.fetch_paper("cfg")
    assert fetch.local_pdf("cfg", recent) == cached and fetch.local_pdf("2207.12598", recent) == cached
    assert len(server.requests) == 1


@pytest.mark.parametrize("ref", ["ddpn", "../../etc/passwd", ""])
def test_local_pdf_bad_reference_is_the_one_line_error(ref):
    with pytest.raises(UserError, match="cannot fetch"):
        fetch.local_pdf(ref, [])


def test_resolve_uses_a_local_copy_before_fetching(server, tmp_path, pdf_bytes):
    path, sha = _copy(tmp_path, pdf_bytes)
    assert fetch.resolve("cfg", recent=[{"path": str(path), "paper_id": "cfg", "sha256": sha}]) == path
    assert server.requests == []


# --- the command line ---------------------------------------------------------------------------


def _remember(tmp_path, path: Path, paper_id: str | None, sha: str | None) -> None:
    """Record ``path`` as the app's reader does when it opens and identifies a PDF."""
    from paperkit.notes import NoteStore

    with NoteStore.open(tmp_path / "data") as store:
        store.remember_document(str(path), "Classifier-Free Diffusion Guidance", paper_id, sha)


def test_cli_prints_a_copy_opened_before_instead_of_downloading(server, capsys, tmp_path, pdf_bytes):
    path, sha = _copy(tmp_path, pdf_bytes)
    _remember(tmp_path, path, "cfg", sha)
    code, out, err = _cli(capsys, "cfg")
    assert code == 0 and out == f"{path}\n" and server.requests == []
    assert "already on disk" in err and str(path) in err and "--force" in err
    code, out, err = _cli(capsys, "cfg", "--force")  # arXiv's copy into the cache, as asked
    assert code == 0 and out == f"{fetch.pdf_path('cfg')}\n" and len(server.requests) == 1
    code, out, err = _cli(capsys, "cfg")  # now the cached download comes first
    assert code == 0 and out == f"{fetch.pdf_path('cfg')}\n" and "already downloaded" in err
    code, out, _ = _cli(capsys, "cfg", "--out", str(tmp_path))  # --out: a file there, as asked
    assert code == 0 and out.strip() == str(tmp_path / f"{CFG.arxiv}{CFG.version}.pdf") and len(server.requests) == 2


def test_cli_without_a_notes_database_creates_none(server, capsys, tmp_path):
    from paperkit.cli.fetch_cmd import recent_documents
    from paperkit.notes import database_path

    assert recent_documents() == [] and not database_path().exists()
    assert _cli(capsys, "cfg")[0] == 0 and not database_path().exists()



def test_cli_prints_the_path_then_says_it_is_cached(server, capsys, pdf_bytes):
    code, out, err = _cli(capsys, "cfg")
    assert code == 0 and out == f"{fetch.pdf_path('cfg')}\n"
    assert "downloading" in err and CFG_PATH in err and "\r" not in err and len(err.splitlines()) <= 6
    code, out, err = _cli(capsys, "2207.12598v1")
    assert code == 0 and out == f"{fetch.pdf_path('cfg')}\n" and "already downloaded" in err
    assert len(server.requests) == 1


def test_cli_out_to_a_folder_or_a_file(server, capsys, tmp_path, pdf_bytes):
    code, out, _ = _cli(capsys, "cfg", "--out", str(tmp_path))
    assert code == 0 and out.strip() == str(tmp_path / f"{CFG.arxiv}{CFG.version}.pdf")
    code, out, _ = _cli(capsys, "cfg", "--out", str(tmp_path / "guidance.pdf"))
    assert code == 0 and (tmp_path / "guidance.pdf").read_bytes() == pdf_bytes
    code, _, err = _cli(capsys, "cfg", "--out", str(tmp_path / "nope" / "x.pdf"))
    assert code == 2 and "no such folder" in err
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    code, _, err = _cli(capsys, "cfg", "--out", str(notes))
    assert code == 2 and "not a PDF; --force replaces it" in err and notes.read_text() == "mine"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def _assert_one_line_error(code, out, err, *parts):
    """Exit 2, nothing on stdout, and the error as stderr's one "paperkit: error:" line, its last."""
    assert code == 2 and out == "" and "Traceback" not in err
    lines = err.splitlines()
    assert lines[-1].startswith("paperkit: error: ") and err.count("paperkit: error:") == 1 and err.endswith("\n")
    for part in parts:
        assert part in lines[-1]


@pytest.mark.parametrize("mode, parts", [
    ("404", ["arXiv has no paper", CFG_PATH]),
    ("500", ["HTTP 500"]),
    ("html", ["is not a PDF (got text/html"]),
    ("drop", ["download interrupted after", "bytes"]),
    ("damaged", ["damaged PDF"]),
])
def test_cli_download_failures(server, capsys, tmp_path, pdf_bytes, mode, parts):
    server.routes[CFG_PATH] = mode
    code, out, err = _cli(capsys, "cfg")
    if mode == "drop":
        parts = parts + [f"{len(pdf_bytes) // 2} of {len(pdf_bytes)} bytes"]
    _assert_one_line_error(code, out, err, *parts)
    if mode not in ("drop", "damaged"):  # no progress lines before the content has shown a PDF
        assert err.count("\n") == 1
    assert _cache_files(tmp_path) == []


@pytest.mark.parametrize("mode", ["drop", "html", "404"])
def test_failed_forced_download_keeps_the_cached_pdf(server, capsys, tmp_path, pdf_bytes, mode):
    assert _cli(capsys, "cfg")[0] == 0
    server.routes[CFG_PATH] = mode
    code, out, err = _cli(capsys, "cfg", "--force")
    _assert_one_line_error(code, out, err)
    assert fetch.pdf_path("cfg").read_bytes() == pdf_bytes
    assert _cache_files(tmp_path) == [fetch.pdf_path("cfg").name]


def test_cli_no_network_says_what_to_download_by_hand(capsys, tmp_path):
    url = fetch.arxiv_url("cfg")
    code, out, err = _cli(capsys, "cfg")
    _assert_one_line_error(code, out, err, "could not reach 127.0.0.1:", url, str(fetch.pdf_path("cfg")))
    assert _cache_files(tmp_path) == []


@pytest.mark.parametrize("ref, part", [("lesson11", "not on arXiv"), ("ddpn", "cannot fetch 'ddpn'"), ("1234", "2207.12598v1")])
def test_cli_bad_references(capsys, ref, part):
    _assert_one_line_error(*_cli(capsys, ref), part)


# --- the progress bar ---------------------------------------------------------------------------


class _Tty(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_off_a_terminal_prints_a_few_lines():
    stream = io.StringIO()
    bar = ProgressBar("http://x/pdf/1", stream=stream)
    for done in range(0, 1_000_001, 10_000):
        bar(done, 1_000_000)
    bar.finish()
    text = stream.getvalue()
    assert "\r" not in text and len(text.splitlines()) == 5 and text.splitlines()[-1].endswith("(100%)")


def test_progress_bar_on_a_terminal_redraws_only_on_change():
    stream = _Tty()
    bar = ProgressBar("http://x/pdf/1", stream=stream)
    bar(0, 1000)
    bar(1, 1000)  # same text: nothing drawn
    assert stream.getvalue().count("\r") == 1
    bar(500, 1000)
    bar(1000, 1000)
    bar.finish()
    text = stream.getvalue()
    assert text.count("\r") == 3 and " 50%" in text and "100%" in text and text.endswith("\n")
