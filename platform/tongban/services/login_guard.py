"""Password guessing: lock an account or a client address after too many failed logins.

Every password entry point (the login form, ``POST /api/token``) asks ``lock_of`` before it
checks a password and calls ``record`` after. Counters live in the database
(``login_counter``), so the limits hold across gunicorn workers and restarts:

- an account (its username in lower case, as Flask-AppBuilder looks it up) is locked for
  ``login_lock_seconds`` once ``login_failures`` wrong passwords arrive within that time;
- a client address likewise after ``login_address_failures`` (any accounts);
- while locked, even the right password is refused unchecked (recorded as ``locked``);
- a successful login resets its account's counter (not its address's);
- a name that is no login is counted like one, so a lock says nothing about which exist.

Every attempt is kept in ``login_attempt`` with its account's tenant, for the supervisors
(``attempts``). ``now`` is always passed in: tests move a fixed clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tongban.adapters.db.bypass import platform_unit_of_work  # noqa: TID251
from tongban.adapters.db.login_models import ACCOUNT, ADDRESS, LoginAttempt, LoginCounter
from tongban.adapters.db.models import Tenant, TenantUser
from tongban.adapters.db.unit_of_work import Database, UnitOfWork
from tongban.core.beijing import beijing_text
from tongban.core.tenancy import NATION_CODE
from tongban.limits import RequestLimits

SUCCESS = "success"
FAILURE = "failure"
LOCKED = "locked"
KEY_CHARS = 256


@dataclass(frozen=True)
class Lock:
    scope: str  # ACCOUNT | ADDRESS
    until: dt.datetime

    def seconds_left(self, now: dt.datetime) -> int:
        return max(1, int((self.until - now).total_seconds() + 0.999))

    @property
    def message(self) -> str:
        what, english = ("该账号", "account") if self.scope == ACCOUNT else ("该地址", "address")
        utc = self.until.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return (
            f"登录失败次数过多，{what}已暂时锁定，请于北京时间 {beijing_text(self.until)} 后再试 "
            f"(too many failed logins: this {english} is locked until {utc})"
        )


@dataclass(frozen=True)
class AttemptView:
    at: dt.datetime
    username: str
    address: str
    channel: str
    outcome: str
    tenant_code: str


def account_key(username: str) -> str:
    return username.strip().lower()[:KEY_CHARS]


def lock_of(db: Database, username: str, address: str, now: dt.datetime) -> Lock | None:
    """The lock on this account or address in force at ``now`` (the later one), or None."""
    keys = [(ACCOUNT, account_key(username)), (ADDRESS, address[:KEY_CHARS])]
    with platform_unit_of_work(db, "login guard: is it locked") as uow:
        rows = [uow.session.get(LoginCounter, key) for key in keys]
        locks = [
            Lock(row.scope, row.locked_until)
            for row in rows
            if row is not None and row.locked_until is not None and row.locked_until > now
        ]
    return max(locks, key=lambda lock: lock.until, default=None)


def record(
    db: Database,
    limits: RequestLimits,
    *,
    username: str,
    address: str,
    channel: str,
    outcome: str,
    now: dt.datetime,
    platform_admin: str = "admin",
) -> Lock | None:
    """Keep one attempt and count it; the lock this failure started, if it started one."""
    for retry in (False, True):
        try:
            return _record(db, limits, username, address, channel, outcome, now, platform_admin)
        except IntegrityError:  # another worker made the same counter row first
            if retry:
                raise
    return None  # pragma: no cover


def _record(
    db: Database,
    limits: RequestLimits,
    username: str,
    address: str,
    channel: str,
    outcome: str,
    now: dt.datetime,
    platform_admin: str,
) -> Lock | None:
    with platform_unit_of_work(db, "login guard: record an attempt", write=True) as uow:
        session = uow.session
        session.add(
            LoginAttempt(
                at=now,
                username=username[:KEY_CHARS],
                address=address[:64],
                channel=channel,
                outcome=outcome,
                tenant_id=_tenant_id(session, username, platform_admin),
            )
        )
        lock = None
        window = dt.timedelta(seconds=limits.login_lock_seconds)
        if outcome == SUCCESS:
            row = session.get(LoginCounter, (ACCOUNT, account_key(username)))
            if row is not None:
                session.delete(row)
        elif outcome == FAILURE:
            counted = (
                _count(session, ACCOUNT, account_key(username), limits.login_failures, window, now),
                _count(
                    session,
                    ADDRESS,
                    address[:KEY_CHARS],
                    limits.login_address_failures,
                    window,
                    now,
                ),
            )
            lock = max((c for c in counted if c), key=lambda c: c.until, default=None)
        uow.commit()
        return lock


def _count(
    session: Session, scope: str, key: str, limit: int, window: dt.timedelta, now: dt.datetime
) -> Lock | None:
    row = session.scalar(
        select(LoginCounter)
        .where(LoginCounter.scope == scope, LoginCounter.key == key)
        .with_for_update()
    )
    if row is None:
        row = LoginCounter(scope=scope, key=key, failures=0, window_start=now)
        session.add(row)
    elif row.locked_until is not None or row.window_start + window <= now:
        row.failures, row.window_start, row.locked_until = 0, now, None
    row.failures += 1
    if row.failures >= limit:
        row.locked_until = now + window
        return Lock(scope, row.locked_until)
    return None


def _tenant_id(session: Session, username: str, platform_admin: str) -> int | None:
    """The tenant of the account named ``username`` (as its login is looked up: without
    regard to case), or None for a name that is no tenant's user."""
    name = username.strip()
    user = session.scalar(select(TenantUser).where(TenantUser.username == name))
    if user is None and name.lower() != name:
        user = session.scalar(select(TenantUser).where(TenantUser.username == name.lower()))
    if user is not None:
        return user.tenant_id
    if name.lower() == platform_admin.lower():
        return session.scalar(select(Tenant.id).where(Tenant.code == NATION_CODE))
    return None


def attempts(uow: UnitOfWork, *, limit: int = 200) -> list[AttemptView]:
    """The latest attempts on the accounts of the unit of work's tenant and its descendants
    (never an ancestor's or a sibling's; names that are no account are not shown), newest
    first."""
    assert uow.tenant is not None
    me = uow.tenants.get(uow.tenant.code)
    codes = {t.id: t.code for t in uow.tenants.subtree(me)}
    rows = uow.session.scalars(
        select(LoginAttempt)
        .where(LoginAttempt.tenant_id.in_(codes))
        .order_by(LoginAttempt.at.desc(), LoginAttempt.id.desc())
        .limit(limit)
    )
    return [
        AttemptView(r.at, r.username, r.address, r.channel, r.outcome, codes[r.tenant_id or me.id])
        for r in rows
    ]
