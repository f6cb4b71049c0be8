"""Tokens for people: ``POST /api/token`` (JSON, for scripts) and the API 令牌 page (a button).

``POST /api/token`` issues a token to the login of the request's session (empty body), or
to the login named by ``{"username", "password"}`` (checked as the login form checks it).
Errors have the /graphql shape: ``{"errors": [{"message", "extensions": {"code",
"requestId", "reason"}}]}``. Responses are never cached.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from flask import Blueprint, Flask, Response, make_response, request
from flask.typing import ResponseReturnValue
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_login import current_user
from flask_wtf import FlaskForm

from tongban.adapters.http import person_tokens
from tongban.adapters.http.bodies import BodyRefused, parse_json, read_body
from tongban.adapters.http.errors import Code, error
from tongban.adapters.http.responses import NO_STORE, json_response, with_request_id
from tongban.adapters.web import login_guard
from tongban.adapters.web.views.common import (
    PERMISSION_VIEW,
    READ,
    current_identity,
    no_tenant_page,
    platform,
    render_page,
)
from tongban.core.errors import ErrorCode

log = logging.getLogger("tongban.web.tokens")

blueprint = Blueprint("person_tokens", __name__)

MAX_BODY_BYTES = 10_000
"""Bytes read from a ``POST /api/token`` body at most, chunked or not."""
BODY_SHAPE = 'body must be empty (use the session) or JSON {"username": "…", "password": "…"}'


class Reason:
    NO_CREDENTIALS = "NO_CREDENTIALS"
    BAD_CREDENTIALS = "BAD_CREDENTIALS"
    NO_TENANT = "NO_TENANT"
    LOCKED = "LOCKED"


def _json(body: dict[str, Any], status: int, request_id: str) -> Response:
    return json_response(body, status, request_id, NO_STORE)


def _refuse(
    request_id: str, status: int, message: str, code: str, reason: str | None = None
) -> Response:
    extensions = {"reason": reason} if reason else {}
    return _json({"errors": [error(message, code, request_id, **extensions)]}, status, request_id)


@blueprint.route("/api/token", methods=["POST"])
@with_request_id(log, "token request", NO_STORE)
def issue_token(request_id: str) -> Response:
    try:
        credentials = _credentials()
    except BodyRefused as refused:
        extensions = refused.extensions
        body: dict[str, Any] = {
            "errors": [error(refused.message, refused.code, request_id, **extensions)]
        }
        return _json(body, refused.status, request_id)
    except ValueError:
        return _refuse(request_id, 400, BODY_SHAPE, Code.BAD_REQUEST)
    if credentials is None:
        if not current_user.is_authenticated:
            message = "需要登录或用户名和密码 (a login, or a username and password, is required)"
            return _refuse(request_id, 401, message, Code.UNAUTHENTICATED, Reason.NO_CREDENTIALS)
        login: Any = current_user._get_current_object()  # type: ignore[attr-defined]
    else:
        login = person_tokens.check_password(*credentials)
        lock = login_guard.current_lock()
        if login is None and lock is not None:
            return _locked(request_id, lock)
        if login is None:
            message = "用户名或密码错误 (wrong username or password)"
            return _refuse(request_id, 401, message, Code.UNAUTHENTICATED, Reason.BAD_CREDENTIALS)
    issued = person_tokens.issue_for(platform(), login)
    if issued is None:
        message = "该登录不属于任何单位，不能签发令牌 (this login belongs to no tenant)"
        return _refuse(request_id, 403, message, ErrorCode.FORBIDDEN, Reason.NO_TENANT)
    claims, identity = issued.claims, issued.identity
    body = {
        "token": issued.token,
        "tokenType": "Bearer",
        "expiresAt": claims.expires.isoformat().replace("+00:00", "Z"),
        "expiresIn": claims.expires_at - claims.issued_at,
        "username": claims.username,
        "tenant": {"code": identity.tenant_code, "name": identity.tenant_name},
    }
    return _json(body, 200, request_id)


def _locked(request_id: str, lock: login_guard.Lock) -> Response:
    """HTTP 429: the account or address is locked (docs/security.md "Password guessing")."""
    until = lock.until.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    extensions = {"reason": Reason.LOCKED, "lockedUntil": until, "lockScope": lock.scope}
    body = {"errors": [error(lock.message, Code.UNAUTHENTICATED, request_id, **extensions)]}
    headers = {**NO_STORE, "Retry-After": str(lock.seconds_left(login_guard.now()))}
    return json_response(body, 429, request_id, headers)


def _credentials() -> tuple[str, str] | None:
    """``(username, password)`` from the body; None for an empty body (the session);
    ``BodyRefused`` for a body over ``MAX_BODY_BYTES`` (read no further) or a username or
    password over its limit (tongban/limits.py); ``ValueError`` for anything else."""
    limits = platform().settings.limits
    raw = read_body(MAX_BODY_BYTES)
    if not raw.strip():
        return None
    if not request.is_json:
        raise ValueError(BODY_SHAPE)
    longest = max(limits.username_chars, limits.password_chars)
    try:
        body = parse_json(raw, max_depth=2, max_string=longest)
    except BodyRefused as refused:
        if refused.code == Code.INPUT_TOO_LONG:
            raise _too_long("用户名或密码", "username or password", longest) from None
        raise ValueError(BODY_SHAPE) from None
    if body == {}:
        return None
    if not isinstance(body, dict) or set(body) != {"username", "password"}:
        raise ValueError(BODY_SHAPE)
    username, password = body["username"], body["password"]
    if not isinstance(username, str) or not isinstance(password, str):
        raise ValueError(BODY_SHAPE)
    if not username.strip() or not password:
        raise ValueError(BODY_SHAPE)
    if len(username) > limits.username_chars:
        raise _too_long("用户名", "username", limits.username_chars)
    if len(password) > limits.password_chars:
        raise _too_long("密码", "password", limits.password_chars)
    return username.strip(), password


def _too_long(what: str, english: str, limit: int) -> BodyRefused:
    return BodyRefused(
        400,
        f"{what}过长 ({english} over {limit} characters)",
        Code.INPUT_TOO_LONG,
        {"limit": limit},
    )


class TokenForm(FlaskForm):  # type: ignore[misc]
    """No fields: the button, with the CSRF token when CSRF protection is on."""


class TokenView(BaseView):
    """API 令牌: a logged-in person gets a token for their own scripts and tools."""

    route_base = "/token"
    default_view = "index"
    class_permission_name = PERMISSION_VIEW
    method_permission_name = {"index": READ}

    @expose("/", methods=["GET", "POST"])
    @has_access
    def index(self) -> ResponseReturnValue:
        identity = current_identity()
        if identity is None:
            return no_tenant_page()
        form = TokenForm()
        issued = None
        if form.validate_on_submit():
            issued = person_tokens.issue_for(
                platform(),
                current_user._get_current_object(),  # type: ignore[attr-defined]
            )
        page = render_page(
            "tongban/token.html",
            form=form,
            issued=issued,
            minutes=platform().settings.token_minutes,
            trust_seconds=int(person_tokens.TRUST_SECONDS),
        )
        response = make_response(page)
        response.headers["Cache-Control"] = "no-store"
        return response


def register(app: Flask) -> None:
    """Mount ``POST /api/token``. Scripts post JSON, not a form: exempt from CSRF protection
    if it is installed; rate-limited like the login form when ``AUTH_RATE_LIMITED`` is on."""
    app.register_blueprint(blueprint)
    csrf = app.extensions.get("csrf")
    if csrf is not None:
        csrf.exempt(blueprint)
    sm = app.extensions["appbuilder"].sm
    if sm.is_auth_limited:
        sm.limiter.limit(sm.auth_rate_limit, methods=["POST"])(blueprint)
