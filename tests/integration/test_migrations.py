"""Models and migrations agree, and migrations run down and up again, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from tongban.adapters.db import migrate
from tongban.adapters.db.migrate import include_name
from tongban.adapters.db.models import Base
from tongban.adapters.db.unit_of_work import Database


def _diff(conn: Connection) -> list[object]:
    context = MigrationContext.configure(conn, opts={"include_name": include_name})
    return list(compare_metadata(context, Base.metadata))


def test_models_match_the_migrations(db: Database) -> None:
    with db.engine.connect() as conn:
        assert _diff(conn) == []


def test_downgrade_to_base_and_upgrade_again(db: Database) -> None:
    migrate.downgrade(db.engine, "base")
    migrate.upgrade(db.engine)
    with db.engine.connect() as conn:
        assert _diff(conn) == []
