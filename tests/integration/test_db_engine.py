"""PostgreSQL engines ping a pooled connection only when it sat idle, and a connection the
server dropped while idle is replaced before anyone uses it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from tests.conftest import PG_URL, _require_pg

from tongban.adapters.db import engine as engines


@pytest.fixture
def pg() -> Iterator[Engine]:
    _require_pg()
    engine = engines.make_engine(PG_URL, pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _pings(engine: Engine) -> list[int]:
    """Each ping the pool makes, as the backend pid it pinged."""
    pinged: list[int] = []
    dialect = engine.dialect
    original = dialect.do_ping

    def counted(dbapi_connection: object) -> bool:
        pinged.append(dbapi_connection.info.backend_pid)  # type: ignore[attr-defined]
        return original(dbapi_connection)

    dialect.do_ping = counted  # type: ignore[method-assign]
    return pinged


def _terminate(pid: int) -> None:
    other = engines.make_engine(PG_URL)
    with other.begin() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
    other.dispose()


def test_a_busy_connection_is_not_pinged(pg: Engine) -> None:
    first = _backend_pid(pg)  # a new connection: pinged once when first handed out
    pings = _pings(pg)
    for _ in range(5):
        assert _backend_pid(pg) == first
    assert pings == []


def test_an_idle_connection_the_server_dropped_is_replaced(
    pg: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _backend_pid(pg)
    _terminate(first)
    monkeypatch.setattr(engines, "PING_AFTER_IDLE_SECONDS", 0.0)
    pings = _pings(pg)
    second = _backend_pid(pg)
    assert second != first
    assert pings[0] == first  # the dead one was pinged, failed, and was replaced
