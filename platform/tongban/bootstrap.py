"""The composition root: the one place that wires adapters together."""

from __future__ import annotations

from dataclasses import dataclass

from tongban.adapters.db import migrate
from tongban.adapters.db.unit_of_work import Database
from tongban.adapters.files.schemas import default_schema_dir, load_schema_dir
from tongban.config import Settings, load_settings
from tongban.services.cases.runtime import CaseEnv
from tongban.services.schemas import Schemas


@dataclass
class Platform:
    settings: Settings
    db: Database
    schemas: Schemas


_loaded: dict[str, Schemas] = {}


def load_schemas(settings: Settings) -> Schemas:
    directory = settings.form_schemas_dir or default_schema_dir()
    key = str(directory)
    if key not in _loaded:
        _loaded[key] = Schemas.from_documents(load_schema_dir(directory))
    return _loaded[key]


def bootstrap(settings: Settings | None = None, *, upgrade: bool = True) -> Platform:
    settings = settings or load_settings()
    db = Database(settings.database_url)
    if upgrade:
        migrate.upgrade(db.engine)
    return Platform(settings, db, load_schemas(settings))


def case_env(platform: Platform) -> CaseEnv:
    """What case commands need: the schemas, and the sealer that signs approvals' results."""
    return CaseEnv(platform.schemas, sealer=None)
