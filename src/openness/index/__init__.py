"""The openness index: every audited release, with its history, in a SQL store (issue 15).

Nothing here is imported by ``openness audit``: SQLAlchemy, Alembic, FastAPI and Ray load only in
the ``index`` and ``serve`` commands, so the audit's start-up stays what it was.
"""
