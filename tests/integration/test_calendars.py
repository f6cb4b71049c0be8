"""Working-day calendars as data (issue 9), on SQLite and PostgreSQL: a deadline in a year the
national data does not cover is 暂定; loading that year's official arrangement moves it, records
an audited event and clears 暂定; supervision raises no red card from a provisional date; a
tenant's own holiday reaches its descendants and never a sibling."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select, update

from tongban.adapters.crypto.seal_box import SealBox
from tongban.adapters.db.api_models import WebhookDelivery
from tongban.adapters.db.bypass import platform_unit_of_work
from tongban.adapters.db.case_models import Case, CaseEvent, SupervisionAlert
from tongban.adapters.db.models import CalendarDay, Tenant
from tongban.adapters.db.unit_of_work import Database
from tongban.adapters.files.calendar_file import parse_arrangement_text
from tongban.adapters.files.config_io import export_tree, load_tree
from tongban.core.calendar_doc import ArrangementDoc
from tongban.core.cases.workdays import Layer
from tongban.core.errors import Forbidden, NotFound
from tongban.services import calendars, webhooks
from tongban.services.cases import intake, supervision
from tongban.services.cases.runtime import CaseEnv
from tongban.services.cases.time import clear_calendar_cache
from tongban.services.schemas import Schemas

from .case_support import YILAN, Clock, application, submit, user

DRUG = "000172111003"
ARRANGEMENT_2027 = """\
year: 2027
document: 测试〔2027〕1号
title: 测试用 2027 年部分节假日安排（非真实文件）
holidays:
  - {date: '2027-01-01', name: 元旦}
  - {date: '2027-01-15', name: 测试假日}
workdays:
  - {date: '2027-02-20', name: 春节调休}
"""


def arrangement(text: str = ARRANGEMENT_2027) -> ArrangementDoc:
    doc, problems = parse_arrangement_text(text, source="2027.yaml", file_name="2027.yaml")
    assert doc is not None, problems
    return doc


@pytest.fixture(autouse=True)
def _fresh_calendars() -> None:
    clear_calendar_cache()  # calendars are cached per process and database URL


pytestmark = pytest.mark.clock("2026-12-20")


def accepted_on_20_december(db: Database, env: CaseEnv) -> str:
    """A 依兰县 case accepted on 2026-12-20 under a 20-working-day promise (the national
    standard's limit; the county's file promises 10, so the row is set before 受理)."""
    number = submit(db, env, "230123", application(YILAN, DRUG)).number
    with platform_unit_of_work(db, "test", write=True) as uow:
        uow.session.execute(update(Case).where(Case.number == number).values(promised_days=20))
        uow.commit()
    with db.for_tenant("230123") as uow:
        intake.accept_case(uow, env, user(db, "yilan_clerk"), number)
    return number


def case_row(db: Database, number: str) -> Case:
    with platform_unit_of_work(db, "test") as uow:
        case = uow.session.scalar(select(Case).where(Case.number == number))
        assert case is not None
        uow.session.expunge(case)
        return case


def events(db: Database, number: str) -> list[CaseEvent]:
    with platform_unit_of_work(db, "test") as uow:
        case = uow.session.scalar(select(Case).where(Case.number == number))
        assert case is not None
        rows = list(
            uow.session.scalars(
                select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq)
            )
        )
        uow.session.expunge_all()
        return rows


def test_provisional_deadline_is_recomputed_when_the_arrangement_arrives(
    demo: Database, env: CaseEnv
) -> None:
    number = accepted_on_20_december(demo, env)
    case = case_row(demo, number)
    # 12-21…12-31: 9 (national data); 01-01 元旦 (statutory rules); 01-04…01-18: 11
    assert (case.deadline, case.deadline_provisional) == (dt.date(2027, 1, 18), True)
    with demo.for_tenant("230123") as uow:
        subscription, _ = webhooks.subscribe(
            uow,
            SealBox.from_setting("calendar-test-seal-key"),
            user(demo, "yilan_admin"),
            "https://hooks.example.cn/tongban",
            ["DeadlinesRecomputed"],
        )

    summary = calendars.import_arrangement(demo, env, "100000", arrangement())

    assert (summary.checked, summary.changed, summary.errors) == (1, [number], {})
    case = case_row(demo, number)
    # the arrangement's extra holiday on 01-15 moves the deadline by one working day
    assert (case.deadline, case.deadline_provisional) == (dt.date(2027, 1, 19), False)
    last = events(demo, number)[-1]
    assert last.kind == "DeadlinesRecomputed" and last.actor == "system:calendar"
    assert last.payload["why"] == "单位 100000 载入 2027 年放假安排（测试〔2027〕1号）"
    assert last.payload["changes"][0] == {
        "field": "deadline",
        "label": "承诺办结时间",
        "old": "2027-01-18",
        "new": "2027-01-19",
        "provisional": False,
    }
    with platform_unit_of_work(demo, "test") as uow:
        kinds = uow.session.scalars(
            select(WebhookDelivery.kind).where(WebhookDelivery.subscription_id == subscription.id)
        ).all()
    assert list(kinds) == ["DeadlinesRecomputed"]
    # loading it again changes nothing and records nothing
    again = calendars.import_arrangement(demo, env, "100000", arrangement())
    assert (again.checked, again.changed) == (0, [])
    assert events(demo, number)[-1].id == last.id


def test_no_red_card_from_a_provisional_date_alone(
    demo: Database, env: CaseEnv, clock: Clock
) -> None:
    number = accepted_on_20_december(demo, env)
    clock.set("2027-01-20")  # past the provisional 01-18
    supervision.sweep(demo, env, "230123")
    with platform_unit_of_work(demo, "test") as uow:
        kinds = {
            (a.kind, a.level)
            for a in uow.session.scalars(
                select(SupervisionAlert).join(Case).where(Case.number == number)
            )
        }
    assert ("CASE_OVERDUE", "red") not in kinds
    assert ("CASE_OVERDUE_PROVISIONAL", "yellow") in kinds
    # once the arrangement is loaded the date is official, and the sweep goes by it
    calendars.import_arrangement(demo, env, "100000", arrangement())
    supervision.sweep(demo, env, "230123")
    with platform_unit_of_work(demo, "test") as uow:
        red = uow.session.scalars(
            select(SupervisionAlert.message)
            .join(Case)
            .where(Case.number == number, SupervisionAlert.kind == "CASE_OVERDUE")
        ).all()
    assert red == [f"办件 {number} 已超过承诺办结时间 2027-01-19（红牌）"]


def add_local_holiday(db: Database, tenant_code: str, day: dt.date) -> None:
    with platform_unit_of_work(db, "test", write=True) as uow:
        tenant = uow.session.scalar(select(Tenant).where(Tenant.code == tenant_code))
        assert tenant is not None
        uow.session.add(CalendarDay(tenant_id=tenant.id, day=day, kind="holiday", name="地方节日"))
        uow.commit()
    clear_calendar_cache()


def test_a_tenants_holiday_reaches_its_descendants_never_a_sibling(
    demo: Database, env: CaseEnv
) -> None:
    local = dt.date(2027, 1, 12)  # a Tuesday
    add_local_holiday(demo, "230100", local)  # 哈尔滨市
    seen = {}
    for code in ("230100", "230123", "230600", "230000"):
        with demo.for_tenant(code) as uow:
            seen[code] = next(
                d for d in calendars.year_view(uow, code, 2027).days if d.day == local
            )
    assert (seen["230100"].workday, seen["230100"].layer) == (False, Layer.OWN)
    assert (seen["230123"].workday, seen["230123"].layer) == (False, Layer.ANCESTOR)
    assert seen["230123"].tenant_code == "230100"
    assert (seen["230600"].workday, seen["230600"].layer) == (True, Layer.PROVISIONAL)  # 大庆
    assert (seen["230000"].workday, seen["230000"].layer) == (True, Layer.PROVISIONAL)  # parent
    # and in a deadline: the county's case is due a day later than without it
    number = accepted_on_20_december(demo, env)
    assert case_row(demo, number).deadline == dt.date(2027, 1, 19)


def test_a_calendar_of_another_branch_is_not_found(demo: Database) -> None:
    with demo.for_tenant("230123") as uow:
        with pytest.raises(NotFound):
            calendars.year_view(uow, "230600", 2027)  # a sibling city
        with pytest.raises(NotFound):
            calendars.year_view(uow, "230124", 2027)  # a sibling county
        calendars.year_view(uow, "230000", 2027)  # an ancestor: its lineage


def test_only_the_platform_admin_loads_an_arrangement(demo: Database) -> None:
    for name in ("yilan_admin", "hlj_admin"):
        with pytest.raises(Forbidden):
            calendars.require_platform_admin(user(demo, name))
    calendars.require_platform_admin(user(demo, "guojia_admin"))  # the nation's admin
    with pytest.raises(Forbidden):
        calendars.require_platform_admin(user(demo, "guojia_clerk"))


def test_the_tree_carries_arrangements_and_export_writes_them_back(
    demo: Database, schemas: Schemas, env: CaseEnv, tmp_path: Path
) -> None:
    number = accepted_on_20_december(demo, env)
    tree = tmp_path / "tenants"
    export_tree(demo, tree, schemas)
    (tree / "100000" / "calendars").mkdir()
    (tree / "100000" / "calendars" / "2027.yaml").write_text(ARRANGEMENT_2027, encoding="utf-8")
    summary = load_tree(demo, tree, schemas, env)
    assert summary.calendars == ["单位 100000 载入 2027 年放假安排（测试〔2027〕1号）"]
    assert summary.recomputed is not None and summary.recomputed.changed == [number]
    assert case_row(demo, number).deadline == dt.date(2027, 1, 19)
    again = tmp_path / "again"
    export_tree(demo, again, schemas)
    written = (again / "100000" / "calendars" / "2027.yaml").read_text(encoding="utf-8")
    assert arrangement(written) == arrangement()


def test_a_joint_matters_sub_cases_keep_sharing_its_recomputed_deadline(
    demo: Database, env: CaseEnv, clock: Clock
) -> None:
    clock.set("2026-12-31")
    joint = submit(demo, env, "230123", application(YILAN, "LH2300000001")).number
    with demo.for_tenant("230123") as uow:
        intake.accept_case(uow, env, user(demo, "yilan_clerk"), joint)
    with platform_unit_of_work(demo, "test") as uow:
        joint_id = uow.session.scalar(select(Case.id).where(Case.number == joint))
        subs = list(uow.session.scalars(select(Case.number).where(Case.joint_case_id == joint_id)))
    assert len(subs) == 4
    for number in (joint, *subs):  # 1 working day after 12-31: 01-01 is 元旦 by the law
        assert (case_row(demo, number).deadline, case_row(demo, number).deadline_provisional) == (
            dt.date(2027, 1, 4),
            True,
        )
    extra = ARRANGEMENT_2027.replace(
        "name: 测试假日}", "name: 测试假日}\n  - {date: '2027-01-04', name: 元旦调休}"
    )
    summary = calendars.import_arrangement(demo, env, "100000", arrangement(extra))
    assert sorted(summary.changed) == sorted([joint, *subs])
    for number in (joint, *subs):
        row = case_row(demo, number)
        assert (row.deadline, row.deadline_provisional) == (dt.date(2027, 1, 5), False), number
