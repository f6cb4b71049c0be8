"""Dates are Beijing dates wherever a person or a document sees one, at the day boundary,
on SQLite and PostgreSQL. The database keeps UTC.

A case submitted, accepted, decided and sealed at 00:30 Beijing time on 1 September
(16:30 UTC on 31 August) and another at 23:30 on 30 September (15:30 UTC the same day), with
the engine's clock fixed: the case number's date, the deadline, the 决定书's date (sealed
JSON and PDF), the case page, the 受理回执 and the version-history page all say the Beijing
date.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import Engine, select, update

from tongban.adapters.db.bypass import platform_unit_of_work
from tongban.adapters.db.case_models import Case
from tongban.adapters.db.models import MatterVersion
from tongban.adapters.db.unit_of_work import Database
from tongban.adapters.web.demo import create_demo_logins
from tongban.app import create_app
from tongban.bootstrap import Platform, case_results
from tongban.config import Settings, load_settings
from tongban.services.cases import queries
from tongban.services.cases.driver import work_case
from tongban.services.cases.results import CaseResults
from tongban.services.cases.runtime import CaseEnv
from tongban.services.schemas import Schemas

from .case_support import DRUG, PASSWORD, YILAN, Clock, application, submit

UTC = dt.UTC


class Boundary:
    """A moment next to Beijing midnight and what people must read for it."""

    def __init__(self, moment: dt.datetime, day: dt.date, deadline: dt.date, shown: str) -> None:
        self.moment, self.day, self.deadline, self.shown = moment, day, deadline, shown


BOUNDARIES = {
    # 00:30 Beijing on 1 September: the UTC date is still 31 August
    "00:30": Boundary(
        dt.datetime(2026, 8, 31, 16, 30, tzinfo=UTC),
        dt.date(2026, 9, 1),
        dt.date(2026, 9, 15),  # 10 working days after 09-01 (from 08-31 it would be 09-14)
        "2026-09-01 00:30:00",
    ),
    # 23:30 Beijing on 30 September, the eve of National Day (10-01…10-07, 10-10 worked)
    "23:30": Boundary(
        dt.datetime(2026, 9, 30, 15, 30, tzinfo=UTC),
        dt.date(2026, 9, 30),
        dt.date(2026, 10, 20),  # 10-08, 09, 10 (make-up), 12…16, 19, 20
        "2026-09-30 23:30:00",
    ),
}


@pytest.fixture
def results() -> CaseResults:
    return case_results(load_settings({"TONGBAN_SECRET_KEY": "x" * 40}))


def web_app(db: Database, schemas: Schemas, tmp_path: Path, fab_engines: list[Engine]) -> Flask:
    settings = Settings(db.url, "memory://", "k" * 40, "test", tmp_path, None)
    app = create_app(Platform(settings, db, schemas), testing=True)
    if db.engine not in fab_engines:
        fab_engines.append(db.engine)
    create_demo_logins(app, db, PASSWORD)
    return app


def page(app: Flask, username: str, url: str) -> str:
    client = app.test_client()
    login = client.post("/login/", data={"username": username, "password": PASSWORD})
    assert login.status_code == 302, login.text
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


@pytest.mark.parametrize("at", sorted(BOUNDARIES))
def test_a_case_at_the_beijing_day_boundary_reads_the_beijing_date_everywhere(
    demo: Database,
    schemas: Schemas,
    results: CaseResults,
    tmp_path: Path,
    fab_engines: list[Engine],
    at: str,
) -> None:
    boundary = BOUNDARIES[at]
    env = CaseEnv(schemas, sealer=results, clock=Clock(boundary.moment))
    submitted = submit(demo, env, "230123", application(YILAN, DRUG))
    number = submitted.number

    # the case number: 实施编码 + the Beijing YYYYMMDD + the day's serial
    assert number == f"{submitted.implementation_code}{boundary.day:%Y%m%d}0001"

    work_case(demo, env, number)  # accepted, reviewed, decided and concluded at that moment
    with demo.for_tenant("230123", readonly=True) as uow:
        case = queries.get_case(uow, number)
        check = results.verify(uow, number)
        _, pdf_path, _ = results.export(uow, number, tmp_path)
    assert case.status == "concluded" and case.deadline == boundary.deadline
    with platform_unit_of_work(demo, "test") as uow:  # the database keeps the UTC instant
        stored = uow.session.scalar(select(Case.decided_at).where(Case.number == number))
    assert stored == boundary.moment

    # the 决定书: the sealed JSON and its PDF
    assert check.valid, check.problems
    assert check.document["decided_on"] == boundary.day.isoformat()
    pdf_text = "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(pdf_path.read_bytes())).pages
    )
    assert f"{boundary.day.year}年{boundary.day.month}月{boundary.day.day}日" in pdf_text
    assert f"{boundary.shown} 北京时间" in pdf_text

    # the web: the case page and the version history, in Beijing time
    with demo.engine.begin() as conn:  # every version created and published at the moment
        conn.execute(
            update(MatterVersion).values(created_at=boundary.moment, published_at=boundary.moment)
        )
    app = web_app(demo, schemas, tmp_path, fab_engines)
    case_page = page(app, "yilan_admin", f"/cases/{number}")
    assert f"<tr><th>收件时间</th><td>{boundary.shown}</td></tr>" in case_page
    assert f"决定日期：{boundary.day.isoformat()}" in case_page
    receipt = page(app, "yilan_admin", f"/cases/{number}/receipt")  # 受理回执
    assert f"<tr><th>受理时间</th><td>{boundary.shown}</td></tr>" in receipt
    assert boundary.deadline.isoformat() in receipt
    history = page(app, "yilan_admin", f"/catalog/implementation/230123/{DRUG}/history")
    assert "创建时间（北京时间）" in history
    assert history.count(boundary.shown) >= 2  # created and published
    utc_text = boundary.moment.strftime("%Y-%m-%d %H:%M")
    assert all(utc_text not in shown for shown in (case_page, receipt, history))
