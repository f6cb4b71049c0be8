"""``tongban audit verify``: re-walk every case's event chain and name what was tampered with."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select

from tongban.adapters.db.bypass import platform_unit_of_work  # noqa: TID251
from tongban.adapters.db.case_models import Case, CaseEvent
from tongban.adapters.db.unit_of_work import Database
from tongban.core import audit


def verify_audit(db: Database, *, batch: int = 500) -> Iterator[audit.ChainProblem]:
    """Every problem of every case chain: edited, deleted, reordered or inserted events, and
    heads that do not match (a deleted last event)."""
    with platform_unit_of_work(db, "tongban audit verify") as uow:
        last_id = 0
        while True:
            cases = uow.session.scalars(
                select(Case).where(Case.id > last_id).order_by(Case.id).limit(batch)
            ).all()
            if not cases:
                return
            for case in cases:
                rows = uow.session.scalars(
                    select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
                )
                events = [
                    audit.AuditEvent(
                        e.chain,
                        e.seq,
                        e.kind,
                        e.actor,
                        e.tenant,
                        e.at,
                        e.payload,
                        e.prev_hash,
                        e.hash,
                    )
                    for e in rows
                ]
                head = (case.audit_seq, case.audit_head) if case.audit_seq else None
                yield from audit.verify_chain(events, head=head, chain=case.number)
            last_id = cases[-1].id
            uow.session.expunge_all()
