"""The composition root: the one place that wires adapters together.

``tongban.app`` (the web application), ``tongban.wsgi``, ``tongban.commands`` and
``tongban.cli`` build on it; no adapter imports it (docs/architecture.md).
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

from tongban.adapters.crypto import (
    GmsslSigner,
    GmsslVerifier,
    SealBox,
    generate_keypair,
    gmssl_seal_service,
    sm3_hex,
)
from tongban.adapters.crypto.key_check import seal_key_status
from tongban.adapters.db import migrate
from tongban.adapters.db.engine import shown_url, sqlite_file
from tongban.adapters.db.unit_of_work import Database
from tongban.adapters.documents.pdf import ReportlabResultPdf
from tongban.adapters.files.calendar_file import parse_arrangement_text
from tongban.adapters.files.schemas import default_schema_dir, load_schema_dir
from tongban.config import Settings, load_settings
from tongban.core.calendar_doc import ArrangementDoc
from tongban.core.errors import TongbanError, Violation
from tongban.services.cases.results import CaseResults
from tongban.services.cases.runtime import CaseEnv
from tongban.services.platform import Capabilities, Platform
from tongban.services.schemas import Schemas
from tongban.services.seals import SealService

__all__ = [
    "CAPABILITIES",
    "DatabaseMissing",
    "Platform",
    "bootstrap",
    "bootstrap_existing",
    "case_env",
    "case_results",
    "load_schemas",
    "require_database",
    "seal_service",
]


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
    return Platform(settings, db, load_schemas(settings), CAPABILITIES)


class DatabaseMissing(TongbanError):
    """A command that works on the platform's data found no Tongban database to work on."""

    reason = "DATABASE_MISSING"

    def __init__(self, where: str, problem: str, error: str = "") -> None:
        """``problem``: ``not_a_file``, ``cannot_open`` (``error`` says why) or ``no_tables``."""
        super().__init__(database=where, problem=problem, error=error)


def require_database(settings: Settings) -> None:
    """``DatabaseMissing`` unless the database of ``settings`` is one Tongban has made (it
    has a migration revision). Creates nothing: a SQLite file that is not there is never
    opened (opening it would create it)."""
    url = settings.database_url
    where = shown_url(url)
    path = sqlite_file(url)
    if path is not None and not path.is_file():
        raise DatabaseMissing(where, "not_a_file")
    try:
        revision = migrate.current_revision(url)
    except DBAPIError as exc:
        first_line = (str(exc.orig).strip().splitlines() or [""])[0]
        raise DatabaseMissing(where, "cannot_open", first_line) from exc
    if revision is None:
        raise DatabaseMissing(where, "no_tables")


def bootstrap_existing(settings: Settings | None = None) -> Platform:
    """``bootstrap()`` for commands that work on data already there (every command but
    ``db upgrade``, ``load`` and ``serve --demo``): ``DatabaseMissing`` instead of making an
    empty database. An existing database is still brought to the head revision."""
    settings = settings or load_settings()
    require_database(settings)
    return bootstrap(settings)


def seal_service(font_path: str | None = None) -> SealService:
    """The seal service wired with gmssl (SM2/SM3) and the reportlab result PDF."""
    return gmssl_seal_service(ReportlabResultPdf(font_path))


def case_results(settings: Settings) -> CaseResults:
    """Sealed results with gmssl's SM2/SM3 and private keys encrypted under TONGBAN_SEAL_KEY."""
    return CaseResults(
        signer_factory=GmsslSigner,
        verifier=GmsslVerifier(),
        sm3=sm3_hex,
        keygen=generate_keypair,
        box=SealBox.from_setting(settings.seal_key),
        files=seal_service(),
    )


def secret_box(settings: Settings) -> SealBox:
    """Webhook secrets encrypted at rest under TONGBAN_SEAL_KEY (AES-256-GCM)."""
    return SealBox.from_setting(settings.seal_key)


def parse_arrangement(text: str) -> tuple[ArrangementDoc | None, list[Violation]]:
    """An arrangement posted as YAML text (GraphQL ``importCalendar``)."""
    return parse_arrangement_text(text, source="yaml")


CAPABILITIES = Capabilities(
    case_results=case_results,
    seal_key_status=seal_key_status,
    parse_arrangement=parse_arrangement,
    secret_box=secret_box,
)


def case_env(platform: Platform) -> CaseEnv:
    """What case commands need: the schemas, and the sealer that signs approvals' results."""
    return platform.with_capabilities(CAPABILITIES).case_env()
