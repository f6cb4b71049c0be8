"""Escalations always come back (issue 10, point 1), on SQLite and PostgreSQL.

For every escalation chain of the demo tree the final level works its case through /graphql,
once with API keys made without their tenant's descendants (the default) and once with a
person's token, and the initial level's case resumes in the final level's last command.
A case whose answer was lost on purpose (its link row edited while the final level
concluded) is answered by the supervision sweep, with exactly one alert. A hand-back that
cannot happen fails the final level's command and changes nothing. Nothing here widens what
anyone sees: the final level's narrow key, a sibling or another outsider still find nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from tongban.adapters.db.bypass import platform_unit_of_work
from tongban.adapters.db.case_models import (
    Case,
    CaseEvent,
    CaseTask,
    ResultDocument,
    SupervisionAlert,
)
from tongban.adapters.db.tenant_guard import TenantScope
from tongban.adapters.db.unit_of_work import Database
from tongban.adapters.http import person_tokens
from tongban.bootstrap import case_results
from tongban.config import load_settings
from tongban.core.errors import InvalidState, NotFound
from tongban.core.tenancy import Level
from tongban.services import apikeys
from tongban.services.cases import queries, steps, supervision
from tongban.services.cases.driver import OpenStep, holder, open_steps, work_case, work_step
from tongban.services.cases.runtime import CaseEnv, ResultSealer

from .case_support import DEMO, PASSWORD, Clock, application, submit, user
from .graphql_support import data
from .graphql_support import post as gql

SECRET = "l" * 40
FOOD = "HLXK00000201"  # 食品生产许可, 县初审市终审
PUBLISH = "000150001002"  # 出版单位设立审批, 省初审国家终审
MISSING = "11230100MB0000203Y4HLXK00000201202606159999"  # no such case


@dataclass(frozen=True)
class Chain:
    initial: str  # the tenant whose case waits on its ``escalate`` node
    path: str  # its place in tenants/
    matter: str
    final: str  # the tenant that decides
    outsider: str  # a tenant that is party to neither case
    outsider_login: str

    def __str__(self) -> str:
        return f"{self.initial}-{self.final}"


CHAINS = [
    Chain("230123", "100000/230000/230100/230123", FOOD, "230100", "230124", "fangzheng_clerk"),
    Chain("230124", "100000/230000/230100/230124", FOOD, "230100", "230123", "yilan_clerk"),
    Chain("230000", "100000/230000", PUBLISH, "100000", "230100", "harbin_clerk"),
]

STEP_MUTATIONS = {
    "accept": "mutation($n: String!) { acceptCase(number: $n) { case { status } } }",
    "review": "mutation($n: String!, $node: String!) { completeStep(number: $n, nodeId: $node, "
    'opinion: PASS, comment: "符合要求") { case { status } } }',
    "decide": "mutation($n: String!) { decideCase(number: $n, approve: true) { case { status } } }",
    "conclude": "mutation($n: String!) { concludeCase(number: $n) { case { status } } }",
}
CASE = "query($n: String!) { case(number: $n) { number status } }"
TOTAL = "{ cases { total } }"


# mid-2026: the working-day calendar of that year is complete
pytestmark = pytest.mark.clock("2026-06-15")


@pytest.fixture
def sealer() -> ResultSealer:
    return case_results(load_settings({"TONGBAN_SECRET_KEY": SECRET}))


@pytest.fixture(autouse=True)
def fresh_trust() -> Iterator[None]:
    """Every test checks its tokens' logins afresh (the databases are reused)."""
    person_tokens.forget_trusted()
    yield
    person_tokens.forget_trusted()


@pytest.fixture
def app(demo: Database, env: CaseEnv, make_app: Callable[..., Flask]) -> Flask:
    return make_app(SECRET, env=env)


# --- the demo tree's chains ------------------------------------------------------------


def test_the_chains_are_every_escalation_of_the_demo_tree() -> None:
    found = set()
    for path in DEMO.rglob("*.implementation.yaml"):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for node in doc["flow"]["nodes"]:
            if node["kind"] == "escalate":
                place = path.parent.parent.relative_to(DEMO).as_posix()
                found.add((place, doc["code"], place.split("/")[Level.parse(node["to"]) - 1]))
    assert found == {(c.path, c.matter, c.final) for c in CHAINS}


# --- helpers ---------------------------------------------------------------------------


def escalate(db: Database, env: CaseEnv, chain: Chain) -> tuple[str, str]:
    """A case submitted at the initial level and worked there until it is escalated:
    (its number, the number of the final level's case)."""
    number = submit(db, env, chain.initial, application(chain.path, chain.matter)).number
    while (upper := escalated_from(db, number)) is None:
        for item in open_steps(db, number):
            work_step(db, env, item)
    assert upper_tenant(db, upper) == chain.final
    return number, upper


def escalated_from(db: Database, number: str) -> str | None:
    with platform_unit_of_work(db, "test: the escalated case") as uow:
        origin = select(Case.id).where(Case.number == number).scalar_subquery()
        return uow.session.scalar(select(Case.number).where(Case.origin_case_id == origin))


def upper_tenant(db: Database, number: str) -> str:
    with platform_unit_of_work(db, "test: tenant of a case") as uow:
        case = uow.session.scalar(select(Case).where(Case.number == number))
        assert case is not None
        return uow.tenants.by_id(case.tenant_id).code


def work_upper(db: Database, number: str, act: Callable[[OpenStep], str]) -> list[tuple[str, str]]:
    """Every step of the final level's case, each through ``act``: (step, who acted)."""
    taken = []
    while pending := open_steps(db, number):
        for item in pending:
            taken.append((item.step, act(item)))
    return taken


@dataclass(frozen=True)
class CaseState:
    status: str
    decision: str | None
    open_nodes: list[str]
    up: tuple[str, str | None, str | None]  # the escalate task: status, outcome, completed by
    events: list[tuple[str, str]]  # (kind, actor)
    row_version: int


def state(db: Database, number: str) -> CaseState:
    with platform_unit_of_work(db, "test: case state") as uow:
        case = uow.session.scalar(select(Case).where(Case.number == number))
        assert case is not None
        tasks = uow.session.scalars(
            select(CaseTask).where(CaseTask.case_id == case.id).order_by(CaseTask.id)
        ).all()
        [up] = [t for t in tasks if t.kind == "escalate"] or [None]
        events = uow.session.execute(
            select(CaseEvent.kind, CaseEvent.actor)
            .where(CaseEvent.case_id == case.id)
            .order_by(CaseEvent.seq)
        ).all()
        return CaseState(
            case.status,
            case.decision,
            [t.node_id for t in tasks if t.status == "open"],
            (up.status, up.outcome, up.completed_by) if up else ("", None, None),
            [(kind, actor) for kind, actor in events],
            case.row_version,
        )


def alerts_of(db: Database, number: str) -> list[tuple[str, str, str]]:
    with platform_unit_of_work(db, "test: alerts") as uow:
        rows = uow.session.execute(
            select(SupervisionAlert.kind, SupervisionAlert.subject, SupervisionAlert.message)
            .join(Case, Case.id == SupervisionAlert.case_id)
            .where(Case.number == number)
        ).all()
        return [(kind, subject, message) for kind, subject, message in rows]


def run_step(client: FlaskClient, credential: str, item: OpenStep) -> None:
    result = data(
        gql(client, STEP_MUTATIONS[item.step], credential, n=item.case_number, node=item.node_id)
        if item.step == "review"
        else gql(client, STEP_MUTATIONS[item.step], credential, n=item.case_number)
    )
    assert result


def new_key(db: Database, tenant: str, role: str, department: str | None, wide: bool) -> str:
    name = f"{tenant}-{role}-{department or 'all'}-{'wide' if wide else 'own'}"
    with platform_unit_of_work(db, "test: api key", write=True) as uow:
        _, key = apikeys.create_key(uow, tenant, role, name, department, wide)
        uow.commit()
    return key


def token(app: Flask, username: str) -> str:
    response = app.test_client().post(
        "/api/token", json={"username": username, "password": PASSWORD}
    )
    assert response.status_code == 200, response.get_json()
    issued: str = response.get_json()["token"]
    return issued


class Keys:
    """The final level's systems: one key per role and department, none with descendants."""

    def __init__(self, app: Flask, db: Database) -> None:
        self.client, self.db = app.test_client(), db
        self.made: dict[str, str] = {}  # who -> key

    def __call__(self, item: OpenStep) -> str:
        who = f"{item.tenant_code}-{item.role}-{item.department}-own"
        if who not in self.made:
            self.made[who] = new_key(self.db, item.tenant_code, item.role, item.department, False)
        run_step(self.client, self.made[who], item)
        return f"apikey:{who}"

    def credential(self, who: str) -> str:
        return self.made[who.removeprefix("apikey:")]


class People:
    """The final level's staff, each through a token issued to their login."""

    def __init__(self, app: Flask, db: Database) -> None:
        self.app, self.client, self.db = app, app.test_client(), db

    def __call__(self, item: OpenStep) -> str:
        who = holder(self.db, item.tenant_code, item.department, item.role).username
        run_step(self.client, self.credential(who), item)
        return who

    def credential(self, who: str) -> str:
        return token(self.app, who)


def not_found(client: FlaskClient, credential: str, number: str) -> dict[str, Any]:
    """The error for ``number``, which must be NOT_FOUND, without what differs per request."""
    body = gql(client, CASE, credential, n=number).get_json()
    [error] = body["errors"]
    assert error["extensions"]["code"] == "NOT_FOUND", error
    return {"message": error["message"].replace(number, "N"), "code": "NOT_FOUND"}


# --- the answer comes back in the final level's command --------------------------------


@pytest.mark.parametrize("chain", CHAINS, ids=str)
@pytest.mark.parametrize("channel", ["narrow-key", "person-token"])
def test_the_initial_case_resumes_whoever_concludes_the_escalated_one(
    app: Flask, demo: Database, env: CaseEnv, chain: Chain, channel: str
) -> None:
    number, upper = escalate(demo, env, chain)
    assert state(demo, number).open_nodes == ["up"]
    act = Keys(app, demo) if channel == "narrow-key" else People(app, demo)
    taken = work_upper(demo, upper, act)
    assert [step for step, _ in taken] == ["accept", "review", "decide", "conclude"]
    assert (state(demo, upper).status, state(demo, upper).decision) == ("concluded", "approved")

    # resumed by the final level's last command itself: its actor answered the escalate node
    concluder = taken[-1][1]
    resumed = state(demo, number)
    assert (resumed.status, resumed.decision, resumed.open_nodes) == (
        "processing",
        "approved",
        ["conclude"],
    )
    assert resumed.up == ("done", "pass", concluder)
    assert resumed.events[-1] == ("LinkedCaseAnswered", concluder)
    work_case(demo, env, number)  # the initial level delivers
    assert state(demo, number).status == "concluded"
    assert supervision.sweep(demo, env).raised == {}  # nothing was left for the sweep
    assert alerts_of(demo, number) == []

    # what anyone sees is unchanged
    client = app.test_client()
    narrow = act.credential(concluder)
    assert data(gql(client, CASE, narrow, n=upper))["case"]["status"] == "concluded"
    if channel == "narrow-key":
        outsider = new_key(demo, chain.outsider, "admin", None, wide=True)
        assert not_found(client, narrow, number) == not_found(client, narrow, MISSING)
        assert data(gql(client, TOTAL, narrow))["cases"]["total"] == 1
    else:
        outsider = token(app, chain.outsider_login)
    for seen in (number, upper):  # a sibling county, or a city below the province
        assert not_found(client, outsider, seen) == not_found(client, outsider, MISSING)
    assert data(gql(client, TOTAL, outsider))["cases"]["total"] == 0


# --- a lost answer: the sweep hands it back, once --------------------------------------


def set_origin(db: Database, number: str, origin: int | None) -> int | None:
    """Edit the escalated case's link to the case it answers; the link it had."""
    with platform_unit_of_work(db, "test: edit the link row", write=True) as uow:
        had = uow.session.scalar(select(Case.origin_case_id).where(Case.number == number))
        uow.session.execute(update(Case).where(Case.number == number).values(origin_case_id=origin))
        uow.commit()
    return had


@pytest.mark.parametrize("chain", CHAINS, ids=str)
def test_a_lost_answer_is_handed_back_by_the_sweep_with_one_alert(
    demo: Database, env: CaseEnv, clock: Clock, chain: Chain
) -> None:
    number, upper = escalate(demo, env, chain)
    link = set_origin(demo, upper, None)  # so the final level's conclusion answers nobody
    work_case(demo, env, upper)
    set_origin(demo, upper, link)
    lost = state(demo, number)
    assert (state(demo, upper).status, lost.open_nodes, lost.up) == (
        "concluded",
        ["up"],
        ("open", None, None),
    )

    clock.set("2026-06-16")
    summary = supervision.sweep(demo, env)
    assert (summary.raised, summary.errors) == ({"LINK_ANSWER_RECOVERED": 1}, {})
    healed = state(demo, number)
    assert (healed.status, healed.decision, healed.open_nodes) == (
        "processing",
        "approved",
        ["conclude"],
    )
    assert healed.up == ("done", "pass", "system:supervision")
    assert healed.events[-1] == ("LinkedCaseAnswered", "system:supervision")
    [(kind, subject, message)] = alerts_of(demo, number)
    assert (kind, subject) == ("LINK_ANSWER_RECOVERED", "up")
    assert message.startswith(f"办件 {number}") and upper in message and "2026-06-15" in message

    again = supervision.sweep(demo, env)  # exactly once
    assert (again.raised, again.errors) == ({}, {})
    assert state(demo, number) == healed and len(alerts_of(demo, number)) == 1
    work_case(demo, env, number)
    assert (state(demo, number).status, state(demo, number).decision) == ("concluded", "approved")


# --- no hand-back, no command ----------------------------------------------------------


def test_a_conclusion_that_cannot_answer_fails_and_changes_nothing(
    demo: Database, env: CaseEnv
) -> None:
    chain = CHAINS[0]
    number, upper = escalate(demo, env, chain)
    while (pending := open_steps(demo, upper))[0].step != "conclude":
        work_step(demo, env, pending[0])
    with platform_unit_of_work(demo, "test: nothing waits any more", write=True) as uow:
        county = select(Case.id).where(Case.number == number).scalar_subquery()
        uow.session.execute(
            update(CaseTask)
            .where(CaseTask.case_id == county, CaseTask.node_id == "up")
            .values(status="cancelled")
        )
        uow.commit()
    before = (state(demo, upper), state(demo, number))
    with demo.for_tenant(chain.final, subtree=False) as uow, pytest.raises(InvalidState) as refused:
        steps.conclude_case(uow, env, user(demo, "harbin_clerk"), upper)
    message = str(refused.value)
    assert message.startswith(f"办件 {number} 不在环节 up 等待办件 {upper} 的结果，无法交回")
    assert (state(demo, upper), state(demo, number)) == before
    with platform_unit_of_work(demo, "test: no sealed result") as uow:
        assert uow.session.scalar(select(func.count()).select_from(ResultDocument)) == 0


# --- the narrow way in -----------------------------------------------------------------


def test_a_link_opens_the_linked_case_and_nothing_else(demo: Database, env: CaseEnv) -> None:
    chain = CHAINS[0]
    number, upper = escalate(demo, env, chain)
    with platform_unit_of_work(demo, "test: tenant ids") as uow:
        county, sibling = (uow.tenants.get(c).id for c in (chain.initial, chain.outsider))
    with demo.for_tenant(chain.final, subtree=False) as uow:
        city = uow.cases.by_number(upper)
        assert city is not None and uow.cases.by_number(number) is None
        before = uow.scope
        with uow.linked_case(city) as linked:
            assert linked is not None and linked.number == number
            during = uow.scope
        after = uow.scope
        seen = uow.session.scalar(select(Case.number).where(Case.number == number))
    assert isinstance(during, TenantScope) and isinstance(after, TenantScope)
    assert county in during.visible_ids and county in during.writable_ids
    assert sibling not in during.visible_ids
    assert after.visible_ids == before.visible_ids and county not in after.visible_ids
    assert seen is None  # reading is the actor's again after the block
    assert county in after.writable_ids  # what the block changed can still be written
    with demo.for_tenant(chain.outsider) as uow:  # the sibling county still finds neither
        assert uow.cases.by_number(number) is None
        for seen in (number, upper):
            with pytest.raises(NotFound):
                queries.get_case(uow, seen)
