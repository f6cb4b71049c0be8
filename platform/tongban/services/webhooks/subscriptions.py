"""A tenant admin's webhook use cases: subscribe (the secret is shown once and stored
encrypted), unsubscribe, and list the subscriptions with their recent deliveries.

Only the tenant's own subscriptions are ever read: another tenant's (sibling, parent or
child) is "not found", like a missing one.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import select, update

from tongban.adapters.db.api_models import WebhookDelivery, WebhookSubscription
from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.core.cases.event_kinds import EVENT_KINDS, subscribable
from tongban.core.errors import NotFound
from tongban.core.roles import Role
from tongban.services.actors import Actor
from tongban.services.webhook_targets import InvalidWebhook, TargetPolicy, vet
from tongban.services.webhooks.outbox import subscriptions_changed

MAX_EVENTS = 50


class KeyBox(Protocol):
    """Encrypts secrets at rest (``adapters.crypto.SealBox``, AES-256-GCM), wired in by the
    composition root (``Platform.secret_box``)."""

    def encrypt_private_key(self, private_hex: str, *, key_id: str) -> str: ...
    def decrypt_private_key(self, token: str, *, key_id: str) -> str: ...


class WebhookEventCount(InvalidWebhook):
    """A subscription names no event kind, or more than ``MAX_EVENTS``."""

    reason = "WEBHOOK_EVENT_COUNT"

    def __init__(self, most: int) -> None:
        super().__init__(most=most)


class UnknownWebhookEvent(InvalidWebhook):
    """A subscription names event kinds the case services never record."""

    reason = "WEBHOOK_EVENT_UNKNOWN"

    def __init__(self, unknown: list[str], known: list[str]) -> None:
        super().__init__(unknown=unknown, known=known)


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
    row.secret = box.encrypt_private_key(secret, key_id=key_id(row.id))
    view = _view(row, [])
    uow.commit()
    subscriptions_changed(uow, row.tenant_id)
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
    subscriptions_changed(uow, row.tenant_id)


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
    """Event kinds (``core.cases.event_kinds``: ``CaseSubmitted``, ``CaseAccepted`` …,
    ``StepCompleted`` or ``StepCompleted:pass``) or ``["*"]`` for every event."""
    kinds = sorted({str(e).strip() for e in events or ()})
    if not kinds or len(kinds) > MAX_EVENTS:
        raise WebhookEventCount(MAX_EVENTS)
    if "*" in kinds:
        return ["*"]
    known = subscribable()
    bad = [k for k in kinds if k not in known]
    if bad:
        raise UnknownWebhookEvent([k[:60] for k in bad[:5]], list(EVENT_KINDS))
    return kinds


def key_id(subscription_id: int) -> str:
    """The key id a subscription's secret is encrypted under."""
    return f"webhook-subscription:{subscription_id}"


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
