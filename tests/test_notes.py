"""Notes: durable SQLite storage (WAL, FULL sync, migrations, corrupt files kept, crashes, concurrency)
and the ``paperkit notes`` command."""

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from paperkit import notes as notes_module
from paperkit.errors import UserError
from paperkit.notes import FILENAME, MIGRATIONS, Note, NoteStore, NotesSchemaError, migrate

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    """Every test's notes go to its own temporary folder, never the user's data folder."""
    folder = tmp_path / "data"
    monkeypatch.setenv("PAPERKIT_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def store(data_dir):
    s = NoteStore.open()
    yield s
    s.close()


def _subprocess(code: str, *args: str, timeout: float = 30) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=str(REPO))


# ----------------------------------------------------------------------------- the store


def test_save_get_update_delete(store):
    assert store.get("eq:ddim.12") is None
    note = store.save("eq:ddim.12", "the sampler")
    assert isinstance(note, Note) and note.target == "eq:ddim.12" and note.text == "the sampler"
    assert note.created == note.updated and note.created.endswith("+00:00")  # ISO 8601, UTC
    again = store.save("eq:ddim.12", "the generalised sampler")
    assert again.created == note.created and again.updated >= note.updated and again.text == "the generalised sampler"
    assert store.get("eq:ddim.12") == again
    assert store.delete("eq:ddim.12") is True
    assert store.delete("eq:ddim.12") is False
    assert store.get("eq:ddim.12") is None


def test_blank_text_deletes(store):
    store.save("sym:alpha-bar", "cumulative product of alphas")
    assert store.save("sym:alpha-bar", "  \n\t ") is None
    assert store.get("sym:alpha-bar") is None
    assert store.save("sym:never", "") is None and store.list() == []


def test_text_is_kept_exactly(store):
    text = "  ᾱ_t = ∏ α_s\n\n- *markdown* kept\n  indented   "
    assert store.save("sym:alpha-bar", text).text == text
    assert store.get("sym:alpha-bar").text == text


def test_bad_targets_are_refused(store):
    for bad in ["", "   ", "ddim.12", "eq:", ":x"]:
        with pytest.raises(ValueError):
            store.save(bad, "x")


def test_list_is_ordered_and_filtered_by_prefix(store):
    for t in ["paper:ddim", "eq:ddpm.2", "sym:alpha-bar", "eq:ddim.12", "eq:ddim.10"]:
        store.save(t, f"note on {t}")
    assert [n.target for n in store.list()] == sorted(["paper:ddim", "eq:ddpm.2", "sym:alpha-bar", "eq:ddim.12", "eq:ddim.10"])
    assert [n.target for n in store.list("eq:")] == ["eq:ddim.10", "eq:ddim.12", "eq:ddpm.2"]
    assert [n.target for n in store.list("eq:ddim.")] == ["eq:ddim.10", "eq:ddim.12"]
    assert store.list("nothing:") == []
    assert store.list("eq_") == []  # a literal prefix, no LIKE wildcards


def test_search_is_case_insensitive_substring(store):
    store.save("eq:ddim.12", "The Sampler: η = 0 gives DDIM")
    store.save("eq:ddpm.2", "forward process, ÉTAPE one")
    store.save("paper:cfg", "guidance without a classifier")
    assert [n.target for n in store.search("sampler")] == ["eq:ddim.12"]
    assert [n.target for n in store.search("SAMPLER")] == ["eq:ddim.12"]
    assert [n.target for n in store.search("étape")] == ["eq:ddpm.2"]  # beyond ASCII
    assert [n.target for n in store.search("ddpm")] == ["eq:ddpm.2"]  # the target too
    assert store.search("%") == [] and store.search("nowhere") == []


def test_notes_survive_a_restart(data_dir):
    s = NoteStore.open()
    saved = [s.save("eq:ddim.12", "one"), s.save("sym:alpha-bar", "two"), s.save("paper:ddim", "three")]
    s.remember_document("/papers/ddim.pdf", "DDIM", "ddim", "ab" * 32)
    s.close()
    s2 = NoteStore.open()
    try:
        assert s2.list() == sorted(saved, key=lambda n: n.target)
        assert s2.recent_documents()[0]["path"] == "/papers/ddim.pdf"
        assert s2.warnings == []
    finally:
        s2.close()


def test_explicit_data_dir_and_env(tmp_path, data_dir):
    s = NoteStore.open(tmp_path / "elsewhere" / "deep")
    try:
        assert s.path == tmp_path / "elsewhere" / "deep" / FILENAME and s.path.exists()
    finally:
        s.close()
    s = NoteStore.open()
    try:
        assert s.path == data_dir / FILENAME
    finally:
        s.close()


def test_default_database_is_in_the_user_data_folder_not_the_repo(monkeypatch):
    import platformdirs

    monkeypatch.delenv("PAPERKIT_DATA_DIR")
    path = notes_module.database_path().resolve()
    assert path == (Path(platformdirs.user_data_dir("paperkit")) / FILENAME).resolve()
    assert not path.is_relative_to(REPO)
    assert not list(REPO.glob(f"**/{FILENAME}*"))  # and no test left one in the repository


def test_wal_and_full_sync(store):
    conn = sqlite3.connect(store.path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # persistent, seen by any connection
    finally:
        conn.close()
    assert store._conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert store._conn.execute("PRAGMA user_version").fetchone()[0] == notes_module.SCHEMA_VERSION


def test_every_save_is_committed_at_once(store):
    store.save("eq:ddim.12", "committed")
    assert not store._conn.in_transaction
    other = sqlite3.connect(store.path)  # a separate connection sees it without any close or flush
    try:
        assert other.execute("SELECT text FROM notes WHERE target = 'eq:ddim.12'").fetchone() == ("committed",)
    finally:
        other.close()


def test_failed_write_rolls_back_and_the_store_stays_usable(store):
    store.save("eq:ddim.12", "kept")
    with pytest.raises(RuntimeError):
        with store._writing() as conn:
            conn.execute("DELETE FROM notes")
            raise RuntimeError("boom")
    assert store.get("eq:ddim.12").text == "kept"
    assert store.save("eq:ddpm.2", "still works").text == "still works"


def test_recent_documents_newest_first(store):
    store.remember_document("/a.pdf", "A", None, None)
    store.remember_document("/b.pdf", "B", "ddim", "ff" * 32)
    store.remember_document("/c.pdf", "C", None, None)
    store.remember_document("/a.pdf", "A again", "ddpm", "aa" * 32)  # opened again: moves to the top
    docs = store.recent_documents()
    assert [d["path"] for d in docs] == ["/a.pdf", "/c.pdf", "/b.pdf"]
    assert docs[0] == {"path": "/a.pdf", "title": "A again", "paper_id": "ddpm", "sha256": "aa" * 32, "opened": docs[0]["opened"]}
    assert docs[0]["opened"].endswith("+00:00") and docs[0]["opened"] >= docs[1]["opened"]
    assert [d["path"] for d in store.recent_documents(limit=2)] == ["/a.pdf", "/c.pdf"]


# ----------------------------------------------------------------------------- schema versions


def test_migration_steps_upgrade_an_old_file_and_keep_its_notes(data_dir):
    s = NoteStore.open()
    s.save("eq:ddim.12", "from version 1")
    s.close()

    def add_tags(conn):
        conn.execute("ALTER TABLE notes ADD COLUMN tags TEXT NOT NULL DEFAULT ''")

    conn = sqlite3.connect(data_dir / FILENAME, isolation_level=None)
    try:
        assert migrate(conn, {**MIGRATIONS, 2: add_tags}) == 2
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
        assert conn.execute("SELECT text, tags FROM notes").fetchall() == [("from version 1", "")]
        assert migrate(conn, {**MIGRATIONS, 2: add_tags}) == 2  # idempotent
    finally:
        conn.close()


def test_a_failing_migration_step_changes_nothing(data_dir):
    NoteStore.open().close()

    def broken(conn):
        conn.execute("ALTER TABLE notes ADD COLUMN half TEXT")
        raise RuntimeError("step failed")

    conn = sqlite3.connect(data_dir / FILENAME, isolation_level=None)
    try:
        with pytest.raises(RuntimeError):
            migrate(conn, {**MIGRATIONS, 2: broken})
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        assert "half" not in [r[1] for r in conn.execute("PRAGMA table_info(notes)")]
    finally:
        conn.close()


def test_a_file_from_a_newer_version_is_refused_and_left_alone(data_dir):
    s = NoteStore.open()
    s.save("eq:ddim.12", "precious")
    s.close()
    conn = sqlite3.connect(data_dir / FILENAME)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    with pytest.raises(NotesSchemaError, match="newer paperkit"):
        NoteStore.open()
    assert not list(data_dir.glob("*.corrupt-*"))
    conn = sqlite3.connect(data_dir / FILENAME)
    try:
        assert conn.execute("SELECT text FROM notes").fetchall() == [("precious",)]
    finally:
        conn.close()


# ----------------------------------------------------------------------------- corrupt files


def test_a_file_that_is_not_sqlite_is_moved_aside_not_overwritten(data_dir):
    data_dir.mkdir(parents=True)
    garbage = b"these were my notes, in some other format\n" * 200
    (data_dir / FILENAME).write_bytes(garbage)
    s = NoteStore.open()
    try:
        aside = list(data_dir.glob(f"{FILENAME}.corrupt-*"))
        assert len(aside) == 1 and aside[0].read_bytes() == garbage
        assert len(s.warnings) == 1 and aside[0].name in s.warnings[0]
        assert s.save("eq:ddim.12", "fresh start").text == "fresh start"
    finally:
        s.close()
    s = NoteStore.open()  # the new file is sound: no warning the next time
    try:
        assert s.warnings == [] and [n.text for n in s.list()] == ["fresh start"]
    finally:
        s.close()


def test_a_damaged_sqlite_file_is_moved_aside(data_dir):
    s = NoteStore.open()
    for i in range(300):
        s.save(f"eq:x.{i}", "some text to fill pages " * 10)
    s.close()
    path = data_dir / FILENAME
    raw = bytearray(path.read_bytes())
    page = int.from_bytes(raw[16:18], "big")
    assert len(raw) > 4 * page
    raw[page * 2:page * 4] = b"\xa5" * (2 * page)  # scribble over two b-tree pages
    path.write_bytes(bytes(raw))
    s = NoteStore.open()
    try:
        aside = list(data_dir.glob(f"{FILENAME}.corrupt-*"))
        assert len(aside) == 1 and aside[0].read_bytes() == bytes(raw)
        assert s.warnings and s.list() == []
    finally:
        s.close()


def test_two_corrupt_files_in_the_same_second_keep_both(data_dir):
    data_dir.mkdir(parents=True)
    for content in (b"first bad file" * 100, b"second bad file" * 100):
        (data_dir / FILENAME).write_bytes(content)
        NoteStore.open().close()
    kept = sorted(p.read_bytes()[:6] for p in data_dir.glob(f"{FILENAME}.corrupt-*"))
    assert kept == [b"first ", b"second"]


def test_unwritable_data_folder_is_a_user_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(UserError, match="cannot create the notes folder"):
        NoteStore.open(blocker / "sub")


# ----------------------------------------------------------------------------- crashes and concurrency


def test_a_crash_loses_nothing_already_saved(data_dir):
    code = """
        import os, sys
        from paperkit.notes import NoteStore
        s = NoteStore.open()
        for i in range(20):
            s.save(f"eq:crash.{i}", f"note {i}")
        s.remember_document("/crash.pdf", "Crash", None, None)
        # a write in progress when the process dies: never committed
        s._conn.execute("BEGIN IMMEDIATE")
        s._conn.execute("INSERT INTO notes VALUES ('eq:half', 'half written', 'x', 'x')")
        print("saved", flush=True)
        os._exit(1)  # no close, no commit, no checkpoint
    """
    result = _subprocess(code)
    assert result.returncode == 1 and result.stdout.strip() == "saved", result.stderr
    assert (data_dir / (FILENAME + "-wal")).exists()  # the process left its WAL behind
    s = NoteStore.open()
    try:
        assert s.warnings == []
        assert [n.text for n in s.list("eq:crash.")] == sorted(f"note {i}" for i in range(20))
        assert s.get("eq:half") is None
        assert s.recent_documents()[0]["path"] == "/crash.pdf"
        assert s._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        s.close()


def test_two_stores_on_one_file(data_dir):
    a, b = NoteStore.open(), NoteStore.open()
    try:
        a.save("eq:ddim.12", "from a")
        assert b.get("eq:ddim.12").text == "from a"
        b.save("eq:ddim.12", "b replaced it")
        b.save("sym:alpha-bar", "from b")
        assert a.get("eq:ddim.12").text == "b replaced it"
        assert [n.target for n in a.list()] == ["eq:ddim.12", "sym:alpha-bar"]
        assert a.delete("sym:alpha-bar") and b.get("sym:alpha-bar") is None
    finally:
        a.close()
        b.close()


def test_threads_share_one_store_and_a_second_store_writes_too(data_dir):
    shared, other = NoteStore.open(), NoteStore.open()
    errors = []

    def work(store, name):
        try:
            for i in range(25):
                store.save(f"eq:{name}.{i}", f"{name} {i}")
                store.list("eq:")
                store.search(name)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(shared, f"t{k}")) for k in range(4)]
    threads.append(threading.Thread(target=work, args=(other, "other")))
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    try:
        assert errors == []
        assert len(shared.list()) == 5 * 25
    finally:
        shared.close()
        other.close()


def test_two_processes_write_at_once(data_dir):
    NoteStore.open().close()
    code = """
        import sys
        from paperkit.notes import NoteStore
        s = NoteStore.open()
        for i in range(40):
            s.save(f"eq:{sys.argv[1]}.{i}", "x")
        s.close()
    """
    env = dict(os.environ, PYTHONPATH=str(REPO))
    procs = [subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), name], env=env, cwd=str(REPO),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for name in ("p1", "p2")]
    for p in procs:
        _, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
    s = NoteStore.open()
    try:
        assert len(s.list("eq:p1.")) == 40 and len(s.list("eq:p2.")) == 40
    finally:
        s.close()


def test_closed_store_refuses_work_and_close_is_idempotent(store):
    store.close()
    store.close()
    assert store.closed
    with pytest.raises(sqlite3.ProgrammingError):
        store.get("eq:ddim.12")


# ----------------------------------------------------------------------------- Markdown export


def test_export_groups_by_kind_and_resolves_titles(store):
    sha = "ab" * 32
    store.remember_document("/papers/ddim.pdf", "Denoising Diffusion Implicit Models", "ddim", sha)
    store.save("eq:ddim.12", "the sampler")
    store.save("paper:ddim", "read section 4 first")
    store.save("sym:alpha-bar", "product of the alphas")
    store.save(f"pdf:{sha}#p3", "figure 3 is the key")
    store.save("eq:nosuch.1", "an equation the catalog no longer has")
    store.save("sym:no-such-symbol", "unknown symbol")
    store.save("idea:later", "a kind paperkit does not know")
    md = store.export_markdown()
    order = [md.index(h) for h in ("## Papers", "## Equations", "## Symbols", "## PDF pages", "## idea")]
    assert order == sorted(order)
    assert "### Denoising Diffusion Implicit Models (`paper:ddim`)" in md
    assert "(12)" in md and "The generalised sampling step (`eq:ddim.12`)" in md
    assert "### Greek small letter alpha with macron (`sym:alpha-bar`)" in md
    assert f"### Denoising Diffusion Implicit Models, page 3 (`pdf:{sha}#p3`)" in md
    assert "### `eq:nosuch.1`" in md and "### `sym:no-such-symbol`" in md and "### `idea:later`" in md
    for text in ("the sampler", "read section 4 first", "product of the alphas", "figure 3 is the key"):
        assert text in md


def test_export_never_fails_when_lookups_break(store, monkeypatch):
    import paperkit.catalog

    def broken(*a, **k):
        raise RuntimeError("catalog unreadable")

    monkeypatch.setattr(paperkit.catalog, "load_catalog", broken)
    store.save("eq:ddim.12", "still exported")
    md = store.export_markdown()
    assert "### `eq:ddim.12`" in md and "still exported" in md


def test_export_with_no_notes(store):
    assert store.export_markdown() == "# Notes\n\nNo notes yet.\n"


# ----------------------------------------------------------------------------- the command line


def cli(capsys, *argv):
    """``paperkit notes …`` through the real entry point."""
    from paperkit.cli import main

    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_add_list_rm(capsys, data_dir):
    code, out, err = cli(capsys, "notes", "add", "eq:ddim.12", "the sampler")
    assert (code, err) == (0, "") and "saved the note on eq:ddim.12" in out
    code, out, _ = cli(capsys, "notes", "add", "eq:DDIM.12", "the", "generalised", "sampler")  # canonical id, words joined
    assert code == 0 and "replaced the note on eq:ddim.12" in out
    cli(capsys, "notes", "add", "sym:alpha-bar", "ᾱ")
    cli(capsys, "notes", "add", "paper:DDIM", "read it")
    code, out, _ = cli(capsys, "notes", "list")
    assert code == 0 and "eq:ddim.12" in out and "the generalised sampler" in out and "paper:ddim" in out
    assert "3 notes in" in out and str(data_dir) in out
    code, out, _ = cli(capsys, "notes", "list", "--json")
    records = json.loads(out)
    assert [r["target"] for r in records] == ["eq:ddim.12", "paper:ddim", "sym:alpha-bar"]
    assert set(records[0]) == {"target", "text", "created", "updated"}
    code, out, _ = cli(capsys, "notes")  # no action: list
    assert code == 0 and "3 notes" in out
    code, out, _ = cli(capsys, "notes", "rm", "sym:alpha-bar")
    assert code == 0 and "removed the note on sym:alpha-bar" in out
    code, out, err = cli(capsys, "notes", "rm", "sym:alpha-bar")
    assert code == 2 and err.startswith("paperkit: error: no note on sym:alpha-bar") and err.count("\n") == 1


def test_cli_list_when_empty(capsys):
    code, out, _ = cli(capsys, "notes", "list")
    assert code == 0 and "No notes yet" in out
    code, out, _ = cli(capsys, "notes", "list", "--json")
    assert code == 0 and json.loads(out) == []


@pytest.mark.parametrize("target", ["ddim.12", "foo:bar", "eq:", "eq: x", ":ddim"])
def test_cli_bad_target_is_one_line_error(capsys, target):
    code, out, err = cli(capsys, "notes", "add", target, "text")
    assert code == 2 and out == "" and err.startswith("paperkit: error: ") and err.count("\n") == 1
    assert "kind" in err


def test_cli_unknown_equation_or_paper_suggests_ids(capsys, data_dir):
    code, _, err = cli(capsys, "notes", "add", "eq:ddim.121", "x")
    assert code == 2 and "no equation 'ddim.121'" in err and "did you mean" in err and err.count("\n") == 1
    code, _, err = cli(capsys, "notes", "add", "paper:ddmi", "x")
    assert code == 2 and "no paper 'ddmi'" in err and "ddim" in err
    s = NoteStore.open()
    try:
        assert s.list() == []
    finally:
        s.close()


def test_cli_empty_text_is_refused(capsys):
    code, _, err = cli(capsys, "notes", "add", "eq:ddim.12", "  ")
    assert code == 2 and "empty" in err


def test_cli_rm_works_for_an_id_the_catalog_no_longer_has(capsys):
    s = NoteStore.open()
    s.save("eq:gone.7", "an equation since removed from the catalog")
    s.close()
    code, out, _ = cli(capsys, "notes", "rm", "eq:gone.7")
    assert code == 0 and "removed" in out


def test_cli_export_to_stdout_and_file(capsys, tmp_path):
    cli(capsys, "notes", "add", "eq:ddim.12", "the sampler")
    code, out, _ = cli(capsys, "notes", "export")
    assert code == 0 and out.startswith("# Notes") and "the sampler" in out
    target = tmp_path / "out" / "notes.md"
    target.parent.mkdir()
    target.write_text("old export")
    code, msg, _ = cli(capsys, "notes", "export", "--out", str(target))
    assert code == 0 and "wrote 1 note to" in msg
    assert target.read_text(encoding="utf-8") == out
    assert [p.name for p in target.parent.iterdir()] == ["notes.md"]  # no temp file left


def test_cli_export_goes_through_a_temp_file_and_os_replace(capsys, tmp_path, monkeypatch):
    cli(capsys, "notes", "add", "eq:ddim.12", "the sampler")
    target = tmp_path / "notes.md"
    target.write_text("previous export")
    calls = []

    def failing_replace(src, dst):
        calls.append((Path(src), Path(dst)))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    code, _, err = cli(capsys, "notes", "export", "--out", str(target))
    assert code == 2 and "No space left on device" in err
    assert calls and calls[0][1] == target and calls[0][0].parent == tmp_path and calls[0][0] != target
    assert target.read_text() == "previous export"  # the old file is untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["notes.md", "data"])  # the temp file is gone


def test_cli_export_into_a_missing_folder_is_a_user_error(capsys, tmp_path):
    code, _, err = cli(capsys, "notes", "export", "--out", str(tmp_path / "missing" / "notes.md"))
    assert code == 2 and "no folder" in err


def test_cli_reports_a_moved_aside_database(capsys, data_dir):
    data_dir.mkdir(parents=True)
    (data_dir / FILENAME).write_bytes(b"garbage" * 500)
    code, _, err = cli(capsys, "notes", "list")
    assert code == 0 and err.startswith("paperkit: warning: ") and ".corrupt-" in err
