"""Request bodies read within their limits, for the JSON endpoints (/graphql, /api/token).

``read_body`` never reads more than the limit from the WSGI input, chunked or not: a
``Content-Length`` over it is refused before anything is read, and a streamed body is read
through werkzeug's stream capped at the limit (``request.max_content_length``). Every other
endpoint gets the app-wide cap (``MAX_CONTENT_LENGTH``, adapters/web/app.py).
``parse_json`` bounds what the JSON may hold: nesting, the length of every string and its
characters (no NUL, no lone surrogate: ``INPUT_INVALID_CHARACTER``, core/characters.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from flask import request
from werkzeug.exceptions import RequestEntityTooLarge

from tongban.adapters.http.errors import Code
from tongban.core.characters import invalid_character, refusal

_CHUNK = 64 * 1024


@dataclass
class BodyRefused(Exception):
    """The body cannot be taken: answer ``status`` with this message and code."""

    status: int
    message: str
    code: str
    extensions: dict[str, Any] = field(default_factory=dict)


def too_large(limit: int) -> BodyRefused:
    return BodyRefused(
        413, f"请求过大 (request body over {limit} bytes)", Code.QUERY_TOO_LARGE, {"limit": limit}
    )


def check_declared_length(limit: int) -> None:
    """Refuse a body whose ``Content-Length`` says it is over ``limit``, reading nothing."""
    if (request.content_length or 0) > limit:
        raise too_large(limit)


def read_body(limit: int) -> bytes:
    """The body, at most ``limit`` bytes read; ``BodyRefused`` (413) if there is more."""
    check_declared_length(limit)
    request.max_content_length = min(limit, request.max_content_length or limit)
    stream = request.stream
    parts: list[bytes] = []
    size = 0
    try:
        while size <= limit:
            part = stream.read(min(_CHUNK, limit + 1 - size))
            if not part:
                break
            parts.append(part)
            size += len(part)
    except RequestEntityTooLarge:
        raise too_large(limit) from None
    if size > limit:
        raise too_large(limit)
    return b"".join(parts)


def parse_json(raw: bytes, max_depth: int, max_string: int) -> Any:
    """The JSON value of ``raw``; ``BodyRefused`` (400) if it is not JSON, is nested deeper
    than ``max_depth`` or holds a string (or key) longer than ``max_string`` or with a NUL
    or a lone surrogate in it."""
    try:
        value = json.loads(raw)
    except RecursionError:
        raise too_deep(max_depth) from None
    except ValueError:
        raise BodyRefused(
            400, "请求体不是有效的 JSON (body is not valid JSON)", Code.BAD_REQUEST
        ) from None
    check_value(value, max_depth, max_string)
    return value


def too_deep(limit: int) -> BodyRefused:
    return BodyRefused(
        400,
        f"JSON 嵌套过深 (JSON nested deeper than {limit} levels)",
        Code.INPUT_TOO_DEEP,
        {"limit": limit},
    )


def check_value(value: Any, max_depth: int, max_string: int) -> None:
    """Walk a decoded JSON value without recursion: nesting, string lengths, characters."""
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            if len(item) > max_string:
                raise BodyRefused(
                    400,
                    f"字符串过长 (a string of {len(item)} characters; the limit is {max_string})",
                    Code.INPUT_TOO_LONG,
                    {"limit": max_string},
                )
            bad = invalid_character(item)
            if bad is not None:
                raise BodyRefused(400, refusal(bad), Code.INPUT_INVALID_CHARACTER)
            continue
        if isinstance(item, dict):
            children: list[Any] = [*item.keys(), *item.values()]
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth + 1 > max_depth:
            raise too_deep(max_depth)
        pending.extend((child, depth + 1) for child in children)
