"""Sending the outbox: claim due deliveries, have each POSTed signed by the ``Sender`` the
caller wires in, and record the outcome on the delivery and its subscription.

Delivered on 2xx; otherwise retried with exponential backoff (``backoff``), and failed
after ``MAX_ATTEMPTS``. A target is checked again right before each send
(``webhook_targets.vet``); a refused one is a failure like any other, recorded as its class.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from tongban.adapters.db.api_models import WebhookDelivery, WebhookSubscription
from tongban.adapters.db.bypass import platform_unit_of_work  # noqa: TID251
from tongban.adapters.db.unit_of_work import Database
from tongban.core.webhook_signing import body_of, signed_headers
from tongban.services.webhook_targets import (
    FAILURE_REFUSED,
    FAILURE_STATUS,
    InvalidWebhook,
    Target,
    TargetPolicy,
    failure_class,
    vet,
)
from tongban.services.webhooks.subscriptions import KeyBox, key_id

SEND_SECONDS = 5.0
"""The longest one send may take (the HTTP sender's timeout)."""
BACKOFF_SECONDS = 10
BACKOFF_CAP_SECONDS = 3600
MAX_ATTEMPTS = 8
BATCH = 50
CLAIM_SECONDS = BATCH * SEND_SECONDS + 60
"""A claimed batch is invisible to other workers this long: longer than sending it takes."""

Sender = Callable[[Target, bytes, Mapping[str, str]], int]
"""POST ``body`` to a checked ``Target`` with ``headers``; the HTTP status. Raises
``OSError`` when no response came (refused, timeout)."""


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


@dataclass(frozen=True)
class _Claimed:
    delivery_id: int
    subscription_id: int
    event_id: str
    url: str
    secret: str
    body: bytes
    attempts: int


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failed attempt: 10 s, 20 s, 40 s … (at most 1 h)."""
    return dt.timedelta(
        seconds=min(BACKOFF_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_CAP_SECONDS)
    )


def deliver_due(
    db: Database,
    now: dt.datetime,
    sender: Sender,
    *,
    box: KeyBox,
    batch: int = BATCH,
    policy: TargetPolicy | None = None,
) -> DeliverySummary:
    """Send up to ``batch`` deliveries that are due at ``now`` and record each outcome.

    Each target is checked again right before sending (``webhook_targets.vet``: its host
    resolved now, every address public or in ``policy``'s allow-list) and ``sender``
    connects to a checked address; a refused target is a failure like any other (retried:
    the name may point elsewhere later), recorded as its class.

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
        headers = signed_headers(item.secret, item.event_id, int(now.timestamp()), item.body)
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
    with platform_unit_of_work(db, "deliver webhooks: claim", write=True) as uow:
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
                secrets_of[sub.id] = box.decrypt_private_key(sub.secret, key_id=key_id(sub.id))
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
    with platform_unit_of_work(db, "deliver webhooks: record", write=True) as uow:
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
