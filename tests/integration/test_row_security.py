"""PostgreSQL row-level security alone keeps tenants apart (issue 12, point 8).

A database reached as ``tongban_app`` (the restricted role migration 0010 makes; NOLOGIN,
NOBYPASSRLS) with the Python tenant guard switched off: every cross-tenant read comes back
empty and every cross-tenant write is refused by PostgreSQL itself. The service-level
isolation sweep (test_isolation.py) is run again the same way there (its ``rls_db``
parameter).
"""

from __future__ import annotations

import importlib
import uuid

import pytest
from sqlalchemy import inspect, select, text

from tongban.adapters.db import row_security, visibility
from tongban.adapters.db.bypass import platform_unit_of_work
from tongban.adapters.db.models import Base, Department, Matter, MatterVersion, TenantScoped
from tongban.adapters.db.unit_of_work import Database
from tongban.core.errors import Forbidden
from tongban.services.schemas import Schemas

from .factories import MATTER_CODE, implementation, publish_matter, seed_tree, standard
from .row_security_support import guard_off

pytestmark = pytest.mark.postgres


def test_every_tenant_scoped_table_has_its_policies(rls_db: Database) -> None:
    scoped = sorted(
        mapper.class_.__tablename__
        for mapper in Base.registry.mappers
        if issubclass(mapper.class_, TenantScoped)
    )
    assert tuple(scoped) == row_security.TENANT_TABLES
    migration = importlib.import_module("tongban.adapters.db.migrations.versions.0010_row_security")
    assert migration.TABLES == row_security.TENANT_TABLES  # a new table needs a new migration
    with rls_db.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, "
                "(SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) "
                "FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace "
                "AND c.relkind = 'r'"
            )
        ).all()
        role = connection.execute(
            text(
                "SELECT current_user, rolsuper, rolbypassrls FROM pg_roles "
                "WHERE rolname = current_user"
            )
        ).one()
    policies = {name: (on, forced, count) for name, on, forced, count in rows}
    for table in scoped:
        assert policies[table] == (True, True, 4), table
    with rls_db.engine.connect() as connection:
        reads = dict(
            connection.execute(
                text(
                    "SELECT tablename, qual FROM pg_policies "
                    "WHERE schemaname = current_schema() AND policyname = 'tongban_read'"
                )
            ).all()
        )
    for table in scoped:  # each table's read policy is its rule in visibility.py
        subtree = visibility.rule_of(table) is visibility.Rule.SUBTREE
        assert ("tongban_may_read_subtree" in reads[table]) is subtree, (table, reads[table])
    assert tuple(role) == ("tongban_app", False, False)
    assert inspect(rls_db.engine).get_table_names()  # the role sees the tables themselves


@pytest.fixture
def published(rls_db: Database, schemas: Schemas) -> Database:
    seed_tree(rls_db)
    publish_matter(rls_db, schemas, "230000", standard())
    publish_matter(rls_db, schemas, "230123", implementation())
    return rls_db


def test_a_sibling_reads_nothing_of_the_other_with_the_guard_off(published: Database) -> None:
    with guard_off(), published.for_tenant("230124", readonly=True) as uow:
        kinds = {m.kind for m in uow.session.scalars(select(Matter))}
        versions = {v.document["kind"] for v in uow.session.scalars(select(MatterVersion))}
        departments = {d.tenant_id for d in uow.session.scalars(select(Department))}
        own = uow.tenant_id
    assert kinds == {"standard"} and versions == {"standard"}  # the province's, never 230123's
    with platform_unit_of_work(published, "test: ids") as uow:
        yilan = uow.tenants.get("230123").id
    assert yilan not in departments and own in departments
    with guard_off(), published.for_tenant("230100", readonly=True) as uow:
        parent_sees = {m.kind for m in uow.session.scalars(select(Matter))}
    assert parent_sees == {"standard", "implementation"}  # a parent reads its descendants


def test_a_transaction_without_a_scope_sees_no_tenant_row(published: Database) -> None:
    with guard_off(), published.unscoped_session() as session:
        assert session.scalars(select(Matter)).all() == []


def test_cross_tenant_writes_are_refused_by_postgresql(published: Database) -> None:
    with platform_unit_of_work(published, "test: ids") as uow:
        yilan = uow.tenants.get("230123").id
    with guard_off(), published.for_tenant("230124") as uow:
        uow.session.add(Department(tenant_id=yilan, code="x", name="冒名部门"))
        with pytest.raises(Forbidden):
            uow.session.flush()
    with guard_off(), published.for_tenant("230124") as uow:
        changed = uow.session.execute(
            text("UPDATE matter SET name = 'x' WHERE code = :c"), {"c": MATTER_CODE}
        ).rowcount
        uow.commit()
    assert changed == 0
    with guard_off(), published.for_tenant("230100") as uow:  # the parent only reads below
        changed = uow.session.execute(
            text("UPDATE matter SET name = 'x' WHERE tenant_id = :t"), {"t": yilan}
        ).rowcount
        uow.commit()
    assert changed == 0
    with published.for_tenant("230123", readonly=True) as uow:
        names = {m.name for m in uow.session.scalars(select(Matter))}
    assert "x" not in names


def test_bootstrap_migrates_as_the_owner_and_serves_as_the_role() -> None:
    """``TONGBAN_DATABASE_ROLE``: the platform's connections are the role's; the migration
    (which the role could not run) is the login's."""
    from urllib.parse import quote

    from sqlalchemy import create_engine
    from tests.conftest import PG_URL

    from tongban.bootstrap import bootstrap
    from tongban.config import load_settings

    schema = f"tb_role_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = f"{PG_URL}?options={quote(f'-csearch_path={schema}')}"
        settings = load_settings(
            {
                "TONGBAN_DATABASE_URL": url,
                "TONGBAN_DATABASE_ROLE": "tongban_app",
                "TONGBAN_SECRET_KEY": "x" * 40,
            }
        )
        platform = bootstrap(settings)
        try:
            with platform.db.engine.connect() as conn:
                who = conn.execute(text("SELECT current_user")).scalar()
                revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        finally:
            platform.db.dispose()
        assert who == "tongban_app"
        assert revision == "0010" or int(str(revision)) >= 10
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
