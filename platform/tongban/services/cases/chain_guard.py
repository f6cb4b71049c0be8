"""A case whose audit chain is known broken takes no command (issue 12, point 7).

Every command (``runtime.load``) makes one cheap check — one statement, no walk: no
``AUDIT_CHAIN_BROKEN`` alert was raised on the case, its last stored event is the head the
case row keeps (``audit_seq``/``audit_head``) and that event still hashes to itself. That
catches a deleted, appended or edited last event at once. Tampering deeper in the chain is
found by the full walk (``core.audit.verify_chain``), which the supervision sweep runs on
every case it checks (``verify_full``) and ``tongban audit verify`` on all of them; from
then on the alert refuses every command here too.

A broken chain raises one supervision alert (``AUDIT_CHAIN_BROKEN``, red), committed
before the command is refused with ``ChainBroken`` (code ``AUDIT_CHAIN_BROKEN``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from tongban.adapters.db.case_models import CaseEvent
from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.core import audit
from tongban.core.cases.case import Case
from tongban.core.cases.errors import CaseChainBroken
from tongban.core.errors import ChainBroken
from tongban.services.cases import alerts

ALERT = "AUDIT_CHAIN_BROKEN"


def _event(row: dict[str, Any]) -> audit.AuditEvent:
    return audit.AuditEvent(
        row["chain"],
        row["seq"],
        row["kind"],
        row["actor"],
        row["tenant"],
        row["at"],
        row["payload"],
        row["prev_hash"],
        row["hash"],
    )


def head_problem(uow: UnitOfWork, case: Case) -> str | None:
    """Why the case's chain is known broken (cheap: one statement), or None."""
    known, last = uow.cases.chain_tail(case, ALERT)
    if known:
        return "已有审计链告警 (an AUDIT_CHAIN_BROKEN alert was raised on this case)"
    if last is None:
        if case.audit_seq:
            return f"事件 #{case.audit_seq} 缺失 (no event stored; the head says #{case.audit_seq})"
        return None
    if (last["seq"], last["hash"]) != (case.audit_seq, case.audit_head):
        return (
            f"链头不符 (the last stored event is #{last['seq']}; "
            f"the case's head is #{case.audit_seq})"
        )
    event = _event(last)
    if _written.get((uow.cache_key, case.key)) != event and event.computed_hash() != last["hash"]:
        return f"事件 #{last['seq']} 被修改 (event #{last['seq']} no longer matches its hash)"
    return None


_written: dict[tuple[str, int], audit.AuditEvent] = {}
_WRITTEN_MAX = 50_000


def remember(uow: UnitOfWork, case: Case, event: audit.AuditEvent) -> None:
    """The event this process just appended, its hash computed here. The next command's
    head check compares the stored row with it, field by field, instead of hashing the row
    again; a row changed in the database since no longer equals it and is hashed."""
    if len(_written) >= _WRITTEN_MAX:
        _written.clear()
    _written[(uow.cache_key, case.key)] = event


def full_problems(uow: UnitOfWork, case: Case) -> list[audit.ChainProblem]:
    """The full walk of the case's chain (every event), as ``tongban audit verify``."""
    rows = uow.session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
    )
    events = [
        audit.AuditEvent(
            e.chain, e.seq, e.kind, e.actor, e.tenant, e.at, e.payload, e.prev_hash, e.hash
        )
        for e in rows
    ]
    head = (case.audit_seq, case.audit_head) if case.audit_seq else None
    return audit.verify_chain(events, head=head, chain=case.number)


def refuse_if_broken(uow: UnitOfWork, case: Case, now: dt.datetime) -> None:
    """``ChainBroken`` (after raising the alert, committed) if the cheap check fails."""
    problem = head_problem(uow, case)
    if problem is not None:
        refuse(uow, case, problem, now)


def refuse(uow: UnitOfWork, case: Case, problem: str, now: dt.datetime) -> None:
    """Raise the case's alert once, commit it, and refuse: ``ChainBroken``."""
    raise_alert(uow, case, problem, now)
    raise broken(case, problem)


def broken(case: Case, problem: str) -> ChainBroken:
    return CaseChainBroken(case.number, problem)


def raise_alert(uow: UnitOfWork, case: Case, problem: str, now: dt.datetime) -> bool:
    """The one ``AUDIT_CHAIN_BROKEN`` alert of the case, committed at once (the command
    that found it is refused and rolls back). True when raised now."""
    uow.rollback()  # nothing of the refused command is kept
    uow.grant_write(case.tenant_id)
    message = f"办件 {case.number} 审计链校验失败，已暂停办理：{problem}"
    raised = alerts.raise_once(uow, case, ALERT, "", message[:2000], now)
    uow.commit()
    return raised
