"""The schema: each area contributes Query and Mutation fields as mixins."""

from __future__ import annotations

import graphene

from tongban.adapters.graphql import catalog, cases, definitions, webhooks


class Query(catalog.Query, cases.Query, definitions.Query, webhooks.Query, graphene.ObjectType):
    """通办 GraphQL API."""

    ping = graphene.String(description="Always 'pong': a liveness probe for API clients.")

    def resolve_ping(self, _info: graphene.ResolveInfo) -> str:
        return "pong"


class Mutation(
    catalog.Mutation, cases.Mutation, definitions.Mutation, webhooks.Mutation, graphene.ObjectType
):
    """Commands. Each is one transaction that applies fully or not at all."""

    noop = graphene.Boolean(description="Does nothing; true.")

    def resolve_noop(self, _info: graphene.ResolveInfo) -> bool:
        return True


schema = graphene.Schema(query=Query, mutation=Mutation)
