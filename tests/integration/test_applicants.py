"""Applicants are identified at submission, on SQLite and PostgreSQL: the declared type
(自然人 / 法人或其他组织) and a 公民身份号码 or 统一社会信用代码 that passes its check
character. A bad one is refused with its field pointer and nothing is stored; a good one is
kept on the case, carried to an escalated case, shown on the case page and sealed on the
决定书; cases stored before the type existed get it from their number."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Engine, func, select

from tongban.adapters.db import migrate
from tongban.adapters.db.bypass import platform_unit_of_work
from tongban.adapters.db.case_models import Case
from tongban.adapters.db.unit_of_work import Database
from tongban.adapters.graphql.context import GraphQLContext, Principal
from tongban.adapters.graphql.schema import schema
from tongban.adapters.web.demo import create_demo_logins
from tongban.app import create_app
from tongban.bootstrap import Platform, case_results
from tongban.config import Settings, load_settings
from tongban.core.errors import InvalidDefinition
from tongban.services.actors import Actor
from tongban.services.cases import steps
from tongban.services.cases.driver import work_case
from tongban.services.cases.intake import Application
from tongban.services.cases.results import CaseResults
from tongban.services.cases.runtime import CaseEnv, ResultSealer
from tongban.services.schemas import Schemas

from .case_support import DRUG, PASSWORD, YILAN, application, submit, user

FOOD = "HLXK00000201"  # 食品生产许可, 县初审市终审
CITIZEN = "11010519491231002X"
SETTINGS = load_settings({"TONGBAN_SECRET_KEY": "x" * 40})
SUBMIT = """
mutation($input: ApplicationInput!) {
  submitApplication(input: $input) { case { number applicantName applicantKind applicantId } }
}
"""


@pytest.fixture
def results() -> CaseResults:
    return case_results(SETTINGS)


@pytest.fixture
def sealer(results: CaseResults) -> ResultSealer:
    return results


def person(code: str = DRUG, number: str = CITIZEN) -> Application:
    """An application by 张三, a natural person identified by his 公民身份号码."""
    return dataclasses.replace(
        application(YILAN, code),
        applicant_name="张三",
        applicant_id=number,
        applicant_kind="natural_person",
    )


def case_count(db: Database) -> int:
    with platform_unit_of_work(db, "test") as uow:
        return int(uow.session.scalar(select(func.count()).select_from(Case)) or 0)


def refused(db: Database, env: CaseEnv, app: Application) -> set[tuple[str, str]]:
    with pytest.raises(InvalidDefinition) as caught:
        submit(db, env, "230123", app, user(db, "yilan_clerk"))
    return {(v.code, v.pointer) for v in caught.value.violations}


def test_a_bad_id_or_kind_is_refused_at_submission_and_nothing_is_stored(
    demo: Database, env: CaseEnv
) -> None:
    good = application(YILAN, DRUG)
    assert good.applicant_kind == "legal_person"
    for bad in (
        dataclasses.replace(good, applicant_id="x"),  # accepted and sealed before
        dataclasses.replace(good, applicant_id="91110000600037341A"),  # wrong check character
        dataclasses.replace(good, applicant_kind="natural_person"),  # a USCC is no ID card
        person(number="110105194912310021"),  # wrong ID check character
    ):
        assert refused(demo, env, bad) == {("APPLICANT_ID_INVALID", "/applicant_id")}
    both = dataclasses.replace(good, applicant_kind="company", applicant_id="x")
    assert refused(demo, env, both) == {("APPLICANT_KIND_UNKNOWN", "/applicant_kind")}
    assert case_count(demo) == 0


def run(demo: Database, env: CaseEnv, schemas: Schemas, **variables: Any) -> Any:
    principal = Principal(user(demo, "yilan_clerk"), "apikey", include_descendants=True)
    context = GraphQLContext(Platform(SETTINGS, demo, schemas), env, principal, "test")
    return schema.execute(SUBMIT, variable_values=variables, context_value=context)


def test_graphql_requires_the_kind_and_refuses_a_bad_id_with_its_pointer(
    demo: Database, env: CaseEnv, schemas: Schemas
) -> None:
    sample = application(YILAN, DRUG)
    given = {
        "matterCode": DRUG,
        "applicantName": "张三",
        "applicantId": "x",
        "applicantKind": "NATURAL_PERSON",
        "formData": dict(sample.form_data),
        "materials": list(sample.materials),
    }
    bad = run(demo, env, schemas, input=given)
    error = bad.errors[0].original_error
    assert error.code == "INVALID_INPUT"
    [violation] = error.violations
    assert (violation.code, violation.pointer) == ("APPLICANT_ID_INVALID", "/applicant_id")
    assert violation.message.startswith("申请人证件号码不是有效的公民身份号码")

    undeclared = run(
        demo, env, schemas, input={k: v for k, v in given.items() if k != "applicantKind"}
    )
    assert undeclared.errors and "applicantKind" in str(undeclared.errors[0])
    assert case_count(demo) == 0

    ok = run(demo, env, schemas, input={**given, "applicantId": CITIZEN.lower()})
    assert ok.errors is None, ok.errors
    assert ok.data["submitApplication"]["case"] == {
        "number": ok.data["submitApplication"]["case"]["number"],
        "applicantName": "张三",
        "applicantKind": "NATURAL_PERSON",
        "applicantId": CITIZEN,  # stored as written in the standard: upper-case X
    }


def web_app(db: Database, schemas: Schemas, tmp_path: Path, fab_engines: list[Engine]) -> Flask:
    settings = Settings(db.url, "memory://", "k" * 40, "test", tmp_path, None)
    app = create_app(Platform(settings, db, schemas), testing=True)
    if db.engine not in fab_engines:
        fab_engines.append(db.engine)
    create_demo_logins(app, db, PASSWORD)
    return app


def test_the_kind_is_kept_carried_up_shown_and_sealed(
    demo: Database,
    env: CaseEnv,
    schemas: Schemas,
    results: CaseResults,
    tmp_path: Path,
    fab_engines: list[Engine],
) -> None:
    decided = submit(demo, env, "230123", person()).number
    escalated = submit(demo, env, "230123", person(FOOD)).number
    work_case(demo, env, decided)
    work_case(demo, env, escalated)
    with platform_unit_of_work(demo, "test") as uow:
        county = uow.session.scalars(select(Case).where(Case.number == escalated)).one()
        city = uow.session.scalars(select(Case).where(Case.origin_case_id == county.id)).one()
        assert (city.applicant_kind, city.applicant_id) == ("natural_person", CITIZEN)
    with demo.for_tenant("230123", readonly=True) as uow:
        check = results.verify(uow, decided)
    assert check.valid, check.problems
    assert check.document["applicant"] == {"name": "张三", "id": CITIZEN, "kind": "natural_person"}

    # written with a small x, stored with a capital X: the same applicant either way
    loose = submit(demo, env, "230123", person(number=CITIZEN.lower())).number
    with demo.for_tenant("230123") as uow:
        withdrawn = steps.withdraw_case(uow, env, Actor.applicant(CITIZEN.lower()), loose, "撤回")
    assert (withdrawn.applicant_id, withdrawn.status) == (CITIZEN, "withdrawn")

    client = web_app(demo, schemas, tmp_path, fab_engines).test_client()
    login = client.post("/login/", data={"username": "yilan_admin", "password": PASSWORD})
    assert login.status_code == 302
    page = client.get(f"/cases/{decided}").get_data(as_text=True)
    assert f"（自然人 · 公民身份号码 {CITIZEN}）" in page


def test_the_migration_gives_stored_cases_their_kind_from_their_number(
    demo: Database, env: CaseEnv
) -> None:
    citizen = submit(demo, env, "230123", person()).number
    company = submit(demo, env, "230123", application(YILAN, DRUG)).number
    migrate.downgrade(demo.engine, "0005")  # before the kind was declared
    migrate.upgrade(demo.engine)
    with platform_unit_of_work(demo, "test") as uow:
        kinds = dict(uow.session.execute(select(Case.number, Case.applicant_kind)).all())
    assert kinds == {citizen: "natural_person", company: "legal_person"}
