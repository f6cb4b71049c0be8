"""Bearer tokens for people logged in to the web app (scripts and tools they run as themselves).

A token is ``tbu_`` + an itsdangerous-signed (HMAC-SHA256, the app's secret key under a salt
of its own, so no other signed value of the app is a token) JSON payload::

    {"v": 1, "sub": username, "ten": tenant code, "iat": issued, "exp": expires, "stp": stamp}

Signature and expiry are checked here without a database read. ``stp`` ties the token to the
login's current password hash (and row): changing the password — the login's own 修改密码,
or an administrator's reset — revokes every token issued before, with no token table and no
new column. The web adapter (``adapters/http/person_tokens.py``) compares the stamp and maps
the username to its tenant identity, as the session would.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import time
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadData, URLSafeSerializer

from tongban.core.errors import ErrorCode, TongbanError

TOKEN_PREFIX = "tbu_"
_SALT = "tongban.person-token.v1"
_VERSION = 1


class Reason:
    """Why a token is refused: stable codes, in ``extensions.reason`` of the 401."""

    INVALID = "TOKEN_INVALID"
    EXPIRED = "TOKEN_EXPIRED"
    REVOKED = "TOKEN_REVOKED"


class TokenRefused(TongbanError):
    """A bearer token that does not act: ``reason`` (a ``Reason``) says why; the 401's
    ``extensions.reason``. Raise it as ``TokenRefused.because(Reason.EXPIRED)``."""

    code = ErrorCode.UNAUTHENTICATED

    def __init__(self) -> None:
        super().__init__()

    @staticmethod
    def because(reason: str) -> TokenRefused:
        return _REFUSALS[reason]()


class TokenInvalid(TokenRefused):
    reason = Reason.INVALID


class TokenExpired(TokenRefused):
    reason = Reason.EXPIRED


class TokenRevoked(TokenRefused):
    """The password changed, the login was deactivated or left its tenant."""

    reason = Reason.REVOKED


_REFUSALS: dict[str, type[TokenRefused]] = {
    Reason.INVALID: TokenInvalid,
    Reason.EXPIRED: TokenExpired,
    Reason.REVOKED: TokenRevoked,
}


@dataclass(frozen=True)
class Claims:
    username: str
    tenant_code: str
    issued_at: int  # seconds since the epoch
    expires_at: int
    stamp: str

    @property
    def expires(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.expires_at, dt.UTC)


def looks_like_token(value: str) -> bool:
    return value.startswith(TOKEN_PREFIX)


def stamp(secret_key: str, login_id: object, password_hash: str) -> str:
    """What a token remembers of the login: changes whenever its password does."""
    message = f"{login_id}\x00{password_hash}".encode()
    return hmac.new(secret_key.encode("utf-8"), message, hashlib.sha256).hexdigest()[:16]


def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(
        secret_key, salt=_SALT, signer_kwargs={"digest_method": hashlib.sha256}
    )


def issue(
    secret_key: str,
    username: str,
    tenant_code: str,
    login_stamp: str,
    lifetime: dt.timedelta,
    now: float | None = None,
) -> tuple[str, Claims]:
    """A signed token and its claims."""
    issued = int(time.time() if now is None else now)
    claims = Claims(
        username, tenant_code, issued, issued + int(lifetime.total_seconds()), login_stamp
    )
    payload = {
        "v": _VERSION,
        "sub": claims.username,
        "ten": claims.tenant_code,
        "iat": claims.issued_at,
        "exp": claims.expires_at,
        "stp": claims.stamp,
    }
    return TOKEN_PREFIX + _serializer(secret_key).dumps(payload), claims


def verify(secret_key: str, token: str, now: float | None = None) -> Claims:
    """The claims of a well-signed, unexpired token; else ``TokenRefused``. Expiry is only
    told for a token whose signature holds."""
    if not looks_like_token(token):
        raise TokenRefused.because(Reason.INVALID)
    try:
        payload: Any = _serializer(secret_key).loads(token[len(TOKEN_PREFIX) :])
    except BadData:
        raise TokenRefused.because(Reason.INVALID) from None
    claims = _claims(payload)
    if claims is None:
        raise TokenRefused.because(Reason.INVALID)
    if (time.time() if now is None else now) >= claims.expires_at:
        raise TokenRefused.because(Reason.EXPIRED)
    return claims


def _claims(payload: Any) -> Claims | None:
    if not isinstance(payload, dict) or payload.get("v") != _VERSION:
        return None
    texts = [payload.get(k) for k in ("sub", "ten", "stp")]
    times = [payload.get(k) for k in ("iat", "exp")]
    if not all(isinstance(t, str) and t for t in texts):
        return None
    if not all(isinstance(t, int) and not isinstance(t, bool) for t in times):
        return None
    return Claims(payload["sub"], payload["ten"], payload["iat"], payload["exp"], payload["stp"])
