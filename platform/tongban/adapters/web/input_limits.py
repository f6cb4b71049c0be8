"""Limits on what any request may send the web app (tongban/limits.py, docs/security.md).

- Every body, chunked or not, is read at most to ``body_bytes`` (+1 byte to tell "more"):
  Flask's ``MAX_CONTENT_LENGTH`` makes werkzeug refuse a larger ``Content-Length`` before
  reading anything; a chunked body goes through ``ChunkedLimit``, which answers 413 as soon
  as it has more than the limit (werkzeug alone would cut it at the limit and parse the
  truncated rest as if it were whole). /graphql and /api/token read theirs through
  adapters/graphql/bodies.py, with their own limits and JSON errors.
- The login form and Flask-AppBuilder's API login refuse a username or password longer
  than its limit (HTTP 400) before anything looks them up or hashes them.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import IO, Any

from flask import Flask, Response, request
from werkzeug.exceptions import RequestEntityTooLarge

from tongban.bootstrap import Platform

LOGIN_ENDPOINTS = frozenset({"AuthDBView.login", "SecurityApi.login"})
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
