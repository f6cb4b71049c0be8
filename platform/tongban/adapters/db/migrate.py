"""Alembic, driven from code: ``upgrade(engine)`` brings any database to the head revision."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

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


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)
