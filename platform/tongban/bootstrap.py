"""The composition root: the one place that wires adapters together."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError

from tongban.adapters.crypto import (
    GmsslSigner,
    GmsslVerifier,
    SealBox,
    generate_keypair,
    gmssl_seal_service,
    sm3_hex,
)
from tongban.adapters.db import migrate
from tongban.adapters.db.engine import shown_url, sqlite_file
from tongban.adapters.db.unit_of_work import Database
from tongban.adapters.files.schemas import default_schema_dir, load_schema_dir
from tongban.config import Settings, load_settings
from tongban.core.errors import TongbanError
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
    db = Database(settings.database_url, role=settings.database_role)
    if upgrade:
        migrate.upgrade_as_owner(settings.database_url, db.engine, settings.database_role)
    return Platform(settings, db, load_schemas(settings))


class DatabaseMissing(TongbanError):
    """A command that works on the platform's data found no Tongban database to work on."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(
            f"没有通办数据库：{where}（{reason}）。"
            "请先运行 `tongban db upgrade` 建库，或运行 `tongban load tenants` 建库并载入配置。\n"
            f"no Tongban database at {where} ({reason}): make one with `tongban db upgrade`, "
            "or with `tongban load tenants`, which also loads a configuration tree "
            "(TONGBAN_DATABASE_URL, or TONGBAN_VAR_DIR for the embedded SQLite, says where).",
            data={"database": where, "reason": reason},
        )


def require_database(settings: Settings) -> None:
    """``DatabaseMissing`` unless the database of ``settings`` is one Tongban has made (it
    has a migration revision). Creates nothing: a SQLite file that is not there is never
    opened (opening it would create it)."""
    url = settings.database_url
    where = shown_url(url)
    path = sqlite_file(url)
    if path is not None and not path.is_file():
        raise DatabaseMissing(where, "文件不存在 the file does not exist")
    try:
        revision = migrate.current_revision(url)
    except DBAPIError as exc:
        first_line = (str(exc.orig).strip().splitlines() or [""])[0]
        raise DatabaseMissing(where, f"无法打开 cannot open it: {first_line}") from exc
    if revision is None:
        raise DatabaseMissing(where, "库中没有通办的表 it has no Tongban tables")


def bootstrap_existing(settings: Settings | None = None) -> Platform:
    """``bootstrap()`` for commands that work on data already there (every command but
    ``db upgrade``, ``load`` and ``serve --demo``): ``DatabaseMissing`` instead of making an
    empty database. An existing database is still brought to the head revision."""
    settings = settings or load_settings()
    require_database(settings)
    return bootstrap(settings)


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
