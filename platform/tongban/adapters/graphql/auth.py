"""Who is calling /graphql: an API key (``Authorization: Bearer tb_…``), a person's token
(``Bearer tbu_…``) or a web login.

- A system sends its tenant's API key. It acts as ``apikey:<name>`` in the key's tenant with
  the key's role and department; it reads the tenants below its own only if the key was
  created with ``--include-descendants``.
- A person logged in to the web app (the session cookie Flask-AppBuilder set), or sending
  a token issued to that login (``POST /api/token``, adapters/http/person_tokens.py), acts
  as their tenant user, exactly as on the pages, and sees their tenant's subtree.
- Anything else is an ``AuthFailure``: the view answers 401 ``UNAUTHENTICATED`` with a
  stable ``reason``. A malformed, unknown or revoked key, and an invalid, expired or revoked
  token, is refused even if a session cookie is present.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request
from flask_login import current_user

from tongban.adapters.graphql.context import Principal
from tongban.adapters.http import person_tokens
from tongban.adapters.http.identity import PLATFORM_ADMIN, identify
from tongban.services import apikeys, tokens
from tongban.services.actors import Actor
from tongban.services.platform import Platform


class Reason:
    """``extensions.reason`` of a 401 (tokens add ``services.tokens.Reason``)."""

    NO_CREDENTIALS = "NO_CREDENTIALS"
    MALFORMED_AUTHORIZATION = "MALFORMED_AUTHORIZATION"
    INVALID_API_KEY = "INVALID_API_KEY"
    NO_TENANT = "NO_TENANT"


@dataclass(frozen=True)
class AuthFailure:
    message: str
    reason: str


def authenticate_request(platform: Platform) -> Principal | AuthFailure:
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            return AuthFailure(
                "Authorization 头格式应为 'Bearer <API 密钥或令牌>' (expected a bearer key or token)",
                Reason.MALFORMED_AUTHORIZATION,
            )
        if tokens.looks_like_token(token):
            return _person(platform, token)
        key = apikeys.authenticate(platform.db, token)
        if key is None:
            return AuthFailure(
                "API 密钥无效或已吊销 (invalid or revoked API key)", Reason.INVALID_API_KEY
            )
        actor = Actor(f"apikey:{key.name}", key.tenant_code, frozenset({key.role}), key.department)
        return Principal(actor, "apikey", key.include_descendants)
    if current_user.is_authenticated:
        identity = identify(
            platform.db,
            current_user.username,
            platform_admin=current_app.config.get("TONGBAN_PLATFORM_ADMIN", PLATFORM_ADMIN),
        )
        if identity is None:
            return AuthFailure(
                "该登录不属于任何单位 (this login belongs to no tenant)", Reason.NO_TENANT
            )
        return Principal(identity.actor(), "user", True)
    return AuthFailure(
        "需要 API 密钥或登录 (an API key or a login is required)", Reason.NO_CREDENTIALS
    )


def _person(platform: Platform, token: str) -> Principal | AuthFailure:
    """A person's token acts exactly as that login's session would."""
    try:
        identity = person_tokens.resolve(platform, token)
    except tokens.TokenRefused as refused:
        return AuthFailure(refused.message, refused.reason)
    return Principal(identity.actor(), "user", True)
