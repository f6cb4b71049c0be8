"""Alembic, driven from code: ``upgrade(engine)`` brings any database to the head revision."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import NullPool

MIGRATIONS = Path(__file__).with_name("migrations")


def include_name(name: str | None, type_: str, _parent_names: object) -> bool:
    """Flask-AppBuilder owns its ab_* security tables and creates them itself."""
    return not (type_ == "table" and name is not None and name.startswith("ab_"))


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def upgrade_as_owner(url: str, engine: Engine, role: str | None) -> None:
    """Migrate the database the application's ``engine`` uses. When the application runs as
    a restricted role (``TONGBAN_DATABASE_ROLE``), the migration runs as the login itself,
    which owns the tables, on an engine of its own."""
    if not role:
        upgrade(engine)
        return
    owner = create_engine(url, poolclass=NullPool)
    try:
        upgrade(owner)
    finally:
        owner.dispose()


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)


def current_revision(url: str) -> str | None:
    """The revision the database at ``url`` was migrated to; None when Alembic never ran on
    it (an empty database, or someone else's). Only reads, on a plain connection without
    Tongban's SQLite pragmas (WAL would write a header into an empty file)."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
