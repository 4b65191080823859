"""The reader's notes on equations, symbols, papers and PDF pages, kept durably in SQLite.

    store = NoteStore.open()                 # $PAPERKIT_DATA_DIR, else the user data folder
    store.save("eq:ddim.12", "the sampler")  # one committed transaction
    store.list("eq:")                        # [Note(target='eq:ddim.12', ...)]

The database is ``notes.sqlite3`` in the user data folder (never in the repository), in WAL mode with
``synchronous=FULL``: every save is its own committed transaction, so a crash loses nothing already
saved, and several stores (threads, processes) can share the file. ``PRAGMA user_version`` holds the
schema version; :func:`migrate` brings an older file up to date step by step. A file that is not a
SQLite database (or fails SQLite's integrity check) is never overwritten: it is renamed
``notes.sqlite3.corrupt-<timestamp>``, a new database is started, and :attr:`NoteStore.warnings`
says so. Standard library only (platformdirs is imported when the default folder is needed).
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

from .errors import UserError

FILENAME = "notes.sqlite3"
KIND_ORDER = ("paper", "eq", "sym", "pdf")
KIND_HEADINGS = {"paper": "Papers", "eq": "Equations", "sym": "Symbols", "pdf": "PDF pages"}


@dataclass(frozen=True)
class Note:
    target: str  # "eq:ddim.12", "sym:alpha-bar", "paper:ddim", "pdf:<sha256>#p3": free-form "kind:id"
    text: str
    created: str  # ISO 8601, UTC
    updated: str

    @property
    def kind(self) -> str:
        return self.target.partition(":")[0]

    @property
    def key(self) -> str:
        """The target without its kind: "ddim.12" for "eq:ddim.12"."""
        return self.target.partition(":")[2]


class NotesSchemaError(UserError):
    """The notes file was written by a newer paperkit: it is left alone."""


# ----------------------------------------------------------------------------- schema and migrations


def _schema_1(conn: sqlite3.Connection) -> None:
    conn.execute(
        """CREATE TABLE IF NOT EXISTS notes (
               target  TEXT PRIMARY KEY,
               text    TEXT NOT NULL,
               created TEXT NOT NULL,
               updated TEXT NOT NULL
           )"""
    )
    conn.execute(
        """CREATE TABLE IF NOT EXISTS documents (
               path     TEXT PRIMARY KEY,
               title    TEXT NOT NULL DEFAULT '',
               paper_id TEXT,
               sha256   TEXT,
               opened   TEXT NOT NULL
           )"""
    )
    conn.execute("CREATE INDEX IF NOT EXISTS documents_opened ON documents (opened)")


# version → the step that brings a file at version-1 up to it. A later schema adds a step here (never
# edits an old one): a file at any older version is migrated one step at a time, each step in its
# own transaction together with the new user_version.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _schema_1}
SCHEMA_VERSION = max(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection, migrations: dict[int, Callable[[sqlite3.Connection], None]] = MIGRATIONS) -> int:
    """Bring the database up to the newest version in ``migrations``; returns that version.

    ``conn`` must be in autocommit mode (``isolation_level=None``). Each step runs in a
    ``BEGIN IMMEDIATE`` transaction that re-reads the version first, so two processes opening a new
    file at once do not both run a step. A file newer than this code raises NotesSchemaError and is
    not touched.
    """
    newest = max(migrations)
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = schema_version(conn)
            if current > newest:
                raise NotesSchemaError(
                    f"the notes database was written by a newer paperkit (schema {current}; this one knows "
                    f"{newest}): update paperkit; the file is left as it is"
                )
            if current == newest:
                conn.execute("COMMIT")
                return current
            step = current + 1
            if step not in migrations:
                raise NotesSchemaError(f"no migration of the notes database from schema {current} to {step}")
            migrations[step](conn)
            conn.execute(f"PRAGMA user_version = {int(step)}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


# ----------------------------------------------------------------------------- where the file lives


def data_dir() -> Path:
    """``$PAPERKIT_DATA_DIR``, else platformdirs' user data folder for paperkit."""
    env = os.environ.get("PAPERKIT_DATA_DIR")
    if env:
        return Path(os.path.expanduser(env))
    import platformdirs

    return Path(platformdirs.user_data_dir("paperkit"))


def database_path(folder: Path | str | None = None) -> Path:
    return Path(os.path.expanduser(str(folder))) / FILENAME if folder is not None else data_dir() / FILENAME


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def _check_target(target: str) -> str:
    if not isinstance(target, str):
        raise TypeError(f"a note target is a string, not {type(target).__name__}")
    target = target.strip()
    kind, sep, key = target.partition(":")
    if not sep or not kind or not key:
        raise ValueError(f"a note target looks like kind:id (eq:ddim.12), not {target!r}")
    return target


def _is_corruption(exc: sqlite3.DatabaseError) -> bool:
    return getattr(exc, "sqlite_errorcode", None) in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


class _Corrupt(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# ----------------------------------------------------------------------------- the store


class NoteStore:
    """Notes and the list of documents opened before, in one SQLite file. Safe to share between threads."""

    def __init__(self, conn: sqlite3.Connection, path: Path, warnings: list[str] | None = None):
        self._conn = conn
        self._lock = threading.Lock()
        self.path = path
        self.warnings: list[str] = list(warnings or [])

    # -- opening ---------------------------------------------------------------------------------

    @classmethod
    def open(cls, data_dir: Path | None = None) -> "NoteStore":
        path = database_path(data_dir)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(f"cannot create the notes folder {path.parent}: {exc.strerror or exc}") from exc
        warnings: list[str] = []
        for attempt in range(3):
            seen = _identity(path)
            try:
                conn = _connect(path)
                break
            except _Corrupt as bad:
                if attempt == 2:  # pragma: no cover - a fresh file cannot be corrupt
                    raise UserError(f"cannot start a new notes database at {path}: {bad.reason}") from None
                moved = _move_aside(path, seen)
                if moved is not None:
                    warnings.append(
                        f"the notes database {path} could not be read ({bad.reason}); it was kept as "
                        f"{moved.name} and a new, empty one was started"
                    )
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        if str(mode).lower() != "wal":
            warnings.append(f"the notes database {path} is in {mode} mode, not WAL (the file system may not support it)")
        return cls(conn, path, warnings)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> "NoteStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def closed(self) -> bool:
        return self._conn is None

    # -- notes -----------------------------------------------------------------------------------

    def get(self, target: str) -> Note | None:
        target = _check_target(target)
        with self._reading() as conn:
            row = conn.execute("SELECT target, text, created, updated FROM notes WHERE target = ?", (target,)).fetchone()
        return Note(*row) if row else None

    def save(self, target: str, text: str) -> Note | None:
        """Create or replace the note on ``target``; blank text deletes it (and returns None)."""
        target = _check_target(target)
        if not isinstance(text, str):
            raise TypeError(f"a note's text is a string, not {type(text).__name__}")
        if not text.strip():
            self.delete(target)
            return None
        now = _now()
        with self._writing() as conn:
            conn.execute(
                "INSERT INTO notes (target, text, created, updated) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (target) DO UPDATE SET text = excluded.text, updated = excluded.updated",
                (target, text, now, now),
            )
            row = conn.execute("SELECT target, text, created, updated FROM notes WHERE target = ?", (target,)).fetchone()
        return Note(*row)

    def delete(self, target: str) -> bool:
        target = _check_target(target)
        with self._writing() as conn:
            return conn.execute("DELETE FROM notes WHERE target = ?", (target,)).rowcount > 0

    def list(self, prefix: str = "") -> list[Note]:
        """Every note whose target starts with ``prefix`` ("eq:", "eq:ddim."), ordered by target."""
        with self._reading() as conn:
            rows = conn.execute(
                "SELECT target, text, created, updated FROM notes WHERE substr(target, 1, length(?1)) = ?1 ORDER BY target",
                (prefix,),
            ).fetchall()
        return [Note(*r) for r in rows]

    def search(self, text: str) -> list[Note]:
        """Notes whose text or target contains ``text``, ignoring case (Unicode case folding)."""
        needle = text.casefold()
        with self._reading() as conn:
            rows = conn.execute(
                "SELECT target, text, created, updated FROM notes "
                "WHERE instr(paperkit_fold(text), ?1) > 0 OR instr(paperkit_fold(target), ?1) > 0 ORDER BY target",
                (needle,),
            ).fetchall()
        return [Note(*r) for r in rows]

    # -- documents opened before -----------------------------------------------------------------

    def remember_document(self, path: str, title: str, paper_id: str | None, sha256: str | None) -> None:
        """Record that ``path`` was opened now (the library's "PDFs opened before")."""
        with self._writing() as conn:
            # REPLACE gives the row a new rowid, which orders documents opened in the same microsecond
            conn.execute(
                "INSERT OR REPLACE INTO documents (path, title, paper_id, sha256, opened) VALUES (?, ?, ?, ?, ?)",
                (str(path), title or "", paper_id, sha256, _now()),
            )

    def recent_documents(self, limit: int = 50) -> list[dict]:
        """The documents opened before, newest first: path, title, paper_id, sha256, opened (ISO 8601)."""
        with self._reading() as conn:
            rows = conn.execute(
                "SELECT path, title, paper_id, sha256, opened FROM documents ORDER BY opened DESC, rowid DESC LIMIT ?",
                (int(limit),),
            ).fetchall()
        return [dict(zip(("path", "title", "paper_id", "sha256", "opened"), r)) for r in rows]

    # -- Markdown --------------------------------------------------------------------------------

    def export_markdown(self) -> str:
        """All notes as Markdown: one section per kind, one heading per target with its title resolved."""
        notes = self.list()
        if not notes:
            return "# Notes\n\nNo notes yet.\n"
        titles = _Titles(self)
        groups: dict[str, list[Note]] = {}
        for note in notes:
            groups.setdefault(note.kind, []).append(note)
        kinds = [k for k in KIND_ORDER if k in groups] + sorted(k for k in groups if k not in KIND_ORDER)
        out = ["# Notes", ""]
        for kind in kinds:
            out += [f"## {KIND_HEADINGS.get(kind, kind)}", ""]
            for note in groups[kind]:
                title = titles.title(note)
                out.append(f"### {title} (`{note.target}`)" if title else f"### `{note.target}`")
                out.append("")
                out.append(note.text.rstrip())
                out.append("")
                stamp = note.updated[:16].replace("T", " ")
                out.append(f"*{'updated' if note.updated != note.created else 'written'} {stamp} UTC*")
                out.append("")
        return "\n".join(out).rstrip("\n") + "\n"

    # -- plumbing --------------------------------------------------------------------------------

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self._conn is None:
                raise sqlite3.ProgrammingError("the note store is closed")
            yield self._conn

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One committed transaction: everything in the block, or (on any error) nothing."""
        with self._lock:
            conn = self._conn
            if conn is None:
                raise sqlite3.ProgrammingError("the note store is closed")
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise


def _connect(path: Path) -> sqlite3.Connection:
    """Open (or create) the database, check it is sound, set WAL and FULL sync, migrate.

    Raises _Corrupt when the file is not a SQLite database or fails the integrity check; nothing has
    been written to it then.
    """
    try:
        conn = sqlite3.connect(str(path), timeout=15.0, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise UserError(f"cannot open the notes database {path}: {exc}") from exc
    try:
        try:
            result = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
        except sqlite3.DatabaseError as exc:
            if _is_corruption(exc):
                raise _Corrupt(str(exc)) from None
            raise
        if result != ["ok"]:
            raise _Corrupt("integrity check: " + "; ".join(str(r) for r in result[:3]))
        conn.execute("PRAGMA journal_mode = WAL").fetchone()
        conn.execute("PRAGMA synchronous = FULL")
        conn.create_function("paperkit_fold", 1, lambda s: s.casefold() if isinstance(s, str) else s, deterministic=True)
        migrate(conn)
        return conn
    except _Corrupt:
        conn.close()
        raise
    except sqlite3.DatabaseError as exc:
        conn.close()
        if _is_corruption(exc):
            raise _Corrupt(str(exc)) from None
        raise UserError(f"cannot open the notes database {path}: {exc}") from exc
    except BaseException:
        conn.close()
        raise


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def _move_aside(path: Path, seen: tuple[int, int] | None) -> Path | None:
    """Rename a corrupt database (and its -wal/-shm files) to ``<name>.corrupt-<timestamp>``; never overwrites.

    ``seen`` is the file's identity when it was found corrupt: if another process has meanwhile moved
    it aside and started a new database, that new file is left alone (returns None).
    """
    if seen is None or _identity(path) != seen:
        return None
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    n = 0
    while True:
        aside = path.with_name(f"{path.name}.corrupt-{stamp}" + (f"-{n}" if n else ""))
        if not any(Path(str(aside) + s).exists() for s in ("", "-wal", "-shm")):
            break
        n += 1
    try:
        os.rename(path, aside)
    except OSError as exc:
        raise UserError(f"the notes database {path} is corrupt and could not be moved aside: {exc.strerror or exc}") from exc
    for suffix in ("-wal", "-shm"):
        side = Path(str(path) + suffix)
        if side.exists():
            try:
                os.rename(side, Path(str(aside) + suffix))
            except OSError:
                pass
    return aside


class _Titles:
    """What a note's target is called, from the catalog, the glossary or the documents opened before.

    The catalog and the glossary are imported on first use, and any failure leaves the title empty:
    an export never fails because of them.
    """

    def __init__(self, store: NoteStore):
        self._store = store
        self._catalog = None
        self._glossary = None
        self._documents: dict[str, str] | None = None

    def title(self, note: Note) -> str:
        try:
            resolve = getattr(self, f"_{note.kind}", None)
            return resolve(note.key) if resolve else ""
        except Exception:
            return ""

    def catalog(self):
        if self._catalog is None:
            from paperkit.catalog import load_catalog

            self._catalog = load_catalog()
        return self._catalog

    def _eq(self, key: str) -> str:
        eq = self.catalog().equation(key)
        try:
            paper = self.catalog().paper(eq.paper).short or eq.paper
        except Exception:
            paper = eq.paper
        return f"{paper} {eq.label}" + (f": {eq.title}" if eq.title else "")

    def _paper(self, key: str) -> str:
        return self.catalog().paper(key).title

    def _sym(self, key: str) -> str:
        if self._glossary is None:
            from paperkit.glossary import glossary

            self._glossary = glossary()
        g = self._glossary
        return g.entries[g.by_key[key]].title

    def _pdf(self, key: str) -> str:
        sha, _, page = key.partition("#")
        if self._documents is None:
            self._documents = {}
            for doc in reversed(self._store.recent_documents(limit=100_000)):
                if doc["sha256"] and doc["title"]:
                    self._documents[doc["sha256"]] = doc["title"]
        name = self._documents.get(sha, "")
        if not name:
            try:
                name = next((p.title for p in self.catalog().papers if sha in p.pdf_sha256), "")
            except Exception:
                name = ""
        where = f"page {page[1:]}" if page[:1] == "p" and page[1:].isdigit() else page
        return ", ".join(x for x in (name, where) if x)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, flush it to disk, then ``os.replace`` it in:
    a crash leaves the old file whole. The file keeps its permissions; failures are one-line UserErrors."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise UserError(f"{path} is a folder, not a file")
    if not folder.is_dir():
        raise UserError(f"no folder {folder} to write {path.name} in")
    try:
        mode = path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise UserError(f"cannot write in {folder}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise UserError(f"cannot write {path}: {exc.strerror or exc}") from exc
        raise
