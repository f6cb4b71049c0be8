"""Fail-closed tenant scoping for ORM sessions.

Every session carries a scope in ``session.info["scope"]``:
- ``TenantScope``: reads of a tenant-owned table are limited by that table's rule
  (visibility.py: the lineage for definitions, the subtree for cases and what hangs off
  them); writes to ``writable_ids``;
- ``PlatformScope``: no limit; only the bypass's homes make one (bypass.py).
A tenant-scoped ORM query or flush in a session with no scope raises TenantScopeRequired;
a query on a tenant-owned table with no declared rule raises VisibilityUndeclared.
Core statements (``text()``, ``Table`` queries) are not covered: they live only in this package.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import Table, event
from sqlalchemy.orm import Mapper, ORMExecuteState, Session, with_loader_criteria
from sqlalchemy.orm.util import LoaderCriteriaOption
from sqlalchemy.sql import ClauseElement, Executable
from sqlalchemy.sql.util import find_tables

from tongban.adapters.db.models import Base, TenantScoped
from tongban.adapters.db.visibility import (
    PlatformScope,
    Rule,
    Scope,
    TenantScope,
    rule_of,
)
from tongban.core.errors import OtherTenantsRow, TenantScopeRequired

__all__ = ["PlatformScope", "Scope", "TenantScope", "install"]

_models: list[tuple[frozenset[str], dict[str, type[TenantScoped]]]] = []


def _tenant_models() -> tuple[frozenset[str], dict[str, type[TenantScoped]]]:
    """The tables of every mapped tenant-owned class, and the ``SUBTREE`` ones' classes by
    table (each table's rule is looked up, so an undeclared one fails here rather than
    being read); built again when more models are mapped."""
    if not _models:
        tables: set[str] = set()
        subtree: dict[str, type[TenantScoped]] = {}
        for mapper in Base.registry.mappers:
            if issubclass(mapper.class_, TenantScoped):
                name = _table(mapper)
                tables.add(name)
                if rule_of(name) is Rule.SUBTREE:
                    subtree[name] = mapper.class_
        _models.append((frozenset(tables), dict(sorted(subtree.items()))))
    return _models[0]


@event.listens_for(Mapper, "mapper_configured")
def _more_models(_mapper: Mapper[Any], _cls: type) -> None:
    _models.clear()


def _table(mapper: Mapper[Any]) -> str:
    table = mapper.local_table
    return table.name if isinstance(table, Table) else str(table)


def _on_execute(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_column_load or state.is_relationship_load:
        return
    scoped = [m for m in state.all_mappers if issubclass(m.class_, TenantScoped)]
    if not scoped and not _reads_tenant_tables(state.statement):
        return
    scope = state.session.info.get("scope")
    if scope is None:
        raise TenantScopeRequired("query")
    if isinstance(scope, PlatformScope):
        return
    for mapper in scoped:
        rule_of(_table(mapper))  # fail closed on a table with no rule
    if state.is_select:
        lineage = tuple(sorted(scope.visible_ids))
        subtree = tuple(sorted((scope.subtree_ids | scope.writable_ids) & scope.visible_ids))
        models, only_subtree = _subtree_models_in(state.statement)
        if only_subtree:  # cases and their rows only: one criterion, the subtree
            criteria = _subtree_criteria(subtree)
        else:
            criteria = _read_criteria(lineage, subtree, models)
    else:
        criteria = _write_criteria(tuple(sorted(scope.writable_ids)))
    state.statement = state.statement.options(*criteria)


def _reads_tenant_tables(statement: Executable) -> bool:
    """Whether a statement that selects no tenant-owned entity still reads such a table
    (in a subquery or a join): it is filtered all the same."""
    if not isinstance(statement, ClauseElement):
        return False
    tenant_tables, _ = _tenant_models()
    return any(t.name in tenant_tables for t in find_tables(statement, include_joins=True))


def _subtree_models_in(statement: Executable) -> tuple[tuple[type[TenantScoped], ...], bool]:
    """The ``SUBTREE`` models whose tables the statement reads anywhere — selected, joined,
    aliased or in a subquery (the models declare no relationships, so every join names its
    table) — and whether they are all the tenant-owned tables it reads. A tenant-owned
    table without a rule anywhere in it fails here."""
    tenant_tables, subtree = _tenant_models()
    if not isinstance(statement, ClauseElement):
        return tuple(subtree.values()), False
    found = {t.name for t in find_tables(statement, include_joins=True, include_aliases=True)}
    owned = found & tenant_tables
    for name in owned:
        rule_of(name)
    models = tuple(model for name, model in subtree.items() if name in found)
    return models, bool(owned) and owned <= subtree.keys()


# Scopes are few (one per tenant, cached by the database) and each query of one needs the
# same options: built once, they cost a query nothing but their cache key. Each lambda is
# cached by SQLAlchemy per source line and its ids become a bound (expanding) parameter, so
# the two read rules have lambdas of their own.


@lru_cache(maxsize=1024)
def _read_criteria(
    lineage: tuple[int, ...], subtree: tuple[int, ...], models: tuple[type[TenantScoped], ...]
) -> tuple[LoaderCriteriaOption, ...]:
    """The lineage on the mixin, for every tenant-owned entity in the statement; the
    subtree (a subset of the lineage) on top, for each ``SUBTREE`` model."""
    on_mixin = with_loader_criteria(
        TenantScoped,
        lambda cls: cls.tenant_id.in_(lineage),
        include_aliases=True,
        track_closure_variables=True,
    )
    per_model = tuple(
        with_loader_criteria(
            model,
            lambda cls: cls.tenant_id.in_(subtree),
            include_aliases=True,
            track_closure_variables=True,
        )
        for model in models
    )
    return (on_mixin, *per_model)


@lru_cache(maxsize=1024)
def _subtree_criteria(subtree: tuple[int, ...]) -> tuple[LoaderCriteriaOption, ...]:
    return (
        with_loader_criteria(
            TenantScoped,
            lambda cls: cls.tenant_id.in_(subtree),
            include_aliases=True,
            track_closure_variables=True,
        ),
    )


@lru_cache(maxsize=1024)
def _write_criteria(written: tuple[int, ...]) -> tuple[LoaderCriteriaOption, ...]:
    return (
        with_loader_criteria(
            TenantScoped,
            lambda cls: cls.tenant_id.in_(written),
            include_aliases=True,
            track_closure_variables=True,
        ),
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
        raise TenantScopeRequired("write")
    if isinstance(scope, PlatformScope):
        return
    for obj in touched:
        if obj.tenant_id not in scope.writable_ids:
            raise OtherTenantsRow(type(obj).__name__)


def install(session_class: type[Session]) -> None:
    """Attach the guard to every session made by ``session_class`` (idempotent)."""
    if not event.contains(session_class, "do_orm_execute", _on_execute):
        event.listen(session_class, "do_orm_execute", _on_execute)
        event.listen(session_class, "before_flush", _before_flush)
