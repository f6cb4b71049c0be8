"""Settings from environment variables prefixed TONGBAN_ (documented in README.md)."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tongban.core.seal_key_setting import seal_key_problem
from tongban.limits import RequestLimits, load_limits

DEV_SECRET_KEY = "tongban-development-secret-key-change-me-0123456789"
ENVIRONMENTS = ("development", "production")
"""The documented values of TONGBAN_ENV; any other value (``Production``, ``prod``, "") is
refused rather than silently run as development."""
MIN_SECRET_KEY = 32
"""Production: TONGBAN_SECRET_KEY has at least this many characters …"""
MIN_SECRET_BITS = 128
"""… and at least this many bits by a character-frequency estimate (length × Shannon entropy
of its characters): ``secrets.token_hex(32)`` has about 250, ``"x" * 64`` none."""
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
    limits: RequestLimits = RequestLimits()  # TONGBAN_MAX_* … (tongban/limits.py)
    webhook_allow: tuple[str, ...] = ()  # TONGBAN_WEBHOOK_ALLOW: non-public webhook targets
    database_role: str | None = None  # TONGBAN_DATABASE_ROLE: PostgreSQL role held by RLS

    @property
    def production(self) -> bool:
        return self.env == "production"


DATABASE_ROLE = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class ConfigError(RuntimeError):
    """The settings are unsafe or malformed: the process refuses to start, saying why."""


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """The settings, or ``ConfigError`` listing every problem (docs/security.md): an unknown
    TONGBAN_ENV, a malformed TONGBAN_SEAL_KEY or TONGBAN_WEBHOOK_ALLOW; in production also a
    missing, development or guessable secret key and a missing seal key."""
    env = dict(os.environ if environ is None else environ)
    var_dir = Path(env.get("TONGBAN_VAR_DIR", "var")).resolve()
    mode = env.get("TONGBAN_ENV", "development")
    if mode not in ENVIRONMENTS:
        raise ConfigError(
            f"TONGBAN_ENV 只能是 {' 或 '.join(ENVIRONMENTS)}，不是 {mode!r} "
            f"(TONGBAN_ENV must be exactly one of {', '.join(ENVIRONMENTS)}, not {mode!r})"
        )
    production = mode == "production"
    problems: list[str] = []
    secret = env.get("TONGBAN_SECRET_KEY", "")
    if production:
        problems += secret_key_problems(secret)
    secret = secret or DEV_SECRET_KEY
    seal_key = env.get("TONGBAN_SEAL_KEY", "")
    if seal_key:
        problems += seal_key_problems(seal_key, secret)
    elif production:
        problems.append(
            "生产环境必须设置 TONGBAN_SEAL_KEY（64 位十六进制或至少 16 个字符的口令） "
            "(TONGBAN_SEAL_KEY must be set when TONGBAN_ENV=production)"
        )
    else:
        seal_key = development_seal_key(secret)
    webhook_allow, allow_problems = parse_webhook_allow(env.get("TONGBAN_WEBHOOK_ALLOW", ""))
    problems += allow_problems
    database_role = env.get("TONGBAN_DATABASE_ROLE") or None
    if database_role is not None and not DATABASE_ROLE.fullmatch(database_role):
        problems.append(
            f"TONGBAN_DATABASE_ROLE 须为 PostgreSQL 角色名（小写字母、数字、下划线），"
            f"不是 {database_role!r} (TONGBAN_DATABASE_ROLE must be a plain role name)"
        )
    if problems:
        raise ConfigError(
            f"配置不安全或有误，拒绝启动 (refusing to start, TONGBAN_ENV={mode}):\n- "
            + "\n- ".join(problems)
        )
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
        webhook_allow=webhook_allow,
        limits=load_limits(env),
        database_role=database_role,
    )


def secret_key_problems(secret: str) -> list[str]:
    """Why ``secret`` may not sign production sessions and tokens (empty: it may)."""
    if not secret:
        return [
            "生产环境必须设置 TONGBAN_SECRET_KEY (TONGBAN_SECRET_KEY must be set when "
            "TONGBAN_ENV=production; make one with "
            "`python -c 'import secrets; print(secrets.token_hex(32))'`)"
        ]
    if secret == DEV_SECRET_KEY or "change-me" in secret.lower():
        return [
            "TONGBAN_SECRET_KEY 是仓库中公开的开发密钥，任何人都能伪造会话 "
            "(TONGBAN_SECRET_KEY is the repository's development key: anyone can forge sessions)"
        ]
    if len(secret) < MIN_SECRET_KEY:
        return [
            f"TONGBAN_SECRET_KEY 太短：{len(secret)} 个字符，至少 {MIN_SECRET_KEY} 个 "
            f"(TONGBAN_SECRET_KEY is too short: {len(secret)} characters, "
            f"at least {MIN_SECRET_KEY})"
        ]
    bits = estimated_bits(secret)
    if bits < MIN_SECRET_BITS:
        return [
            f"TONGBAN_SECRET_KEY 随机性不足：约 {bits:.0f} 位，至少 {MIN_SECRET_BITS} 位 "
            f"(TONGBAN_SECRET_KEY has too little entropy: about {bits:.0f} bits, "
            f"at least {MIN_SECRET_BITS}; use a random key)"
        ]
    return []


def estimated_bits(text: str) -> float:
    """Length × Shannon entropy of the character frequencies: an upper bound that a
    repetitive or low-variety key cannot reach (``"ab" * 32`` has 64)."""
    counts = Counter(text)
    total = len(text)
    per_char = sum(n / total * math.log2(total / n) for n in counts.values())
    return total * per_char


def seal_key_problems(seal_key: str, secret: str) -> list[str]:
    """Why TONGBAN_SEAL_KEY cannot be used (its format, docs/seals.md; empty: it can)."""
    problem = seal_key_problem(seal_key)
    if problem is not None:
        return [problem]
    if seal_key == secret:
        return [
            "TONGBAN_SEAL_KEY 不能与 TONGBAN_SECRET_KEY 相同 "
            "(TONGBAN_SEAL_KEY must differ from TONGBAN_SECRET_KEY)"
        ]
    return []


_HOST_NAME = re.compile(r"(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9-]{1,63}")


def parse_webhook_allow(value: str) -> tuple[tuple[str, ...], list[str]]:
    """TONGBAN_WEBHOOK_ALLOW: comma- or space-separated networks (``10.20.0.0/16``,
    ``127.0.0.1/32``, ``fd00::/8``), addresses, or host names (``hooks.intranet.example``,
    ``*.intranet.example``) that webhooks may reach although they are not public."""
    entries: list[str] = []
    problems: list[str] = []
    for raw in re.split(r"[,\s]+", value.strip()):
        if not raw:
            continue
        entry = raw.lower().rstrip(".")
        try:
            entries.append(str(ipaddress.ip_network(entry, strict=False)))
            continue
        except ValueError:
            pass
        if _HOST_NAME.fullmatch(entry) and not entry.replace(".", "").isdigit():
            entries.append(entry)
        else:
            problems.append(
                f"TONGBAN_WEBHOOK_ALLOW 中的 {raw!r} 既不是网段也不是主机名 "
                f"(TONGBAN_WEBHOOK_ALLOW: {raw!r} is neither a network nor a host name)"
            )
    return tuple(entries), problems


def _token_minutes(value: str) -> int:
    if not value.strip():
        return TOKEN_MINUTES
    if not value.strip().isdigit() or not 1 <= int(value) <= MAX_TOKEN_MINUTES:
        raise RuntimeError(f"TONGBAN_TOKEN_MINUTES must be a whole number 1–{MAX_TOKEN_MINUTES}")
    return int(value)
