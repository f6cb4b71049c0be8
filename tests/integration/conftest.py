from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_appbuilder import Model
from sqlalchemy import Engine

from tongban.adapters.db.unit_of_work import Database
from tongban.adapters.files.config_io import load_tree
from tongban.adapters.files.schemas import load_schema_dir
from tongban.adapters.web.demo import create_demo_logins
from tongban.app import create_app
from tongban.bootstrap import Platform
from tongban.config import Settings
from tongban.limits import RequestLimits
from tongban.services.cases.runtime import CaseEnv, ResultSealer
from tongban.services.schemas import Schemas

from .case_support import CST, DEMO, PASSWORD, Clock


@pytest.fixture(scope="session")
def schemas() -> Schemas:
    return Schemas.from_documents(load_schema_dir())


@pytest.fixture(scope="module")
def fab_engines() -> Iterator[list[Engine]]:
    """FAB's tables are not ours: a module that builds the web app adds its engines here and
    they are dropped after the module, so the shared test databases match the migrations
    again (tests/integration/test_migrations.py compares them)."""
    engines: list[Engine] = []
    yield engines
    for engine in engines:
        Model.metadata.drop_all(engine)


@pytest.fixture
def demo(db: Database, schemas: Schemas) -> Database:
    """The demo ``tenants/`` tree loaded into the backend's database."""
    load_tree(db, DEMO, schemas)
    return db


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "clock(day, hour=10): where the shared ``clock`` starts (Beijing time); "
        "default 2026-09-01 10:00, a date every calendar layer knows",
    )


@pytest.fixture
def clock(request: pytest.FixtureRequest) -> Clock:
    """The case scenarios' movable clock (``case_support.Clock``), fixed, never today."""
    marker = request.node.get_closest_marker("clock")
    day, hour = (
        ("2026-09-01", 10) if marker is None else (marker.args[0], marker.kwargs.get("hour", 10))
    )
    start = Clock(dt.datetime(2000, 1, 1, tzinfo=CST))
    start.set(day, hour)
    return start


@pytest.fixture
def sealer() -> ResultSealer | None:
    """No sealing unless a module overrides this with its own signing settings."""
    return None


@pytest.fixture
def env(schemas: Schemas, clock: Clock, sealer: ResultSealer | None) -> CaseEnv:
    return CaseEnv(schemas, sealer=sealer, clock=clock)


@pytest.fixture
def make_app(
    db: Database, schemas: Schemas, tmp_path: Path, fab_engines: list[Engine]
) -> Callable[..., Flask]:
    """Builds the web app on this backend's database, as the tests' modules need it."""

    def build(
        secret: str = "k" * 40,
        *,
        logins: bool = True,
        limits: RequestLimits | None = None,
        env: CaseEnv | None = None,
    ) -> Flask:
        extra = {"limits": limits} if limits is not None else {}
        settings = Settings(db.url, "memory://", secret, "test", tmp_path, None, **extra)
        application = create_app(Platform(settings, db, schemas), testing=True)
        if db.engine not in fab_engines:
            fab_engines.append(db.engine)
        if logins:
            create_demo_logins(application, db, PASSWORD)
        if env is not None:
            application.extensions["tongban_case_env"] = env
        return application

    return build
