"""The index's tables (SQLAlchemy Core), as the newest migration leaves them.

The migrations in ``migrations/versions`` create and change the tables; this module describes
the result for queries. ``HEAD`` is the newest migration: a database stamped with a revision this
code does not know is of a newer schema and is refused, never written.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

HEAD = "0001"
KNOWN_REVISIONS = ("0001",)

metadata = MetaData()

# One row per release name: where its latest audit is, so the table page is one join.
releases = Table(
    "releases",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(300), nullable=False, unique=True),
    Column("source", String(32), nullable=False),
    Column("latest_audit_id", Integer, nullable=True),
    Column("audit_count", Integer, nullable=False, default=0),
    Column("first_audited", DateTime(timezone=True), nullable=False),
    Column("last_audited", DateTime(timezone=True), nullable=False, index=True),
    Index("ix_releases_latest", "latest_audit_id"),
)

# One row per audit of a release at a revision: the full JSON report plus what is filtered on.
audits = Table(
    "audits",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("release_id", Integer, ForeignKey("releases.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(300), nullable=False),
    Column("source", String(32), nullable=False),
    Column("target", Text, nullable=False),
    Column("revision", String(200), nullable=False),
    Column("digest", String(64), nullable=False),
    Column("audited_at", DateTime(timezone=True), nullable=False),
    Column("schema_version", String(16), nullable=False),
    Column("tool_version", String(32), nullable=False),
    Column("files", Integer, nullable=False),
    Column("open_washing", Boolean, nullable=False),
    Index("ix_audits_release", "release_id", "id"),
    Index("ix_audits_revision", "release_id", "revision"),
)

# The documents of an audit, apart: a list or a count then never reads ~50 KB rows (on SQLite a scan of
# audits holding their reports cost one page read per row: 150 ms for 5,000 releases).
reports = Table(
    "reports",
    metadata,
    Column("audit_id", Integer, ForeignKey("audits.id", ondelete="CASCADE"), primary_key=True),
    Column("report", Text, nullable=False),  # the JSON document, as render.json writes it
    Column("html", Text, nullable=True),  # the HTML report fragment, when the renderer exists
)

# Each framework's verdict of an audit.
verdicts = Table(
    "verdicts",
    metadata,
    Column("audit_id", Integer, ForeignKey("audits.id", ondelete="CASCADE"), primary_key=True),
    Column("framework", String(64), primary_key=True),
    Column("status", String(100), nullable=False),
    Column("score", Float, nullable=True),
    Column("mof_class", Integer, nullable=True),
    Index("ix_verdicts_framework_status", "framework", "status", "audit_id"),
)

# Licence ids, restriction kinds and finding kinds of an audit (kind, value).
terms = Table(
    "terms",
    metadata,
    Column("audit_id", Integer, ForeignKey("audits.id", ondelete="CASCADE"), primary_key=True),
    Column("kind", String(16), primary_key=True),
    Column("value", String(200), primary_key=True),
    Index("ix_terms_kind_value", "kind", "value", "audit_id"),
)
