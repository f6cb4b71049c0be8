"""Request limits: every bound a caller cannot outrun (docs/security.md "Limits").

Each has a documented default and a ``TONGBAN_*`` environment variable; ``load_limits``
refuses a value that is not a positive number, naming the variable. The Flask config keys
of the GraphQL endpoint (``GRAPHQL_MAX_*``, adapters/graphql/view.py) override these per app.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class RequestLimits:
    body_bytes: int = 1_000_000
    """TONGBAN_MAX_BODY_BYTES: bytes read from any request body, chunked or not."""
    query_bytes: int = 10_000
    """TONGBAN_GRAPHQL_MAX_QUERY_BYTES: the GraphQL query text."""
    depth: int = 10
    """TONGBAN_GRAPHQL_MAX_DEPTH: nesting of selected fields (introspection fields aside)."""
    fields: int = 500
    """TONGBAN_GRAPHQL_MAX_FIELDS: field selections, with fragments expanded."""
    aliases: int = 30
    """TONGBAN_GRAPHQL_MAX_ALIASES: aliases, with fragments expanded."""
    fragment_spreads: int = 100
    """TONGBAN_GRAPHQL_MAX_FRAGMENT_SPREADS: ``...Fragment`` spreads written in a document."""
    cost: int = 3_000
    """TONGBAN_GRAPHQL_MAX_COST: fields with fragments expanded, a list's selection counted
    once per item of the page it asks for (``first``)."""
    timeout_seconds: float = 10.0
    """TONGBAN_GRAPHQL_TIMEOUT_SECONDS: wall-clock budget of one request's resolvers."""
    json_depth: int = 64
    """TONGBAN_MAX_JSON_DEPTH: nesting of a JSON body and of GraphQL object/list literals."""
    string_chars: int = 100_000
    """TONGBAN_MAX_STRING_CHARS: one string in a JSON body (GraphQL variables included)."""
    username_chars: int = 256
    """TONGBAN_MAX_USERNAME_CHARS: a username at login or ``POST /api/token``."""
    password_chars: int = 1_024
    """TONGBAN_MAX_PASSWORD_CHARS: a password at login or ``POST /api/token``."""
    login_failures: int = 5
    """TONGBAN_LOGIN_MAX_FAILURES: wrong passwords for one account (within the lock time)
    before it is locked (adapters/web/login_guard.py)."""
    login_address_failures: int = 50
    """TONGBAN_LOGIN_MAX_FAILURES_PER_ADDRESS: wrong passwords from one client address, any
    accounts, before the address is locked (higher: an office shares one address)."""
    login_lock_seconds: int = 900
    """TONGBAN_LOGIN_LOCK_SECONDS: how long a lock lasts, and how far back failures count."""


ENV_VARS = {
    "body_bytes": "TONGBAN_MAX_BODY_BYTES",
    "query_bytes": "TONGBAN_GRAPHQL_MAX_QUERY_BYTES",
    "depth": "TONGBAN_GRAPHQL_MAX_DEPTH",
    "fields": "TONGBAN_GRAPHQL_MAX_FIELDS",
    "aliases": "TONGBAN_GRAPHQL_MAX_ALIASES",
    "fragment_spreads": "TONGBAN_GRAPHQL_MAX_FRAGMENT_SPREADS",
    "cost": "TONGBAN_GRAPHQL_MAX_COST",
    "timeout_seconds": "TONGBAN_GRAPHQL_TIMEOUT_SECONDS",
    "json_depth": "TONGBAN_MAX_JSON_DEPTH",
    "string_chars": "TONGBAN_MAX_STRING_CHARS",
    "username_chars": "TONGBAN_MAX_USERNAME_CHARS",
    "password_chars": "TONGBAN_MAX_PASSWORD_CHARS",
    "login_failures": "TONGBAN_LOGIN_MAX_FAILURES",
    "login_address_failures": "TONGBAN_LOGIN_MAX_FAILURES_PER_ADDRESS",
    "login_lock_seconds": "TONGBAN_LOGIN_LOCK_SECONDS",
}


def load_limits(env: Mapping[str, str]) -> RequestLimits:
    """The limits set in ``env``, the defaults for the rest."""
    values: dict[str, int | float] = {}
    for field in fields(RequestLimits):
        name = ENV_VARS[field.name]
        raw = env.get(name, "").strip()
        if not raw:
            continue
        try:
            value: int | float = float(raw) if field.type == "float" else int(raw)
        except ValueError:
            value = 0
        if not value > 0:
            raise RuntimeError(f"{name} must be a positive number (got {raw!r})")
        values[field.name] = value
    return RequestLimits(**values)  # type: ignore[arg-type]
