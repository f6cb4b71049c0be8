"""GraphQL errors: stable codes in ``extensions``, every violation listed, no stack traces.

Every error the API returns has ``message``, ``locations``/``path`` when known, and
``extensions.code`` plus ``extensions.requestId``. A ``TongbanError`` keeps its category
``code`` (``NOT_FOUND``, ``FORBIDDEN``, ``INVALID_INPUT`` …) and adds its own ``reason``
(``STEP_NOT_OPEN`` …) and ``data`` (its fields); its message is rendered from the error
catalogue in the reader's language (Chinese; English when ``Accept-Language`` prefers
``en``). An ``InvalidDefinition`` adds ``violations: [{code, pointer, message}]``.
Anything else is a bug: the response is HTTP 500 with ``INTERNAL`` and the request id,
which is logged with the traceback.
"""

from __future__ import annotations

import logging
from typing import Any

from graphql import GraphQLError

from tongban.adapters.http.errors import INTERNAL_MESSAGE, Code, error, internal
from tongban.core.errors import InvalidDefinition, TongbanError

log = logging.getLogger("tongban.graphql")

__all__ = [
    "INTERNAL_MESSAGE",
    "Code",
    "error",
    "format_error",
    "internal",
    "is_unexpected",
]


def is_unexpected(err: GraphQLError) -> bool:
    """A resolver raised something that is neither a GraphQL nor a Tongban error."""
    original = err.original_error
    return original is not None and not isinstance(original, TongbanError | GraphQLError)


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return str(value)


def format_error(
    err: GraphQLError, request_id: str, default_code: str, language: str = "zh"
) -> dict[str, Any]:
    """One GraphQL error as JSON: its category ``code``, its own ``reason`` and ``data``.

    A ``TongbanError``'s message is rendered from the catalogue in ``language``.
    """
    formatted: dict[str, Any] = dict(err.formatted)
    extensions: dict[str, Any] = dict(err.extensions or {})
    original = err.original_error
    if isinstance(original, GraphQLError):  # raised on purpose, maybe with a TongbanError inside
        extensions = {**(original.extensions or {}), **extensions}
        original = original.original_error
    if isinstance(original, TongbanError):
        formatted["message"] = original.render(language).split("\n", 1)[0]
        extensions["code"] = str(original.code)
        extensions["reason"] = original.reason
        extensions["data"] = _json_value(original.data)
        if isinstance(original, InvalidDefinition):
            extensions["violations"] = [
                {"code": v.code, "pointer": v.pointer, "message": v.message}
                for v in original.violations
            ]
    extensions.setdefault("code", default_code)
    extensions["requestId"] = request_id
    formatted["extensions"] = extensions
    return formatted
