"""Working-day (工作日) arithmetic for statutory and promised time limits.

行政许可法 Art 82: every time limit in the law is counted in 工作日, not including 法定节假日.
A :class:`WorkCalendar` answers "is this day a working day?" for one tenant, asking layers in
order and saying which one decided (:class:`DayAnswer`):

1. the tenant's own calendar (:class:`LevelCalendar`), then its ancestors' nearest first. A
   level's listed days are exceptions (a local holiday, a make-up workday); a level that holds
   an *official arrangement* for the day's year (``arrangements``: the State Council's
   放假安排 loaded as data, with its 文号) decides every other day of that year too,
   Monday–Friday working, weekends off. One listed day never switches a whole year on: only
   an arrangement — a deliberate, named act — is complete;
2. the bundled national data (``chinese_calendar``: official holidays and make-up workdays,
   2004–2026 in chinesecalendar 1.11.0);
3. after the national data ends: the provisional calendar of the law alone
   (:mod:`.statutory_holidays`), marked :attr:`Layer.PROVISIONAL`. A date computed with any
   provisional day is 暂定 (:meth:`WorkCalendar.provisional_between`);
4. before the national data begins nothing is guessed: :class:`CalendarMissing`.

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
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from types import MappingProxyType

import chinese_calendar

from tongban.core.cases.statutory_holidays import statutory_holidays
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
_EMPTY: Mapping[date, str] = MappingProxyType({})


class Layer(StrEnum):
    """Which layer decided a day, nearest first."""

    OWN = "own"  # 本单位日历
    ANCESTOR = "ancestor"  # 上级单位日历（含国家放假安排）
    NATIONAL = "national"  # 内置国家数据 chinesecalendar
    PROVISIONAL = "provisional"  # 暂定：仅按《全国年节及纪念日放假办法》推算


LAYER_LABELS = {
    Layer.OWN: "本单位日历",
    Layer.ANCESTOR: "上级单位日历",
    Layer.NATIONAL: "国家节假日数据",
    Layer.PROVISIONAL: "暂定（按法定节假日规则推算）",
}


class CalendarMissing(TongbanError):
    """No working-day calendar for a year before the national data begins (no guesses)."""

    reason = "CALENDAR_MISSING"

    def __init__(self, year: int, tenant_code: str) -> None:
        first, last = NATIONAL_YEARS
        super().__init__(year=year, tenant_code=tenant_code, first=first, last=last)
        self.year = year
        self.tenant_code = tenant_code


class CalendarDayTwice(TongbanError):
    reason = "CALENDAR_DAY_TWICE"

    def __init__(self, tenant_code: str, days: list[str]) -> None:
        super().__init__(tenant_code=tenant_code, days=days)


class CalendarEntryKind(TongbanError):
    reason = "CALENDAR_ENTRY_KIND"

    def __init__(self, tenant_code: str, day: str, kind: str) -> None:
        super().__init__(tenant_code=tenant_code, day=day, kind=kind)


def _plain_date(day: date, name: str) -> date:
    # datetime is a subclass of date but never equal to one: reject it rather than miss overrides.
    if isinstance(day, datetime) or not isinstance(day, date):
        raise TypeError(f"{name} must be a datetime.date, not {type(day).__name__}")
    return day


@dataclass(frozen=True)
class DayAnswer:
    """One day, decided: working or not, by which layer, and why."""

    day: date
    workday: bool
    layer: Layer
    tenant_code: str | None = None
    """The level whose calendar decided (own or ancestor layers)."""
    name: str = ""
    """The holiday's or make-up day's name, when it is one."""
    arrangement: str | None = None
    """The official arrangement (文号) that decided, when one did."""

    @property
    def provisional(self) -> bool:
        return self.layer is Layer.PROVISIONAL


@dataclass(frozen=True)
class LevelCalendar:
    """What one tenant of the tree says about days: exceptions and complete years."""

    tenant_code: str
    holidays: Mapping[date, str] = field(default_factory=lambda: _EMPTY)
    """Extra days off, by name; never working days."""
    workdays: Mapping[date, str] = field(default_factory=lambda: _EMPTY)
    """Make-up workdays (调休), by name; always working days."""
    arrangements: Mapping[int, str] = field(default_factory=dict)
    """Years with an official arrangement (year → 文号): every other day Monday–Friday."""

    def __post_init__(self) -> None:
        both = set(self.holidays) & set(self.workdays)
        if both:
            raise CalendarDayTwice(self.tenant_code, [d.isoformat() for d in sorted(both)])

    @classmethod
    def of(
        cls,
        tenant_code: str,
        entries: Iterable[tuple[date, str] | tuple[date, str, str]],
        arrangements: Mapping[int, str] | None = None,
    ) -> LevelCalendar:
        """Build from ``(day, kind[, name])`` rows; kind ``'holiday'`` or ``'workday'``
        (``'makeup_workday'`` is accepted for ``'workday'``)."""
        holidays: dict[date, str] = {}
        workdays: dict[date, str] = {}
        for entry in entries:
            day, kind = entry[0], entry[1]
            name = entry[2] if len(entry) > 2 else ""
            _plain_date(day, "entry day")
            normal = _KINDS.get(kind)
            if normal is None:
                raise CalendarEntryKind(tenant_code, day.isoformat(), kind)
            (holidays if normal == HOLIDAY else workdays)[day] = name
        return cls(tenant_code, holidays, workdays, dict(arrangements or {}))

    def decide(self, day: date, layer: Layer) -> DayAnswer | None:
        arrangement = self.arrangements.get(day.year)
        name = self.holidays.get(day)
        if name is not None:
            return DayAnswer(day, False, layer, self.tenant_code, name, arrangement)
        name = self.workdays.get(day)
        if name is not None:
            return DayAnswer(day, True, layer, self.tenant_code, name, arrangement)
        if arrangement is not None:
            return DayAnswer(day, day.weekday() < 5, layer, self.tenant_code, "", arrangement)
        return None


@dataclass(frozen=True)
class WorkCalendar:
    """One tenant's working-day calendar: its lineage's levels, national data, the law."""

    tenant_code: str
    levels: tuple[LevelCalendar, ...] = ()
    """The tenant's own level first (when it has one), then its ancestors nearest first."""
    _answers: dict[date, DayAnswer] = field(default_factory=dict, compare=False, repr=False)
    """``decide`` answers so far: a calendar lives for many commands (it is cached)."""

    @classmethod
    def for_tenant(
        cls,
        tenant_code: str,
        entries: Iterable[tuple[date, str] | tuple[date, str, str]] = (),
        arrangements: Mapping[int, str] | None = None,
    ) -> WorkCalendar:
        """A calendar with one level: the tenant's own entries (and arrangements)."""
        return cls(tenant_code, (LevelCalendar.of(tenant_code, entries, arrangements),))

    def decide(self, day: date) -> DayAnswer:
        """The first layer that knows ``day``, and its answer."""
        known = self._answers.get(day)
        if known is not None:
            return known
        answer = self._decide(_plain_date(day, "day"))
        if len(self._answers) < 20_000:
            self._answers[day] = answer
        return answer

    def _decide(self, day: date) -> DayAnswer:
        for index, level in enumerate(self.levels):
            own = index == 0 and level.tenant_code == self.tenant_code
            answer = level.decide(day, Layer.OWN if own else Layer.ANCESTOR)
            if answer is not None:
                return answer
        first, last = NATIONAL_YEARS
        if first <= day.year <= last:
            try:
                holiday, name = chinese_calendar.get_holiday_detail(day)
                workday = chinese_calendar.is_workday(day)
            except NotImplementedError as exc:  # data range narrower than NATIONAL_YEARS says
                raise CalendarMissing(day.year, self.tenant_code) from exc
            return DayAnswer(day, bool(workday), Layer.NATIONAL, name=name or "")
        if day.year < first:
            raise CalendarMissing(day.year, self.tenant_code)
        name = statutory_holidays(day.year).get(day)
        workday = name is None and day.weekday() < 5
        return DayAnswer(day, workday, Layer.PROVISIONAL, name=name or "")

    def is_workday(self, day: date) -> bool:
        return self.decide(day).workday

    def covers(self, year: int) -> bool:
        """Whether every day of ``year`` is known without the provisional layer."""
        first, last = NATIONAL_YEARS
        return first <= year <= last or any(year in level.arrangements for level in self.levels)

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

    def provisional_between(self, start: date, end: date | None) -> bool:
        """Whether any day in ``(start, end]`` was decided provisionally: a date computed
        over that range is 暂定 until the year's official arrangement is loaded."""
        if end is None or end <= start:
            return False
        if all(self.covers(year) for year in range(start.year, end.year + 1)):
            return False
        day = start + ONE_DAY
        while day <= end:
            if self.decide(day).provisional:
                return True
            day += ONE_DAY
        return False
