"""Webhooks: a tenant's systems subscribe to events of its cases (docs/webhooks.md).

Transactional outbox: ``enqueue`` runs inside every case command's transaction (from
``journal.record``) and adds one ``WebhookDelivery`` per matching subscription, so an event
is queued exactly when it is committed. ``deliver_due`` (the Celery task
``tongban.deliver_webhooks``) claims due deliveries, POSTs them signed (HMAC-SHA256 over
``f"{timestamp}.{body}"``) and records the outcome: delivered on 2xx, else a retry with
exponential backoff, and after ``MAX_ATTEMPTS`` failed. Each delivery has its own event id,
so a receiver drops duplicates (a delivery is at least once, never exactly once).

Targets are public addresses only (``webhook_targets``: checked when subscribing and again
right before each delivery, redirects never followed, ``TONGBAN_WEBHOOK_ALLOW`` for an
intranet); ``lastError`` is a class of failure, never the receiver's answer or a socket
error's text. Event kinds are those of ``services.cases.event_kinds``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import select, update

from tongban.adapters.db.api_models import WebhookDelivery, WebhookSubscription
from tongban.adapters.db.case_store import CaseRecord
from tongban.adapters.db.unit_of_work import Database, UnitOfWork
from tongban.core.audit import AuditEvent
from tongban.core.errors import NotFound
from tongban.core.roles import Role
from tongban.services.actors import Actor
from tongban.services.cases.event_kinds import EVENT_KINDS, base_kind, subscribable
from tongban.services.webhook_targets import (
    FAILURE_REFUSED,
    FAILURE_STATUS,
    InvalidWebhook,
    Target,
    TargetPolicy,
    failure_class,
    post,
    vet,
)

TIMEOUT_SECONDS = 5.0
BACKOFF_SECONDS = 10
BACKOFF_CAP_SECONDS = 3600
MAX_ATTEMPTS = 8
BATCH = 50
CLAIM_SECONDS = BATCH * TIMEOUT_SECONDS + 60
"""A claimed batch is invisible to other workers this long: longer than sending it takes."""
ABSENT_TTL_SECONDS = 10.0
"""How long "this tenant has no subscriptions" is believed without asking the database
(another process's new subscription is seen within it; this process's at once)."""
SIGNATURE_TOLERANCE_SECONDS = 300
MAX_EVENTS = 50

Sender = Callable[[Target, bytes, Mapping[str, str]], int]
"""POST ``body`` to a checked ``Target`` with ``headers``; the HTTP status. Raises
``OSError`` when no response came (refused, timeout)."""


class KeyBox(Protocol):
    """Encrypts secrets at rest (``adapters.crypto.SealBox``, AES-256-GCM)."""

    def encrypt_private_key(self, private_hex: str, *, key_id: str) -> str: ...
    def decrypt_private_key(self, token: str, *, key_id: str) -> str: ...


@dataclass(frozen=True)
class DeliveryView:
    event_id: str
    kind: str
    case_number: str
    status: str  # pending | delivered | failed
    attempts: int
    last_error: str | None
    next_attempt_at: dt.datetime | None
    delivered_at: dt.datetime | None
    created_at: dt.datetime


@dataclass(frozen=True)
class SubscriptionView:
    id: int
    url: str
    events: list[str]
    active: bool
    created_at: dt.datetime
    failures: int  # failed attempts since the last successful delivery
    last_error: str | None
    deliveries: list[DeliveryView] = field(default_factory=list)  # most recent first


@dataclass
class DeliverySummary:
    claimed: int = 0
    delivered: int = 0
    retrying: int = 0
    failed: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "claimed": self.claimed,
            "delivered": self.delivered,
            "retrying": self.retrying,
            "failed": self.failed,
        }


# --- subscribing -------------------------------------------------------------------------


def subscribe(
    uow: UnitOfWork,
    box: KeyBox,
    actor: Actor,
    url: str,
    events: Sequence[str],
    *,
    policy: TargetPolicy | None = None,
) -> tuple[SubscriptionView, str]:
    """A subscription of the unit of work's tenant (its admin only) and its secret. The
    secret is returned here only; it is stored encrypted. ``policy``: the deployment's
    allow-list (default: ``TONGBAN_WEBHOOK_ALLOW`` of this process)."""
    _require_admin(uow, actor)
    url, kinds = check_url(url, policy), check_events(events)
    row = WebhookSubscription(
        tenant_id=uow.tenant_id, url=url, secret="", events=kinds, active=True, failures=0
    )
    uow.session.add(row)
    uow.session.flush()
    secret = secrets.token_hex(32)
    row.secret = box.encrypt_private_key(secret, key_id=_key_id(row.id))
    view = _view(row, [])
    uow.commit()
    _subscriptions_changed(uow, row.tenant_id)
    return view, secret


def unsubscribe(uow: UnitOfWork, actor: Actor, subscription_id: int) -> None:
    """Deactivate one of the tenant's subscriptions; its pending deliveries are dropped
    (marked failed). Another tenant's subscription is "not found", like a missing one."""
    _require_admin(uow, actor)
    row = _own(uow, subscription_id)
    row.active = False
    uow.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.subscription_id == row.id, WebhookDelivery.status == "pending")
        .values(status="failed", last_error="unsubscribed", next_attempt_at=None)
        .execution_options(synchronize_session=False)
    )
    uow.commit()
    _subscriptions_changed(uow, row.tenant_id)


def list_subscriptions(
    uow: UnitOfWork, actor: Actor, *, recent: int = 10
) -> list[SubscriptionView]:
    """The tenant's active subscriptions (never a parent's, child's or sibling's), each with
    its failure count, last error and ``recent`` most recent deliveries."""
    _require_admin(uow, actor)
    rows = uow.session.scalars(
        select(WebhookSubscription)
        .where(WebhookSubscription.tenant_id == uow.tenant_id, WebhookSubscription.active)
        .order_by(WebhookSubscription.id)
    ).all()
    views = []
    for row in rows:
        deliveries = uow.session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.subscription_id == row.id)
            .order_by(WebhookDelivery.id.desc())
            .limit(recent)
        ).all()
        views.append(_view(row, deliveries))
    return views


def check_url(url: str, policy: TargetPolicy | None = None) -> str:
    """``url`` if webhooks may send to it: its form, and every address its host resolves to
    now is public or allowed (a name that does not resolve yet is checked at delivery)."""
    vet(url, policy or TargetPolicy.from_environment(), unresolved_ok=True)
    return url


def check_events(events: Sequence[str]) -> list[str]:
    """Event kinds (``services.cases.event_kinds``: ``CaseSubmitted``, ``CaseAccepted`` …,
    ``StepCompleted`` or ``StepCompleted:pass``) or ``["*"]`` for every event."""
    kinds = sorted({str(e).strip() for e in events or ()})
    if not kinds or len(kinds) > MAX_EVENTS:
        raise InvalidWebhook(
            f"events：请给出 1 到 {MAX_EVENTS} 个事件类型，或 '*' "
            f"(events: give 1 to {MAX_EVENTS} event kinds, or '*')"
        )
    if "*" in kinds:
        return ["*"]
    known = subscribable()
    bad = [k for k in kinds if k not in known]
    if bad:
        shown = ", ".join(repr(k[:60]) for k in bad[:5])
        raise InvalidWebhook(
            f"events：没有这种事件类型 {shown}；可用的有 {', '.join(EVENT_KINDS)} 或 '*' "
            f"(events: unknown event kind {shown})",
            data={"unknown": bad[:5], "known": list(EVENT_KINDS)},
        )
    return kinds


def _require_admin(uow: UnitOfWork, actor: Actor) -> None:
    if uow.tenant is None:
        raise RuntimeError("webhook subscriptions belong to a tenant: use a tenant unit of work")
    actor.require(Role.ADMIN, uow.tenant.code)


def _own(uow: UnitOfWork, subscription_id: int) -> WebhookSubscription:
    row = uow.session.scalar(
        select(WebhookSubscription).where(
            WebhookSubscription.id == subscription_id,
            WebhookSubscription.tenant_id == uow.tenant_id,
            WebhookSubscription.active,
        )
    )
    if row is None:
        raise NotFound("webhook subscription", subscription_id)
    return row


def _key_id(subscription_id: int) -> str:
    return f"webhook-subscription:{subscription_id}"


def _view(row: WebhookSubscription, deliveries: Sequence[WebhookDelivery]) -> SubscriptionView:
    return SubscriptionView(
        id=row.id,
        url=row.url,
        events=list(row.events),
        active=row.active,
        created_at=row.created_at,
        failures=row.failures or 0,
        last_error=row.last_error,
        deliveries=[
            DeliveryView(
                event_id=d.event_id,
                kind=d.kind,
                case_number=d.case_number,
                status=d.status,
                attempts=d.attempts,
                last_error=d.last_error,
                next_attempt_at=d.next_attempt_at,
                delivered_at=d.delivered_at,
                created_at=d.created_at,
            )
            for d in deliveries
        ],
    )


# --- the outbox hook ------------------------------------------------------------------------

_absent: dict[tuple[str, int], float] = {}  # (database, tenant id) → believed until (monotonic)
_UOW_CACHE = "tongban.webhooks.subscriptions"


def enqueue(uow: UnitOfWork, case: CaseRecord, event: AuditEvent, now: dt.datetime) -> int:
    """Queue ``event`` for every active subscription of the case's tenant that wants it, in
    the command's own transaction. Cheap: no query while the tenant is known to have no
    subscriptions, one per transaction otherwise."""
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
                payload={
                    "id": event_id,
                    "type": event.kind,
                    "case": case.number,
                    "seq": event.seq,
                    "tenant": event.tenant,
                    "at": event.at,
                    "data": dict(event.payload),
                },
                status="pending",
                attempts=0,
                next_attempt_at=now.astimezone(dt.UTC),
            )
        )
    return len(wanted)


def _subscriptions_of(uow: UnitOfWork, tenant_id: int) -> list[tuple[int, frozenset[str]]]:
    transaction = uow.session.get_transaction()
    cached = uow.session.info.get(_UOW_CACHE)
    if cached is None or cached[0] is not transaction:
        cached = (transaction, {})
        uow.session.info[_UOW_CACHE] = cached
    per_tx: dict[int, list[tuple[int, frozenset[str]]]] = cached[1]
    if tenant_id in per_tx:
        return per_tx[tenant_id]
    key = (_database_key(uow), tenant_id)
    if _absent.get(key, 0.0) > time.monotonic():
        found: list[tuple[int, frozenset[str]]] = []
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


def _subscriptions_changed(uow: UnitOfWork, tenant_id: int) -> None:
    _absent.pop((_database_key(uow), tenant_id), None)
    uow.session.info.pop(_UOW_CACHE, None)


def _database_key(uow: UnitOfWork) -> str:
    return uow.cache_key


def forget_cached_absence() -> None:
    """Drop every cached "no subscriptions" (tests; a process that changed rows directly)."""
    _absent.clear()


# --- delivering ---------------------------------------------------------------------------


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failed attempt: 10 s, 20 s, 40 s … (at most 1 h)."""
    return dt.timedelta(
        seconds=min(BACKOFF_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_CAP_SECONDS)
    )


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256 of f"{timestamp}.{body}" under the secret>``."""
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify_signature(
    secret: str,
    timestamp: str | int,
    body: bytes | str,
    signature: str,
    *,
    tolerance: int | None = SIGNATURE_TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """For receivers: does ``X-Tongban-Signature`` match the raw body and
    ``X-Tongban-Timestamp``, and is the timestamp within ``tolerance`` seconds of now (a
    replayed old request fails)? ``tolerance=None`` skips the clock check."""
    stamp = str(timestamp).strip()
    if not stamp.isdigit() or not signature.startswith("sha256="):
        return False
    if tolerance is not None:
        current = time.time() if now is None else now
        if abs(current - int(stamp)) > tolerance:
            return False
    raw = body.encode("utf-8") if isinstance(body, str) else body
    return hmac.compare_digest(sign(secret, stamp, raw), signature.strip())


def body_of(payload: Mapping[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode(
        "utf-8"
    )


def http_sender(target: Target, body: bytes, headers: Mapping[str, str]) -> int:
    """The real sender: POST to the target's checked addresses within ``TIMEOUT_SECONDS``,
    redirects not followed (a 3xx is a failure)."""
    return post(target, body, headers, TIMEOUT_SECONDS)


@dataclass(frozen=True)
class _Claimed:
    delivery_id: int
    subscription_id: int
    event_id: str
    url: str
    secret: str
    body: bytes
    attempts: int


def deliver_due(
    db: Database,
    now: dt.datetime,
    sender: Sender = http_sender,
    *,
    box: KeyBox,
    batch: int = BATCH,
    policy: TargetPolicy | None = None,
) -> DeliverySummary:
    """Send up to ``batch`` deliveries that are due at ``now`` and record each outcome.

    Each target is checked again right before sending (``webhook_targets.vet``: its host
    resolved now, every address public or in ``policy``'s allow-list) and the connection
    goes to a checked address; a refused target is a failure like any other (retried: the
    name may point elsewhere later), recorded as its class.

    The batch is claimed in one short transaction (``FOR UPDATE SKIP LOCKED`` on
    PostgreSQL; SQLite's writer lock elsewhere) by moving its ``next_attempt_at`` past the
    time sending can take, so concurrent workers never pick the same rows and no lock is
    held during HTTP. A worker that dies mid-batch leaves its rows to be retried when the
    claim lapses: delivery is at least once, and receivers drop duplicates by event id.
    """
    now = now.astimezone(dt.UTC)
    policy = policy or TargetPolicy.from_environment()
    summary = DeliverySummary()
    claimed = _claim(db, now, box, batch, summary)
    summary.claimed = len(claimed)
    for item in claimed:
        timestamp = str(int(now.timestamp()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Tongban-Webhooks/1",
            "X-Tongban-Event-Id": item.event_id,
            "X-Tongban-Timestamp": timestamp,
            "X-Tongban-Signature": sign(item.secret, timestamp, item.body),
        }
        error: str | None
        try:
            status = sender(vet(item.url, policy), item.body, headers)
            error = None if 200 <= status < 300 else FAILURE_STATUS
        except InvalidWebhook:
            error = FAILURE_REFUSED
        except Exception as exc:  # noqa: BLE001 - any failure to get an answer is a retry
            error = failure_class(exc)
        outcome = _record(db, item, now, error)
        setattr(summary, outcome, getattr(summary, outcome) + 1)
    return summary


def _claim(
    db: Database, now: dt.datetime, box: KeyBox, batch: int, summary: DeliverySummary
) -> list[_Claimed]:
    with db.platform("deliver webhooks: claim", write=True) as uow:
        rows = uow.session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(batch)
            .with_for_update(skip_locked=True)
        ).all()
        if not rows:
            return []
        subs = {
            s.id: s
            for s in uow.session.scalars(
                select(WebhookSubscription).where(
                    WebhookSubscription.id.in_({r.subscription_id for r in rows})
                )
            )
        }
        secrets_of: dict[int, str] = {}
        claimed = []
        for row in rows:
            sub = subs[row.subscription_id]
            if not sub.active:
                row.status, row.last_error, row.next_attempt_at = "failed", "unsubscribed", None
                summary.failed += 1
                continue
            if sub.id not in secrets_of:
                secrets_of[sub.id] = box.decrypt_private_key(sub.secret, key_id=_key_id(sub.id))
            row.next_attempt_at = now + dt.timedelta(seconds=CLAIM_SECONDS)
            claimed.append(
                _Claimed(
                    row.id,
                    sub.id,
                    row.event_id,
                    sub.url,
                    secrets_of[sub.id],
                    body_of(row.payload),
                    row.attempts,
                )
            )
        uow.commit()
        return claimed


def _record(db: Database, item: _Claimed, now: dt.datetime, error: str | None) -> str:
    with db.platform("deliver webhooks: record", write=True) as uow:
        row = uow.session.get_one(WebhookDelivery, item.delivery_id)
        attempts = item.attempts + 1
        row.attempts = attempts
        if row.status != "pending":  # unsubscribed while it was being sent
            outcome = "delivered" if error is None else "failed"
            if error is None:
                row.status, row.delivered_at, row.next_attempt_at = "delivered", now, None
            uow.commit()
            return outcome
        if error is None:
            row.status, row.delivered_at, row.next_attempt_at = "delivered", now, None
            row.last_error = None
            outcome = "delivered"
            changes: dict[str, Any] = {"failures": 0}
        else:
            row.last_error = error
            if attempts >= MAX_ATTEMPTS:
                row.status, row.next_attempt_at, outcome = "failed", None, "failed"
            else:
                row.next_attempt_at, outcome = now + backoff(attempts), "retrying"
            changes = {"failures": WebhookSubscription.failures + 1, "last_error": error}
        uow.session.execute(
            update(WebhookSubscription)
            .where(WebhookSubscription.id == item.subscription_id)
            .values(**changes)
            .execution_options(synchronize_session=False)
        )
        uow.commit()
        return outcome
