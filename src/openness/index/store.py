"""The index store: SQLite by default, PostgreSQL with ``--db postgresql://...``; SQLAlchemy Core.

Opening a store runs the Alembic migrations it needs (shipped in ``migrations/``), refuses a
database of a newer schema, and maps every database failure (locked, full, unreachable, not a
database) to one ``StoreError`` line. Each audit is written in one transaction: a release's row,
the audit with its JSON report, its verdicts and terms, all or nothing.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    and_,
    create_engine,
    delete,
    event,
    func,
    insert,
    not_,
    select,
    text,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, SQLAlchemyError

from openness.errors import OpennessError, UsageError
from openness.index.query import TERM_KEYS, Filter
from openness.index.schema import HEAD, KNOWN_REVISIONS, audits, releases, reports, terms, verdicts
from openness.index.summary import Summary, summarise
from openness.render.safe import clean

SQLITE_BUSY_SECONDS = 5.0  # a writer waits this long for another writer before "locked"
MAX_PAGE = 500  # rows of one page of the list (API and web)
MAX_HISTORY = 200  # audits of one release returned by a history query
MAX_REPORT_CHARS = 64 * 1024 * 1024  # a report longer than this is refused, not stored
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class StoreError(OpennessError):
    """The index database cannot be used: locked, full, unreachable, newer or not one."""


class UnknownRelease(OpennessError):
    """No release of that name (or no audit at that revision) in the index."""


def default_url() -> str:
    """``OPENNESS_DB`` when set, else a SQLite file in the user's data directory."""
    env = os.environ.get("OPENNESS_DB")
    if env:
        return env
    import platformdirs

    return f"sqlite:///{Path(platformdirs.user_data_dir('openness')) / 'index.sqlite'}"


def _engine_url(url: str) -> Any:
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        raise UsageError(
            f"not a database URL: {clean(url[:200])!r} (sqlite:///FILE or postgresql://...)"
        ) from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.drivername != "sqlite":
            raise UsageError("sqlite URLs take no driver: sqlite:///FILE")
        return parsed
    if backend in ("postgresql", "postgres"):
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise UsageError(
                "a PostgreSQL index needs the postgres extra: pip install 'openness[postgres]'"
            ) from None
        return parsed.set(drivername="postgresql+psycopg")
    raise UsageError(f"unsupported database {clean(backend)!r}: sqlite:///FILE or postgresql://...")


def describe(exc: BaseException, shown_url: str) -> str:
    """One line for a database failure, naming what to do where it can."""
    orig = getattr(exc, "orig", None) or exc
    message = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    low = message.lower()
    if "locked" in low or "lock timeout" in low or "could not obtain lock" in low:
        return f"{shown_url}: the index database is locked by another writer (try again)"
    if "full" in low or "no space" in low or "disk quota" in low:
        return f"{shown_url}: the index database is full ({clean(message[:200])}); nothing was written"
    if "file is not a database" in low or "not a database" in low or "malformed" in low:
        return f"{shown_url}: not an openness index database ({clean(message[:200])})"
    if "unable to open" in low or "connection" in low or "could not" in low or "timeout" in low:
        return f"{shown_url}: cannot reach the index database ({clean(message[:200])})"
    if "readonly" in low or "read-only" in low:
        return f"{shown_url}: the index database is read-only ({clean(message[:200])})"
    return f"{shown_url}: index database error ({clean(message[:200])})"


@dataclass(frozen=True)
class AddResult:
    name: str
    revision: str
    added: bool  # False: the latest audit already has this revision (a no-op)
    audit_id: int


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:  # SQLite keeps no zone: the store writes UTC only
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class Store:
    def __init__(self, url: str | None = None, *, create: bool = True) -> None:
        raw = url or default_url()
        self.url = _engine_url(raw)
        self.shown = clean(make_url(raw).render_as_string(hide_password=True))  # as the user wrote it
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        if self.is_sqlite:
            database = self.url.database or ""
            if database in ("", ":memory:"):
                raise UsageError("the index needs a SQLite file (sqlite:///FILE), not an in-memory database")
            folder = Path(database).expanduser().parent
            if url is None and not os.environ.get("OPENNESS_DB"):
                folder.mkdir(parents=True, exist_ok=True)  # the default place: created on first use
            elif not folder.is_dir():
                raise StoreError(f"{self.shown}: folder {clean(str(folder))} does not exist")
            if not create and not Path(database).expanduser().exists():  # connecting would create it
                raise StoreError(f"{self.shown}: no openness index there (run 'openness index add' first)")
            self.engine: Engine = create_engine(
                self.url, connect_args={"timeout": SQLITE_BUSY_SECONDS}, pool_pre_ping=False
            )
            _sqlite_events(self.engine)
        else:
            self.engine = create_engine(
                self.url, connect_args={"connect_timeout": 5}, pool_pre_ping=True, pool_size=5
            )
        with self._errors():
            self._migrate(create)

    # ------------------------------------------------------------------ connection plumbing

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except SQLAlchemyError as exc:
            raise StoreError(describe(exc, self.shown)) from exc
        except OSError as exc:
            raise StoreError(describe(exc, self.shown)) from exc

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction (``BEGIN IMMEDIATE`` on SQLite: a writer waits for the lock at
        the start, never half-way through)."""
        with self._errors(), self.engine.connect() as conn:
            conn = conn.execution_options(sqlite_immediate=True)
            with conn.begin():
                yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self._errors(), self.engine.connect() as conn, conn.begin():
            yield conn

    def close(self) -> None:
        self.engine.dispose()

    def _current_revision(self, conn: Connection) -> str | None:
        from sqlalchemy import inspect

        if not inspect(conn).has_table("alembic_version"):
            return None
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
        return None if row is None else str(row[0])

    def _migrate(self, create: bool) -> None:
        with self.engine.connect() as conn:
            current = self._current_revision(conn)
            conn.rollback()
        if current == HEAD:
            return
        if current is not None and current not in KNOWN_REVISIONS:
            raise StoreError(
                f"{self.shown}: the index database has schema revision {clean(current[:40])!r}, newer than "
                "this openness knows (upgrade openness); nothing was changed"
            )
        if current is None and not create:
            raise StoreError(f"{self.shown}: no openness index there (run 'openness index add' first)")
        if current is None:
            with self.engine.connect() as conn:
                from sqlalchemy import inspect

                foreign = [t for t in inspect(conn).get_table_names() if t != "alembic_version"]
                conn.rollback()
            if foreign:
                raise StoreError(
                    f"{self.shown}: the database holds other tables ({clean(', '.join(foreign[:5]))}); "
                    "not an openness index"
                )
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.connect() as conn:
            conn = conn.execution_options(sqlite_immediate=True)
            with conn.begin():
                config.attributes["connection"] = conn
                command.upgrade(config, "head")

    # ------------------------------------------------------------------ writing

    def add(self, document: str, *, html: str | None = None, name: str | None = None) -> AddResult:
        """Store one audit (the JSON document ``render_json`` wrote), unless the release's latest
        audit is of the same revision: then nothing changes (a no-op, ``added`` False)."""
        if len(document) > MAX_REPORT_CHARS:
            raise StoreError(f"report longer than {MAX_REPORT_CHARS >> 20} M characters; not stored")
        parsed = json.loads(document)
        summary = summarise(parsed, name=name)
        for attempt in range(2):
            try:
                return self._add(summary, parsed, document, html)
            except StoreError as exc:
                # Two writers creating the same new release at once: the loser retries, once.
                if attempt == 0 and isinstance(exc.__cause__, IntegrityError):
                    continue
                raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _add(self, s: Summary, parsed: dict[str, Any], document: str, html: str | None) -> AddResult:
        now = datetime.now(UTC)
        with self._write() as conn:
            row = conn.execute(
                select(releases.c.id, releases.c.latest_audit_id)
                .where(releases.c.name == s.name)
                .with_for_update()
            ).first()
            if row is not None and row.latest_audit_id is not None:
                latest = conn.execute(
                    select(audits.c.id, audits.c.revision).where(audits.c.id == row.latest_audit_id)
                ).first()
                if latest is not None and latest.revision == s.revision:
                    return AddResult(s.name, s.revision, False, latest.id)
            if row is None:
                release_id = conn.execute(
                    insert(releases).values(
                        name=s.name, source=s.source, audit_count=0, first_audited=now, last_audited=now
                    )
                ).inserted_primary_key[0]  # type: ignore[index]
            else:
                release_id = row.id
            tool = parsed.get("tool") or {}
            audit_id = conn.execute(
                insert(audits).values(
                    release_id=release_id,
                    name=s.name,
                    source=s.source,
                    target=s.target,
                    revision=s.revision,
                    digest=s.digest,
                    audited_at=now,
                    schema_version=str(parsed.get("schema_version", ""))[:16],
                    tool_version=str(tool.get("version", ""))[:32],
                    files=s.files,
                    open_washing=s.open_washing,
                )
            ).inserted_primary_key[0]  # type: ignore[index]
            conn.execute(insert(reports).values(audit_id=audit_id, report=document, html=html))
            if s.verdicts:
                conn.execute(
                    insert(verdicts),
                    [
                        {"audit_id": audit_id, "framework": v.framework, "status": v.status,
                         "score": v.score, "mof_class": v.mof_class}
                        for v in s.verdicts
                    ],
                )
            if s.terms:
                conn.execute(
                    insert(terms), [{"audit_id": audit_id, "kind": k, "value": v} for k, v in s.terms]
                )
            conn.execute(
                update(releases)
                .where(releases.c.id == release_id)
                .values(
                    latest_audit_id=audit_id,
                    source=s.source,
                    audit_count=releases.c.audit_count + 1,
                    last_audited=now,
                )
            )
            return AddResult(s.name, s.revision, True, int(audit_id))

    def remove(self, name: str) -> None:
        """Drop a release and its audits (tests and clean-ups; no command exposes it yet)."""
        with self._write() as conn:
            row = conn.execute(select(releases.c.id).where(releases.c.name == name)).first()
            if row is None:
                raise UnknownRelease(f"no release named {clean(name[:300])!r} in the index")
            ids = select(audits.c.id).where(audits.c.release_id == row.id)
            conn.execute(delete(verdicts).where(verdicts.c.audit_id.in_(ids)))
            conn.execute(delete(terms).where(terms.c.audit_id.in_(ids)))
            conn.execute(delete(reports).where(reports.c.audit_id.in_(ids)))
            conn.execute(delete(audits).where(audits.c.release_id == row.id))
            conn.execute(delete(releases).where(releases.c.id == row.id))

    # ------------------------------------------------------------------ reading

    def _conditions(self, filters: Sequence[Filter], search: str | None) -> list[Any]:
        """Conditions on ``releases`` alone (its latest audit's id, source and name): a count needs no
        join, and each filter is one pass over an index (``latest_audit_id IN (ids from the index)``)
        rather than a subquery per release."""
        latest = releases.c.latest_audit_id
        out: list[Any] = []
        for f in filters:
            if f.key in TERM_KEYS:
                cond: Any = latest.in_(
                    select(terms.c.audit_id).where(and_(terms.c.kind == f.key, terms.c.value == f.value))
                )
            elif f.key == "source":
                cond = releases.c.source == f.value
            elif f.key == "open-washing":
                cond = latest.in_(select(audits.c.id).where(audits.c.open_washing.is_(True)))
                if f.value == "no":
                    cond = not_(cond)
            else:
                cond = latest.in_(
                    select(verdicts.c.audit_id).where(
                        and_(verdicts.c.framework == f.key, verdicts.c.status == f.value)
                    )
                )
            out.append(not_(cond) if f.negate else cond)
        if search:
            escaped = re.sub(r"([\\%_])", r"\\\1", search.lower())
            out.append(func.lower(releases.c.name).like(f"%{escaped}%", escape="\\"))
        return out

    def query(
        self,
        filters: Sequence[Filter] = (),
        *,
        search: str | None = None,
        sort: str = "name",
        descending: bool = False,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[int, list[dict[str, Any]]]:
        """The releases (latest audit each) that pass every filter: (total, one page of rows)."""
        limit = max(1, min(limit, MAX_PAGE))
        offset = max(0, offset)
        a = audits
        base = select(
            releases.c.name, releases.c.audit_count, releases.c.last_audited, releases.c.first_audited,
            a.c.id, a.c.source, a.c.revision, a.c.open_washing, a.c.audited_at, a.c.files,
        ).join(a, a.c.id == releases.c.latest_audit_id)
        counting = select(func.count()).select_from(releases)
        conds = self._conditions(filters, search)
        if conds:
            base = base.where(and_(*conds))
            counting = counting.where(and_(*conds))
        if sort == "name":
            key: Any = releases.c.name
        elif sort == "audited":
            key = releases.c.last_audited
        elif sort == "source":
            key = a.c.source
        elif sort == "revision":
            key = a.c.revision
        else:
            key = (
                select(verdicts.c.status)
                .where(and_(verdicts.c.audit_id == a.c.id, verdicts.c.framework == sort))
                .scalar_subquery()
            )
        order = [key.desc() if descending else key.asc(), releases.c.name.asc()]
        with self._read() as conn:
            total = conn.execute(counting).scalar_one()
            rows = conn.execute(base.order_by(*order).limit(limit).offset(offset)).all()
            details = self._details(conn, [r.id for r in rows])
        out = []
        for r in rows:
            item = {
                "name": r.name,
                "source": r.source,
                "revision": r.revision,
                "audited_at": _iso(r.audited_at),
                "first_audited": _iso(r.first_audited),
                "audits": r.audit_count,
                "files": r.files,
                "open_washing": bool(r.open_washing),
            }
            item.update(details.get(r.id, _empty_details()))
            out.append(item)
        return int(total), out

    def _details(self, conn: Connection, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        out: dict[int, dict[str, Any]] = {i: _empty_details() for i in ids}
        if not ids:
            return out
        for v in conn.execute(select(verdicts).where(verdicts.c.audit_id.in_(ids))):
            out[v.audit_id]["verdicts"][v.framework] = {
                "status": v.status, "score": v.score, "class": v.mof_class,
            }
        for t in conn.execute(
            select(terms).where(terms.c.audit_id.in_(ids)).order_by(terms.c.kind, terms.c.value)
        ):
            out[t.audit_id][_PLURAL[t.kind]].append(t.value)
        return out

    def facets(self) -> dict[str, list[str]]:
        """Every (framework -> statuses) and (term kind -> values) seen, for the filter choices."""
        out: dict[str, list[str]] = {}
        with self._read() as conn:
            for fw, status in conn.execute(
                select(verdicts.c.framework, verdicts.c.status).distinct().order_by(
                    verdicts.c.framework, verdicts.c.status)
            ):
                out.setdefault(fw, []).append(status)
            for kind, value in conn.execute(
                select(terms.c.kind, terms.c.value).distinct().order_by(terms.c.kind, terms.c.value)
            ):
                out.setdefault(kind, []).append(value)
            sources = conn.execute(select(releases.c.source).distinct().order_by(releases.c.source))
            out["source"] = [s for (s,) in sources]
        return out

    def stamp(self) -> tuple[int, int]:
        """(newest audit id, release count): changes whenever an audit is added or a release removed
        (caches key on it)."""
        with self._read() as conn:
            newest = conn.execute(select(func.max(audits.c.id))).scalar()
            count = conn.execute(select(func.count()).select_from(releases)).scalar()
        return int(newest or 0), int(count or 0)

    def _audit_rows(self, conn: Connection, name: str, limit: int) -> list[Any]:
        rel = conn.execute(select(releases.c.id).where(releases.c.name == name)).first()
        if rel is None:
            raise UnknownRelease(f"no release named {clean(name[:300])!r} in the index")
        return list(
            conn.execute(
                _with_documents()
                .where(audits.c.release_id == rel.id)
                .order_by(audits.c.id.desc())
                .limit(limit)
            )
        )

    def get(self, name: str, revision: str | None = None) -> dict[str, Any]:
        """The latest audit of ``name`` (or the one at ``revision``, a prefix will do), with its
        report document and HTML fragment."""
        with self._read() as conn:
            rows = self._audit_rows(conn, name, MAX_HISTORY)
            if revision:
                chosen = [r for r in rows if r.revision == revision] or [
                    r for r in rows if r.revision.startswith(revision)
                ]
                if not chosen:
                    raise UnknownRelease(
                        f"release {clean(name[:300])!r} has no audit at revision {clean(revision[:200])!r}"
                    )
                row = chosen[0]
            else:
                row = rows[0]
            details = self._details(conn, [row.id])[row.id]
        return _audit_dict(row, details, with_report=True)

    def history(self, name: str, limit: int = MAX_HISTORY) -> list[dict[str, Any]]:
        """Audits of ``name``, newest first, each with what changed since the one before it."""
        limit = max(1, min(limit, MAX_HISTORY))
        with self._read() as conn:
            rows = self._audit_rows(conn, name, limit + 1)
            details = self._details(conn, [r.id for r in rows])
        items = [_audit_dict(r, details[r.id], with_report=True) for r in rows]
        for newer, older in itertools.pairwise(items):
            newer["changes"] = diff(older, newer)
        if items:
            items[-1]["changes"] = None  # the first audit (or the one before the page: not shown)
        for item in items:
            item.pop("report", None)
            item.pop("html", None)
        return items[:limit]

    def iter_audits(self, *, latest_only: bool = True, batch: int = 200) -> Iterator[dict[str, Any]]:
        """Every audit (or each release's latest), with its report, for export; read in batches."""
        last = 0
        while True:
            with self._read() as conn:
                stmt = _with_documents().where(audits.c.id > last).order_by(audits.c.id).limit(batch)
                if latest_only:
                    stmt = stmt.where(audits.c.id.in_(select(releases.c.latest_audit_id)))
                rows = list(conn.execute(stmt))
                details = self._details(conn, [r.id for r in rows])
            if not rows:
                return
            for r in rows:
                yield _audit_dict(r, details[r.id], with_report=True)
            last = rows[-1].id


def _with_documents() -> Any:
    return select(audits, reports.c.report, reports.c.html).join(reports, reports.c.audit_id == audits.c.id)


_PLURAL = {"license": "licenses", "restriction": "restrictions", "finding": "findings"}


def _empty_details() -> dict[str, Any]:
    return {"verdicts": {}, "licenses": [], "restrictions": [], "findings": []}


def _audit_dict(row: Any, details: dict[str, Any], *, with_report: bool) -> dict[str, Any]:
    d: dict[str, Any] = {
        "id": row.id,
        "name": row.name,
        "source": row.source,
        "target": row.target,
        "revision": row.revision,
        "audited_at": _iso(row.audited_at),
        "tool_version": row.tool_version,
        "schema_version": row.schema_version,
        "files": row.files,
        "open_washing": bool(row.open_washing),
        **details,
    }
    if with_report:
        d["report"] = json.loads(row.report)
        d["html"] = row.html
    return d


def _files(report: dict[str, Any] | None) -> dict[str, tuple[Any, Any]]:
    items = ((report or {}).get("inventory") or {}).get("items") or []
    return {str(i.get("path")): (i.get("size"), i.get("sha256")) for i in items if isinstance(i, dict)}


MAX_DIFF_FILES = 200  # file paths listed per change kind in one diff


def diff(older: dict[str, Any], newer: dict[str, Any]) -> dict[str, Any]:
    """What changed from one audit to another: verdicts, licences, restrictions, findings, files."""
    verdict_changes = {}
    for fw in sorted(set(older["verdicts"]) | set(newer["verdicts"])):
        before = (older["verdicts"].get(fw) or {}).get("status")
        after = (newer["verdicts"].get(fw) or {}).get("status")
        if before != after:
            verdict_changes[fw] = {"from": before, "to": after}
    out: dict[str, Any] = {"verdicts": verdict_changes}
    for key in ("licenses", "restrictions", "findings"):
        a, b = set(older[key]), set(newer[key])
        out[key] = {"added": sorted(b - a), "removed": sorted(a - b)}
    fa, fb = _files(older.get("report")), _files(newer.get("report"))
    out["files"] = {
        "added": sorted(set(fb) - set(fa))[:MAX_DIFF_FILES],
        "removed": sorted(set(fa) - set(fb))[:MAX_DIFF_FILES],
        "changed": sorted(p for p in set(fa) & set(fb) if fa[p] != fb[p])[:MAX_DIFF_FILES],
    }
    return out


def _sqlite_events(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy's begin event below opens transactions
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_SECONDS * 1000)}")
            # Readers (the web page) never wait for a writer; a read-only folder keeps the old journal.
            with contextlib.suppress(Exception):
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("sqlite_immediate")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
