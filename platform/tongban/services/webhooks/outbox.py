"""The outbox hook: a case command's event is queued for every subscription that wants it,
in the command's own transaction (``journal.record`` calls ``enqueue``).

Cheap when nobody listens: no query while the tenant is known to have no subscriptions
(for ``ABSENT_TTL_SECONDS``), one per transaction otherwise.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from typing import Any, Protocol

from sqlalchemy import select

from tongban.adapters.db.api_models import WebhookDelivery, WebhookSubscription
from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.core.audit import AuditEvent
from tongban.core.cases.event_kinds import base_kind

ABSENT_TTL_SECONDS = 10.0
"""How long "this tenant has no subscriptions" is believed without asking the database
(another process's new subscription is seen within it; this process's at once)."""

_absent: dict[tuple[str, int], float] = {}  # (database, tenant id) → believed until (monotonic)
_UOW_CACHE = "tongban.webhooks.subscriptions"

Wanted = list[tuple[int, frozenset[str]]]  # (subscription id, the event kinds it wants)


class EventCase(Protocol):
    """What the outbox needs of the case an event belongs to."""

    @property
    def tenant_id(self) -> int: ...
    @property
    def number(self) -> str: ...


def enqueue(uow: UnitOfWork, case: EventCase, event: AuditEvent, now: dt.datetime) -> int:
    """Queue ``event`` for every active subscription of the case's tenant that wants it;
    how many deliveries were queued."""
    wanted = [
        sub_id
        for sub_id, kinds in _subscriptions_of(uow, case.tenant_id)
        if "*" in kinds or event.kind in kinds or base_kind(event.kind) in kinds
    ]
    for sub_id in wanted:
        event_id = uuid.uuid4().hex
        uow.session.add(
            WebhookDelivery(
                tenant_id=case.tenant_id,
                subscription_id=sub_id,
                event_id=event_id,
                case_number=case.number,
                kind=event.kind,
                payload=_payload(event_id, case.number, event),
                status="pending",
                attempts=0,
                next_attempt_at=now.astimezone(dt.UTC),
            )
        )
    return len(wanted)


def _payload(event_id: str, number: str, event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event_id,
        "type": event.kind,
        "case": number,
        "seq": event.seq,
        "tenant": event.tenant,
        "at": event.at,
        "data": dict(event.payload),
    }


def subscriptions_changed(uow: UnitOfWork, tenant_id: int) -> None:
    """Forget what this process believed about the tenant's subscriptions."""
    _absent.pop((uow.cache_key, tenant_id), None)
    uow.session.info.pop(_UOW_CACHE, None)


def forget_cached_absence() -> None:
    """Drop every cached "no subscriptions" (tests; a process that changed rows directly)."""
    _absent.clear()


def _subscriptions_of(uow: UnitOfWork, tenant_id: int) -> Wanted:
    transaction = uow.session.get_transaction()
    cached = uow.session.info.get(_UOW_CACHE)
    if cached is None or cached[0] is not transaction:
        cached = (transaction, {})
        uow.session.info[_UOW_CACHE] = cached
    per_tx: dict[int, Wanted] = cached[1]
    if tenant_id in per_tx:
        return per_tx[tenant_id]
    key = (uow.cache_key, tenant_id)
    if _absent.get(key, 0.0) > time.monotonic():
        found: Wanted = []
    else:
        rows = uow.session.execute(
            select(WebhookSubscription.id, WebhookSubscription.events).where(
                WebhookSubscription.tenant_id == tenant_id, WebhookSubscription.active
            )
        ).all()
        found = [(row.id, frozenset(row.events or ())) for row in rows]
        if found:
            _absent.pop(key, None)
        else:
            _absent[key] = time.monotonic() + ABSENT_TTL_SECONDS
    per_tx[tenant_id] = found
    return found
