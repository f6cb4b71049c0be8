"""Sibling counties never see or change each other; parents see their descendants."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tongban.adapters.db.models import Matter, MatterVersion
from tongban.adapters.db.unit_of_work import Database
from tongban.core.errors import Forbidden, NotFound, TenantScopeRequired
from tongban.services import definitions, tenants
from tongban.services.conformance_report import conformance_report
from tongban.services.schemas import Schemas

from .factories import (
    APPROVE,
    MATTER_CODE,
    admin,
    implementation,
    publish_matter,
    seed_tree,
    standard,
)


@pytest.fixture
def published(db: Database, schemas: Schemas) -> Database:
    seed_tree(db)
    publish_matter(db, schemas, "230000", standard())
    publish_matter(db, schemas, "230123", implementation())
    return db


def _message(exc: pytest.ExceptionInfo[NotFound]) -> str:
    return str(exc.value).replace("230123/", "T/").replace("999999/", "T/")


def test_sibling_cannot_read_an_implementation_and_gets_the_not_found_error(
    published: Database,
) -> None:
    with published.for_tenant("230124") as uow, pytest.raises(NotFound) as sibling:
        definitions.document(uow, "230123", "implementation", MATTER_CODE)
    with published.for_tenant("230124") as uow, pytest.raises(NotFound) as missing:
        definitions.document(uow, "999999", "implementation", MATTER_CODE)
    with published.for_tenant("230124") as uow, pytest.raises(NotFound):
        definitions.history(uow, "230123", "implementation", MATTER_CODE)
    assert type(sibling.value) is type(missing.value)
    # the same error shape: only the echoed key differs
    assert _message(sibling) == _message(missing)


def test_sibling_queries_return_nothing_of_the_other(published: Database) -> None:
    with published.for_tenant("230124") as uow:
        kinds = [m.kind for m in uow.session.scalars(select(Matter))]
        version_kinds = [v.document["kind"] for v in uow.session.scalars(select(MatterVersion))]
        visible = {n.code for n in tenants.tree(uow)}
    assert kinds == ["standard"]  # the province's standard; never the sibling's implementation
    assert version_kinds == ["standard"]
    assert "230123" not in visible and {"100000", "230000", "230100", "230124"} <= visible
    with published.for_tenant("230124") as uow, pytest.raises(NotFound):
        tenants.visible_tenant(uow, "230123")


def test_sibling_cannot_change_or_review_the_other(published: Database, schemas: Schemas) -> None:
    with published.for_tenant("230123") as uow:
        definitions.start_draft(uow, admin("230123"), "implementation", MATTER_CODE, schemas)
    with published.for_tenant("230123") as uow:
        definitions.submit(uow, admin("230123"), "implementation", MATTER_CODE, schemas)
    with published.for_tenant("230124") as uow, pytest.raises((Forbidden, NotFound)):
        definitions.review(uow, admin("230124"), "230123", "implementation", MATTER_CODE, APPROVE)
    # writing a row that belongs to the sibling is refused at flush
    with published.for_tenant("230124") as uow:
        me = uow.tenants.get("230124")
        other = uow.tenants.get("230123")
        uow.session.add(Matter(tenant_id=other.id, kind="implementation", code="X" * 12, name="x"))
        with pytest.raises(Forbidden):
            uow.session.flush()
        assert me.id != other.id
    with published.for_tenant("230123") as uow:
        [_, v2] = definitions.history(uow, "230123", "implementation", MATTER_CODE)
    assert v2.status == "submitted"


def test_parent_sees_its_descendants(published: Database, schemas: Schemas) -> None:
    with published.for_tenant("230100") as uow:
        doc = definitions.document(uow, "230123", "implementation", MATTER_CODE)
        report = conformance_report(uow, schemas)
    assert doc["code"] == MATTER_CODE
    assert [e.tenant_code for e in report] == ["230123"]
    with published.for_tenant("230124") as uow, pytest.raises(NotFound):
        conformance_report(uow, schemas, tenant_code="230123")


def test_a_query_without_a_tenant_scope_fails_closed(published: Database) -> None:
    session = published.unscoped_session()
    try:
        with pytest.raises(TenantScopeRequired):
            session.scalars(select(Matter)).all()
    finally:
        session.close()


def test_a_scope_without_the_subtree_sees_no_descendant(published: Database) -> None:
    with published.for_tenant("230100", subtree=False) as uow, pytest.raises(NotFound):
        definitions.document(uow, "230123", "implementation", MATTER_CODE)
    with published.for_tenant("230100", subtree=False) as uow:  # its ancestors' standards stay
        assert definitions.document(uow, "230000", "standard", MATTER_CODE)["code"] == MATTER_CODE
    with published.for_tenant("230100") as uow:
        assert definitions.document(uow, "230123", "implementation", MATTER_CODE)
