"""The schema: each area contributes Query and Mutation fields as mixins."""

from __future__ import annotations

import graphene

from tongban.adapters.graphql import (
    calendars,
    cases,
    catalog,
    definitions,
    designer,
    seals,
    webhooks,
)


class Query(
    catalog.Query,
    cases.Query,
    definitions.Query,
    designer.Query,
    webhooks.Query,
    calendars.Query,
    seals.Query,
    graphene.ObjectType,
):
    """通办 GraphQL API."""


class Mutation(
    catalog.Mutation,
    cases.Mutation,
    definitions.Mutation,
    webhooks.Mutation,
    calendars.Mutation,
    graphene.ObjectType,
):
    """Commands. Each is one transaction that applies fully or not at all."""


schema = graphene.Schema(query=Query, mutation=Mutation)
