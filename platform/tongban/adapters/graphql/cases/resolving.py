"""What every cases resolver shares: the request's context, its units of work, and the
plain values graphene's arguments stand for.

Every resolver goes through ``services.cases``: tenant scoping and authority are the
engine's, and "not found" and "not yours" are the same error. Errors (``TongbanError``)
propagate untouched; the view formats them with their stable codes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import graphene

from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.adapters.graphql.context import GraphQLContext
from tongban.core.errors import InvalidDefinition, Violation
from tongban.services.cases.results import CaseResults

T = TypeVar("T")

NUMBER = graphene.String(required=True, description="办件编号")


def context_of(info: graphene.ResolveInfo) -> GraphQLContext:
    context = info.context
    assert isinstance(context, GraphQLContext), "the view must pass a GraphQLContext"
    return context


def read_with(info: graphene.ResolveInfo, run: Callable[[UnitOfWork], T]) -> T:
    """One read-only unit of work bound to the principal's tenant."""
    with context_of(info).uow(readonly=True) as uow:
        return run(uow)


def enum_value(value: Any) -> Any:
    """graphene hands enum arguments over as members; the services want the plain value."""
    return getattr(value, "value", value)


def json_object(value: Any, pointer: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidDefinition(
            [Violation("NOT_AN_OBJECT", pointer, "须为 JSON 对象 (must be a JSON object)")]
        )
    return dict(value)


def case_results_of(ctx: GraphQLContext) -> CaseResults:
    """The sealed results the case environment signs with, else the platform's own (both
    wired in by the composition root)."""
    sealer = ctx.env.sealer
    if isinstance(sealer, CaseResults):
        return sealer
    return ctx.platform.case_results()


def command(info: graphene.ResolveInfo, run: Callable[[UnitOfWork, GraphQLContext], T]) -> T:
    """One command: one unit of work, one service call (the service commits)."""
    ctx = context_of(info)
    with ctx.uow() as uow:
        return run(uow, ctx)
