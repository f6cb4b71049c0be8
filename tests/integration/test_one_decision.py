"""One decision per application across levels (issue 10, point 2), on SQLite and PostgreSQL.

(a) 行政许可法第三十五条 (demo: 出版单位设立审批, 省初审国家终审, ``mode: art35``): the nation's
case seals the 决定书 with its department's key; the province's case delivers it (送达) and
seals nothing. (b) 上报件 (demo: 食品生产许可, 县初审市终审, ``mode: opinion``): the city's case
seals its 审核签批意见; the county's window issues the 决定书 sealed by the county's department,
naming the opinion (document number, digest, key id). Either way exactly one result row of
kind ``decision`` exists for the two cases, and the sealed files exported with
``tongban result export`` pass ``tongban verify`` run as a process, with the right
department's seal.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tongban.adapters.db.bypass import platform_unit_of_work
from tongban.adapters.db.case_models import Case, CaseEvent
from tongban.adapters.db.case_models import ResultDocument as ResultRow
from tongban.adapters.db.models import Department
from tongban.adapters.db.unit_of_work import Database
from tongban.adapters.documents.pdf import cjk_font_path
from tongban.bootstrap import case_results
from tongban.config import load_settings
from tongban.services.cases.cross_level import cross_level
from tongban.services.cases.driver import work_case
from tongban.services.cases.runtime import CaseEnv, ResultSealer

from .case_support import application, matter_file, submit

ROOT = Path(__file__).resolve().parents[2]
SECRET = "o" * 40


@dataclass(frozen=True)
class Way:
    mode: str
    initial: str
    path: str
    matter: str
    final: str

    def __str__(self) -> str:
        return self.mode


ART35 = Way("art35", "230000", "100000/230000", "000150001002", "100000")
OPINION = Way("opinion", "230123", "100000/230000/230100/230123", "HLXK00000201", "230100")


pytestmark = pytest.mark.clock("2026-06-15")


@pytest.fixture
def sealer() -> ResultSealer:
    return case_results(_settings())


def _settings() -> Any:
    return load_settings({"TONGBAN_SECRET_KEY": SECRET})


def concluded(db: Database, env: CaseEnv, way: Way) -> tuple[str, str]:
    """An application at the initial level worked to the end at both levels:
    (the initial level's case number, the final level's)."""
    number = submit(db, env, way.initial, application(way.path, way.matter)).number
    work_case(db, env, number)
    with platform_unit_of_work(db, "test: the two cases") as uow:
        case = uow.session.scalar(select(Case).where(Case.number == number))
        assert case is not None and case.status == "concluded" and case.decision == "approved"
        upper = uow.session.scalar(select(Case).where(Case.origin_case_id == case.id))
        assert upper is not None and upper.status == "concluded"
        assert uow.tenants.by_id(upper.tenant_id).code == way.final
        return number, upper.number


def records(db: Database, *numbers: str) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """Case number → its result rows: (kind, {document, seal})."""
    with platform_unit_of_work(db, "test: result rows") as uow:
        found: dict[str, list[tuple[str, dict[str, Any]]]] = {n: [] for n in numbers}
        for number in numbers:
            case_id = select(Case.id).where(Case.number == number).scalar_subquery()
            for row in uow.session.scalars(select(ResultRow).where(ResultRow.case_id == case_id)):
                found[number].append((row.kind, {"document": row.document, "seal": row.seal}))
        return found


def uscc(db: Database, tenant: str, number: str) -> str:
    """The USCC of the department that handles case ``number`` at ``tenant``."""
    with platform_unit_of_work(db, "test: department") as uow:
        case = uow.session.scalar(select(Case).where(Case.number == number))
        assert case is not None
        found = uow.session.scalar(
            select(Department.uscc).where(
                Department.tenant_id == uow.tenants.get(tenant).id,
                Department.code == case.department,
            )
        )
        assert found
        return found


def events(db: Database, number: str) -> list[tuple[str, dict[str, Any]]]:
    with platform_unit_of_work(db, "test: events") as uow:
        case_id = select(Case.id).where(Case.number == number).scalar_subquery()
        rows = uow.session.execute(
            select(CaseEvent.kind, CaseEvent.payload)
            .where(CaseEvent.case_id == case_id)
            .order_by(CaseEvent.seq)
        ).all()
        return [(kind, dict(payload or {})) for kind, payload in rows]


def _cli_env(db: Database) -> dict[str, str]:
    url = db.url
    if url.startswith("postgresql"):  # the test schema, as the test's engine sets it
        with db.engine.connect() as conn:
            search_path = conn.exec_driver_sql("SHOW search_path").scalar()
        url = f"{url}?options=-csearch_path%3D{search_path}"
    return {
        **os.environ,
        "TONGBAN_DATABASE_URL": url,
        "TONGBAN_SECRET_KEY": SECRET,
        "PYTHONPATH": str(ROOT / "platform"),
    }


def tongban(db: Database, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tongban.cli", *(str(a) for a in args)],
        cwd=ROOT,
        env=_cli_env(db),
        capture_output=True,
        text=True,
        timeout=300,
    )


def exported(db: Database, number: str, directory: Path) -> dict[str, Any]:
    """``tongban result export NUMBER DIR`` then ``tongban verify`` on the JSON (and the PDF
    where the CJK font is installed): the sealed file's content."""
    done = tongban(db, "result", "export", number, directory)
    assert done.returncode == 0, done.stdout + done.stderr
    files = [directory / f"{number}.json"]
    if cjk_font_path().is_file():
        files.append(directory / f"{number}.pdf")
    for path in files:
        check = tongban(db, "verify", path, "--keys", directory / "keys.json")
        assert check.returncode == 0, check.stdout + check.stderr
        assert check.stdout.startswith("有效 VALID"), check.stdout
    return json.loads((directory / f"{number}.json").read_text(encoding="utf-8"))


def test_the_demo_matters_choose_the_two_ways() -> None:
    assert matter_file(ART35.path, ART35.matter)["escalation"] == {"mode": "art35"}
    assert matter_file(OPINION.path, OPINION.matter)["escalation"] == {"mode": "opinion"}


def test_art35_the_final_level_decides_and_seals_the_initial_level_delivers(
    demo: Database, env: CaseEnv, tmp_path: Path
) -> None:
    number, upper = concluded(demo, env, ART35)
    rows = records(demo, number, upper)
    assert [kind for kind, _ in rows[upper]] == ["decision"]
    assert rows[number] == []  # the province seals no second decision
    decision = rows[upper][0][1]
    decider = uscc(demo, ART35.final, upper)
    assert decision["seal"]["department_uscc"] == decider
    assert decision["document"]["department"]["uscc"] == decider
    assert decision["document"]["title"] == "准予行政许可决定书"

    [delivered] = [p for kind, p in events(demo, number) if kind == "ResultDelivered"]
    assert delivered["digest"] == decision["seal"]["digest"]
    assert delivered["key_id"] == decision["seal"]["key_id"]
    assert delivered["document_number"] == decision["document"]["document_number"]

    # both cases export the one decision, sealed by the nation's department
    for case_number, directory in ((upper, tmp_path / "final"), (number, tmp_path / "initial")):
        sealed = exported(demo, case_number, directory)
        assert sealed == decision
    with demo.for_tenant(ART35.initial, readonly=True) as uow:
        shown = cross_level(uow, number)
    assert shown is not None and shown.level == "initial" and shown.mode.value == "art35"
    assert shown.decision is not None and shown.decision.case_number == upper
    assert shown.decision.department_uscc == decider and shown.opinion is None
    assert shown.decided_by.startswith("终审层级 ") and shown.decision.department_name in (
        shown.decided_by
    )
    guide = matter_file(ART35.path, ART35.matter)["guide"]
    assert shown.collect_at == guide["address"]


def test_opinion_the_final_level_signs_the_initial_level_issues_naming_it(
    demo: Database, env: CaseEnv, tmp_path: Path
) -> None:
    number, upper = concluded(demo, env, OPINION)
    rows = records(demo, number, upper)
    assert [kind for kind, _ in rows[upper]] == ["opinion"]
    assert [kind for kind, _ in rows[number]] == ["decision"]
    opinion, decision = rows[upper][0][1], rows[number][0][1]
    city, county = uscc(demo, OPINION.final, upper), uscc(demo, OPINION.initial, number)
    assert city != county
    assert opinion["seal"]["department_uscc"] == city
    assert opinion["document"]["title"] == "审核签批意见"
    assert opinion["document"]["origin_case_number"] == number
    assert decision["seal"]["department_uscc"] == county
    assert decision["document"]["title"] == "准予行政许可决定书"
    basis = decision["document"]["basis"]  # the document names the opinion it rests on
    assert basis["digest"] == opinion["seal"]["digest"]
    assert basis["key_id"] == opinion["seal"]["key_id"]
    assert basis["document_number"] == opinion["document"]["document_number"]
    assert basis["case_number"] == upper and basis["department"]["uscc"] == city

    assert exported(demo, upper, tmp_path / "final") == opinion
    assert exported(demo, number, tmp_path / "initial") == decision

    with demo.for_tenant(OPINION.final, subtree=False, readonly=True) as uow:
        shown = cross_level(uow, upper)  # a narrow city scope still sees the one decision
    assert shown is not None and shown.level == "final" and shown.mode.value == "opinion"
    assert shown.decision is not None and shown.decision.case_number == number
    assert shown.decision.basis == basis
    assert shown.opinion is not None and shown.opinion.department_uscc == city
    guide = matter_file(OPINION.path, OPINION.matter)["guide"]
    assert shown.collect_at == guide["address"]


@pytest.mark.parametrize("way", [ART35, OPINION], ids=str)
def test_exactly_one_decision_per_application(demo: Database, env: CaseEnv, way: Way) -> None:
    numbers = concluded(demo, env, way)
    rows = records(demo, *numbers)
    kinds = [kind for number in numbers for kind, _ in rows[number]]
    assert kinds.count("decision") == 1
    assert set(kinds) <= {"decision", "opinion"}
