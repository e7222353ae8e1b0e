"""Helpers of the index's tests (tests/test_index*.py, tests/test_web*.py): a fresh database per
test on SQLite and, when ``.ci/run`` started one (``OPENNESS_TEST_POSTGRES``), on PostgreSQL;
Debian's chromium for the browser tests. In CI (``CI`` set) a missing server or browser fails."""

from __future__ import annotations

import json
import os
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import browser

BACKENDS = ("sqlite", "postgres")


def _missing(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required in CI (.ci/run provides it)")
    pytest.skip(f"{what} is not available here")


@contextmanager
def database(backend: str, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database: a SQLite file in ``tmp_path``, or a fresh schema of the test
    PostgreSQL server (dropped afterwards), so tests never see each other's rows."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'index.sqlite'}"
        return
    base = os.environ.get("OPENNESS_TEST_POSTGRES")
    if not base:
        _missing("OPENNESS_TEST_POSTGRES (a PostgreSQL server)")
        return
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options={quote('-csearch_path=' + schema)}"
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def chromium_path() -> str:
    """Debian's chromium (``scripts/browser.py`` says where), or skip / fail in CI."""
    path = browser.chromium_path()
    if not os.access(path, os.X_OK):
        _missing(f"chromium ({path}; apt-get install chromium, or set OPENNESS_TEST_CHROMIUM)")
    return path


CHROMIUM_ARGS = list(browser.CHROMIUM_ARGS)


def audit_document(target: Path | str) -> tuple[str, str | None]:
    """The JSON report (and HTML fragment) of one real audit, as `index add` stores them."""
    from openness.index.engine import Job, audit_job

    outcome = audit_job(Job(str(target)))
    assert outcome.document is not None, outcome.error
    return outcome.document, outcome.html


def with_changes(document: str, **changes: object) -> str:
    """A copy of a report document with top-level keys replaced (a different audit of a release)."""
    d = json.loads(document)
    d.update(changes)
    return json.dumps(d)
