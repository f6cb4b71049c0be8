"""The request-level error shape of every JSON endpoint (/graphql, /api/token): ``message``
and ``extensions.code`` plus ``extensions.requestId`` (docs/api.md)."""

from __future__ import annotations

from typing import Any

from tongban.core.characters import INPUT_INVALID_CHARACTER

INTERNAL_MESSAGE = "内部错误 internal error"


class Code:
    UNAUTHENTICATED = "UNAUTHENTICATED"
    CSRF_FAILED = "CSRF_FAILED"
    BAD_REQUEST = "BAD_REQUEST"
    QUERY_TOO_LARGE = "QUERY_TOO_LARGE"
    QUERY_TOO_DEEP = "QUERY_TOO_DEEP"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    TOO_MANY_ALIASES = "TOO_MANY_ALIASES"
    TOO_MANY_FRAGMENT_SPREADS = "TOO_MANY_FRAGMENT_SPREADS"
    QUERY_TIMEOUT = "QUERY_TIMEOUT"
    INPUT_TOO_DEEP = "INPUT_TOO_DEEP"
    INPUT_TOO_LONG = "INPUT_TOO_LONG"
    INPUT_INVALID_CHARACTER = INPUT_INVALID_CHARACTER  # NUL, lone surrogate (core/characters)
    INTROSPECTION_DISABLED = "INTROSPECTION_DISABLED"
    PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    INTERNAL = "INTERNAL"


def error(message: str, code: str, request_id: str, **extensions: Any) -> dict[str, Any]:
    """A request-level error (no location): auth, size, malformed JSON."""
    return {"message": message, "extensions": {"code": code, "requestId": request_id, **extensions}}


def internal(request_id: str) -> dict[str, Any]:
    return {"errors": [error(INTERNAL_MESSAGE, Code.INTERNAL, request_id)]}
