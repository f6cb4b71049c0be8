"""``require_database`` / ``bootstrap_existing``: the CLI's commands on existing data refuse a
database Tongban has not made, on SQLite and PostgreSQL, and create nothing (issue 9)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tongban.adapters.db import migrate
from tongban.adapters.db.bypass import platform_unit_of_work
from tongban.adapters.db.engine import shown_url
from tongban.adapters.db.unit_of_work import Database
from tongban.bootstrap import DatabaseMissing, bootstrap_existing, require_database
from tongban.config import Settings, load_settings


def settings_for(url: str, tmp_path: Path) -> Settings:
    return load_settings({"TONGBAN_DATABASE_URL": url, "TONGBAN_VAR_DIR": str(tmp_path / "var")})


@pytest.fixture
def empty_url(db: Database, tmp_path: Path) -> Iterator[str]:
    """A new, empty database on the backend of ``db``: a 0-byte SQLite file, or a PostgreSQL
    schema of its own (the URL sets its search_path)."""
    if db.engine.dialect.name == "sqlite":
        path = tmp_path / "empty.db"
        path.touch()
        yield f"sqlite:///{path}"
        return
    schema = f"tb_empty_{uuid.uuid4().hex[:10]}"
    server = db.engine.url
    admin = create_engine(server)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = server.update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def missing_url(db: Database, tmp_path: Path) -> str:
    """A database that is not there: a SQLite file in a folder not made yet, or a
    PostgreSQL database name nobody created."""
    if db.engine.dialect.name == "sqlite":
        return f"sqlite:///{tmp_path / 'var' / 'tongban.db'}"
    name = f"tb_missing_{uuid.uuid4().hex[:10]}"
    return db.engine.url.set(database=name).render_as_string(hide_password=False)


def test_a_database_that_is_not_there_is_refused_and_not_made(
    missing_url: str, tmp_path: Path
) -> None:
    with pytest.raises(DatabaseMissing) as refused:
        require_database(settings_for(missing_url, tmp_path))
    message = refused.value.message
    assert message.startswith("没有通办数据库") and "tongban db upgrade" in message
    if make_url(missing_url).get_backend_name() == "sqlite":
        assert refused.value.data["problem"] == "not_a_file" and "文件不存在" in message
        assert not (tmp_path / "var").exists()  # not even its folder
    else:
        assert refused.value.data["problem"] == "cannot_open" and "无法打开" in message
        assert "does not exist" in refused.value.data["error"]  # the driver's own words


def test_a_database_without_tongban_tables_is_refused_until_migrated(
    empty_url: str, tmp_path: Path
) -> None:
    settings = settings_for(empty_url, tmp_path)
    with pytest.raises(DatabaseMissing, match="库中没有通办的表") as refused:
        bootstrap_existing(settings)
    assert refused.value.data["problem"] == "no_tables"
    assert "has no Tongban tables" in refused.value.render("en")
    assert migrate.current_revision(empty_url) is None  # the refusal created nothing
    engine = create_engine(empty_url)
    migrate.upgrade(engine)
    engine.dispose()
    platform = bootstrap_existing(settings)
    try:
        with platform_unit_of_work(platform.db, "test: tenants") as uow:
            assert uow.tenants.all() == []
    finally:
        platform.db.dispose()


def test_the_message_names_the_database_but_never_its_password() -> None:
    assert shown_url("sqlite:////srv/tongban/var/tongban.db") == "/srv/tongban/var/tongban.db"
    shown = shown_url("postgresql+psycopg://tongban:s3cret@db.example:5432/tongban")
    assert shown == "postgresql+psycopg://tongban:***@db.example:5432/tongban"
