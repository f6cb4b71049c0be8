"""The case pages (办件, 工作台, 电子监察) through Flask's test client, on SQLite and PostgreSQL.

The demo tree is loaded and cases are pushed through the engine's services with a movable
clock; the pages must show each login the cases of its own subtree only, and a sibling's case
number must get byte for byte the answer a made-up number gets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from tongban.adapters.db.bypass import platform_unit_of_work
from tongban.adapters.db.case_models import Case, CaseEvent
from tongban.adapters.db.case_models import ResultDocument as ResultRow
from tongban.adapters.db.unit_of_work import Database
from tongban.adapters.files.config_io import load_tree
from tongban.bootstrap import case_results
from tongban.config import load_settings
from tongban.services.cases import intake, listing, supervision
from tongban.services.cases.driver import work_case
from tongban.services.cases.runtime import CaseEnv
from tongban.services.schemas import Schemas

from .case_support import DEMO, Clock, application, submit, user
from .web_support import login

YILAN = "100000/230000/230100/230123"
FANGZHENG = "100000/230000/230100/230124"
DRUG = "000172111003"  # 药品零售企业经营许可
FOOD = "HLXK00000201"  # 食品生产许可, 县初审市终审
MISSING = "/cases/0000000000000000000000000000"


@dataclass(frozen=True)
class Cases:
    waiting: str  # 依兰县, received on 09-16: the clerk's accept step is open
    overdue: str  # 依兰县, accepted 09-01, past its 09-15 deadline: red card
    sealed: str  # 依兰县, approved and concluded: a sealed result
    escalated: str  # 依兰县, 县初审市终审: concluded after the city decided
    city: str  # 哈尔滨市, the case the escalation started
    sibling: str  # 方正县


@pytest.fixture
def cases(db: Database, schemas: Schemas) -> Cases:
    load_tree(db, DEMO, schemas)
    clock = Clock(dt.datetime(2026, 9, 1, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    sealer = case_results(load_settings({"TONGBAN_SECRET_KEY": "x" * 40}))
    env = CaseEnv(schemas, sealer=sealer, clock=clock)
    overdue = submit(db, env, "230123", application(YILAN, DRUG)).number
    with db.for_tenant("230123") as uow:
        intake.accept_case(uow, env, user(db, "yilan_clerk"), overdue)
    sealed = submit(db, env, "230123", application(YILAN, DRUG)).number
    work_case(db, env, sealed)
    escalated = submit(db, env, "230123", application(YILAN, FOOD)).number
    work_case(db, env, escalated)
    sibling = submit(db, env, "230124", application(FANGZHENG, DRUG)).number
    clock.set("2026-09-16")
    supervision.sweep(db, env)  # the overdue case gets its red card
    waiting = submit(db, env, "230123", application(YILAN, DRUG)).number
    with platform_unit_of_work(db, "test") as uow:
        origin = uow.session.scalar(select(Case.id).where(Case.number == escalated))
        city = uow.session.scalar(select(Case.number).where(Case.origin_case_id == origin))
    assert city is not None
    return Cases(waiting, overdue, sealed, escalated, city, sibling)


@pytest.fixture
def app(cases: Cases, make_app: Callable[..., Flask]) -> Flask:
    return make_app()


def text(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, f"{url}: {response.status_code}"
    return response.get_data(as_text=True)


def test_each_login_lists_the_cases_of_its_subtree(app: Flask, cases: Cases) -> None:
    county = text(login(app, "yilan_clerk"), "/cases/")
    assert "共 4 件" in county and "办件管理" in county and "工作台" in county
    for number in (cases.waiting, cases.overdue, cases.sealed, cases.escalated):
        assert number in county
    assert cases.sibling not in county and cases.city not in county  # nor the city's
    assert county.index(cases.waiting) < county.index(cases.overdue)  # newest first
    for label in ("待受理", "办理中", "办结", "准予许可", "2026-09-15", "2026-09-16 10:00:00"):
        assert label in county

    city = text(login(app, "harbin_admin"), "/cases/")
    assert "共 6 件" in city
    for number in (cases.waiting, cases.sealed, cases.city, cases.sibling):
        assert number in city

    sibling = text(login(app, "fangzheng_admin"), "/cases/")
    assert "共 1 件" in sibling and cases.sibling in sibling
    for number in (cases.waiting, cases.overdue, cases.sealed, cases.escalated, cases.city):
        assert number not in sibling


def test_the_list_filters_by_status_and_pages(app: Flask, cases: Cases) -> None:
    client = login(app, "yilan_admin")
    concluded = text(client, "/cases/?status=concluded")
    assert "共 2 件" in concluded and cases.sealed in concluded and cases.waiting not in concluded
    received = text(client, "/cases/?status=received")
    assert "共 1 件" in received and cases.waiting in received
    assert "共 0 件" in text(client, "/cases/?status=withdrawn")
    assert "共 4 件" in text(client, "/cases/?status=nonsense")  # an unknown status: no filter
    first = text(client, "/cases/?per_page=3")
    assert "第 1 / 2 页" in first and "下一页" in first and "上一页" not in first
    second = text(client, "/cases/?per_page=3&page=2")
    assert "第 2 / 2 页" in second and "上一页" in second and cases.overdue in second
    assert "第 2 / 2 页" in text(client, "/cases/?per_page=3&page=99")  # clamped


def test_a_case_page_shows_events_chain_and_sealed_result(
    app: Flask, db: Database, cases: Cases
) -> None:
    client = login(app, "yilan_admin")
    page = text(client, f"/cases/{cases.sealed}")
    for words in ("药品零售企业经营许可", "黑龙江示例科技有限公司", "依兰县", "办结", "准予许可"):
        assert words in page
    for event in ("提交申请", "收件", "受理", "作出决定", "结果文书加盖电子印章"):
        assert event in page
    assert "2026-09-01 10:00:00" in page  # events in Beijing time
    assert "审计链校验通过" in page
    assert "<strong>有效</strong>" in page and "准予行政许可决定书" in page
    with platform_unit_of_work(db, "test") as uow:
        case_id = uow.session.scalar(select(Case.id).where(Case.number == cases.sealed))
        first_hash = uow.session.scalar(
            select(CaseEvent.hash).where(CaseEvent.case_id == case_id, CaseEvent.seq == 1)
        )
    assert first_hash is not None and first_hash[:12] in page
    assert "有效" in text(login(app, "harbin_admin"), f"/cases/{cases.sealed}")  # the city too

    # someone edits the log and the result
    with platform_unit_of_work(db, "test", write=True) as uow:
        uow.session.execute(
            update(CaseEvent)
            .where(CaseEvent.case_id == case_id, CaseEvent.seq == 2)
            .values(actor="mallory")
        )
        row = uow.session.scalar(select(ResultRow).where(ResultRow.case_id == case_id))
        assert row is not None
        row.document = {**row.document, "reasons": "冒改的理由"}
        uow.commit()
    tampered = text(client, f"/cases/{cases.sealed}")
    assert "审计链校验失败" in tampered and "EDITED" in tampered
    assert "<strong>无效</strong>" in tampered and "CONTENT_CHANGED" in tampered


def test_a_case_page_shows_open_steps_alerts_and_links(app: Flask, cases: Cases) -> None:
    county = login(app, "yilan_admin")
    overdue = text(county, f"/cases/{cases.overdue}")
    assert "办理中" in overdue and "2026-09-15" in overdue
    assert "依兰县市场监督管理局 · 审查人员" in overdue  # the open review step
    assert "红牌" in overdue and "超过承诺时限" in overdue
    assert "没有结果文书" in overdue
    escalated = text(county, f"/cases/{cases.escalated}")
    assert "上报至上级办件" in escalated and cases.city in escalated
    assert f"/cases/{cases.city}" not in escalated  # shown, not linked: the city's case
    city = text(login(app, "harbin_admin"), f"/cases/{cases.city}")
    assert "上报来源办件" in city and f'href="/cases/{cases.escalated}"' in city


def test_a_siblings_case_is_the_same_404_as_a_made_up_number(app: Flask, cases: Cases) -> None:
    sibling = login(app, "fangzheng_admin")
    nothing = text(sibling, MISSING, 404)
    assert text(sibling, f"/cases/{cases.sealed}", 404) == nothing
    assert "不存在" in nothing and cases.sealed not in nothing
    county = login(app, "yilan_admin")
    assert text(county, f"/cases/{cases.sibling}", 404) == text(county, MISSING, 404)
    assert text(county, f"/cases/{cases.city}", 404) == text(county, MISSING, 404)  # ancestor's


def test_the_clerks_worklist_shows_the_accept_step(app: Flask, cases: Cases) -> None:
    page = text(login(app, "yilan_clerk"), "/worklist/")
    assert cases.waiting in page and "受理" in page
    assert "依兰县营商环境建设监督局（县政务服务中心） · 窗口人员" in page
    assert cases.overdue not in page  # its review step is the reviewer's
    reviewer = text(login(app, "yilan_reviewer"), "/worklist/")
    assert cases.overdue in reviewer and cases.waiting not in reviewer
    assert "暂无待办环节" in text(login(app, "yilan_admin"), "/worklist/")


def test_the_alerts_page_shows_the_subtrees_cards(app: Flask, cases: Cases) -> None:
    for username in ("yilan_admin", "harbin_admin"):
        page = text(login(app, username), "/alerts/")
        assert "电子监察" in page and "红牌" in page and cases.overdue in page, username
        assert "待处置" in page and "依兰县" in page
    assert "共 0 条" in text(login(app, "yilan_admin"), "/alerts/?status=resolved")
    sibling = text(login(app, "fangzheng_admin"), "/alerts/")
    assert cases.overdue not in sibling and "label-danger" not in sibling


def test_list_cases_service_scopes_to_the_subtree(db: Database, cases: Cases) -> None:
    with db.for_tenant("230100", readonly=True) as uow:
        city = listing.list_cases(uow, per_page=100)
    with db.for_tenant("230123", readonly=True) as uow:
        county = listing.list_cases(uow, status="processing")
    assert city.total == 6 and {c.number for c in city.items} >= {cases.city, cases.sibling}
    assert [c.number for c in county.items] == [cases.overdue]
    with db.for_tenant("230124", readonly=True) as uow:
        assert listing.list_cases(uow).total == 1
        assert listing.verify_case_chain(uow, cases.sibling) == []


def test_a_provisional_deadline_is_shown_as_such_on_every_page(
    app: Flask, db: Database, schemas: Schemas
) -> None:
    """Issue 9: a promised date that reaches into a year without an official arrangement is
    marked 暂定 on the case page, the case list, the worklist and the applicant's receipt."""
    clock = Clock(dt.datetime(2026, 12, 28, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    env = CaseEnv(schemas, clock=clock)
    number = submit(db, env, "230123", application(YILAN, DRUG)).number
    with db.for_tenant("230123") as uow:
        accepted = intake.accept_case(uow, env, user(db, "yilan_clerk"), number)
    assert (accepted.deadline, accepted.deadline_provisional) == (dt.date(2027, 1, 12), True)
    county = login(app, "yilan_admin")
    page = text(county, f"/cases/{number}")
    assert "2027-01-12 <span" in page and ">暂定</span>" in page
    assert "受理回执" in page
    receipt = text(county, f"/cases/{number}/receipt")
    assert "2027-01-12" in receipt and 'id="provisional-note"' in receipt
    listing_page = text(county, "/cases/")
    assert f"{number}" in listing_page and ">暂定</span>" in listing_page
    reviewer = text(login(app, "yilan_reviewer"), "/worklist/")
    assert number in reviewer and ">暂定</span>" in reviewer
    # the receipt is a case page like any other: the city above sees it, a sibling does not
    assert "2027-01-12" in text(login(app, "harbin_admin"), f"/cases/{number}/receipt")
    sibling = login(app, "fangzheng_admin")
    assert text(sibling, f"/cases/{number}/receipt", 404) == text(
        sibling, MISSING + "/receipt", 404
    )


def test_both_levels_pages_show_the_one_decision_who_decided_and_where_to_collect(
    app: Flask, cases: Cases
) -> None:
    guide = yaml.safe_load(
        (DEMO / YILAN / "matters" / f"{FOOD}.implementation.yaml").read_text(encoding="utf-8")
    )["guide"]
    county = text(login(app, "yilan_admin"), f"/cases/{cases.escalated}")
    city = text(login(app, "harbin_admin"), f"/cases/{cases.city}")
    for page, record in (
        (county, "决定书（依据终审层级审核签批意见出具）"),
        (city, "审核签批意见"),
    ):
        assert "终审层级审核签批、初审层级出具决定书（上报件）" in page
        assert f"本级记录：{record}" in page
        assert "终审层级 哈尔滨市" in page and "审核签批；初审层级 依兰县" in page
        assert f"{cases.escalated}-JD" in page and f"{cases.city}-YJ" in page  # the one decision
        assert f"领取地点：{guide['address']}" in page
