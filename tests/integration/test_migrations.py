"""Models and migrations agree, and migrations run down and up again, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tongban.adapters.db import migrate
from tongban.adapters.db.models import Base
from tongban.adapters.db.unit_of_work import Database


def test_models_match_the_migrations(db: Database) -> None:
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_downgrade_to_base_and_upgrade_again(db: Database) -> None:
    migrate.downgrade(db.engine, "base")
    migrate.upgrade(db.engine)
    with db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
