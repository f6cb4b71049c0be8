"""Working-day (工作日) arithmetic for statutory and promised time limits.

行政许可法 Art 82: every time limit in the law is counted in 工作日, not including 法定节假日.
A :class:`WorkCalendar` answers "is this day a working day?" for one tenant:

1. the tenant's own lists come first — an extra holiday (``holidays``) is never a working day,
   an extra make-up workday (``workdays``, 调休) always is;
2. for a year in ``supplied_years`` the tenant has supplied a complete calendar: Monday–Friday
   are working days, weekends are not, and the tenant's lists are the only exceptions;
3. otherwise the national calendar (``chinese_calendar``: official holidays *and* make-up
   workdays) decides;
4. a year that neither the national data (2004–2026 in chinesecalendar 1.11.0) nor
   ``supplied_years`` covers raises :class:`CalendarMissing` — never a silent weekday guess.

Counting conventions
--------------------
* ``add(start, n)`` — "n working days after start": the n-th working day strictly *after*
  ``start``. The start day itself never counts (it is the day the clock starts, e.g. the day of
  受理), whether or not it is a working day. ``add(start, 0)`` is ``start`` itself: a same-day
  matter (即办件, promised 0 days) is due on the day it was accepted. For ``n > 0`` the result
  is always a working day.
* ``count(start, end)`` — the working days in the half-open interval ``(start, end]``: ``start``
  excluded, ``end`` included; 0 when ``end <= start``. It is the inverse of ``add``:
  ``count(start, add(start, n)) == n`` for every start and every ``n >= 0``.
* A due date is the last day on which the act is still in time; the case is late from the
  following day on.

Arithmetic walks day by day and asks :meth:`WorkCalendar.is_workday` for every day it passes,
so crossing into an uncovered year (e.g. December 2026 + 5 working days) raises
:class:`CalendarMissing` as soon as the walk reaches that year.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import chinese_calendar

from tongban.core.errors import TongbanError

ONE_DAY = timedelta(days=1)

#: First and last year of the bundled national calendar (2004, 2026 for chinesecalendar 1.11.0).
NATIONAL_YEARS: tuple[int, int] = (
    min(d.year for d in chinese_calendar.holidays),
    max(d.year for d in chinese_calendar.holidays),
)

HOLIDAY = "holiday"
WORKDAY = "workday"
_KINDS = {HOLIDAY: HOLIDAY, WORKDAY: WORKDAY, "makeup_workday": WORKDAY}


class CalendarMissing(TongbanError):
    """No working-day calendar for a year: neither national data nor the tenant covers it."""

    def __init__(self, year: int, tenant_code: str) -> None:
        first, last = NATIONAL_YEARS
        national = f"stops at {last}" if year > last else f"starts at {first}"
        super().__init__(
            f"no working-day calendar for {year}: the national data (chinesecalendar) "
            f"{national} and tenant {tenant_code} has not supplied {year}",
            data={
                "year": year,
                "tenant_code": tenant_code,
                "national_years": [first, last],
            },
        )
        self.year = year
        self.tenant_code = tenant_code


def _plain_date(day: date, name: str) -> date:
    # datetime is a subclass of date but never equal to one: reject it rather than miss overrides.
    if isinstance(day, datetime) or not isinstance(day, date):
        raise TypeError(f"{name} must be a datetime.date, not {type(day).__name__}")
    return day


@dataclass(frozen=True)
class WorkCalendar:
    """One tenant's working-day calendar: national data plus the tenant's overrides."""

    tenant_code: str
    holidays: frozenset[date] = frozenset()
    """The tenant's extra holidays (per-tenant overrides); never working days."""
    workdays: frozenset[date] = frozenset()
    """The tenant's extra make-up workdays (调休); always working days."""
    supplied_years: frozenset[int] = frozenset()
    """Years with a complete tenant calendar: weekends + the tenant's lists are the truth."""
    _answers: dict[date, bool] = field(default_factory=dict, compare=False, repr=False)
    """``is_workday`` answers so far: a calendar lives for many commands (it is cached)."""

    def __post_init__(self) -> None:
        both = self.holidays & self.workdays
        if both:
            days = ", ".join(d.isoformat() for d in sorted(both))
            raise TongbanError(
                f"tenant {self.tenant_code} lists {days} both as holiday and as workday",
                data={"tenant_code": self.tenant_code, "days": sorted(d.isoformat() for d in both)},
            )

    @classmethod
    def for_tenant(
        cls,
        tenant_code: str,
        entries: Iterable[tuple[date, str]],
        supplied_years: Iterable[int] = (),
    ) -> WorkCalendar:
        """Build from ``(day, kind)`` rows; kind is ``'holiday'`` or ``'workday'``.

        ``'makeup_workday'`` (the ``holiday_calendar`` table's spelling) is accepted for
        ``'workday'``. An unknown kind, or one day listed as both, is an ``INVALID_INPUT`` error.
        """
        holidays: set[date] = set()
        workdays: set[date] = set()
        for day, kind in entries:
            _plain_date(day, "entry day")
            normal = _KINDS.get(kind)
            if normal is None:
                raise TongbanError(
                    f"calendar entry {day.isoformat()} has kind {kind!r}; "
                    "expected 'holiday' or 'workday'",
                    data={"tenant_code": tenant_code, "day": day.isoformat(), "kind": kind},
                )
            (holidays if normal == HOLIDAY else workdays).add(day)
        return cls(
            tenant_code=tenant_code,
            holidays=frozenset(holidays),
            workdays=frozenset(workdays),
            supplied_years=frozenset(supplied_years),
        )

    def covers(self, year: int) -> bool:
        """Whether working days in ``year`` can be answered without a guess."""
        first, last = NATIONAL_YEARS
        return year in self.supplied_years or first <= year <= last

    def is_workday(self, day: date) -> bool:
        """Tenant override first, then the tenant's supplied year, then national data."""
        known = self._answers.get(day)
        if known is not None:
            return known
        answer = self._is_workday(day)
        if len(self._answers) < 20_000:
            self._answers[day] = answer
        return answer

    def _is_workday(self, day: date) -> bool:
        _plain_date(day, "day")
        if day in self.holidays:
            return False
        if day in self.workdays:
            return True
        if day.year in self.supplied_years:
            return day.weekday() < 5
        if not self.covers(day.year):
            raise CalendarMissing(day.year, self.tenant_code)
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError as exc:  # data range narrower than NATIONAL_YEARS says
            raise CalendarMissing(day.year, self.tenant_code) from exc

    def add(self, start: date, days: int) -> date:
        """The ``days``-th working day strictly after ``start``; ``start`` itself for 0."""
        _plain_date(start, "start")
        if days < 0:
            raise ValueError(f"days must be >= 0, got {days}")
        day = start
        left = days
        while left:
            day += ONE_DAY
            if self.is_workday(day):
                left -= 1
        return day

    def count(self, start: date, end: date) -> int:
        """Working days in ``(start, end]``; 0 when ``end <= start``."""
        _plain_date(start, "start")
        _plain_date(end, "end")
        n = 0
        day = start + ONE_DAY
        while day <= end:
            if self.is_workday(day):
                n += 1
            day += ONE_DAY
        return n
