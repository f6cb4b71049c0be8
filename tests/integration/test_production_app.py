"""The web app in production (docs/security.md), on SQLite and PostgreSQL: secure cookie
flags and security headers on every response; a session forged with the repository's
development key is nobody; a seal key that cannot open what it sealed stops the start-up
with the reason, and ``/health`` answers 503 with the reason instead of "ok"."""

from __future__ import annotations

import dataclasses
import secrets
from pathlib import Path

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import Engine

from tongban.adapters.crypto import SealBox
from tongban.adapters.db.unit_of_work import Database
from tongban.adapters.web.demo import create_demo_logins
from tongban.adapters.web.login_guard import SESSION_STAMP
from tongban.app import create_app
from tongban.bootstrap import Platform
from tongban.config import DEV_SECRET_KEY, ConfigError, Settings, load_settings
from tongban.services import tokens, webhooks
from tongban.services.schemas import Schemas
from tongban.services.webhook_targets import TargetPolicy

from .case_support import user

PASSWORD = "production-test-password"
HTTPS = "https://localhost"  # behind the TLS proxy: Secure cookies come back
SEAL_KEY = secrets.token_hex(32)
OTHER_SEAL_KEY = secrets.token_hex(32)


def _settings(db: Database, tmp_path: Path, **environ: str) -> Settings:
    return load_settings(
        {
            "TONGBAN_ENV": "production",
            "TONGBAN_SECRET_KEY": secrets.token_hex(32),
            "TONGBAN_SEAL_KEY": SEAL_KEY,
            "TONGBAN_DATABASE_URL": db.url,
            "TONGBAN_VAR_DIR": str(tmp_path),
            **environ,
        }
    )


def _app(db: Database, schemas: Schemas, settings: Settings, engines: list[Engine]) -> Flask:
    app = create_app(Platform(settings, db, schemas), testing=True)  # testing: no CSRF form
    if db.engine not in engines:
        engines.append(db.engine)
    return app


def _seal_something(db: Database) -> None:
    """A webhook secret stored under SEAL_KEY: what the start-up check must be able to open."""
    webhooks.forget_cached_absence()
    with db.for_tenant("230123") as uow:
        webhooks.subscribe(
            uow,
            SealBox.from_setting(SEAL_KEY),
            user(db, "yilan_admin"),
            "https://93.184.216.34/hook",
            ["*"],
            policy=TargetPolicy(),
        )


def _forged_admin_cookie(secret_key: str, **extra: str) -> str:
    """The session cookie of ``{'_user_id': '1'}`` signed with ``secret_key``, made the
    way Flask makes it (the attack of issue 12: the development key is public)."""
    forger = Flask("forger")
    forger.secret_key = secret_key
    serializer = SecureCookieSessionInterface().get_signing_serializer(forger)
    assert serializer is not None
    return str(serializer.dumps({"_user_id": "1", "_fresh": True, **extra}))


def test_production_sets_secure_cookies_and_security_headers(
    demo: Database, schemas: Schemas, tmp_path: Path, fab_engines: list[Engine]
) -> None:
    app = _app(demo, schemas, _settings(demo, tmp_path), fab_engines)
    logins = create_demo_logins(app, demo, PASSWORD)
    client = app.test_client()
    response = client.post(
        "/login/", data={"username": logins[0].username, "password": PASSWORD}, base_url=HTTPS
    )
    assert response.status_code == 302 and "/login/" not in response.headers["Location"]
    (cookie,) = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"secure", "httponly", "samesite=lax"} <= flags, cookie
    assert client.get("/catalog/", base_url=HTTPS).status_code == 200  # the session works

    for path in ("/health", "/login/", "/catalog/", "/no-such-page", "/graphql"):
        headers = client.get(path, base_url=HTTPS).headers
        assert headers["X-Frame-Options"] == "DENY", path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, path
        assert "object-src 'none'" in csp, path
        assert headers["Strict-Transport-Security"].startswith("max-age="), path


def test_development_keeps_plain_http_cookies_but_sends_the_headers(
    demo: Database, schemas: Schemas, tmp_path: Path, fab_engines: list[Engine]
) -> None:
    settings = load_settings({"TONGBAN_DATABASE_URL": demo.url, "TONGBAN_VAR_DIR": str(tmp_path)})
    app = _app(demo, schemas, settings, fab_engines)
    assert app.config["SESSION_COOKIE_SECURE"] is False  # `make run` is plain HTTP
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    headers = app.test_client().get("/health").headers
    assert headers["X-Frame-Options"] == "DENY" and "Strict-Transport-Security" not in headers


def test_a_session_forged_with_the_development_key_is_nobody_in_production(
    demo: Database, schemas: Schemas, tmp_path: Path, fab_engines: list[Engine]
) -> None:
    settings = _settings(demo, tmp_path)
    app = _app(demo, schemas, settings, fab_engines)
    create_demo_logins(app, demo, PASSWORD)
    client = app.test_client()
    client.set_cookie("session", _forged_admin_cookie(DEV_SECRET_KEY))
    response = client.get("/catalog/", base_url=HTTPS)
    assert response.status_code == 302 and "/login/" in response.headers["Location"]
    # the same forgery with the deployment's own key would work: the test forges correctly
    # (a session also carries its login's password stamp, adapters/web/login_guard.py)
    with app.app_context():
        admin = app.extensions["appbuilder"].sm.get_user_by_id(1)
        stamp = tokens.stamp(settings.secret_key, admin.id, admin.password)
    cookie = _forged_admin_cookie(settings.secret_key, **{SESSION_STAMP: stamp})
    client.set_cookie("session", cookie)
    assert client.get("/catalog/", base_url=HTTPS).status_code == 200


def test_a_seal_key_that_cannot_open_what_it_sealed_stops_production(
    demo: Database, schemas: Schemas, tmp_path: Path, fab_engines: list[Engine]
) -> None:
    _seal_something(demo)
    wrong = _settings(demo, tmp_path, TONGBAN_SEAL_KEY=OTHER_SEAL_KEY)
    with pytest.raises(ConfigError) as caught:
        create_app(Platform(wrong, demo, schemas), testing=True)
    message = str(caught.value)
    assert "拒绝启动" in message and "TONGBAN_SEAL_KEY 解不开已保存的密钥" in message
    assert OTHER_SEAL_KEY not in message and SEAL_KEY not in message
    app = _app(demo, schemas, _settings(demo, tmp_path), fab_engines)  # the right key starts
    assert app.test_client().get("/health").json["sealKey"] is True  # type: ignore[index]


def test_health_reports_an_unusable_seal_key_as_unhealthy(
    demo: Database, schemas: Schemas, tmp_path: Path, fab_engines: list[Engine]
) -> None:
    _seal_something(demo)
    settings = load_settings(
        {
            "TONGBAN_DATABASE_URL": demo.url,
            "TONGBAN_VAR_DIR": str(tmp_path),
            "TONGBAN_SEAL_KEY": SEAL_KEY,
        }
    )
    app = _app(demo, schemas, settings, fab_engines)
    platform: Platform = app.extensions["tongban"]
    healthy = app.test_client().get("/health")
    assert healthy.status_code == 200 and healthy.json["status"] == "ok"  # type: ignore[index]

    for seal_key, reason in (
        (OTHER_SEAL_KEY, "解不开已保存的密钥 webhook-subscription:"),
        ("x", "64 位十六进制或至少 16 个字符的口令"),
    ):
        # development starts (a malformed key set this way bypasses load_settings): /health
        # must not say "ok" while every sealed result would fail with a 500
        platform.settings = dataclasses.replace(settings, seal_key=seal_key)
        response = app.test_client().get("/health")
        body = response.json
        assert response.status_code == 503 and body is not None
        assert (body["status"], body["database"], body["sealKey"]) == ("unavailable", True, False)
        assert any(reason in r for r in body["reasons"]), body
        assert len(seal_key) < 16 or seal_key not in response.get_data(as_text=True)
