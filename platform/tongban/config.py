"""Settings from environment variables prefixed TONGBAN_ (documented in README.md)."""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from pathlib import Path

DEV_SECRET_KEY = "tongban-development-secret-key-change-me-0123456789"
TOKEN_MINUTES = 480
"""Default lifetime of a person's bearer token (docs/api.md "Tokens for people")."""
MAX_TOKEN_MINUTES = 24 * 60


def development_seal_key(secret_key: str) -> str:
    """Development only: a seal key derived from the secret key (64 hex; docs/seals.md)."""
    label = b"tongban development seal key - not for production"
    return hmac.new(secret_key.encode("utf-8"), label, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Settings:
    database_url: str
    broker_url: str
    secret_key: str
    env: str
    var_dir: Path
    form_schemas_dir: Path | None
    seal_key: str = ""  # TONGBAN_SEAL_KEY: encrypts seal private keys at rest; "" = not set
    token_minutes: int = TOKEN_MINUTES  # TONGBAN_TOKEN_MINUTES: lifetime of a person's token

    @property
    def production(self) -> bool:
        return self.env == "production"


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if environ is None else environ)
    var_dir = Path(env.get("TONGBAN_VAR_DIR", "var")).resolve()
    mode = env.get("TONGBAN_ENV", "development")
    secret = env.get("TONGBAN_SECRET_KEY", "")
    if not secret:
        if mode == "production":
            raise RuntimeError("TONGBAN_SECRET_KEY must be set when TONGBAN_ENV=production")
        secret = DEV_SECRET_KEY
    seal_key = env.get("TONGBAN_SEAL_KEY", "")
    if not seal_key:
        if mode == "production":
            raise RuntimeError("TONGBAN_SEAL_KEY must be set when TONGBAN_ENV=production")
        seal_key = development_seal_key(secret)
    schemas = env.get("TONGBAN_FORM_SCHEMAS")
    token_minutes = _token_minutes(env.get("TONGBAN_TOKEN_MINUTES", ""))
    return Settings(
        database_url=env.get("TONGBAN_DATABASE_URL", f"sqlite:///{var_dir / 'tongban.db'}"),
        broker_url=env.get("TONGBAN_BROKER_URL", f"sqla+sqlite:///{var_dir / 'broker.db'}"),
        secret_key=secret,
        env=mode,
        var_dir=var_dir,
        form_schemas_dir=Path(schemas) if schemas else None,
        seal_key=seal_key,
        token_minutes=token_minutes,
    )


def _token_minutes(value: str) -> int:
    if not value.strip():
        return TOKEN_MINUTES
    if not value.strip().isdigit() or not 1 <= int(value) <= MAX_TOKEN_MINUTES:
        raise RuntimeError(f"TONGBAN_TOKEN_MINUTES must be a whole number 1–{MAX_TOKEN_MINUTES}")
    return int(value)
