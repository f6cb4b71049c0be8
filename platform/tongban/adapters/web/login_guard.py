"""Password guessing and stale sessions (docs/security.md "Password guessing").

- ``TongbanSecurityManager.auth_user_db`` is where the login form and ``POST /api/token``
  check a password (FAB's view and person_tokens.check_password): it refuses an account or
  client address locked by services/login_guard.py without checking the password, records
  every attempt, and leaves the lock in ``g`` for the caller to show (``current_lock``).
- The login form's generic "Invalid login" is replaced by the lock's message, which says
  when it lifts.
- Flask-AppBuilder's JWT API login (``/api/v1/security/login``, ``/refresh``) is not
  mounted: nothing in Tongban uses it, and it would be one more guessing point.
- A web session remembers its login's password stamp; a request whose session carries a
  stamp that no longer matches (the password changed, here or in another worker) is logged
  out. The session that changed its own password gets the new stamp.

The clock is ``app.config["TONGBAN_CLOCK"]`` when set (tests), else UTC now.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app, flash, g, has_request_context, request, session
from flask_appbuilder.security.api import SecurityApi
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_login import current_user, logout_user, user_logged_in
from werkzeug.exceptions import NotFound

from tongban.adapters.http.identity import PLATFORM_ADMIN
from tongban.services import login_guard, tokens
from tongban.services.login_guard import Lock

CLOCK = "TONGBAN_CLOCK"
SESSION_STAMP = "_tongban_stamp"
LOGIN_ENDPOINT = "AuthDBView.login"
TOKEN_ENDPOINT = "person_tokens.issue_token"
PASSWORD_CHANGED = "密码已更改，请重新登录 (the password has changed: please log in again)"


def now() -> dt.datetime:
    clock: Callable[[], dt.datetime] | None = current_app.config.get(CLOCK)
    return clock() if clock is not None else dt.datetime.now(dt.UTC)


def client_address() -> str:
    return request.remote_addr or "unknown"


def current_lock() -> Lock | None:
    """The lock that refused this request's password check, or that its failure started."""
    lock: Lock | None = g.get("tongban_login_lock")
    return lock


class ClosedSecurityApi(SecurityApi):
    """FAB's security API without its routes: ``login`` and ``refresh`` are plain methods
    (no ``@expose``), so ``/api/v1/security/*`` is 404."""

    def login(self) -> Response:
        raise NotFound()

    def refresh(self) -> Response:
        raise NotFound()


class TongbanSecurityManager(SecurityManager):  # type: ignore[misc]
    security_api = ClosedSecurityApi

    def auth_user_db(self, username: str, password: str) -> Any | None:
        check = super().auth_user_db
        if not has_request_context() or not username:
            return check(username, password)
        return _guarded(check, username, password)


def _guarded(check: Callable[[str, str], Any], username: str, password: str) -> Any | None:
    platform = current_app.extensions["tongban"]
    address, moment = client_address(), now()
    channel = "api_token" if request.endpoint == TOKEN_ENDPOINT else "web"

    def record(outcome: str) -> Lock | None:
        return login_guard.record(
            platform.db,
            platform.settings.limits,
            username=username,
            address=address,
            channel=channel,
            outcome=outcome,
            now=moment,
            platform_admin=current_app.config.get("TONGBAN_PLATFORM_ADMIN", PLATFORM_ADMIN),
        )

    lock = login_guard.lock_of(platform.db, username, address, moment)
    if lock is not None:
        record(login_guard.LOCKED)
        g.tongban_login_lock = lock
        return None
    login = check(username, password)
    started = record(login_guard.SUCCESS if login else login_guard.FAILURE)
    if started is not None:
        g.tongban_login_lock = started
    return login


def _stamp(login: Any) -> str:
    secret: str = current_app.config["SECRET_KEY"]
    return tokens.stamp(secret, login.id, login.password or "")


def _remember_stamp(_app: Flask, user: Any, **_extra: Any) -> None:
    session[SESSION_STAMP] = _stamp(user)


def register(app: Flask) -> None:
    """Show locks on the login form; end sessions whose password changed."""
    user_logged_in.connect(_remember_stamp, app)

    @app.before_request
    def end_stale_session() -> None:
        if "_user_id" not in session or not current_user.is_authenticated:
            return
        if session.get(SESSION_STAMP) != _stamp(current_user):
            logout_user()
            session.pop(SESSION_STAMP, None)
            flash(PASSWORD_CHANGED, "warning")

    @app.after_request
    def show_lock(response: Response) -> Response:
        if request.endpoint == LOGIN_ENDPOINT and request.method == "POST":
            lock = current_lock()
            if lock is not None:
                invalid = str(app.appbuilder.sm.auth_view.invalid_login_message)  # type: ignore[attr-defined]
                flashes = session.get("_flashes", [])
                session["_flashes"] = [f for f in flashes if f[1] != invalid]
                flash(lock.message, "danger")
        elif (
            request.endpoint == "ResetMyPasswordView.this_form_post"
            and current_user.is_authenticated
        ):
            session[SESSION_STAMP] = _stamp(current_user)  # the session that changed it
        return response
