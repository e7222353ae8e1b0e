"""The index store and `openness index add|list|show|export`, on SQLite and on PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from index_fixtures import BACKENDS, audit_document, database, with_changes
from openness.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
TINY = EXAMPLES / "tiny-open-lm"
OPENWASHED = EXAMPLES / "openwashed-lm"


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path):
    with database(request.param, tmp_path) as url:
        yield url


@pytest.fixture(scope="module")
def docs() -> dict[str, tuple[str, str | None]]:
    return {"tiny": audit_document(TINY), "openwashed": audit_document(OPENWASHED)}


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def store(url: str):
    from openness.index.store import Store

    return Store(url)


# --------------------------------------------------------------------------- the store


def test_reaudit_of_an_unchanged_revision_is_a_noop_and_a_change_adds_history(db, docs) -> None:
    s = store(db)
    try:
        first = s.add(docs["tiny"][0])
        again = s.add(docs["tiny"][0])
        assert first.added and not again.added and again.audit_id == first.audit_id
        changed = json.loads(docs["tiny"][0])
        changed["evidence"]["licenses"][0]["matches"][0]["id"] = "MIT"
        changed["inventory"]["items"].append({"path": "NEW.md", "role": "documentation", "size": 3})
        second = s.add(json.dumps(changed))
        assert second.added and second.revision != first.revision
        total, items = s.query()
        assert total == 1 and items[0]["audits"] == 2 and items[0]["revision"] == second.revision
        history = s.history("tiny-open-lm")
        assert [h["revision"] for h in history] == [second.revision, first.revision]
        assert history[0]["changes"]["licenses"]["added"] == ["MIT"]
        assert history[0]["changes"]["files"]["added"] == ["NEW.md"]
        assert history[1]["changes"] is None
        assert s.get("tiny-open-lm", first.revision)["revision"] == first.revision
    finally:
        s.close()


def test_filters_sort_search_and_pages(db, docs) -> None:
    from openness.index.query import parse_filters

    s = store(db)
    try:
        s.add(docs["tiny"][0])
        s.add(docs["openwashed"][0])
        for i in range(5):
            s.add(docs["tiny"][0], name=f"copy-{i}")
        total, items = s.query(parse_filters(["osaid=not-open-source-ai"]))
        assert total == 1 and items[0]["name"] == "openwashed-lm" and items[0]["open_washing"]
        total, _ = s.query(parse_filters(["osaid!=not-open-source-ai", "license=Apache-2.0"]))
        assert total == 6
        assert s.query(parse_filters(["open-washing=yes"]))[0] == 1
        assert s.query(parse_filters(["finding=open-washing"]))[0] == 1
        assert s.query(search="COPY-")[0] == 5
        assert s.query(search="%")[0] == 0  # LIKE wildcards are escaped: a search is literal text
        total, page = s.query(sort="name", descending=True, limit=2, offset=1)
        assert total == 7 and [i["name"] for i in page] == ["openwashed-lm", "copy-4"]
        _, by_verdict = s.query(sort="osaid")
        assert by_verdict[-1]["name"] == "openwashed-lm" or by_verdict[0]["name"] == "openwashed-lm"
    finally:
        s.close()


def test_a_failed_write_leaves_nothing_half_written(tmp_path, docs) -> None:
    """One transaction per audit: a database that fills up mid-write keeps no part of the audit."""
    from sqlalchemy import event, func, select

    from openness.index.schema import audits, releases, terms, verdicts
    from openness.index.store import Store, StoreError

    s = Store(f"sqlite:///{tmp_path / 'full.sqlite'}")
    s.add(docs["openwashed"][0])
    with s.engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
    s.engine.dispose()

    @event.listens_for(s.engine, "connect")
    def _cap(dbapi_connection, _record) -> None:  # the disk is "full" one page later
        dbapi_connection.execute(f"PRAGMA max_page_count={int(pages) + 1}")

    big = json.loads(docs["tiny"][0])
    big["notes"] = [{"message": "x" * 4000}] * 50
    with pytest.raises(StoreError, match="full"):
        s.add(json.dumps(big))
    with s.engine.connect() as conn:
        counts = [conn.execute(select(func.count()).select_from(t)).scalar() for t in
                  (releases, audits, verdicts, terms)]
    assert counts[0] == 1 and counts[1] == 1  # only the first release's audit
    s.close()


def test_migrations_match_the_tables_the_code_queries(tmp_path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.config import Config
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from openness.index.schema import HEAD, metadata
    from openness.index.store import MIGRATIONS, Store

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD
    s = Store(f"sqlite:///{tmp_path / 'm.sqlite'}")
    with s.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    s.close()
    assert diffs == []


# --------------------------------------------------------------------------- the commands


def test_index_add_list_show_export(db, capsys, tmp_path) -> None:
    code, out, err = cli(capsys, "index", "add", "--db", db, str(TINY), str(OPENWASHED), "--jobs", "1")
    assert code == 0, err
    assert "added tiny-open-lm" in out and "added openwashed-lm" in out
    code, out, _ = cli(capsys, "index", "add", "--db", db, str(TINY))
    assert code == 0 and "unchanged tiny-open-lm" in out

    code, out, _ = cli(capsys, "index", "--db", db, "list", "--where", "osaid=not-open-source-ai")
    assert code == 0 and "openwashed-lm" in out and "tiny-open-lm" not in out
    code, out, _ = cli(capsys, "index", "list", "--db", db, "--format", "json", "--sort=-name")
    listed = json.loads(out)
    assert listed["total"] == 2
    assert [r["name"] for r in listed["releases"]] == ["tiny-open-lm", "openwashed-lm"]
    code, out, _ = cli(capsys, "index", "list", "--db", db, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["name"] for r in rows} == {"tiny-open-lm", "openwashed-lm"}

    code, out, _ = cli(capsys, "index", "show", "--db", db, "openwashed-lm")
    assert code == 0 and "not-open-source-ai" in out
    code, out, _ = cli(capsys, "index", "show", "--db", db, "tiny-open-lm", "--format", "json")
    assert json.loads(out)["assessments"]["osaid"]["status"] == "open-source-ai"

    # the release changes: a new audit, with what changed in its history
    copy = tmp_path / "tiny-open-lm"
    shutil.copytree(TINY, copy)
    (copy / "NOTES.md").write_text("# Notes\n\nA new file.\n")
    code, out, _ = cli(capsys, "index", "add", "--db", db, str(copy))
    assert code == 0 and "added tiny-open-lm" in out
    code, out, _ = cli(capsys, "index", "show", "--db", db, "tiny-open-lm", "--history")
    assert code == 0 and "files added: NOTES.md" in out and "first audit" in out

    code, out, _ = cli(capsys, "index", "export", "--db", db, "--format", "jsonl")
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == 2 and all("report" in line for line in lines)
    code, out, _ = cli(capsys, "index", "export", "--db", db, "--format", "jsonl", "--all")
    assert len(out.splitlines()) == 3
    target = tmp_path / "index.parquet"
    code, _, err = cli(capsys, "index", "export", "--db", db, "--format", "parquet", "-o", str(target))
    assert code == 0, err
    import pyarrow.parquet as pq

    table = pq.read_table(target)
    assert table.num_rows == 2 and "osaid_status" in table.column_names


def test_index_add_in_worker_processes(tmp_path, capsys) -> None:
    db = f"sqlite:///{tmp_path / 'p.sqlite'}"
    listing = tmp_path / "releases.txt"
    listing.write_text(f"{TINY}\n{OPENWASHED}\n{tmp_path / 'missing'}\n")
    code, out, err = cli(capsys, "index", "add", "--db", db, "--from-file", str(listing), "--jobs", "2")
    assert code == 2  # one release could not be audited: said, and the others stored
    assert "added tiny-open-lm" in out and "added openwashed-lm" in out
    assert "missing" in err and "2 added, 0 unchanged, 1 failed" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["list", "--where", "osaid"], "malformed filter 'osaid'"),
        (["list", "--where", "colour=red"], "unknown key"),
        (["list", "--where", "osaid=\x1b[2J"], "printable"),
        (["list", "--sort", "evil; DROP TABLE audits"], "unknown sort key"),
        (["show", "no-such-release"], "no release named 'no-such-release'"),
        (["show", "tiny-open-lm", "--revision", "nope"], "no audit at revision 'nope'"),
        (["export", "--format", "parquet"], "give --output FILE"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(db, capsys, docs, argv, message) -> None:
    s = store(db)
    s.add(docs["tiny"][0])
    s.close()
    action, *rest = argv
    code, _, err = cli(capsys, "index", action, "--db", db, *rest)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1 and "\x1b" not in err


def test_a_database_of_a_newer_schema_is_refused_untouched(tmp_path, capsys, docs) -> None:
    path = tmp_path / "newer.sqlite"
    s = store(f"sqlite:///{path}")
    s.add(docs["tiny"][0])
    s.close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    before = path.read_bytes()
    code, _, err = cli(capsys, "index", "add", "--db", f"sqlite:///{path}", str(OPENWASHED))
    assert code == 2 and "newer than this openness knows" in err
    code, _, err = cli(capsys, "index", "list", "--db", f"sqlite:///{path}")
    assert code == 2 and "9999_future" in err
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM audits").fetchone() == (1,)
    assert len(before) == len(path.read_bytes())


def test_a_locked_database_is_one_line(tmp_path, capsys, monkeypatch, docs) -> None:
    from openness.index import store as store_module

    monkeypatch.setattr(store_module, "SQLITE_BUSY_SECONDS", 0.2)
    path = tmp_path / "locked.sqlite"
    store(f"sqlite:///{path}").close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        code, _, err = cli(capsys, "index", "add", "--db", f"sqlite:///{path}", str(TINY))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 2 and "locked" in err and len(err.strip().splitlines()) <= 2  # + the summary line
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM audits").fetchone() == (0,)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgresql://openness@127.0.0.1:1/none", "cannot reach the index database"),
        ("sqlite:////nonexistent-folder/x.sqlite", "does not exist"),
        ("mysql://x/y", "unsupported database 'mysql'"),
        ("::not a url", "not a database URL"),
    ],
)
def test_unusable_databases_are_one_line(capsys, url, message) -> None:
    code, _, err = cli(capsys, "index", "list", "--db", url)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_a_file_that_is_not_a_database(tmp_path, capsys) -> None:
    path = tmp_path / "x.sqlite"
    path.write_bytes(b"not a database at all" * 100)
    code, _, err = cli(capsys, "index", "list", "--db", f"sqlite:///{path}")
    assert code == 2 and "not an openness index database" in err
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER)")
    code, _, err = cli(capsys, "index", "add", "--db", f"sqlite:///{other}", str(TINY))
    assert code == 2 and "holds other tables" in err
    code, _, err = cli(capsys, "index", "list", "--db", f"sqlite:///{tmp_path / 'new.sqlite'}")
    assert code == 2 and "no openness index there" in err and not (tmp_path / "new.sqlite").exists()


def test_missing_extras_name_the_extra(monkeypatch, capsys, tmp_path) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    code, _, err = cli(capsys, "index", "list", "--db", "postgresql://x@127.0.0.1/y")
    assert code == 2 and "pip install 'openness[postgres]'" in err
    monkeypatch.setitem(sys.modules, "ray", None)
    code, _, err = cli(capsys, "index", "add", "--db", f"sqlite:///{tmp_path / 'r.sqlite'}",
                       "--engine", "ray", str(TINY))
    assert code == 2 and "pip install 'openness[ray]'" in err
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    code, _, err = cli(capsys, "index", "export", "--db", f"sqlite:///{tmp_path / 'r.sqlite'}",
                       "--format", "parquet", "-o", str(tmp_path / "x.parquet"))
    assert code == 2 and "pip install 'openness[parquet]'" in err


def test_hostile_release_text_is_escaped_in_every_output(db, capsys, docs, tmp_path) -> None:
    evil = "evil\x1b[2J\u202eowned<script>alert(1)</script>"
    doc = json.loads(docs["tiny"][0])
    doc["evidence"]["licenses"][0]["matches"][0]["id"] = "=HYPERLINK(\"http://x\")"
    s = store(db)
    s.add(json.dumps(doc), name=evil)
    s.close()
    for fmt in ("table", "csv", "json"):
        code, out, _ = cli(capsys, "index", "list", "--db", db, "--format", fmt)
        assert code == 0 and "\x1b" not in out and "\u202e" not in out and "<script" not in out
    code, out, _ = cli(capsys, "index", "list", "--db", db, "--format", "csv")
    row = next(csv.DictReader(io.StringIO(out)))
    assert row["licenses"].startswith("'=HYPERLINK")  # a spreadsheet shows it, never runs it
    code, out, _ = cli(capsys, "index", "show", "--db", db, evil)
    assert code == 0 and "\x1b" not in out and "\\x1b" in out


def test_audit_does_not_import_the_index_stack() -> None:
    code = (
        "import sys\nfrom openness.cli import main\n"
        f"rc = main(['audit', {str(TINY)!r}, '-f', 'json', '-o', '/dev/null'])\n"
        "heavy = [m for m in ('sqlalchemy', 'alembic', 'fastapi', 'uvicorn', 'ray', 'starlette') "
        "if m in sys.modules]\n"
        "print(rc, heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() in ("0 []", "1 []"), out.stdout + out.stderr


def test_get_and_history_of_an_unknown_release(db) -> None:
    from openness.index.store import UnknownRelease

    s = store(db)
    try:
        with pytest.raises(UnknownRelease):
            s.get("nope")
        with pytest.raises(UnknownRelease):
            s.history("nope")
        assert s.query() == (0, [])
    finally:
        s.close()


def test_with_changes_helper_keeps_documents_valid(docs) -> None:
    assert json.loads(with_changes(docs["tiny"][0], findings=[]))["findings"] == []
