"""A wall-clock budget per GraphQL request: a graphql-core middleware that refuses to start
any resolver once the request's time is up, so the rest of the query is not worked on.

A resolver already running is not interrupted; the ones after it do not run. Every field
left is null with a ``QUERY_TIMEOUT`` error; the view reports the first one only.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from graphql import GraphQLError, GraphQLResolveInfo

from tongban.adapters.graphql.errors import Code


class Deadline:
    def __init__(self, seconds: float, started: float | None = None) -> None:
        self.seconds = seconds
        self.at = (time.monotonic() if started is None else started) + seconds

    def resolve(
        self, next_: Callable[..., Any], root: Any, info: GraphQLResolveInfo, **args: Any
    ) -> Any:
        if time.monotonic() > self.at:
            raise GraphQLError(
                f"查询超时 (the request ran out of its {self.seconds:g} s budget; "
                "ask for fewer or smaller pages)",
                extensions={"code": Code.QUERY_TIMEOUT, "limit": self.seconds},
            )
        return next_(root, info, **args)


def first_timeout_only(errors: list[GraphQLError]) -> list[GraphQLError]:
    """The errors with every ``QUERY_TIMEOUT`` after the first dropped."""
    kept: list[GraphQLError] = []
    timed_out = False
    for err in errors:
        if _is_timeout(err):
            if timed_out:
                continue
            timed_out = True
        kept.append(err)
    return kept


def _is_timeout(err: GraphQLError) -> bool:
    original = err.original_error
    extensions = (original.extensions if isinstance(original, GraphQLError) else None) or {}
    return (err.extensions or {}).get("code") == Code.QUERY_TIMEOUT or (
        extensions.get("code") == Code.QUERY_TIMEOUT
    )
