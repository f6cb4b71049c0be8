"""Visibility is declared once per tenant-owned table (adapters/db/visibility.py), and a
table nobody declared is refused rather than read unfiltered."""

from __future__ import annotations

import importlib

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from tongban.adapters.db import row_security, tenant_guard, visibility
from tongban.adapters.db.models import Base, TenantScoped
from tongban.adapters.db.visibility import (
    PlatformScope,
    Rule,
    TenantScope,
    VisibilityUndeclared,
)
from tongban.core.errors import TenantScopeRequired

CASE_TABLES = {
    "case",
    "case_event",
    "case_task",
    "complaint",
    "rating",
    "result_document",
    "supervision_alert",
    "webhook_delivery",
}


def _tenant_tables() -> set[str]:
    importlib.import_module("tongban.adapters.db.case_models")
    importlib.import_module("tongban.adapters.db.api_models")
    return {
        mapper.local_table.name
        for mapper in Base.registry.mappers
        if issubclass(mapper.class_, TenantScoped)
    }


def test_every_tenant_owned_table_has_exactly_one_rule() -> None:
    assert _tenant_tables() == set(visibility.RULES)
    assert row_security.TENANT_TABLES == visibility.TABLES


def test_cases_and_what_hangs_off_them_are_read_by_the_subtree() -> None:
    assert set(visibility.SUBTREE_TABLES) == CASE_TABLES
    for table in ("matter", "matter_version", "calendar_day", "department", "seal_key"):
        assert visibility.rule_of(table) is Rule.LINEAGE
    migration = importlib.import_module(
        "tongban.adapters.db.migrations.versions.0011_subtree_visibility"
    )
    assert migration.SUBTREE_TABLES == visibility.SUBTREE_TABLES  # a change needs a migration


def test_a_scope_reads_a_case_of_its_subtree_and_a_definition_of_its_lineage() -> None:
    county = TenantScope(3, "230123", frozenset({1, 2, 3}), frozenset({3}), frozenset({3}))
    assert visibility.may_read(county, "matter", 2)  # the city's definition
    assert not visibility.may_read(county, "case", 2)  # the city's case
    assert visibility.may_read(county, "case", 3)
    granted = TenantScope(3, "230123", county.visible_ids, frozenset({2, 3}), frozenset({3}))
    assert visibility.may_read(granted, "case", 2)  # what it may write, it may read
    assert visibility.may_read(PlatformScope("test"), "case", 99)
    assert not visibility.may_write(county, 2) and visibility.may_write(county, 3)


def test_an_undeclared_table_is_refused() -> None:
    with pytest.raises(VisibilityUndeclared):
        visibility.rule_of("ghost")
    assert issubclass(VisibilityUndeclared, TenantScopeRequired)


class _Other(DeclarativeBase):
    pass


class _Ghost(TenantScoped, _Other):
    """A tenant-owned table someone added without declaring its visibility."""

    __tablename__ = "ghost"

    id: Mapped[int] = mapped_column(primary_key=True)


def test_a_query_on_an_undeclared_tenant_table_fails_instead_of_leaking() -> None:
    engine = create_engine("sqlite://")
    tenant_guard.install(Session)
    with Session(engine) as session:
        session.info["scope"] = TenantScope(1, "100000", frozenset({1}), frozenset({1}))
        with pytest.raises(VisibilityUndeclared, match="ghost"):
            session.execute(select(_Ghost))
    engine.dispose()
