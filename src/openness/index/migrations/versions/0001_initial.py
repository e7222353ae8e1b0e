"""The first schema: releases, audits, their reports (JSON and HTML), verdicts, terms.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "releases",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(300), nullable=False, unique=True),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("latest_audit_id", sa.Integer, nullable=True),
        sa.Column("audit_count", sa.Integer, nullable=False),
        sa.Column("first_audited", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_audited", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_releases_last_audited", "releases", ["last_audited"])
    op.create_index("ix_releases_latest", "releases", ["latest_audit_id"])
    op.create_table(
        "audits",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("release_id", sa.Integer, sa.ForeignKey("releases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("revision", sa.String(200), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("audited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("schema_version", sa.String(16), nullable=False),
        sa.Column("tool_version", sa.String(32), nullable=False),
        sa.Column("files", sa.Integer, nullable=False),
        sa.Column("open_washing", sa.Boolean, nullable=False),
    )
    op.create_index("ix_audits_release", "audits", ["release_id", "id"])
    op.create_index("ix_audits_revision", "audits", ["release_id", "revision"])
    op.create_table(
        "reports",
        sa.Column("audit_id", sa.Integer, sa.ForeignKey("audits.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("report", sa.Text, nullable=False),
        sa.Column("html", sa.Text, nullable=True),
    )
    op.create_table(
        "verdicts",
        sa.Column("audit_id", sa.Integer, sa.ForeignKey("audits.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("framework", sa.String(64), primary_key=True),
        sa.Column("status", sa.String(100), nullable=False),
        sa.Column("score", sa.Float, nullable=True),
        sa.Column("mof_class", sa.Integer, nullable=True),
    )
    op.create_index("ix_verdicts_framework_status", "verdicts", ["framework", "status", "audit_id"])
    op.create_table(
        "terms",
        sa.Column("audit_id", sa.Integer, sa.ForeignKey("audits.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("value", sa.String(200), primary_key=True),
    )
    op.create_index("ix_terms_kind_value", "terms", ["kind", "value", "audit_id"])


def downgrade() -> None:
    op.drop_table("terms")
    op.drop_table("verdicts")
    op.drop_table("reports")
    op.drop_table("audits")
    op.drop_table("releases")
