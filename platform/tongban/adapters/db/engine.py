"""Engines for the two supported databases: SQLite (embedded default, WAL) and PostgreSQL."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError


def make_engine(url: str, **kwargs: Any) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    engine = create_engine(url, **kwargs)
    _ping_when_idle(engine)
    return engine


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names; None for an in-memory SQLite or another database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def shown_url(url: str) -> str:
    """The database as a message names it: a SQLite file's path, another URL without its
    password."""
    path = sqlite_file(url)
    if path is not None:
        return str(path)
    return make_url(url).render_as_string(hide_password=True)


PING_AFTER_IDLE_SECONDS = 10.0
"""A pooled connection unused for this long is pinged before it is handed out."""

_CHECKED_IN = "tongban_checked_in"


def _ping_when_idle(engine: Engine) -> None:
    """Pessimistic disconnect handling, as ``pool_pre_ping`` does, but only for connections
    that sat idle: a busy pool does not pay a round trip per checkout. A server restart
    within the idle window fails at most the request that meets it, and SQLAlchemy then
    drops every connection of that pool (it sees the disconnect)."""
    dialect = engine.dialect

    def on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info[_CHECKED_IN] = time.monotonic()

    def on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        checked_in = record.info.get(_CHECKED_IN)
        if checked_in is not None and time.monotonic() - checked_in < PING_AFTER_IDLE_SECONDS:
            return
        try:
            alive = dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError(str(exc)) from exc
        if not alive:
            raise DisconnectionError("the database connection did not answer a ping")

    event.listen(engine.pool, "checkin", on_checkin)
    event.listen(engine.pool, "checkout", on_checkout)


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    # let SQLAlchemy, not pysqlite, issue BEGIN (the "begin" hook below)
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


WRITE_INTENT = "tongban_write_intent"


def _sqlite_begin_immediate(connection: Any) -> None:
    """A unit of work that means to write takes SQLite's write lock when it begins, so
    writers queue (busy_timeout) instead of failing when their read snapshot went stale: two
    clerks acting on one step get "already done", never "database is locked". Read-only
    units of work begin deferred and never wait for writers (WAL)."""
    # straight to the driver, past SQLAlchemy's statement machinery (every command begins)
    driver = connection.connection.driver_connection
    if connection.get_execution_options().get(WRITE_INTENT):
        driver.execute("BEGIN IMMEDIATE")
    else:
        driver.execute("BEGIN")
