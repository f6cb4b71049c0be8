"""Fail-closed tenant scoping for ORM sessions.

Every session carries a scope in ``session.info["scope"]``:
- ``TenantScope``: reads of tenant-scoped rows are limited to the tenant's lineage (its
  ancestors, itself, its descendants — never a sibling); writes to ``writable_ids``;
- ``PlatformScope``: no limit; only the CLI's platform commands (load, export) make one.
A tenant-scoped ORM query or flush in a session with no scope raises TenantScopeRequired.
Core statements (``text()``, ``Table`` queries) are not covered: they live only in this package.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from tongban.adapters.db.models import TenantScoped
from tongban.core.errors import Forbidden, TenantScopeRequired


@dataclass(frozen=True)
class TenantScope:
    tenant_id: int
    tenant_code: str
    visible_ids: frozenset[int]
    writable_ids: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class PlatformScope:
    reason: str


Scope = TenantScope | PlatformScope


def _touches_scoped(state: ORMExecuteState) -> bool:
    return any(issubclass(m.class_, TenantScoped) for m in state.all_mappers)


def _on_execute(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_column_load or state.is_relationship_load or not _touches_scoped(state):
        return
    scope = state.session.info.get("scope")
    if scope is None:
        raise TenantScopeRequired("tenant-scoped query without a tenant scope")
    if isinstance(scope, PlatformScope):
        return
    ids = tuple(sorted(scope.visible_ids if state.is_select else scope.writable_ids))
    # One criterion on the mixin covers every tenant-scoped entity in the statement; the
    # lambda is cached by SQLAlchemy and ``ids`` becomes a bound (expanding) parameter.
    state.statement = state.statement.options(
        with_loader_criteria(
            TenantScoped,
            lambda cls: cls.tenant_id.in_(ids),
            include_aliases=True,
            track_closure_variables=True,
        )
    )


def _before_flush(session: Session, _context: object, _instances: object) -> None:
    touched = [
        obj
        for obj in (*session.new, *session.dirty, *session.deleted)
        if isinstance(obj, TenantScoped)
    ]
    if not touched:
        return
    scope = session.info.get("scope")
    if scope is None:
        raise TenantScopeRequired("tenant-scoped write without a tenant scope")
    if isinstance(scope, PlatformScope):
        return
    for obj in touched:
        if obj.tenant_id not in scope.writable_ids:
            raise Forbidden(f"{type(obj).__name__} belongs to another tenant")


def install(session_class: type[Session]) -> None:
    """Attach the guard to every session made by ``session_class`` (idempotent)."""
    if not event.contains(session_class, "do_orm_execute", _on_execute):
        event.listen(session_class, "do_orm_execute", _on_execute)
        event.listen(session_class, "before_flush", _before_flush)
