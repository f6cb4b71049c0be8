from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask_appbuilder import Model
from sqlalchemy import Engine

from tongban.adapters.db.unit_of_work import Database
from tongban.adapters.files.schemas import load_schema_dir
from tongban.services.config_io import load_tree
from tongban.services.schemas import Schemas

from .case_support import DEMO


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
