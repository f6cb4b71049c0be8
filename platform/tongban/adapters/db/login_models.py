"""Password guessing: counters that lock an account or a client address, and the attempts.

Not tenant-scoped: a login is checked before anyone knows its tenant, and a guessed name
may belong to no tenant. ``LoginAttempt.tenant_id`` is the account's tenant when it has
one, so supervisors see the attempts on their subtree's accounts (services/login_attempts.py).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from tongban.adapters.db.models import Base, UTCDateTime

ACCOUNT = "account"
ADDRESS = "address"


class LoginCounter(Base):
    """Failures of one account (lower-case username) or one client address since
    ``window_start``; ``locked_until`` once they reached the limit."""

    __tablename__ = "login_counter"

    scope: Mapped[str] = mapped_column(String(8), primary_key=True)  # account | address
    key: Mapped[str] = mapped_column(String(256), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class LoginAttempt(Base):
    """One password check: who (as typed), from where, through which entry point, and how
    it ended (``success``, ``failure``, or ``locked``: refused unchecked while locked)."""

    __tablename__ = "login_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    username: Mapped[str] = mapped_column(String(256))
    address: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))  # web | api_token
    outcome: Mapped[str] = mapped_column(String(16))
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenant.id"), index=True)
