"""GraphQL cases: the Query fields (mixed into schema.Query).

Lists are pages: ``first`` (default 20, capped at 100) and ``after``, an opaque cursor
(base64 of ``offset:N``); each page says its ``total`` and the ``nextCursor`` (null on the
last page).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import graphene

from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.adapters.graphql.cases.resolving import NUMBER, context_of, enum_value, read_with
from tongban.adapters.graphql.cases.types import (
    AlertPage,
    AlertStatus,
    Case,
    CasePage,
    CaseStatus,
    StepRole,
    WorkItemPage,
)
from tongban.adapters.graphql.paging import decode_cursor, encode_cursor
from tongban.core.errors import InvalidDefinition, NotFound, Violation
from tongban.services.cases import listing, queries, supervision
from tongban.services.cases.views import CaseView

DEFAULT_FIRST = 20
MAX_FIRST = 100
"""Page sizes are capped here: an unbounded ``first`` lets one request build huge lists."""


def page_size(first: int | None) -> int:
    """``first`` capped at MAX_FIRST (0 asks for the total only); a negative page size is
    refused like ``matters`` refuses one, never silently read as 0."""
    if first is None:
        return DEFAULT_FIRST
    if first < 0:
        raise InvalidDefinition(
            [
                Violation(
                    "PAGE_SIZE",
                    "/first",
                    f"每页条数不能为负数 (first must be 0–{MAX_FIRST}; more is capped at {MAX_FIRST})",
                )
            ],
            "invalid page size",
        )
    return min(first, MAX_FIRST)


@dataclass(frozen=True)
class Page:
    items: tuple[Any, ...]
    next_cursor: str | None
    total: int


def page_of(items: Sequence[Any], first: int | None, after: str | None) -> Page:
    """A page of a list a service returned whole."""
    size, offset = page_size(first), decode_cursor(after)
    chosen = tuple(items[offset : offset + size])
    end = offset + len(chosen)
    return Page(chosen, encode_cursor(end) if end < len(items) else None, len(items))


def case_page(uow: UnitOfWork, status: str | None, first: int | None, after: str | None) -> Page:
    """Cases newest first, by offset: at most two of ``list_cases``' pages per request."""
    size, offset = page_size(first), decode_cursor(after)
    if size == 0:
        total = listing.list_cases(uow, status=status, per_page=1).total
        return Page((), encode_cursor(offset) if offset < total else None, total)
    index, skip = divmod(offset, size)
    head = listing.list_cases(uow, status=status, page=index + 1, per_page=size)
    if offset >= head.total:  # also covers list_cases clamping a page past the end
        return Page((), None, head.total)
    items = list(head.items[skip:])
    if skip and index + 2 <= head.pages:
        items += listing.list_cases(uow, status=status, page=index + 2, per_page=size).items[:skip]
    end = offset + len(items)
    return Page(tuple(items), encode_cursor(end) if end < head.total else None, head.total)


def _first() -> graphene.Int:
    return graphene.Int(default_value=DEFAULT_FIRST, description=f"page size, at most {MAX_FIRST}")


class Query:
    case = graphene.Field(Case, number=NUMBER, description="One case by its number.")
    cases = graphene.Field(
        CasePage,
        required=True,
        status=CaseStatus(),
        first=_first(),
        after=graphene.String(),
        description="Cases of the caller's tenant (and its subtree), newest first.",
    )
    worklist = graphene.Field(
        WorkItemPage,
        required=True,
        role=StepRole(description="only steps of this role (one of the caller's)"),
        first=_first(),
        after=graphene.String(),
        description="Open steps of the caller's department and roles, earliest due first.",
    )
    alerts = graphene.Field(
        AlertPage,
        required=True,
        status=AlertStatus(),
        subtree=graphene.Boolean(default_value=True, description="include descendants' alerts"),
        first=_first(),
        after=graphene.String(),
        description="Supervision alerts of the caller's tenant, oldest first.",
    )

    def resolve_case(self, info: graphene.ResolveInfo, number: str) -> CaseView:
        ctx = context_of(info)
        view = read_with(info, lambda uow: queries.get_case(uow, number))
        if not ctx.principal.include_descendants and view.tenant_code != ctx.principal.tenant_code:
            raise NotFound("case", number)
        return view

    def resolve_cases(
        self,
        info: graphene.ResolveInfo,
        status: Any = None,
        first: int | None = DEFAULT_FIRST,
        after: str | None = None,
    ) -> Page:
        value = enum_value(status)
        return read_with(info, lambda uow: case_page(uow, value, first, after))

    def resolve_worklist(
        self,
        info: graphene.ResolveInfo,
        role: Any = None,
        first: int | None = DEFAULT_FIRST,
        after: str | None = None,
    ) -> Page:
        items = read_with(info, lambda uow: queries.worklist(uow, context_of(info).actor))
        if role is not None:
            items = [i for i in items if i.task.role == enum_value(role)]
        return page_of(items, first, after)

    def resolve_alerts(
        self,
        info: graphene.ResolveInfo,
        status: Any = None,
        subtree: bool | None = True,
        first: int | None = DEFAULT_FIRST,
        after: str | None = None,
    ) -> Page:
        ctx = context_of(info)
        subtree = subtree is not False and ctx.principal.include_descendants  # null: default
        value = enum_value(status)
        items = read_with(
            info, lambda uow: supervision.list_alerts(uow, subtree=subtree, status=value)
        )
        return page_of(items, first, after)
