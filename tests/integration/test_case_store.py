"""CaseStore, the case command path's storage: what it writes the ORM reads back exactly; it
keeps to the unit of work's tenant scope; it catches a lost update; ORM queries in the same
unit of work see what it still holds."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from tongban.adapters.db.case_models import Case, CaseEvent, CaseTask
from tongban.adapters.db.case_store import CASE_COLUMNS, SerialSource
from tongban.adapters.db.unit_of_work import Database
from tongban.core.cases.case import Case as CaseModel
from tongban.core.cases.case import CaseStatus, PauseKind
from tongban.core.errors import Conflict, Forbidden
from tongban.services.cases.runtime import CaseEnv

from .case_support import DRUG, accepted_drug_case


def test_what_the_store_writes_the_orm_reads_back(demo: Database, env: CaseEnv) -> None:
    number = accepted_drug_case(demo, env)
    with demo.for_tenant("230123", readonly=True) as uow:
        stored = uow.cases.by_number(number, lock=False)
        assert stored is not None
        orm = uow.session.scalar(select(Case).where(Case.number == number))
        assert orm is not None
        assert isinstance(stored, CaseModel) and stored.status is CaseStatus.PROCESSING
        for column in CASE_COLUMNS:
            assert getattr(orm, column) == getattr(stored, column), column
        assert orm.received_at.tzinfo is not None and orm.received_at.utcoffset() == dt.timedelta(0)
        assert orm.received_at == dt.datetime(2026, 9, 1, 2, tzinfo=dt.UTC)
        assert orm.deadline is not None and orm.status == "processing"
        assert isinstance(orm.form_data, dict) and orm.notify_and_commit is False
        tasks = uow.session.scalars(
            select(CaseTask).where(CaseTask.case_id == orm.id, CaseTask.status == "open")
        ).all()
        assert [(t.node_id, t.due_on) for t in tasks] == [
            (t.node_id, t.due_on) for t in uow.cases.open_tasks(stored)
        ]
        assert all(t.due_on is not None for t in tasks)
        events = uow.session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == orm.id).order_by(CaseEvent.seq)
        ).all()
        assert [e.kind for e in events] == ["CaseSubmitted", "CaseReceived", "CaseAccepted"]
        assert (orm.audit_seq, orm.audit_head) == (events[-1].seq, events[-1].hash)


def test_a_sibling_county_reads_nothing_and_writes_nothing(demo: Database, env: CaseEnv) -> None:
    number = accepted_drug_case(demo, env)
    with demo.for_tenant("230123", readonly=True) as uow:
        yilan_id = uow.tenant_id
        assert uow.cases.published_version(yilan_id, DRUG) is not None
    with demo.for_tenant("230124") as uow:
        assert uow.cases.by_number(number) is None
        assert uow.cases.published_version(yilan_id, DRUG) is None
        intruder = CaseModel(
            tenant_id=yilan_id,
            number="X",
            matter_id=1,
            matter_version=1,
            matter_code=DRUG,
            matter_name="",
            implementation_code="",
            department="",
            applicant_name="",
            applicant_id="",
            applicant_kind="",
            received_at=dt.datetime(2026, 9, 1, tzinfo=dt.UTC),
            promised_days=1,
        )
        with pytest.raises(Forbidden):
            uow.cases.add_case(intruder)
    with demo.for_tenant("230100", readonly=True) as uow:  # the parent city sees it
        assert uow.cases.by_number(number, lock=False) is not None


def test_a_lost_update_is_a_conflict_and_nothing_is_written(demo: Database, env: CaseEnv) -> None:
    number = accepted_drug_case(demo, env)
    with demo.for_tenant("230123") as uow:
        case = uow.cases.by_number(number)
        assert case is not None
        uow.session.execute(  # as if another command had updated it meanwhile
            update(Case.__table__)
            .where(Case.__table__.c.id == case.id)
            .values(row_version=case.row_version + 1)
        )
        case.withdraw(dt.datetime(2026, 9, 2, tzinfo=dt.UTC))
        with pytest.raises(Conflict):
            uow.commit()
    with demo.for_tenant("230123", readonly=True) as uow:
        again = uow.cases.by_number(number, lock=False)
        assert again is not None and again.status == "processing"


def test_orm_queries_see_what_the_store_holds(demo: Database, env: CaseEnv) -> None:
    number = accepted_drug_case(demo, env)
    with demo.for_tenant("230123") as uow:
        case = uow.cases.by_number(number)
        assert case is not None
        case.pause(
            PauseKind.SPECIAL_PROCEDURE,
            {"kind": "special_procedure", "started": "2026-09-01", "ended": None},
            dt.datetime(2026, 9, 1, 2, tzinfo=dt.UTC),
        )
        uow.cases.add_event(
            {
                "tenant_id": case.tenant_id,
                "case_id": case.id,
                "chain": number,
                "seq": case.audit_seq + 1,
                "kind": "Probe",
                "actor": "test",
                "tenant": "230123",
                "at": "2026-09-01T02:00:00.000000Z",
                "payload": {},
                "prev_hash": case.audit_head,
                "hash": "f" * 64,
            }
        )
        status = uow.session.scalar(select(Case.status).where(Case.id == case.id))
        kinds = uow.session.scalars(
            select(CaseEvent.kind).where(CaseEvent.case_id == case.id)
        ).all()
        assert status == "special_procedure" and "Probe" in kinds
        # never committed: rolled back when the unit of work ends
    with demo.for_tenant("230123", readonly=True) as uow:
        again = uow.cases.by_number(number, lock=False)
        assert again is not None and again.status == "processing"
        assert again.audit_seq == 3


def test_serials_commit_without_a_flush_and_cases_with_one(db: Database) -> None:
    """Only the serial's own short transactions skip the flush (see SerialSource)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("serials have their own transactions on PostgreSQL only (SQLite: one writer)")
    serials = SerialSource(db.engine)
    try:
        first = serials.next("TEST-SERIAL", "20260901")
        assert serials.next("TEST-SERIAL", "20260901") == first + 1
        connection = serials._pool.connect()
        try:
            cursor = connection.cursor()
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "off"
        finally:
            connection.close()
    finally:
        serials.dispose()
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SHOW synchronous_commit").scalar_one() == "on"
