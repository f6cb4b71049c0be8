"""GraphQL webhooks: its Query and Mutation fields (mixed into schema.Query / schema.Mutation).

Only the tenant's admin subscribes, lists and unsubscribes; a subscription of any other
tenant (sibling, parent or child) is ``NOT_FOUND``. The secret is returned once, by
``subscribeWebhook``; docs/webhooks.md explains how a receiver checks signatures.
"""

from __future__ import annotations

from typing import Any

import graphene

from tongban.adapters.graphql.context import GraphQLContext
from tongban.services import webhooks
from tongban.services.webhooks import DeliveryView, SubscriptionView


class WebhookDelivery(graphene.ObjectType):
    """One event sent (or to be sent) to one subscription."""

    event_id = graphene.String(required=True, description="X-Tongban-Event-Id: drop duplicates")
    kind = graphene.String(required=True)
    case_number = graphene.String(required=True)
    status = graphene.String(required=True, description="pending | delivered | failed")
    attempts = graphene.Int(required=True)
    last_error = graphene.String()
    next_attempt_at = graphene.DateTime()
    delivered_at = graphene.DateTime()
    created_at = graphene.DateTime(required=True)


class WebhookSubscription(graphene.ObjectType):
    id = graphene.ID(required=True)
    url = graphene.String(required=True)
    events = graphene.List(graphene.NonNull(graphene.String), required=True)
    active = graphene.Boolean(required=True)
    created_at = graphene.DateTime(required=True)
    failures = graphene.Int(required=True, description="failed attempts since the last success")
    last_error = graphene.String()
    deliveries = graphene.List(
        graphene.NonNull(WebhookDelivery), required=True, description="most recent first"
    )


class WebhookSecret(graphene.ObjectType):
    id = graphene.ID(required=True)
    secret = graphene.String(required=True, description="the HMAC key: shown this once only")


def _delivery(view: DeliveryView) -> WebhookDelivery:
    return WebhookDelivery(
        event_id=view.event_id,
        kind=view.kind,
        case_number=view.case_number,
        status=view.status,
        attempts=view.attempts,
        last_error=view.last_error,
        next_attempt_at=view.next_attempt_at,
        delivered_at=view.delivered_at,
        created_at=view.created_at,
    )


def _subscription(view: SubscriptionView) -> WebhookSubscription:
    return WebhookSubscription(
        id=str(view.id),
        url=view.url,
        events=view.events,
        active=view.active,
        created_at=view.created_at,
        failures=view.failures,
        last_error=view.last_error,
        deliveries=[_delivery(d) for d in view.deliveries],
    )


def _id(raw: Any) -> int:
    try:
        value = int(str(raw))
    except ValueError:
        return -1  # never a row: "not found", like another tenant's
    return value if 0 < value < 2**31 else -1  # beyond an INTEGER column: never a row either


class SubscribeWebhook(graphene.Mutation):
    class Arguments:
        url = graphene.String(
            required=True,
            description="http:// or https:// endpoint at a public address (docs/security.md)",
        )
        events = graphene.List(
            graphene.NonNull(graphene.String),
            required=True,
            description='event kinds (CaseSubmitted, CaseAccepted …) or ["*"]',
        )

    Output = WebhookSecret

    def mutate(self, info: graphene.ResolveInfo, url: str, events: list[str]) -> WebhookSecret:
        ctx: GraphQLContext = info.context
        box = ctx.platform.secret_box()
        policy = webhooks.TargetPolicy.from_settings(ctx.platform.settings)
        with ctx.uow() as uow:
            view, secret = webhooks.subscribe(uow, box, ctx.actor, url, events, policy=policy)
        return WebhookSecret(id=str(view.id), secret=secret)


class UnsubscribeWebhook(graphene.Mutation):
    class Arguments:
        id = graphene.ID(required=True)

    Output = graphene.Boolean

    def mutate(self, info: graphene.ResolveInfo, id: str) -> bool:
        ctx: GraphQLContext = info.context
        with ctx.uow() as uow:
            webhooks.unsubscribe(uow, ctx.actor, _id(id))
        return True


class Query:
    webhook_subscriptions = graphene.List(
        graphene.NonNull(WebhookSubscription),
        required=True,
        recent=graphene.Int(default_value=10, description="deliveries per subscription"),
        description="The caller's tenant's active webhook subscriptions (admins only).",
    )

    def resolve_webhook_subscriptions(
        self, info: graphene.ResolveInfo, recent: int | None = 10
    ) -> list[WebhookSubscription]:
        ctx: GraphQLContext = info.context
        recent = 10 if recent is None else recent  # an explicit null is the default
        with ctx.uow(readonly=True) as uow:
            views = webhooks.list_subscriptions(uow, ctx.actor, recent=max(0, min(recent, 100)))
        return [_subscription(v) for v in views]


class Mutation:
    subscribe_webhook = SubscribeWebhook.Field(
        description="Subscribe a URL to events of the tenant's cases; the secret is shown once."
    )
    unsubscribe_webhook = UnsubscribeWebhook.Field(
        description="Stop a subscription; its pending deliveries are dropped."
    )
