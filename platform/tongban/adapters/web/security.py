"""Cookie flags and security headers of the web app (docs/security.md).

Every response carries ``X-Frame-Options``, ``Content-Security-Policy``,
``X-Content-Type-Options`` and ``Referrer-Policy``; in production the session and
remember-me cookies are ``Secure``, ``HttpOnly`` and ``SameSite=Lax`` and responses add
``Strict-Transport-Security``. Production also refuses to start when ``TONGBAN_SEAL_KEY``
cannot open the keys it sealed (``seal_key_status``), with the reason.
"""

from __future__ import annotations

from flask import Flask, Response

from tongban.config import ConfigError
from tongban.services.platform import Platform

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        # FAB's pages and the query page use inline scripts and styles; nothing is loaded
        # from another origin
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HEADERS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
PRODUCTION_HEADERS = {"Strict-Transport-Security": "max-age=31536000"}


def cookie_settings(production: bool) -> dict[str, object]:
    """Flask and Flask-Login cookie settings: always HttpOnly and SameSite=Lax; Secure (sent
    over HTTPS only) in production, where a proxy terminates TLS (docker/)."""
    return {
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
    }


def secure(app: Flask, platform: Platform) -> None:
    """Cookie flags and headers on ``app``; in production, first the seal-key check."""
    production = platform.settings.production
    if production:
        status = platform.seal_key_status()
        if not status.usable:
            raise ConfigError(
                f"配置不安全或有误，拒绝启动 (refusing to start, TONGBAN_ENV=production):\n- "
                f"{status.reason}"
            )
    app.config.update(cookie_settings(production))
    headers = {**HEADERS, **(PRODUCTION_HEADERS if production else {})}

    def add_headers(response: Response) -> Response:
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response

    app.after_request(add_headers)
