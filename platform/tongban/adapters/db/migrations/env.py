"""Alembic environment: the engine comes from ``config.attributes['engine']``."""

from __future__ import annotations

from alembic import context

from tongban.adapters.db.migrate import include_name
from tongban.adapters.db.models import Base

config = context.config
engine = config.attributes["engine"]


with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # the owner is held by row-level security too (migration 0010): a migration
            # reads and writes every tenant's rows
            connection.exec_driver_sql("SELECT set_config('tongban.scope', 'platform', true)")
        context.run_migrations()
    connection.commit()
