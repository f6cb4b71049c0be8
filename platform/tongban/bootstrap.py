"""The composition root: the one place that wires adapters together."""

from __future__ import annotations

from dataclasses import dataclass

from tongban.adapters.crypto import (
    GmsslSigner,
    GmsslVerifier,
    SealBox,
    generate_keypair,
    gmssl_seal_service,
    sm3_hex,
)
from tongban.adapters.db import migrate
from tongban.adapters.db.unit_of_work import Database
from tongban.adapters.files.schemas import default_schema_dir, load_schema_dir
from tongban.config import Settings, load_settings
from tongban.services.cases.results import CaseResults
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


def case_results(settings: Settings) -> CaseResults:
    """Sealed results with gmssl's SM2/SM3 and private keys encrypted under TONGBAN_SEAL_KEY."""
    return CaseResults(
        signer_factory=GmsslSigner,
        verifier=GmsslVerifier(),
        sm3=sm3_hex,
        keygen=generate_keypair,
        box=SealBox.from_setting(settings.seal_key),
        files=gmssl_seal_service(),
    )


def case_env(platform: Platform) -> CaseEnv:
    """What case commands need: the schemas, and the sealer that signs approvals' results."""
    return CaseEnv(platform.schemas, sealer=case_results(platform.settings))
