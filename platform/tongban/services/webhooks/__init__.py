"""Webhooks: a tenant's systems subscribe to events of its cases (docs/webhooks.md).

Transactional outbox: ``outbox.enqueue`` runs inside every case command's transaction (from
``journal.record``) and adds one ``WebhookDelivery`` per matching subscription, so an event
is queued exactly when it is committed. ``delivery.deliver_due`` (the Celery task
``tongban.deliver_webhooks``) claims due deliveries, has them POSTed signed
(``core.webhook_signing``) by the ``Sender`` it is given (``adapters.tasks.http_sender``)
and records the outcome: delivered on 2xx, else a retry with exponential backoff, and
after ``MAX_ATTEMPTS`` failed. Each delivery has its own event id, so a receiver drops
duplicates (a delivery is at least once, never exactly once).

Targets are public addresses only (``webhook_targets``: checked when subscribing and again
right before each delivery, redirects never followed, ``TONGBAN_WEBHOOK_ALLOW`` for an
intranet); ``lastError`` is a class of failure, never the receiver's answer or a socket
error's text. Event kinds are those of ``core.cases.event_kinds``.

``subscriptions`` holds the tenant admin's use cases, ``outbox`` the enqueueing,
``delivery`` the sending schedule; this package re-exports what callers use.
"""

from tongban.core.webhook_signing import (
    SIGNATURE_TOLERANCE_SECONDS,
    body_of,
    sign,
    verify_signature,
)
from tongban.services.webhook_targets import InvalidWebhook, TargetPolicy
from tongban.services.webhooks.delivery import (
    BATCH,
    MAX_ATTEMPTS,
    SEND_SECONDS,
    DeliverySummary,
    Sender,
    backoff,
    deliver_due,
)
from tongban.services.webhooks.outbox import enqueue, forget_cached_absence
from tongban.services.webhooks.subscriptions import (
    MAX_EVENTS,
    DeliveryView,
    KeyBox,
    SubscriptionView,
    UnknownWebhookEvent,
    WebhookEventCount,
    check_events,
    check_url,
    list_subscriptions,
    subscribe,
    unsubscribe,
)

__all__ = [
    "BATCH",
    "MAX_ATTEMPTS",
    "MAX_EVENTS",
    "SEND_SECONDS",
    "SIGNATURE_TOLERANCE_SECONDS",
    "DeliverySummary",
    "DeliveryView",
    "InvalidWebhook",
    "KeyBox",
    "Sender",
    "SubscriptionView",
    "TargetPolicy",
    "UnknownWebhookEvent",
    "WebhookEventCount",
    "backoff",
    "body_of",
    "check_events",
    "check_url",
    "deliver_due",
    "enqueue",
    "forget_cached_absence",
    "list_subscriptions",
    "sign",
    "subscribe",
    "unsubscribe",
    "verify_signature",
]
