"""Time for cases: "now" is injectable; working days use the tenant's lineage calendar."""

from __future__ import annotations

import datetime as dt
import time as _time

from sqlalchemy import inspect as sa_inspect

from tongban.adapters.db.models import Tenant
from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.core.beijing import BEIJING, beijing_date
from tongban.core.cases.workdays import LevelCalendar, WorkCalendar

CHINA = BEIJING


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def local_date(moment: dt.datetime) -> dt.date:
    """Working days are counted on Beijing-time dates (``core.beijing``)."""
    return beijing_date(moment)


CALENDAR_TTL_SECONDS = 60.0
_calendars: dict[tuple[str, int], tuple[float, WorkCalendar]] = {}


_tenants: dict[tuple[str, int], tuple[float, Tenant]] = {}


def clear_calendar_cache() -> None:
    """Forget cached calendars and tenants (a tree load changed holidays or thresholds)."""
    _calendars.clear()
    _tenants.clear()


def tenant_cached(uow: UnitOfWork, tenant_id: int) -> Tenant:
    """The tenant row, read at most once per ``CALENDAR_TTL_SECONDS`` per process: a case
    command needs its code, level and supervision thresholds, which change as rarely as its
    calendar. It is a copy belonging to no session: read its columns, never add it."""
    key = (uow.cache_key, tenant_id)
    cached = _tenants.get(key)
    now = _time.monotonic()
    if cached is not None and cached[0] > now:
        return cached[1]
    row = uow.tenants.by_id(tenant_id)
    tenant = Tenant(**{a.key: getattr(row, a.key) for a in sa_inspect(Tenant).column_attrs})
    _tenants[key] = (now + CALENDAR_TTL_SECONDS, tenant)
    return tenant


def calendar_for(uow: UnitOfWork, tenant: Tenant) -> WorkCalendar:
    """The tenant's calendar, cached per process for ``CALENDAR_TTL_SECONDS``: calendars
    change a few times a year, and a change made elsewhere is seen within the minute."""
    key = (uow.cache_key, tenant.id)
    cached = _calendars.get(key)
    now = _time.monotonic()
    if cached is not None and cached[0] > now:
        return cached[1]
    calendar = _build_calendar(uow, tenant)
    _calendars[key] = (now + CALENDAR_TTL_SECONDS, calendar)
    return calendar


def _build_calendar(uow: UnitOfWork, tenant: Tenant) -> WorkCalendar:
    """The tenant's own level, then its ancestors' nearest first (a province's local holiday
    applies to its counties; the nation's official arrangement to everyone below it)."""
    lineage = [tenant, *reversed(uow.tenants.ancestors(tenant))]
    return WorkCalendar(tenant.code, tuple(level_calendar(uow, member) for member in lineage))


def level_calendar(uow: UnitOfWork, tenant: Tenant) -> LevelCalendar:
    """One tenant's own days: its ``tenant.yaml`` exceptions over its official arrangements."""
    entries: dict[dt.date, tuple[str, str]] = {}
    arrangements: dict[int, str] = {}
    for arrangement in uow.departments.arrangements_of_tenant(tenant.id):
        arrangements[arrangement.year] = arrangement.document
        for day in arrangement.days:
            entries[dt.date.fromisoformat(day["date"])] = (day["kind"], day["name"])
    for row in uow.departments.calendar_of_tenant(tenant.id):
        entries[row.day] = (row.kind, row.name)
    return LevelCalendar.of(
        tenant.code, ((day, kind, name) for day, (kind, name) in entries.items()), arrangements
    )
