"""GraphQL errors: stable codes in ``extensions``, every violation listed, no stack traces.

Every error the API returns has ``message``, ``locations``/``path`` when known, and
``extensions.code`` plus ``extensions.requestId``. A ``TongbanError`` keeps its code
(``NOT_FOUND``, ``FORBIDDEN``, ``INVALID_INPUT`` …) and data; an ``InvalidDefinition`` adds
``violations: [{code, pointer, message}]``. Anything else is a bug: the response is HTTP
500 with ``INTERNAL`` and the request id, which is logged with the traceback.
"""

from __future__ import annotations

import logging
from typing import Any

from graphql import GraphQLError

from tongban.core.characters import INPUT_INVALID_CHARACTER
from tongban.core.errors import InvalidDefinition, TongbanError

log = logging.getLogger("tongban.graphql")

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


def is_unexpected(err: GraphQLError) -> bool:
    """A resolver raised something that is neither a GraphQL nor a Tongban error."""
    original = err.original_error
    return original is not None and not isinstance(original, TongbanError | GraphQLError)


def format_error(err: GraphQLError, request_id: str, default_code: str) -> dict[str, Any]:
    """One GraphQL error as JSON, with its stable code."""
    formatted: dict[str, Any] = dict(err.formatted)
    extensions: dict[str, Any] = dict(err.extensions or {})
    original = err.original_error
    if isinstance(original, TongbanError):
        formatted["message"] = original.message.split("\n", 1)[0]
        extensions["code"] = str(original.code)
        if original.data:
            extensions["data"] = original.data
        if isinstance(original, InvalidDefinition):
            extensions["violations"] = [
                {"code": v.code, "pointer": v.pointer, "message": v.message}
                for v in original.violations
            ]
    elif isinstance(original, GraphQLError) and original.extensions:
        extensions = {**original.extensions, **extensions}
    extensions.setdefault("code", default_code)
    extensions["requestId"] = request_id
    formatted["extensions"] = extensions
    return formatted
