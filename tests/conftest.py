"""Shared fixtures. Integration tests run on SQLite always and on PostgreSQL when reachable
(with TONGBAN_REQUIRE_SERVICES=1, as in CI, an unreachable PostgreSQL fails the run)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tongban.adapters.db import migrate
from tongban.adapters.db.models import Base
from tongban.adapters.db.unit_of_work import Database

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("TONGBAN_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRE_SERVICES = os.environ.get("TONGBAN_REQUIRE_SERVICES") == "1"


def _pg_problem() -> str | None:
    try:
        engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return f"PostgreSQL not reachable at {PG_URL}: {exc.__class__.__name__}: {exc}"
    return None


_PG_PROBLEM = _pg_problem()


def _require_pg() -> None:
    if _PG_PROBLEM:
        if REQUIRE_SERVICES:
            pytest.fail(_PG_PROBLEM + " (TONGBAN_REQUIRE_SERVICES=1)")
        pytest.skip(_PG_PROBLEM)


@pytest.fixture(scope="session")
def _databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Database]]:
    made: dict[str, Database] = {}
    schemas: list[str] = []

    def get(backend: str) -> Database:
        if backend not in made:
            if backend == "sqlite":
                path = tmp_path_factory.mktemp("db") / "tongban.db"
                made[backend] = Database(f"sqlite:///{path}")
            else:
                _require_pg()
                schema = f"tb_test_{uuid.uuid4().hex[:10]}"
                admin = create_engine(PG_URL)
                with admin.begin() as conn:
                    conn.execute(text(f'CREATE SCHEMA "{schema}"'))
                admin.dispose()
                schemas.append(schema)
                options = {"options": f"-csearch_path={schema}"}
                made[backend] = Database(
                    PG_URL,
                    engine=create_engine(PG_URL, connect_args=options),
                    # the restricted role of migration 0010, held by row-level security
                    role="tongban_app" if backend == "postgresql-rls" else None,
                )
                if backend == "postgresql-rls":  # migrated by the owner, as in production
                    owner = create_engine(PG_URL, connect_args=options)
                    migrate.upgrade(owner)
                    owner.dispose()
                    return made[backend]
            migrate.upgrade(made[backend].engine)
        return made[backend]

    yield get  # type: ignore[misc]
    for db in made.values():
        db.dispose()
    if schemas:
        admin = create_engine(PG_URL)
        with admin.begin() as conn:
            for schema in schemas:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def rls_db(_databases) -> Iterator[Database]:  # type: ignore[no-untyped-def]
    """PostgreSQL reached as ``tongban_app``: row-level security holds every connection."""
    database = _databases("postgresql-rls")
    yield database
    owner = create_engine(PG_URL, connect_args={"options": _search_path(database)})
    with owner.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    owner.dispose()
    database.tree_changed()


def _search_path(database: Database) -> str:
    with database.engine.connect() as conn:
        return f"-csearch_path={conn.exec_driver_sql('SELECT current_schema()').scalar()}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, _databases) -> Iterator[Database]:  # type: ignore[no-untyped-def]
    """A migrated, empty database on each backend (tables truncated after each test)."""
    database = _databases(request.param)
    yield database
    with database.engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    database.tree_changed()
