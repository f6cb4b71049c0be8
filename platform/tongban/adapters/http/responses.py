"""JSON responses of the API endpoints (/graphql, /api/token): every one carries a request
id, and a bug in a handler becomes HTTP 500 with that id, logged with its traceback, never
a stack trace in the response."""

from __future__ import annotations

import functools
import json
import logging
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from flask import Response

from tongban.adapters.http.errors import internal

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def json_response(
    body: Mapping[str, Any],
    status: int,
    request_id: str,
    headers: Mapping[str, str] | None = None,
) -> Response:
    response = Response(
        json.dumps(body, ensure_ascii=False, default=str), status, mimetype="application/json"
    )
    response.headers["X-Request-Id"] = request_id
    response.headers.update(headers or {})
    return response


def with_request_id(
    log: logging.Logger, what: str, headers: Mapping[str, str] | None = None
) -> Callable[[Callable[[str], Response]], Callable[[], Response]]:
    """A view from ``handler(request_id)``: a fresh id per request, and a 500 on a bug."""

    def wrap(handler: Callable[[str], Response]) -> Callable[[], Response]:
        @functools.wraps(handler)
        def view() -> Response:
            request_id = uuid.uuid4().hex
            try:
                return handler(request_id)
            except Exception:  # noqa: BLE001 - any bug becomes a 500 with an id, never a trace
                log.exception("%s %s failed", what, request_id)
                return json_response(internal(request_id), 500, request_id, headers)

        return view

    return wrap
