"""PostgreSQL row-level security: the second wall behind the tenant guard (tenant_guard.py).

The rule is visibility.py's, stated once and enforced by the guard and here. Every
``TenantScoped`` table (``TENANT_TABLES``; a test keeps the list and the models in step) has
four policies, made by migration 0010 (the read policy of the subtree tables remade by 0011),
keyed on settings that the unit of work sets at the start of every
transaction (``SET LOCAL``-like ``set_config(…, true)``):

- ``tongban.read``: the tenant ids whose rows of a ``LINEAGE`` table (visibility.py) the
  scope may read (``TenantScope.visible_ids``: the lineage, or what a linked case's read
  adds) — ``SELECT`` and the rows an ``UPDATE`` or ``DELETE`` may look at;
- ``tongban.subtree``: the same for a ``SUBTREE`` table (``subtree_ids``: itself and its
  descendants, plus a link's grant); migration 0011 points those tables' read policy at it;
- ``tongban.write``: the ids it may write (``writable_ids``: its own tenant, plus a grant
  such as the parent's review) — ``INSERT``, ``UPDATE`` and ``DELETE``;
- ``tongban.scope = 'platform'``: the bypass (bypass.py: load, export, log-in
  lookup), which reads and writes everything.

A transaction that set nothing sees no tenant row and writes none (fail closed). The tables
are ``FORCE ROW LEVEL SECURITY``, so their owner is held too; only a superuser or a role
with ``BYPASSRLS`` passes. The application's connections run as ``tongban_app``
(``TONGBAN_DATABASE_ROLE``, docs/security.md): NOLOGIN, NOBYPASSRLS, data privileges only;
migrations run as the login that owns the tables.

A connection whose role bypasses RLS anyway (a superuser, as in the test suite's default
engines) is not sent the settings: they would change nothing and cost a round trip.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.orm import Session

from tongban.adapters.db import visibility
from tongban.adapters.db.visibility import PlatformScope, Scope
from tongban.core.errors import Forbidden, RowRefused

APP_ROLE = "tongban_app"
READ = "tongban.read"
SUBTREE = "tongban.subtree"
WRITE = "tongban.write"
SCOPE = "tongban.scope"
ENFORCED = "tongban_rls"  # pool record info: whether this connection is held by RLS
REFUSED_SQLSTATE = "42501"  # insufficient_privilege: "new row violates row-level security"

TENANT_TABLES = visibility.TABLES
"""Every table of a ``TenantScoped`` model, as visibility.py declares them."""

_SET = text(
    "SELECT set_config('tongban.scope', :scope, true), "
    "set_config('tongban.read', :read, true), set_config('tongban.subtree', :subtree, true), "
    "set_config('tongban.write', :write, true)"
)


def _ids(ids: Iterable[int]) -> str:
    return ",".join(str(i) for i in sorted(ids))


def settings_of(scope: Scope | None) -> dict[str, str]:
    """The four settings for a scope; no scope reads and writes nothing."""
    if isinstance(scope, PlatformScope):
        return {"scope": "platform", "read": "", "subtree": "", "write": ""}
    if scope is None:
        return {"scope": "none", "read": "", "subtree": "", "write": ""}
    return {
        "scope": "tenant",
        "read": _ids(scope.visible_ids),
        "subtree": _ids(scope.subtree_ids),
        "write": _ids(scope.writable_ids),
    }


def enforced(connection: Connection) -> bool:
    """Whether RLS holds this (PostgreSQL) connection's role."""
    if connection.dialect.name != "postgresql":
        return False
    return bool(connection.info.get(ENFORCED, False))


def apply(connection: Connection, scope: Scope | None) -> None:
    """Tell PostgreSQL the scope of the transaction ``connection`` is in."""
    if enforced(connection):
        connection.execute(_SET, settings_of(scope))


def _after_begin(session: Session, _transaction: object, connection: Connection) -> None:
    apply(connection, session.info.get("scope"))


def install_session_hook() -> None:
    """Every ORM session's transaction starts by setting its scope (idempotent)."""
    if not event.contains(Session, "after_begin", _after_begin):
        event.listen(Session, "after_begin", _after_begin)


def reapply(session: Session) -> None:
    """The scope changed inside a transaction (a grant, a linked case's read)."""
    if session.in_transaction():
        apply(session.connection(), session.info.get("scope"))


def install_engine(engine: Engine, role: str | None) -> None:
    """On every new PostgreSQL connection: ``SET ROLE role`` when one is configured, then
    record whether RLS holds the connection's role."""
    if engine.dialect.name != "postgresql":
        return

    def on_connect(dbapi_connection: Any, record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            if role:
                cursor.execute(f'SET ROLE "{role}"')
            cursor.execute(
                "SELECT NOT (rolsuper OR rolbypassrls) FROM pg_roles WHERE rolname = current_user"
            )
            row = cursor.fetchone()
            record.info[ENFORCED] = bool(row and row[0])
        finally:
            cursor.close()
        if not getattr(dbapi_connection, "autocommit", True):
            dbapi_connection.commit()

    event.listen(engine, "connect", on_connect)
    event.listen(engine, "handle_error", _refusal_as_forbidden)


def _refusal_as_forbidden(context: Any) -> None:
    if is_refusal(context.original_exception):
        raise refusal() from context.original_exception


def refusal() -> Forbidden:
    return RowRefused()


def is_refusal(error: BaseException) -> bool:
    """A write PostgreSQL refused by a row-level security policy."""
    orig = getattr(error, "orig", error)
    return (
        getattr(orig, "sqlstate", None) == REFUSED_SQLSTATE
        or getattr(orig, "pgcode", None) == REFUSED_SQLSTATE
    )
