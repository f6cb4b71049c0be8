"""Cases are read by the subtree, on every path (adapters/db/visibility.py), on SQLite,
PostgreSQL and PostgreSQL's row-level security alone.

A case held by the viewer's parent, by its sibling or by its sibling's child is "not found"
exactly as a number that exists nowhere is — the same error, the same message apart from
the number — whether it is read (``queries``) or acted on (a command's ``runtime.load``);
a case held by the viewer's child or grandchild is the viewer's to see.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from tongban.adapters.db.case_models import Case, CaseEvent, CaseTask
from tongban.adapters.db.models import Tenant
from tongban.adapters.db.unit_of_work import Database
from tongban.adapters.files.config_io import load_tree
from tongban.core.errors import NotFound
from tongban.services.cases import intake, listing, queries
from tongban.services.cases.runtime import CaseEnv
from tongban.services.schemas import Schemas

from .case_support import DEMO, application, submit, user

CITY, YILAN, FANGZHENG, YILAN_TOWN = "230100", "230123", "230124", "230123100"
FOOD = "HLXK00000201"  # 食品生产许可, implemented at the city and at 依兰县
ELDERLY = "HLGG00000101"  # 老年人优待证, implemented at 依兰县's town
PLACES = {
    CITY: ("100000/230000/230100", FOOD),
    YILAN: ("100000/230000/230100/230123", FOOD),
    YILAN_TOWN: ("100000/230000/230100/230123/230123100", ELDERLY),
}
MISSING = "11230100MB0000203Y4HLXK00000201202606159999"

pytestmark = pytest.mark.clock("2026-06-15")


def make_tree(db: Database, schemas: Schemas, env: CaseEnv) -> dict[str, str]:
    """The demo tree with one case held by the city, 依兰县 and its town: their numbers."""
    load_tree(db, DEMO, schemas)
    return {
        code: submit(db, env, code, application(place, matter)).number
        for code, (place, matter) in PLACES.items()
    }


@pytest.fixture
def tree(db: Database, schemas: Schemas, env: CaseEnv) -> tuple[Database, dict[str, str]]:
    """(test_isolation_rls.py runs these tests again as ``tongban_app`` with the guard off.)"""
    return db, make_tree(db, schemas, env)


def _error(action: Callable[[], object], number: str) -> tuple[type[BaseException], str, str]:
    with pytest.raises(NotFound) as raised:
        action()
    return type(raised.value), raised.value.code, str(raised.value).replace(number, "<N>")


def _read(db: Database, viewer: str, number: str) -> tuple[type[BaseException], str, str]:
    def read() -> object:
        with db.for_tenant(viewer, readonly=True) as uow:
            return queries.get_case(uow, number)

    return _error(read, number)


def _act(db: Database, env: CaseEnv, viewer: str, login: str, number: str) -> tuple[object, ...]:
    def accept() -> object:
        with db.for_tenant(viewer) as uow:
            return intake.accept_case(uow, env, user(db, login), number)

    return _error(accept, number)


HIDDEN = [
    (FANGZHENG, "fangzheng_clerk", CITY),  # held by the parent
    (FANGZHENG, "fangzheng_clerk", YILAN),  # held by the sibling
    (FANGZHENG, "fangzheng_clerk", YILAN_TOWN),  # held by the sibling's child
    (YILAN, "yilan_clerk", CITY),  # held by the parent
]


@pytest.mark.parametrize(("viewer", "login", "holder"), HIDDEN)
def test_a_case_outside_the_subtree_is_not_found_like_a_missing_one(
    tree: tuple[Database, dict[str, str]], env: CaseEnv, viewer: str, login: str, holder: str
) -> None:
    db, numbers = tree
    hidden = numbers[holder]
    assert _read(db, viewer, hidden) == _read(db, viewer, MISSING)
    assert _act(db, env, viewer, login, hidden) == _act(db, env, viewer, login, MISSING)
    for read in (queries.case_events, listing.linked_cases, listing.case_alerts):
        with db.for_tenant(viewer, readonly=True) as uow, pytest.raises(NotFound):
            read(uow, hidden)


def test_a_town_sees_none_of_its_county_and_city(
    tree: tuple[Database, dict[str, str]], env: CaseEnv
) -> None:
    db, numbers = tree
    for holder in (CITY, YILAN):
        assert _read(db, YILAN_TOWN, numbers[holder]) == _read(db, YILAN_TOWN, MISSING)
    with db.for_tenant(YILAN_TOWN, readonly=True) as uow:
        assert queries.get_case(uow, numbers[YILAN_TOWN]).number == numbers[YILAN_TOWN]


def test_a_parent_sees_its_children_and_grandchildren(
    tree: tuple[Database, dict[str, str]],
) -> None:
    db, numbers = tree
    with db.for_tenant(CITY, readonly=True) as uow:
        for number in numbers.values():
            assert queries.get_case(uow, number).number == number
        assert set(uow.session.scalars(select(Case.number))) == set(numbers.values())
    with db.for_tenant(YILAN, readonly=True) as uow:
        mine = {numbers[YILAN], numbers[YILAN_TOWN]}
        assert set(uow.session.scalars(select(Case.number))) == mine


def test_any_new_case_query_is_held_to_the_subtree(
    tree: tuple[Database, dict[str, str]],
) -> None:
    """A query on the case tables written without any visibility rule of its own (no
    ``where`` on the tenant, no store) still sees only the subtree: the rule is the guard's
    (or PostgreSQL's), not the query's."""
    db, numbers = tree
    with db.for_tenant(YILAN, readonly=True) as uow:
        ids = {c.tenant_id for c in uow.session.scalars(select(Case))}
        tasks = {t.tenant_id for t in uow.session.scalars(select(CaseTask))}
        events = {e.tenant_id for e in uow.session.scalars(select(CaseEvent))}
        joined = set(
            uow.session.scalars(
                select(Case.number).join(CaseTask, CaseTask.case_id == Case.id).distinct()
            )
        )
        holders = set(
            uow.session.scalars(select(Tenant.code).where(Tenant.id.in_(select(Case.tenant_id))))
        )
        city = uow.tenants.get(CITY).id
    assert city not in ids | tasks | events
    assert numbers[CITY] not in joined and len(ids) == 2
    assert holders == {YILAN, YILAN_TOWN}  # a case table read only in a subquery, too
