"""Alembic environment: run on the connection the store hands over (``attributes['connection']``);
the index never reads alembic.ini nor builds its own engine here."""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None)
with context.begin_transaction():
    context.run_migrations()
