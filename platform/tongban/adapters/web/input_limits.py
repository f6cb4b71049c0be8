"""Limits on what any request may send the web app (tongban/limits.py, docs/security.md).

- Every body, chunked or not, is read at most to ``body_bytes`` (+1 byte to tell "more"):
  Flask's ``MAX_CONTENT_LENGTH`` makes werkzeug refuse a larger ``Content-Length`` before
  reading anything; a chunked body goes through ``ChunkedLimit``, which answers 413 as soon
  as it has more than the limit (werkzeug alone would cut it at the limit and parse the
  truncated rest as if it were whole). /graphql and /api/token read theirs through
  adapters/http/bodies.py, with their own limits and JSON errors.
- The login form and Flask-AppBuilder's API login refuse a username or password longer
  than its limit (HTTP 400) before anything looks them up or hashes them.
- No path, query argument or form field may hold a NUL byte or a lone surrogate (HTTP 400
  ``INPUT_INVALID_CHARACTER``, core/characters.py): PostgreSQL cannot store a NUL, so
  ``/cases/<n>%00`` was a 500. /graphql and /api/token check their JSON in bodies.py.
- A Flask-AppBuilder action that the view does not have (``/users/action/<unknown>/1``)
  is a 404, not FAB's ``AttributeError`` (a 500).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import IO, Any

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import NotFound, RequestEntityTooLarge

from tongban.core.characters import INPUT_INVALID_CHARACTER, invalid_character, refusal
from tongban.services.platform import Platform

LOGIN_ENDPOINTS = frozenset({"AuthDBView.login", "SecurityApi.login"})
OWN_JSON = frozenset({"/graphql", "/api/token"})  # bodies read by adapters/http/bodies.py
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
TOO_LONG = "用户名或密码过长 (username over {username} or password over {password} characters)"


class _CappedInput(io.RawIOBase):
    """A chunked body: ``RequestEntityTooLarge`` once it proves longer than ``limit``."""

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        self._stream = stream
        self._limit = limit
        self._read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        room = self._limit - self._read
        if room <= 0:
            if self._stream.read(1):
                raise RequestEntityTooLarge()
            return 0
        data = self._stream.read(min(len(buffer), room))
        buffer[: len(data)] = data
        self._read += len(data)
        if self._read >= self._limit and self._stream.read(1):
            raise RequestEntityTooLarge()
        return len(data)


class ChunkedLimit:
    """WSGI middleware: caps a chunked request body (no ``Content-Length``) at ``limit``."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            environ["wsgi.input"] = _CappedInput(environ["wsgi.input"], self.limit)
        result: Iterable[bytes] = self.app(environ, start_response)
        return result


def register(app: Flask, platform: Platform) -> None:
    limits = platform.settings.limits
    app.config["MAX_CONTENT_LENGTH"] = limits.body_bytes
    app.wsgi_app = ChunkedLimit(app.wsgi_app, limits.body_bytes)  # type: ignore[method-assign]

    app.before_request(clean_characters)

    @app.before_request
    def bounded_credentials() -> Response | None:
        if request.method != "POST" or request.endpoint not in LOGIN_ENDPOINTS:
            return None
        if request.is_json:
            body = request.get_json(silent=True)
            fields = body if isinstance(body, dict) else {}
        else:
            fields = request.form
        username, password = fields.get("username"), fields.get("password")
        if (isinstance(username, str) and len(username) > limits.username_chars) or (
            isinstance(password, str) and len(password) > limits.password_chars
        ):
            message = TOO_LONG.format(
                username=limits.username_chars, password=limits.password_chars
            )
            return Response(message, 400, mimetype="text/plain")
        return None


def _texts() -> Iterable[str]:
    yield request.path
    for key, value in request.args.items(multi=True):
        yield key
        yield value
    if request.method == "POST" and request.mimetype in FORM_TYPES:
        for key, value in request.form.items(multi=True):
            yield key
            yield value
    elif request.method == "POST" and request.is_json and request.path not in OWN_JSON:
        yield from _json_strings(request.get_json(silent=True))


def _json_strings(value: Any) -> Iterable[str]:
    """Every string and key of a decoded JSON value, without recursion."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)


def clean_characters() -> Response | None:
    """HTTP 400 ``INPUT_INVALID_CHARACTER`` for a NUL or a lone surrogate anywhere in the
    path, the query string, a form or a JSON body (FAB's API; /graphql and /api/token check
    their own), before any view (or login check) runs."""
    try:
        for text in _texts():
            bad = invalid_character(text)
            if bad is not None:
                return Response(
                    f"{refusal(bad)} {INPUT_INVALID_CHARACTER}", 400, mimetype="text/plain"
                )
    except RecursionError:
        return Response("JSON 嵌套过深 (JSON nested too deeply) INPUT_TOO_DEEP", 400)
    return None


def register_fab_actions(app: Flask) -> None:
    """After the AppBuilder (its ``g.user`` comes first: the 404 page needs it)."""
    app.before_request(known_fab_action)


def known_fab_action() -> None:
    """FAB's ``<view>/action/<name>/<pk>`` and ``action_post`` call ``actions.get(name).func``
    without looking: an unknown name is a 404 here instead of an ``AttributeError``."""
    endpoint = request.endpoint or ""
    if not endpoint.endswith((".action", ".action_post")):
        return
    if endpoint.endswith(".action"):
        name = (request.view_args or {}).get("name")
    else:
        name = request.form.get("action") if request.mimetype in FORM_TYPES else None
    view = getattr(current_app.view_functions.get(endpoint), "__self__", None)
    actions = getattr(view, "actions", None)
    if isinstance(actions, dict) and name not in actions:
        raise NotFound()
