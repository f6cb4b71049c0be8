"""``GET /seal-keys/<tenant_code>.json``: a tenant's public seal keys, no login needed.

The body is the keys file ``tongban verify FILE --keys KEYS`` takes (a JSON list of
``key_id``, ``department_uscc``, ``public_key_hex``, ``valid_from``, ``valid_until``,
``revoked_at``): anyone holding a sealed result can fetch it and verify offline. Public keys
are public, for any tenant; nothing secret is ever read (docs/seals.md).
"""

from __future__ import annotations

import json

from flask import Flask, Response, request

from tongban.adapters.web.views.common import platform
from tongban.core.error_catalogue import reader_language
from tongban.core.errors import NotFound
from tongban.services.seal_keys import published_keys

MAX_AGE_SECONDS = 60
"""Caches may keep the file this long: a revocation is published within a minute."""


def _json(body: bytes, status: int) -> Response:
    response = Response(body, status=status, mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"  # public data, for any verifier
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def seal_keys(tenant_code: str) -> Response:
    try:
        with platform().db.for_tenant(tenant_code, readonly=True, subtree=False) as uow:
            published = published_keys(uow)
    except NotFound as missing:
        message = missing.render(reader_language(request.headers.get("Accept-Language")))
        error = {"code": missing.code, "reason": missing.reason, "message": message}
        body = json.dumps({"error": error}, ensure_ascii=False)
        return _json(body.encode("utf-8"), 404)
    response = _json(published.keys_file(), 200)
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE_SECONDS}"
    return response


def register(app: Flask) -> None:
    app.add_url_rule("/seal-keys/<tenant_code>.json", "seal_keys", seal_keys, methods=["GET"])
