"""The platform-wide bypass: a unit of work that reads and writes every tenant's rows.

Tenant visibility (visibility.py) holds everywhere else. The few places that need to see
past it import ``platform_unit_of_work`` from here, each for a reason listed in ``HOMES``;
ruff bans the import anywhere else (``TID251``, pyproject.toml: a home says
``# noqa: TID251`` on its import), and tests/unit/test_bypass_homes.py keeps ``HOMES`` and
the importers in step. PostgreSQL sees such a transaction as ``tongban.scope = 'platform'``
(row_security.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tongban.adapters.db.unit_of_work import Database, UnitOfWork

HOMES: Mapping[str, str] = {
    "tongban.cli": "the CLI: conformance report over the whole tree",
    "tongban.commands.api": "the CLI: API keys of any tenant",
    "tongban.commands.calendar": "the CLI: a tenant's calendar",
    "tongban.commands.result": "the CLI: a case's tenant, to export as it sees the case",
    "tongban.services.config_io": "load and export of the whole tree",
    "tongban.services.calendars": "calendar import: load",
    "tongban.services.actors": "auth: a username's tenant, before any tenant is known",
    "tongban.services.apikeys": "auth: an API key's tenant, before any tenant is known",
    "tongban.services.login_guard": "auth: log-in attempts, before any tenant is known",
    "tongban.adapters.http.identity": "auth: a login's tenant, before any tenant is known",
    "tongban.services.cases.supervision": "the supervision sweep over every tenant's cases",
    "tongban.services.cases.audit_check": "tongban audit verify: every case's chain",
    "tongban.services.webhooks.delivery": "the delivery worker: every tenant's outbox",
    "tongban.adapters.crypto.key_check": "start-up check that the sealing key opens stored keys",
    "tongban.services.cases.simulation": "demo seeding: sample cases across the tree",
    "tongban.services.cases.driver": "demo seeding: who holds each open step",
    "tongban.adapters.web.demo": "demo seeding: the demo's logins",
}
"""Module → why it needs the bypass."""


def platform_unit_of_work(db: Database, reason: str, *, write: bool = False) -> UnitOfWork:
    """A unit of work that sees every tenant (``reason`` is kept on its scope)."""
    return db._platform_unit_of_work(reason, write=write)
