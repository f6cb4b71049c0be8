"""A case whose audit chain is known broken takes no command and raises one alert (issue 12,
point 7): commands used to keep running on it. Every command checks the chain's head
cheaply (chain_guard.py); the supervision sweep walks the whole chain. SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from tongban.adapters.db.bypass import platform_unit_of_work
from tongban.adapters.db.case_models import Case, CaseEvent, SupervisionAlert
from tongban.adapters.db.unit_of_work import Database
from tongban.core.errors import ChainBroken, ErrorCode, InvalidState
from tongban.services.cases import intake, supervision
from tongban.services.cases.runtime import CaseEnv

from .case_support import DRUG, YILAN, accepted_drug_case, application, submit, user

ALERT = "AUDIT_CHAIN_BROKEN"


def _sql(db: Database, statement: str, number: str) -> None:
    with db.engine.begin() as conn:
        case_id = conn.execute(
            text('select id from "case" where number = :n'), {"n": number}
        ).scalar_one()
        conn.execute(text(statement), {"c": case_id})


def _alerts(db: Database, number: str) -> list[tuple[str, str]]:
    with platform_unit_of_work(db, "test") as uow:
        case_id = uow.session.scalar(select(Case.id).where(Case.number == number))
        rows = uow.session.execute(
            select(SupervisionAlert.kind, SupervisionAlert.level).where(
                SupervisionAlert.case_id == case_id
            )
        )
        return [(kind, level) for kind, level in rows]


def _accept(db: Database, env: CaseEnv, number: str) -> None:
    with db.for_tenant("230123") as uow:
        intake.accept_case(uow, env, user(db, "yilan_clerk"), number)


def _event_count(db: Database, number: str) -> int:
    with platform_unit_of_work(db, "test") as uow:
        case_id = uow.session.scalar(select(Case.id).where(Case.number == number))
        return len(
            uow.session.scalars(select(CaseEvent.id).where(CaseEvent.case_id == case_id)).all()
        )


TAMPERING = {
    "last event edited": "update case_event set actor = 'mallory' where case_id = :c and "
    "seq = (select max(seq) from case_event where case_id = :c)",
    "last event deleted": "delete from case_event where case_id = :c and "
    "seq = (select max(seq) from case_event where case_id = :c)",
    "head rewound": 'update "case" set audit_seq = audit_seq - 1 where id = :c',
}


@pytest.mark.parametrize("tampering", sorted(TAMPERING))
def test_a_command_on_a_tampered_head_is_refused_with_one_alert(
    demo: Database, env: CaseEnv, tampering: str
) -> None:
    number = submit(demo, env, "230123", application(YILAN, DRUG)).number
    _sql(demo, TAMPERING[tampering], number)
    events = _event_count(demo, number)
    for _ in range(2):  # refused every time; the alert is raised once
        with pytest.raises(ChainBroken) as refused:
            _accept(demo, env, number)
        assert isinstance(refused.value, InvalidState)
        assert refused.value.code == ErrorCode.AUDIT_CHAIN_BROKEN
        assert refused.value.message.startswith(f"办件 {number} 的审计链校验失败")
    assert _alerts(demo, number) == [(ALERT, "red")]
    assert _event_count(demo, number) == events  # nothing was recorded
    with platform_unit_of_work(demo, "test") as uow:
        status = uow.session.scalar(select(Case.status).where(Case.number == number))
    assert status == "received"


def test_tampering_deep_in_the_chain_is_found_by_the_sweep_then_refused(
    demo: Database, env: CaseEnv
) -> None:
    number = accepted_drug_case(demo, env)
    clean = accepted_drug_case(demo, env)
    _sql(demo, "update case_event set actor = 'mallory' where case_id = :c and seq = 1", number)
    summary = supervision.sweep(demo, env)
    assert summary.raised.get(ALERT) == 1
    assert number in summary.errors and clean not in summary.errors
    assert _alerts(demo, number) == [(ALERT, "red")]
    assert _alerts(demo, clean) == []
    with pytest.raises(ChainBroken):  # the alert: known broken from now on
        with demo.for_tenant("230123") as uow:
            intake.reject_at_acceptance(uow, env, user(demo, "yilan_clerk"), number, ["x"])
    again = supervision.sweep(demo, env)
    assert again.raised.get(ALERT) is None  # still one alert
    assert _alerts(demo, number) == [(ALERT, "red")]


def test_an_intact_case_runs_as_before(demo: Database, env: CaseEnv) -> None:
    number = submit(demo, env, "230123", application(YILAN, DRUG)).number
    _accept(demo, env, number)
    assert _alerts(demo, number) == []
