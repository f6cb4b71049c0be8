"""The service-level isolation sweeps of test_isolation.py and test_case_visibility.py again, on PostgreSQL as the
restricted role ``tongban_app`` with the Python tenant guard switched off: row-level
security alone gives the same answers (issue 12, point 8)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from tongban.adapters.db.bypass import platform_unit_of_work
from tongban.adapters.db.models import Matter
from tongban.adapters.db.unit_of_work import Database
from tongban.core.errors import Forbidden, NotFound, RowRefused
from tongban.services import definitions
from tongban.services.cases.runtime import CaseEnv
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
from .row_security_support import guard_off
from .test_case_visibility import (
    make_tree,
    test_a_case_outside_the_subtree_is_not_found_like_a_missing_one,  # noqa: F401
    test_a_parent_sees_its_children_and_grandchildren,  # noqa: F401
    test_a_town_sees_none_of_its_county_and_city,  # noqa: F401
    test_any_new_case_query_is_held_to_the_subtree,  # noqa: F401
)
from .test_isolation import (
    test_a_scope_without_the_subtree_sees_no_descendant,  # noqa: F401
    test_parent_sees_its_descendants,  # noqa: F401
    test_sibling_cannot_read_an_implementation_and_gets_the_not_found_error,  # noqa: F401
    test_sibling_queries_return_nothing_of_the_other,  # noqa: F401
)

pytestmark = pytest.mark.postgres


@pytest.fixture
def published(rls_db: Database, schemas: Schemas) -> Iterator[Database]:
    seed_tree(rls_db)
    publish_matter(rls_db, schemas, "230000", standard())
    publish_matter(rls_db, schemas, "230123", implementation())
    with guard_off():
        yield rls_db


@pytest.fixture
def tree(
    rls_db: Database, schemas: Schemas, env: CaseEnv
) -> Iterator[tuple[Database, dict[str, str]]]:
    """test_case_visibility.py's cases: every case read by the subtree, by RLS alone."""
    numbers = make_tree(rls_db, schemas, env)
    with guard_off():
        yield rls_db, numbers


def test_sibling_cannot_change_or_review_the_other(published: Database, schemas: Schemas) -> None:
    with published.for_tenant("230123") as uow:
        definitions.start_draft(uow, admin("230123"), "implementation", MATTER_CODE, schemas)
    with published.for_tenant("230123") as uow:
        definitions.submit(uow, admin("230123"), "implementation", MATTER_CODE, schemas)
    with published.for_tenant("230124") as uow, pytest.raises((Forbidden, NotFound)):
        definitions.review(uow, admin("230124"), "230123", "implementation", MATTER_CODE, APPROVE)
    with platform_unit_of_work(published, "test: ids") as uow:
        other_id = uow.tenants.get("230123").id
    # PostgreSQL itself refuses the row of the sibling (the guard that would refuse it first
    # is off)
    with published.for_tenant("230124") as uow:
        uow.session.add(Matter(tenant_id=other_id, kind="implementation", code="X" * 12, name="x"))
        with pytest.raises(RowRefused):
            uow.session.flush()
    with published.for_tenant("230123") as uow:
        [_, v2] = definitions.history(uow, "230123", "implementation", MATTER_CODE)
    assert v2.status == "submitted"


def test_a_query_without_a_tenant_scope_sees_no_tenant_row(published: Database) -> None:
    session = published.unscoped_session()
    try:
        assert session.scalars(select(Matter)).all() == []
    finally:
        session.close()
