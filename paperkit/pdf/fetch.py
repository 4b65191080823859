"""Downloading a paper's PDF from arXiv into the user's cache, safely.

A reference is a catalog id (``ddim``: the arXiv version the catalog follows), or an arXiv id with
or without its version (``2207.12598``, ``2207.12598v1``, old-style ``cs/0112017``), also pasted as
``arXiv:2207.12598`` or ``https://arxiv.org/abs/2207.12598``. PDFs are saved as
``<cache>/papers/<id>.pdf``; the cache root is ``$PAPERKIT_CACHE_DIR``, else platformdirs' user cache
folder. ``$PAPERKIT_ARXIV_URL`` replaces ``https://arxiv.org`` (the tests point it at 127.0.0.1).

A download goes to a ``.part`` file next to its destination and is renamed into place only once it is
complete and opens as a PDF with at least one page, so the cache never holds a partial file and a
failed download never replaces a good one. Every failure is a one-line ``UserError``; Ctrl-C removes
the partial file and lets ``KeyboardInterrupt`` through. ``urllib`` and pymupdf are imported only
when a download runs or a PDF is checked.

Before fetching, ``local_pdf`` looks for a copy already on disk: the cached download, or a PDF the
reader opened before and identified as this paper (the notes store's list of recent documents), so
a user who has ``cfg.pdf`` in their own folder is not sent to arXiv for it again.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from pathlib import Path
from typing import Callable, Iterable, Mapping
from urllib.parse import urlsplit

from .. import __version__
from ..errors import UserError

Progress = Callable[[int, "int | None"], None]  # progress(bytes_done, total_or_None)

DEFAULT_BASE_URL = "https://arxiv.org"
USER_AGENT = f"paperkit/{__version__} (terminal reading companion; Python urllib)"
CHUNK = 64 * 1024
MAX_BYTES = 512 * 2**20  # far above any arXiv PDF; stops a misbehaving server from filling the disk

_ID = re.compile(r"(?P<id>\d{4}\.\d{4,5}|[a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7})(?P<version>v\d+)?")
_URL = re.compile(r"(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/(?P<rest>[^?#]+?)(?:\.pdf)?/?(?:[?#].*)?", re.I)
_FORMS = "an arXiv id such as 2207.12598, 2207.12598v1 or cs/0112017, or an arxiv.org/abs/ link"


def cache_dir() -> Path:
    """The folder holding downloaded PDFs: ``$PAPERKIT_CACHE_DIR/papers``, else the user cache's ``papers``."""
    root = os.environ.get("PAPERKIT_CACHE_DIR")
    if not root:
        import platformdirs

        root = platformdirs.user_cache_dir("paperkit")
    return Path(root).expanduser() / "papers"


def arxiv_id(ref: str) -> str:
    """The arXiv id (with its version when known) that ``ref`` names, e.g. ``ddim`` → ``2010.02502v4``.

    A one-line UserError for a catalog paper that is not on arXiv, or for anything unrecognised.
    """
    text = ref.strip()
    from ..catalog.store import load_catalog

    papers = load_catalog().papers
    for paper in papers:
        if paper.id == text.lower():
            if not paper.arxiv:
                where = f" (see {paper.url})" if paper.url else ""
                raise UserError(f"{paper.id} is not on arXiv, there is no PDF to fetch{where}")
            return f"{paper.arxiv}{paper.version or ''}"
    if text[:6].lower() == "arxiv:":
        text = text[6:].strip()
    url = _URL.fullmatch(text)
    if url:
        text = url["rest"]
    if _ID.fullmatch(text):
        return text
    ids = ", ".join(p.id for p in papers if p.arxiv)
    raise UserError(f"cannot fetch {ref!r}: give a catalog paper ({ids}) or {_FORMS}")


def arxiv_url(ref: str) -> str:
    """The PDF's URL for ``ref``, e.g. ``https://arxiv.org/pdf/2010.02502v4``."""
    base = os.environ.get("PAPERKIT_ARXIV_URL") or DEFAULT_BASE_URL
    return f"{base.rstrip('/')}/pdf/{arxiv_id(ref)}"


def pdf_path(ref: str) -> Path:
    """Where ``ref``'s PDF is (or would be) cached; an old-style id's ``/`` becomes ``_``."""
    return cache_dir() / f"{arxiv_id(ref).replace('/', '_')}.pdf"


def cached_path(ref: str) -> Path | None:
    """The cached PDF for ``ref`` if there is one and it opens as a PDF, else None."""
    path = pdf_path(ref)
    return path if path.is_file() and _pdf_problem(path) is None else None


def local_pdf(ref: str, recent: Iterable[Mapping] = ()) -> Path | None:
    """A PDF of ``ref`` already on this machine, or None; never a download.

    ``ref`` is a catalog id or an arXiv id (an arXiv id of a catalog paper counts as that paper).
    First the cached download; then, newest first, a document from ``recent`` (dicts with ``path``,
    ``paper_id`` and ``sha256``, as ``NoteStore.recent_documents()`` gives them) that the reader
    identified as this catalog paper, or whose hash the catalog knows for it. Such a file counts
    only while it is still there with the hash recorded when it was opened (a file replaced since
    is not trusted), or, without a recorded hash, while it opens as a PDF. A reference that is
    neither a catalog id nor an arXiv id is a UserError, as for ``arxiv_id``.
    """
    paper = _catalog_paper(ref)
    if paper is None or paper.arxiv:
        for key in dict.fromkeys((ref, paper.id) if paper is not None else (ref,)):
            cached = cached_path(key)  # raises the UserError for an unrecognised reference
            if cached is not None:
                return cached
    if paper is None:
        return None
    for doc in recent:
        sha = doc.get("sha256") or None
        if doc.get("paper_id") != paper.id and not (sha and sha in paper.pdf_sha256):
            continue
        path = Path(str(doc.get("path") or ""))
        if doc.get("path") and _same_file(path, sha):
            return path
    return None


def _catalog_paper(ref: str):
    """The catalog paper ``ref`` names, by id or by arXiv id (any version), else None."""
    from ..catalog.store import load_catalog

    text = ref.strip()
    papers = load_catalog().papers
    for paper in papers:
        if paper.id == text.lower():
            return paper
    try:
        bare = _ID.fullmatch(arxiv_id(text))["id"]
    except (UserError, TypeError):
        return None
    return next((p for p in papers if p.arxiv == bare), None)


def _same_file(path: Path, sha256: str | None) -> bool:
    """``path`` is a file, with this hash if one was recorded, else one that opens as a PDF."""
    try:
        if not path.is_file():
            return False
        if sha256:
            digest = hashlib.sha256()
            with open(path, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    digest.update(block)
            return digest.hexdigest() == sha256
    except OSError:
        return False
    return _pdf_problem(path) is None


def fetch_paper(ref: str, *, force: bool = False, progress: Progress | None = None, timeout: float = 30.0,
                dest: Path | None = None) -> Path:
    """Download ``ref``'s PDF into the cache (or to ``dest``) and return its path.

    A valid PDF already there is kept and returned without a download, unless ``force``. A damaged
    cached copy is replaced; any other file at ``dest`` that is not a PDF only with ``force``.
    """
    path = Path(dest) if dest is not None else pdf_path(ref)
    url = arxiv_url(ref)
    if not force and path.exists():
        if path.is_file() and _pdf_problem(path) is None:
            return path
        if dest is not None:
            raise UserError(f"{path} exists and is not a PDF; --force replaces it")
    if dest is None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(f"cannot create the cache folder {path.parent}: {exc.strerror or exc}") from None
    elif not path.parent.is_dir():
        raise UserError(f"no such folder: {path.parent}")
    return download_pdf(url, path, progress=progress, timeout=timeout)


def resolve(ref_or_path: str | Path, *, progress: Progress | None = None, timeout: float = 30.0,
            recent: Iterable[Mapping] = ()) -> Path:
    """A local PDF for ``ref_or_path``: the file itself if it exists, else for a catalog id or arXiv
    id a copy already on disk (``local_pdf``, with ``recent`` the documents opened before), else the
    fetched PDF. A missing file path is a UserError naming it."""
    path = Path(ref_or_path).expanduser()
    if path.is_file():
        return path
    text = str(ref_or_path)
    try:
        arxiv_id(text)
    except UserError:
        if text.lower().endswith(".pdf") or os.sep in text or "/" in text:
            raise UserError(f"no such file: {text}") from None
        raise
    return local_pdf(text, recent) or fetch_paper(text, progress=progress, timeout=timeout)


def download_pdf(url: str, dest: Path, *, progress: Progress | None = None, timeout: float = 30.0,
                 max_bytes: int = MAX_BYTES) -> Path:
    """Download the PDF at ``url`` to ``dest`` atomically and return ``dest``.

    ``progress(done, total)`` is called after every chunk once the first has shown a PDF
    (``total`` is None without a Content-Length). ``dest`` is replaced only by a complete, valid PDF.
    """
    dest = Path(dest)
    tmp = dest.parent / f".{dest.name}.{secrets.token_hex(4)}.part"  # same folder: os.replace is atomic
    try:
        out = open(tmp, "xb")  # exclusive create; unlike tempfile's 0600, the umask sets the mode
    except OSError as exc:
        raise UserError(f"cannot write in {dest.parent}: {exc.strerror or exc}") from None
    try:
        with out:
            _download_to(url, dest, out, progress, timeout, max_bytes)
        problem = _pdf_problem(tmp)
        if problem:
            raise UserError(f"{url} sent a damaged PDF ({problem})")
        os.replace(tmp, dest)
    except OSError as exc:  # the network's errors are UserErrors already: this is the disk
        tmp.unlink(missing_ok=True)
        raise UserError(f"cannot save {dest}: {exc.strerror or exc}") from None
    except BaseException:  # a UserError or Ctrl-C: never leave a .part behind
        tmp.unlink(missing_ok=True)
        raise
    return dest


def _download_to(url, dest, out, progress, timeout, max_bytes) -> None:
    import http.client
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "application/pdf"})
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        exc.close()
        if exc.code == 404:
            raise UserError(f"arXiv has no paper at {url} (HTTP 404): check the id") from None
        later = "; try again later" if exc.code == 429 or exc.code >= 500 else ""
        raise UserError(f"{url} answered HTTP {exc.code} {exc.reason}{later}") from None
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", exc)
        reason = getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
        raise UserError(f"could not reach {urlsplit(url).netloc} ({reason}); download {url} "
                        f"by hand and save it as {dest}") from None
    with response:
        kind = response.headers.get("Content-Type", "no content type")
        try:
            total = int(response.headers["Content-Length"])
        except (TypeError, ValueError):
            total = None
        if total is not None and total > max_bytes:
            raise UserError(f"{url} is {total} bytes, more than the {max_bytes}-byte limit")
        done, head = 0, b""
        while True:
            try:
                chunk = response.read(CHUNK)
            except (OSError, http.client.HTTPException) as exc:
                of = f" of {total}" if total is not None else ""
                raise UserError(f"download interrupted after {done}{of} bytes ({_reason(exc)}): {url}") from None
            if not chunk:
                break
            if len(head) < 5:
                head = (head + chunk)[:16]
                if not head.startswith(b"%PDF-"[:len(head)]):
                    raise UserError(f"{url} is not a PDF (got {kind}, starting {head!r})")
            done += len(chunk)
            if done > max_bytes:
                raise UserError(f"{url} sent more than the {max_bytes}-byte limit")
            out.write(chunk)
            if progress:
                progress(done, total)
    if total is not None and done < total:
        raise UserError(f"download interrupted after {done} of {total} bytes (connection closed): {url}")
    if not head.startswith(b"%PDF-"):
        raise UserError(f"{url} is not a PDF (got {kind}, starting {head!r})")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "timed out"
    return getattr(exc, "strerror", None) or type(exc).__name__


def _pdf_problem(path: Path) -> str | None:
    """None if ``path`` starts like a PDF and pymupdf opens it with at least one page, else why not."""
    try:
        with open(path, "rb") as f:
            if f.read(5) != b"%PDF-":
                return "no %PDF- header"
    except OSError as exc:
        return exc.strerror or str(exc)
    import pymupdf

    try:
        with pymupdf.open(path, filetype="pdf") as doc:  # filetype: a .part name would mislead it
            pages = doc.page_count
    except Exception:  # pymupdf raises FileDataError, RuntimeError … for a damaged file
        return "pymupdf cannot open it"
    return None if pages >= 1 else "no pages"
