"""Every command appends an event to the case's hash chain (core.audit); the case row keeps
the chain head, so a deleted last event is caught as well."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.core import audit
from tongban.core.cases.case import Case
from tongban.services import webhooks
from tongban.services.cases import chain_guard


def record(
    uow: UnitOfWork,
    case: Case,
    kind: str,
    actor: str,
    tenant_code: str,
    payload: Mapping[str, Any],
    now: dt.datetime,
) -> None:
    head = (case.audit_seq, case.audit_head) if case.audit_seq else None
    event = audit.append(
        head,
        chain=case.number,
        kind=kind,
        actor=actor,
        tenant=tenant_code,
        at=audit.utc_timestamp(now),
        payload=dict(payload),
    )
    uow.cases.add_event(
        {
            "tenant_id": case.tenant_id,
            "case_id": case.id,
            "chain": event.chain,
            "seq": event.seq,
            "kind": event.kind,
            "actor": event.actor,
            "tenant": event.tenant,
            "at": event.at,
            "payload": dict(event.payload),
            "prev_hash": event.prev_hash,
            "hash": event.hash,
        }
    )
    case.audit_seq = event.seq
    case.audit_head = event.hash
    chain_guard.remember(uow, case, event)
    webhooks.enqueue(uow, case, event, now)  # the outbox: queued in this same transaction
