"""Scenario tests of the case engine on SQLite and PostgreSQL: every demo matter end to end."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select

from tongban.adapters.db.bypass import platform_unit_of_work
from tongban.adapters.db.case_models import Case, CaseEvent, SupervisionAlert
from tongban.adapters.db.unit_of_work import Database
from tongban.core import audit
from tongban.core.errors import Conflict, Forbidden, InvalidDefinition, InvalidState, NotFound
from tongban.services.actors import Actor
from tongban.services.cases import intake, pauses, queries, steps, supervision
from tongban.services.cases.driver import open_steps, work_case
from tongban.services.cases.runtime import CaseEnv

from .case_support import Clock, application, submit, user

YILAN = "100000/230000/230100/230123"
FANGZHENG = "100000/230000/230100/230124"
DRUG = "000172111003"  # 药品零售企业经营许可, county licence, promised 10 at 依兰县
FOOD = "HLXK00000201"  # 食品生产许可, 县初审市终审
PUBLISH = "000150001002"  # 出版单位设立审批, 省初审国家终审
JOINT = "LH2300000001"  # 企业开办 一表制
ELDER = "HLGG00000101"  # 老年人优待证, instant


def verify_chain(db: Database, number: str) -> list[audit.ChainProblem]:
    with platform_unit_of_work(db, "test") as uow:
        case = uow.session.scalar(select(Case).where(Case.number == number))
        assert case is not None
        rows = uow.session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
        ).all()
        events = [
            audit.AuditEvent(
                e.chain, e.seq, e.kind, e.actor, e.tenant, e.at, e.payload, e.prev_hash, e.hash
            )
            for e in rows
        ]
        return audit.verify_chain(events, head=(case.audit_seq, case.audit_head))


def test_county_licence_end_to_end(demo: Database, env: CaseEnv) -> None:
    received = submit(demo, env, "230123", application(YILAN, DRUG, form={"storeType": "连锁门店"}))
    assert received.status == "received"
    assert received.number.endswith("202609010001")
    assert received.number.startswith(received.implementation_code)
    assert [t.step for t in received.open_tasks] == ["accept"]
    with demo.for_tenant("230123") as uow:
        accepted = intake.accept_case(uow, env, user(demo, "yilan_clerk"), received.number)
    assert accepted.status == "processing"
    assert accepted.deadline == dt.date(2026, 9, 15)  # 10 working days after 09-01
    assert [t.node_id for t in accepted.open_tasks] == ["review_chain"]  # the choice took 连锁门店
    assert work_case(demo, env, received.number) == 3  # review, decide, conclude
    with demo.for_tenant("230123") as uow:
        done = queries.get_case(uow, received.number)
    assert (done.status, done.decision) == ("concluded", "approved")
    assert verify_chain(demo, received.number) == []
    with demo.for_tenant("230123") as uow:
        kinds = [e.kind for e in queries.case_events(uow, received.number)]
    assert kinds[:3] == ["CaseSubmitted", "CaseReceived", "CaseAccepted"]
    assert kinds[-1] == "CaseConcluded"


def test_the_choice_takes_the_default_branch(demo: Database, env: CaseEnv) -> None:
    received = submit(demo, env, "230123", application(YILAN, DRUG, form={"storeType": "单体药店"}))
    with demo.for_tenant("230123") as uow:
        accepted = intake.accept_case(uow, env, user(demo, "yilan_clerk"), received.number)
    assert [t.node_id for t in accepted.open_tasks] == ["review_full"]


def test_submission_reports_every_problem_and_creates_nothing(demo: Database, env: CaseEnv) -> None:
    app = application(YILAN, DRUG, form={"uscc": "91110000600037341A", "contactMobile": "123"})
    app = intake.Application(**{**app.__dict__, "materials": ["M001", "M999"]})
    with pytest.raises(InvalidDefinition) as refused:
        submit(demo, env, "230123", app)
    where = {(v.code, v.pointer) for v in refused.value.violations}
    assert ("FORM_DATA", "/form_data/uscc") in where
    assert ("FORM_DATA", "/form_data/contactMobile") in where
    assert ("MATERIAL_UNKNOWN", "/materials/1") in where
    missing = [v.message for v in refused.value.violations if v.code == "MATERIAL_NOT_PROVIDED"]
    assert len(missing) == 3 and all(m in " ".join(missing) for m in ("M003", "M004", "M005"))
    with platform_unit_of_work(demo, "test") as uow:
        assert uow.session.scalars(select(Case)).all() == []


def test_idempotency_key_makes_one_case(demo: Database, env: CaseEnv) -> None:
    app = application(YILAN, DRUG, idempotency_key="county-system-42")
    first = submit(demo, env, "230123", app)
    second = submit(demo, env, "230123", app)
    assert first.number == second.number
    other = submit(demo, env, "230123", application(YILAN, DRUG, idempotency_key="43"))
    assert other.number.endswith("0002")


def test_a_reused_idempotency_key_with_another_body_is_a_conflict(
    demo: Database, env: CaseEnv
) -> None:
    """Issue 12, point 9: the second, different application was silently answered with
    the first case. The same body (materials in another order) still gets the same case."""
    app = application(YILAN, DRUG, idempotency_key="county-system-7")
    first = submit(demo, env, "230123", app)
    reordered = dataclasses.replace(app, materials=list(reversed(app.materials)))
    assert submit(demo, env, "230123", reordered).number == first.number
    for changed in (
        dataclasses.replace(app, applicant_name="另一家公司"),
        dataclasses.replace(app, materials=app.materials[:1]),
        dataclasses.replace(app, form_data={**app.form_data, "extra": 1}),
        dataclasses.replace(app, commitment=True),
    ):
        with pytest.raises(Conflict) as raised:
            submit(demo, env, "230123", changed)
        assert raised.value.message.startswith("幂等键 county-system-7 已用于另一份不同的申请")
        assert raised.value.data == {"idempotencyKey": "county-system-7", "case": first.number}
    with platform_unit_of_work(demo, "test") as uow:
        assert len(uow.session.scalars(select(Case)).all()) == 1


def test_only_the_steps_department_and_role_may_act(demo: Database, env: CaseEnv) -> None:
    number = submit(demo, env, "230123", application(YILAN, DRUG)).number
    with demo.for_tenant("230123") as uow, pytest.raises(Forbidden) as role:
        intake.accept_case(uow, env, user(demo, "yilan_reviewer"), number)
    assert (role.value.reason, role.value.data["role"]) == ("WRONG_ROLE", "clerk")
    with demo.for_tenant("230123") as uow, pytest.raises(Forbidden) as department:
        intake.accept_case(uow, env, user(demo, "yilan_mzj_clerk"), number)
    assert department.value.reason == "WRONG_DEPARTMENT"
    # a sibling county sees nothing: the same error as a number that does not exist
    with demo.for_tenant("230124") as uow, pytest.raises(NotFound) as sibling:
        intake.accept_case(uow, env, user(demo, "fangzheng_clerk"), number)
    with demo.for_tenant("230124") as uow, pytest.raises(NotFound) as missing:
        intake.accept_case(uow, env, user(demo, "fangzheng_clerk"), "X" * len(number))
    assert str(sibling.value).replace(number, "N") == str(missing.value).replace(
        "X" * len(number), "N"
    )
    with demo.for_tenant("230124") as uow, pytest.raises(NotFound):
        queries.get_case(uow, number)
    with demo.for_tenant("230100") as uow:  # the parent city sees its county's case
        assert queries.get_case(uow, number).number == number


def test_county_initial_city_final_escalation(demo: Database, env: CaseEnv) -> None:
    number = submit(demo, env, "230123", application(YILAN, FOOD)).number
    with demo.for_tenant("230123") as uow:
        intake.accept_case(uow, env, user(demo, "yilan_clerk"), number)
    [review] = open_steps(demo, number)
    assert review.node_id == "review"
    with demo.for_tenant("230123") as uow:
        view = steps.complete_step(
            uow, env, user(demo, "yilan_reviewer"), number, "review", steps.Opinion.PASS, "初审通过"
        )
    assert [(t.kind, t.node_id) for t in view.open_tasks] == [("escalate", "up")]
    with platform_unit_of_work(demo, "test") as uow:
        child = uow.session.scalar(select(Case).where(Case.origin_case_id.is_not(None)))
        assert child is not None
        assert uow.tenants.by_id(child.tenant_id).code == "230100"
        assert "初审通过" in (child.initial_opinion or "")
        child_number = child.number
    with demo.for_tenant("230100") as uow:
        assert queries.get_case(uow, child_number).origin_case == number
    with demo.for_tenant("230124") as uow, pytest.raises(NotFound):
        queries.get_case(uow, child_number)  # a sibling never sees it
    work_case(
        demo, env, number
    )  # the city accepts, reviews, decides, concludes; then the county concludes
    with demo.for_tenant("230123") as uow:
        county = queries.get_case(uow, number)
    with demo.for_tenant("230100") as uow:
        city = queries.get_case(uow, child_number)
    assert (city.status, city.decision) == ("concluded", "approved")
    assert (county.status, county.decision) == ("concluded", "approved")


def test_province_initial_nation_final(demo: Database, env: CaseEnv) -> None:
    number = submit(demo, env, "230000", application("100000/230000", PUBLISH)).number
    work_case(demo, env, number)
    with demo.for_tenant("230000") as uow:
        province = queries.get_case(uow, number)
    with platform_unit_of_work(demo, "test") as uow:
        nation = uow.session.scalar(select(Case).where(Case.origin_case_id.is_not(None)))
        assert nation is not None and uow.tenants.by_id(nation.tenant_id).code == "100000"
        assert nation.status == "concluded"
    assert (province.status, province.decision) == ("concluded", "approved")


def test_joint_matter_runs_four_departments_from_one_form(demo: Database, env: CaseEnv) -> None:
    number = submit(demo, env, "230123", application(YILAN, JOINT)).number
    with demo.for_tenant("230123") as uow:
        accepted = intake.accept_case(uow, env, user(demo, "yilan_clerk"), number)
    assert sorted(t.node_id for t in accepted.open_tasks) == [
        "registration",
        "seal",
        "social",
        "tax",
    ]
    with platform_unit_of_work(demo, "test") as uow:
        subs = uow.session.scalars(select(Case).where(Case.joint_case_id.is_not(None))).all()
        assert len(subs) == 4
        assert {s.deadline for s in subs} == {accepted.deadline}  # one deadline
        assert all(s.status == "processing" for s in subs)  # one receipt, one acceptance
    work_case(demo, env, number)
    with demo.for_tenant("230123") as uow:
        joint = queries.get_case(uow, number)
    assert (joint.status, joint.decision) == ("concluded", "approved")


def test_instant_matter_is_due_the_day_it_is_accepted(demo: Database, env: CaseEnv) -> None:
    number = submit(demo, env, "230123", application(YILAN, ELDER)).number
    with demo.for_tenant("230123") as uow:
        accepted = intake.accept_case(uow, env, user(demo, "yilan_mzj_clerk"), number)
    assert accepted.deadline == dt.date(2026, 9, 1)
    work_case(demo, env, number)


def test_denial_and_withdrawal(demo: Database, env: CaseEnv) -> None:
    denied = submit(demo, env, "230123", application(YILAN, DRUG)).number
    work_case(demo, env, denied, approve=False)
    with demo.for_tenant("230123") as uow:
        view = queries.get_case(uow, denied)
    assert (view.status, view.decision, view.decision_reason) == (
        "concluded",
        "denied",
        "不符合许可条件",
    )
    with demo.for_tenant("230123") as uow, pytest.raises(InvalidDefinition):
        steps.decide_case(uow, env, user(demo, "yilan_approver"), denied, False, "  ")

    app = application(YILAN, DRUG)
    withdrawn = submit(demo, env, "230123", app).number
    with demo.for_tenant("230123") as uow, pytest.raises(NotFound):  # someone else's case
        steps.withdraw_case(uow, env, Actor.applicant("110105194912310021"), withdrawn, "x")
    with demo.for_tenant("230123") as uow:
        view = steps.withdraw_case(
            uow, env, Actor.applicant(app.applicant_id), withdrawn, "不再需要"
        )
    assert view.status == "withdrawn" and view.open_tasks == ()
    with demo.for_tenant("230123") as uow, pytest.raises(InvalidState):
        intake.accept_case(uow, env, user(demo, "yilan_clerk"), withdrawn)


def test_rejection_at_acceptance_needs_reasons(demo: Database, env: CaseEnv) -> None:
    number = submit(demo, env, "230123", application(YILAN, DRUG)).number
    with demo.for_tenant("230123") as uow, pytest.raises(InvalidDefinition):
        intake.reject_at_acceptance(uow, env, user(demo, "yilan_clerk"), number, [])
    with demo.for_tenant("230123") as uow:
        view = intake.reject_at_acceptance(
            uow, env, user(demo, "yilan_clerk"), number, ["不属于本机关职权范围，请向省药监局申请"]
        )
    assert view.status == "rejected"


def test_three_supplements_raise_the_alert_once(demo: Database, env: CaseEnv, clock: Clock) -> None:
    app = application(YILAN, DRUG)
    number = submit(demo, env, "230123", app).number
    clerk, applicant = user(demo, "yilan_clerk"), Actor.applicant(app.applicant_id)
    with demo.for_tenant("230123") as uow, pytest.raises(InvalidDefinition) as empty:
        pauses.request_supplement(uow, env, clerk, number, [])
    assert empty.value.violations[0].code == "SUPPLEMENT_EMPTY"
    for round_ in range(1, 4):
        items = [
            pauses.SupplementItem("M003", "营业执照复印件不清晰"),
            pauses.SupplementItem("/contactMobile", "联系电话无法接通"),
        ]
        with demo.for_tenant("230123") as uow:
            view = pauses.request_supplement(uow, env, clerk, number, items)
        assert (view.status, view.supplement_count) == ("supplementing", round_)
        with demo.for_tenant("230123") as uow, pytest.raises(InvalidState):
            intake.accept_case(uow, env, clerk, number)  # paused: nothing can be done
        with demo.for_tenant("230123") as uow:
            view = pauses.provide_supplement(uow, env, applicant, number, ["M003"])
        assert view.status == "received"
    with platform_unit_of_work(demo, "test") as uow:
        kinds = uow.session.scalars(select(SupervisionAlert.kind)).all()
    assert kinds == ["SUPPLEMENT_EXCEEDED"]  # threshold 2: raised on the third, once


def test_special_procedure_pauses_the_clock_across_national_day(
    demo: Database, env: CaseEnv, clock: Clock
) -> None:
    clock.set("2026-09-24")
    number = submit(demo, env, "230123", application(YILAN, DRUG)).number
    with demo.for_tenant("230123") as uow:
        accepted = intake.accept_case(uow, env, user(demo, "yilan_clerk"), number)
    assert accepted.deadline == dt.date(2026, 10, 15)  # 10 working days; 中秋 9/25, 国庆 10/1–7
    clock.set("2026-09-29")
    reviewer = user(demo, "yilan_reviewer")
    with demo.for_tenant("230123") as uow:
        paused = pauses.start_special_procedure(
            uow, env, reviewer, number, "expert_review", "需专家评审经营场所", 8
        )
    assert paused.status == "special_procedure"
    with demo.for_tenant("230123") as uow, pytest.raises(InvalidState):
        steps.complete_step(uow, env, reviewer, number, "review_full", steps.Opinion.PASS, "x")
    clock.set("2026-10-12")
    with demo.for_tenant("230123") as uow:
        resumed = pauses.end_special_procedure(uow, env, reviewer, number, "专家评审通过")
    # paused working days: 9/30, 10/8, 10/9, 10/10 (make-up workday), 10/12 → 5
    assert resumed.deadline == dt.date(2026, 10, 22)
    assert resumed.status == "processing"


def test_deemed_acceptance_and_alerts_raised_once(
    demo: Database, env: CaseEnv, clock: Clock
) -> None:
    clock.set("2026-09-01")
    waiting = submit(demo, env, "230123", application(YILAN, DRUG)).number
    working = submit(demo, env, "230123", application(YILAN, DRUG)).number
    with demo.for_tenant("230123") as uow:
        intake.accept_case(uow, env, user(demo, "yilan_clerk"), working)
    clock.set("2026-09-08")  # 5 working days after receipt: still in time
    first = supervision.sweep(demo, env)
    assert first.deemed_accepted == []
    clock.set("2026-09-09")
    second = supervision.sweep(demo, env)
    assert second.deemed_accepted == [waiting]
    with demo.for_tenant("230123") as uow:
        deemed = queries.get_case(uow, waiting)
        events = [e.kind for e in queries.case_events(uow, waiting)]
    assert deemed.status == "processing" and "CaseDeemedAccepted" in events
    clock.set("2026-09-16")  # past working's 09-15 deadline
    third = supervision.sweep(demo, env)
    again = supervision.sweep(demo, env)
    assert third.raised.get("CASE_OVERDUE") == 1 and third.raised.get("STEP_OVERDUE") == 1
    assert again.raised == {}
    with demo.for_tenant("230100") as uow:  # the city sees its counties' alerts
        city_alerts = supervision.list_alerts(uow)
    with demo.for_tenant("230124") as uow:
        sibling_alerts = supervision.list_alerts(uow)
    assert {a.case_number for a in city_alerts} >= {working}
    assert sibling_alerts == []


def test_urging_and_resolution(demo: Database, env: CaseEnv, clock: Clock) -> None:
    number = submit(demo, env, "230123", application(YILAN, DRUG)).number
    with demo.for_tenant("230123") as uow:
        intake.accept_case(uow, env, user(demo, "yilan_clerk"), number)
    clock.set("2026-09-30")
    supervision.sweep(demo, env)
    with demo.for_tenant("230100") as uow:
        [red] = [a for a in supervision.list_alerts(uow) if a.kind == "CASE_OVERDUE"]
    supervisor = "harbin_supervisor"
    with demo.for_tenant("230100") as uow:
        supervision.urge_alert(uow, user(demo, supervisor), red.id, "请于三日内办结", clock.now)
    with demo.for_tenant("230124") as uow, pytest.raises(NotFound):
        supervision.resolve_alert(uow, user(demo, "fangzheng_admin"), red.id, "x", clock.now)
    with demo.for_tenant("230123") as uow:
        supervision.resolve_alert(uow, user(demo, "yilan_admin"), red.id, "已督促办结", clock.now)
    with demo.for_tenant("230123") as uow:
        [alert] = [a for a in supervision.list_alerts(uow) if a.id == red.id]
    assert (alert.status, alert.urge_note, alert.resolution) == (
        "resolved",
        "请于三日内办结",
        "已督促办结",
    )


def test_two_clerks_on_one_step_one_wins(demo: Database, env: CaseEnv) -> None:
    number = submit(demo, env, "230123", application(YILAN, DRUG)).number
    clerk = user(demo, "yilan_clerk")
    with demo.for_tenant("230123") as uow:
        intake.accept_case(uow, env, clerk, number)
    with demo.for_tenant("230123") as uow, pytest.raises(Conflict):
        intake.accept_case(uow, env, clerk, number)
