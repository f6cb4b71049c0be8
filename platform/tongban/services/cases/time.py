"""Time for cases: "now" is injectable; working days use the tenant's lineage calendar."""

from __future__ import annotations

import datetime as dt
import time as _time

from sqlalchemy import inspect as sa_inspect

from tongban.adapters.db.models import Tenant
from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.core.cases.workdays import NATIONAL_YEARS, WorkCalendar

CHINA = dt.timezone(dt.timedelta(hours=8), "CST")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def local_date(moment: dt.datetime) -> dt.date:
    """Working days are counted on Beijing-time dates."""
    return moment.astimezone(CHINA).date()


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
    """National data, plus every holiday and make-up workday set by the tenant or any of its
    ancestors (a province's local holiday applies to its counties; the nearer level wins).
    A year the national data does not cover counts as supplied when the lineage lists days
    in it."""
    entries: dict[dt.date, str] = {}
    for member in [*uow.tenants.ancestors(tenant), tenant]:
        for day in uow.departments.calendar_of_tenant(member.id):
            entries[day.day] = day.kind
    return WorkCalendar.for_tenant(
        tenant.code,
        entries.items(),
        supplied_years={d.year for d in entries if not _national(d.year)},
    )


def _national(year: int) -> bool:
    first, last = NATIONAL_YEARS
    return first <= year <= last
