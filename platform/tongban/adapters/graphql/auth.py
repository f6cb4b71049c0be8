"""Who is calling /graphql: an API key (``Authorization: Bearer tb_…``) or a web login.

- A system sends its tenant's API key. It acts as ``apikey:<name>`` in the key's tenant with
  the key's role and department; it reads the tenants below its own only if the key was
  created with ``--include-descendants``.
- A person logged in to the web app (the session cookie Flask-AppBuilder set) acts as
  their tenant user, exactly as on the pages, and sees their tenant's subtree.
- Anything else is ``None``: the view answers 401 ``UNAUTHENTICATED``. A malformed,
  unknown or revoked key is refused the same way, even if a session cookie is present.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request
from flask_login import current_user

from tongban.adapters.graphql.context import Principal
from tongban.adapters.web.identity import PLATFORM_ADMIN, identify
from tongban.bootstrap import Platform
from tongban.services import apikeys
from tongban.services.actors import Actor


@dataclass(frozen=True)
class AuthFailure:
    message: str


def authenticate_request(platform: Platform) -> Principal | AuthFailure:
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return AuthFailure("Authorization 头格式应为 'Bearer tb_…' (expected a bearer key)")
        key = apikeys.authenticate(platform.db, token.strip())
        if key is None:
            return AuthFailure("API 密钥无效或已吊销 (invalid or revoked API key)")
        actor = Actor(f"apikey:{key.name}", key.tenant_code, frozenset({key.role}), key.department)
        return Principal(actor, "apikey", key.include_descendants)
    if current_user.is_authenticated:
        identity = identify(
            platform.db,
            current_user.username,
            platform_admin=current_app.config.get("TONGBAN_PLATFORM_ADMIN", PLATFORM_ADMIN),
        )
        if identity is None:
            return AuthFailure("该登录不属于任何单位 (this login belongs to no tenant)")
        return Principal(identity.actor(), "user", True)
    return AuthFailure("需要 API 密钥或登录 (an API key or a login is required)")
