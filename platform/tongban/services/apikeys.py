"""API keys for county and department systems (GraphQL clients).

A key is ``tb_<prefix>_<secret>``: the prefix (8 hex characters) is public and finds the
row; only the SHA-256 of the whole key is stored, compared in constant time. The full key
is returned once, by ``create_key``, and never again. A key acts for one tenant with one
role (and optionally a department); with ``include_descendants`` it may also read the
tenants below its own. Revoked keys are refused; each use records ``last_used_at`` (at
most once a minute, so a busy client does not write on every request).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from tongban.adapters.db.api_models import ApiKey
from tongban.adapters.db.bypass import platform_unit_of_work  # noqa: TID251
from tongban.adapters.db.models import utcnow
from tongban.adapters.db.unit_of_work import Database, UnitOfWork
from tongban.core.definition_errors import ApiKeyRefused
from tongban.core.errors import NotFound, Violation
from tongban.core.roles import Role

TOKEN_PREFIX = "tb_"
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
_DUMMY_HASH = hashlib.sha256(b"no such key").hexdigest()


@dataclass(frozen=True)
class KeyIdentity:
    """Who an authenticated key acts as."""

    name: str
    prefix: str
    tenant_code: str
    role: Role
    department: str | None
    include_descendants: bool


@dataclass(frozen=True)
class KeyInfo:
    """A key as listed: never its secret."""

    prefix: str
    name: str
    tenant_code: str
    role: str
    department: str | None
    include_descendants: bool
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_key(
    uow: UnitOfWork,
    tenant_code: str,
    role: str,
    name: str,
    department: str | None = None,
    include_descendants: bool = False,
) -> tuple[str, str]:
    """Add a key (the caller commits). Returns ``(prefix, full key)``: show the key once."""
    problems: list[Violation] = []
    tenant = uow.tenants.find(tenant_code)
    if tenant is None:
        raise NotFound("tenant", tenant_code)
    try:
        parsed_role = Role(role)
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        problems.append(
            Violation(
                "API_KEY_ROLE", "/role", f"角色须为 {choices} 之一 (role must be one of {choices})"
            )
        )
        parsed_role = None
    name = name.strip()
    if not name or len(name) > 100:
        problems.append(
            Violation(
                "API_KEY_NAME", "/name", "名称须为 1–100 个字符 (name must be 1–100 characters)"
            )
        )
    if department is not None:
        codes = {d.code for d in uow.departments.of_tenant(tenant.id)}
        if department not in codes:
            problems.append(
                Violation(
                    "API_KEY_DEPARTMENT",
                    "/department",
                    f"单位 {tenant_code} 没有部门 {department} "
                    f"(department {department} does not exist in tenant {tenant_code})",
                )
            )
    if problems or parsed_role is None:
        raise ApiKeyRefused(problems)
    prefix = secrets.token_hex(4)
    while uow.session.scalar(select(ApiKey.id).where(ApiKey.prefix == prefix)) is not None:
        prefix = secrets.token_hex(4)  # pragma: no cover - 1 in 4 billion
    token = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    uow.session.add(
        ApiKey(
            tenant_id=tenant.id,
            name=name,
            prefix=prefix,
            secret_hash=hash_token(token),
            role=parsed_role.value,
            department=department,
            include_descendants=include_descendants,
        )
    )
    uow.session.flush()
    return prefix, token


def _split(token: str) -> str | None:
    """The prefix of a well-formed key, else None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    prefix, sep, secret = token[len(TOKEN_PREFIX) :].partition("_")
    if not sep or not secret or len(prefix) != 8:
        return None
    return prefix


VERIFIED_TTL_SECONDS = 30.0
"""A verified key is trusted for this long without a database read. Revoking it in this
process takes effect at once; a revocation made by another process within this time."""

_verified: dict[str, tuple[float, KeyIdentity]] = {}
_verified_lock = threading.Lock()


def authenticate(db: Database, token: str) -> KeyIdentity | None:
    """The identity of a valid, unrevoked key, or None (recording its last use)."""
    prefix = _split(token)
    if prefix is None:
        return None
    digest = hash_token(token)
    with _verified_lock:
        cached = _verified.get(digest)
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    identity = _authenticate(db, token, prefix)
    if identity is not None:
        with _verified_lock:
            _verified[digest] = (time.monotonic() + VERIFIED_TTL_SECONDS, identity)
    return identity


def forget_verified(prefix: str) -> None:
    """Drop cached verifications of a key (it was revoked)."""
    with _verified_lock:
        for digest in [d for d, (_, ident) in _verified.items() if ident.prefix == prefix]:
            del _verified[digest]


def _authenticate(db: Database, token: str, prefix: str) -> KeyIdentity | None:
    # Before we know the key we do not know its tenant: the one platform-scope read.
    with platform_unit_of_work(db, "authenticate an API key", write=True) as uow:
        row = uow.session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
        expected = row.secret_hash if row is not None else _DUMMY_HASH
        matches = hmac.compare_digest(expected, hash_token(token))
        if row is None or not matches or row.revoked_at is not None:
            return None
        now = utcnow()
        last = row.last_used_at
        if last is None or now - last >= LAST_USED_RESOLUTION:
            row.last_used_at = now
        tenant = uow.tenants.by_id(row.tenant_id)
        identity = KeyIdentity(
            name=row.name,
            prefix=row.prefix,
            tenant_code=tenant.code,
            role=Role(row.role),
            department=row.department,
            include_descendants=bool(row.include_descendants),
        )
        uow.commit()
        return identity


def revoke_key(uow: UnitOfWork, prefix: str) -> KeyInfo:
    """Revoke a key by its prefix (idempotent; the caller commits)."""
    row = uow.session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if row is None:
        raise NotFound("api key", prefix)
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        uow.session.flush()
    forget_verified(prefix)
    return _info(uow, row)


def list_keys(uow: UnitOfWork, tenant_code: str | None = None) -> Sequence[KeyInfo]:
    """The keys this unit of work may see (optionally of one tenant), newest first."""
    query = select(ApiKey).order_by(ApiKey.created_at.desc(), ApiKey.id.desc())
    if tenant_code is not None:
        tenant = uow.tenants.find(tenant_code)
        if tenant is None:
            raise NotFound("tenant", tenant_code)
        query = query.where(ApiKey.tenant_id == tenant.id)
    return [_info(uow, row) for row in uow.session.scalars(query)]


def _info(uow: UnitOfWork, row: ApiKey) -> KeyInfo:
    return KeyInfo(
        prefix=row.prefix,
        name=row.name,
        tenant_code=uow.tenants.by_id(row.tenant_id).code,
        role=row.role,
        department=row.department,
        include_descendants=bool(row.include_descendants),
        created_at=row.created_at,
        revoked_at=row.revoked_at,
        last_used_at=row.last_used_at,
    )
