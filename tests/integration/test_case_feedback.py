"""告知承诺制, 好差评 and complaints, on both databases."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from tongban.adapters.db.bypass import platform_unit_of_work
from tongban.adapters.db.case_models import SupervisionAlert
from tongban.adapters.db.unit_of_work import Database
from tongban.adapters.files.config_io import load_tree
from tongban.core.errors import Conflict, Forbidden, InvalidDefinition, InvalidState, NotFound
from tongban.services.actors import Actor
from tongban.services.cases import commitment, feedback, queries, supervision
from tongban.services.cases.driver import work_case
from tongban.services.cases.runtime import CaseEnv
from tongban.services.schemas import Schemas

from .case_support import DEMO, Clock, application, submit, user

ZHAOZHOU = "100000/230000/230600/230621"
FOOD_TRADE = "000131064004"  # 食品经营许可
YILAN = "100000/230000/230100/230123"
DRUG = "000172111003"


@pytest.fixture
def commit_tree(db: Database, schemas: Schemas, tmp_path: Path) -> Database:
    """The demo, with 食品经营许可 a notify-and-commit matter at every level."""
    tree = tmp_path / "tenants"
    shutil.copytree(DEMO, tree)
    for path in tree.rglob(f"{FOOD_TRADE}.*.yaml"):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        doc["notify_and_commit"] = True
        path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    load_tree(db, tree, schemas)
    return db


def test_notify_and_commit_verification_and_revocation(
    commit_tree: Database, env: CaseEnv, clock: Clock
) -> None:
    with pytest.raises(InvalidDefinition) as refused:
        submit(commit_tree, env, "230621", application(ZHAOZHOU, FOOD_TRADE))
    assert [v.code for v in refused.value.violations] == ["COMMITMENT_REQUIRED"]
    truthful = submit(
        commit_tree, env, "230621", application(ZHAOZHOU, FOOD_TRADE, commitment=True)
    ).number
    false = submit(
        commit_tree, env, "230621", application(ZHAOZHOU, FOOD_TRADE, commitment=True)
    ).number
    for number in (truthful, false):
        work_case(commit_tree, env, number)
    with platform_unit_of_work(commit_tree, "test") as uow:
        reviewer = next(
            u.username
            for u in uow.departments.users_of_tenant(uow.tenants.get("230621").id)
            if "reviewer" in u.roles
        )
    with commit_tree.for_tenant("230621") as uow:
        ok = commitment.verify_commitment(
            uow, env, user(commit_tree, reviewer), truthful, True, "现场核查属实"
        )
    assert ok.status == "concluded"
    clock.set("2026-10-30")  # 20 working days after the decision have passed for `false`
    summary = supervision.sweep(commit_tree, env)
    assert summary.raised.get("VERIFICATION_OVERDUE") == 1
    with commit_tree.for_tenant("230621") as uow:
        revoked = commitment.verify_commitment(
            uow, env, user(commit_tree, reviewer), false, False, "经营场所与承诺不符"
        )
    assert revoked.status == "revoked"
    with commit_tree.for_tenant("230621") as uow:
        kinds = [e.kind for e in queries.case_events(uow, false)]
    assert kinds[-1] == "DecisionRevoked"
    with commit_tree.for_tenant("230621") as uow, pytest.raises(InvalidState):
        commitment.verify_commitment(uow, env, user(commit_tree, reviewer), false, True, "again")


def test_a_bad_rating_opens_a_followup_that_must_be_answered(
    demo: Database, env: CaseEnv, clock: Clock
) -> None:
    app = application(YILAN, DRUG)
    number = submit(demo, env, "230123", app).number
    applicant = Actor.applicant(app.applicant_id)
    with demo.for_tenant("230123") as uow, pytest.raises(InvalidState):
        feedback.rate_service(uow, env, applicant, number, 1, "太慢")
    work_case(demo, env, number)
    with demo.for_tenant("230123") as uow, pytest.raises(InvalidDefinition):
        feedback.rate_service(uow, env, applicant, number, 6, "")
    with demo.for_tenant("230123") as uow:
        rating = feedback.rate_service(uow, env, applicant, number, 2, "窗口等待时间长")
    assert (rating.label, rating.followup_due) == ("不满意", "2026-09-08")
    with demo.for_tenant("230123") as uow, pytest.raises(Conflict):
        feedback.rate_service(uow, env, applicant, number, 5, "改评")
    clock.set("2026-09-09")
    assert supervision.sweep(demo, env).raised == {"FOLLOWUP_OVERDUE": 1}
    with demo.for_tenant("230123") as uow, pytest.raises(Forbidden):
        feedback.answer_rating(uow, env, user(demo, "yilan_reviewer"), number, "x")
    with demo.for_tenant("230123") as uow:
        answered = feedback.answer_rating(
            uow, env, user(demo, "yilan_admin"), number, "已回访，增开窗口"
        )
    assert answered.followup_answer == "已回访，增开窗口"
    assert supervision.sweep(demo, env).raised == {}


def test_complaints_are_filed_by_the_applicant_and_answered_by_the_tenant(
    demo: Database, env: CaseEnv
) -> None:
    app = application(YILAN, DRUG)
    number = submit(demo, env, "230123", app).number
    with demo.for_tenant("230123") as uow:
        complaint = feedback.complain(
            uow, env, Actor.applicant(app.applicant_id), number, "材料被要求重复提交"
        )
    with demo.for_tenant("230124") as uow, pytest.raises(NotFound):  # a sibling cannot answer
        feedback.answer_complaint(uow, env, user(demo, "fangzheng_admin"), complaint, "x")
    with demo.for_tenant("230123") as uow:
        feedback.answer_complaint(uow, env, user(demo, "yilan_admin"), complaint, "已核实并纠正")
    with demo.for_tenant("230123") as uow:
        kinds = [e.kind for e in queries.case_events(uow, number)]
    assert kinds[-2:] == ["ComplaintFiled", "ComplaintAnswered"]
    with platform_unit_of_work(demo, "test") as uow:
        assert uow.session.scalars(select(SupervisionAlert)).all() == []
