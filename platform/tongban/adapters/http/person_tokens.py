"""Tokens for people: issued to a web login, resolved back to the identity its session has.

Logins are Flask-AppBuilder's (``ab_user``), checked as the login form checks them
(``auth_user_db``: same password hashes, inactive logins refused, unknown names timed like
known ones). The identity is ``identify``'s, as for a session: tenant, roles and department
are read from the tenant user row, not from the token. The token only carries the username,
tenant, expiry and the password stamp (``services/tokens.py``).

A token whose login has been checked is trusted for ``TRUST_SECONDS`` without a database
read, like an API key: a revocation (a changed password, a deactivated login, a user moved
out of the token's tenant) is in force within that time in every process. Signature and
expiry are checked on every request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import threading
import time
from dataclasses import dataclass
from typing import Any

from flask import current_app

from tongban.adapters.http.identity import PLATFORM_ADMIN, Identity, identify
from tongban.services import tokens
from tongban.services.platform import Platform
from tongban.services.tokens import Reason, TokenRefused

TRUST_SECONDS = 30.0
_MAX_TRUSTED = 4096

_trusted: dict[str, tuple[float, Identity]] = {}
_trusted_lock = threading.Lock()


@dataclass(frozen=True)
class Issued:
    token: str
    claims: tokens.Claims
    identity: Identity


def _security_manager() -> Any:
    return current_app.extensions["appbuilder"].sm


def _identify(platform: Platform, username: str) -> Identity | None:
    admin = current_app.config.get("TONGBAN_PLATFORM_ADMIN", PLATFORM_ADMIN)
    return identify(platform.db, username, platform_admin=admin)


def _stamp(platform: Platform, login: Any) -> str:
    return tokens.stamp(platform.settings.secret_key, login.id, login.password or "")


def check_password(username: str, password: str) -> Any | None:
    """The active login with this username (or e-mail) and password, as the login form
    decides; None for any failure, whichever part was wrong."""
    return _security_manager().auth_user_db(username, password)


def issue_for(platform: Platform, login: Any) -> Issued | None:
    """A token for ``login`` (a Flask-AppBuilder user); None if it belongs to no tenant."""
    identity = _identify(platform, login.username)
    if identity is None:
        return None
    token, claims = tokens.issue(
        platform.settings.secret_key,
        login.username,
        identity.tenant_code,
        _stamp(platform, login),
        dt.timedelta(minutes=platform.settings.token_minutes),
    )
    return Issued(token, claims, identity)


def resolve(platform: Platform, token: str) -> Identity:
    """The identity a valid token acts as; ``TokenRefused`` with the reason otherwise."""
    claims = tokens.verify(platform.settings.secret_key, token)
    digest = hashlib.sha256(token.encode("utf-8")).hexdigest()
    now = time.monotonic()
    with _trusted_lock:
        cached = _trusted.get(digest)
    if cached is not None and cached[0] > now:
        return cached[1]
    identity = _check_login(platform, claims)
    with _trusted_lock:
        if len(_trusted) >= _MAX_TRUSTED:
            for stale in [d for d, (until, _) in _trusted.items() if until <= now]:
                del _trusted[stale]
            if len(_trusted) >= _MAX_TRUSTED:
                _trusted.clear()
        _trusted[digest] = (now + TRUST_SECONDS, identity)
    return identity


def forget_trusted() -> None:
    """Check every token's login again on its next use."""
    with _trusted_lock:
        _trusted.clear()


def _check_login(platform: Platform, claims: tokens.Claims) -> Identity:
    login = _security_manager().find_user(username=claims.username)
    if login is None or not login.is_active or login.username != claims.username:
        raise TokenRefused.because(Reason.REVOKED)
    if not hmac.compare_digest(_stamp(platform, login), claims.stamp):
        raise TokenRefused.because(Reason.REVOKED)
    identity = _identify(platform, login.username)
    if identity is None or identity.tenant_code != claims.tenant_code:
        raise TokenRefused.because(Reason.REVOKED)
    return identity
