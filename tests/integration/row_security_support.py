"""A database reached as the restricted role ``tongban_app``, and the tenant guard off."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.orm import Session

from tongban.adapters.db import tenant_guard


@contextmanager
def guard_off() -> Iterator[None]:
    """The Python tenant guard switched off for the block: only PostgreSQL's RLS is left."""
    event.remove(Session, "do_orm_execute", tenant_guard._on_execute)
    event.remove(Session, "before_flush", tenant_guard._before_flush)
    try:
        yield
    finally:
        tenant_guard.install(Session)
