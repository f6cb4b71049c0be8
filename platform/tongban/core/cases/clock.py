"""The case clock: 承诺办结时间, step limits and deemed acceptance, in working days.

All arithmetic uses :class:`~tongban.core.cases.workdays.WorkCalendar` and its conventions:
"N working days after D" is the N-th working day strictly after D (D itself never counts; N = 0
is D itself), and a due date is the last day still in time.

The clock
---------
* It starts on ``accepted_on`` (受理日) for a case, ``opened_on`` for a step; that day is not
  counted. A same-day matter (即办件, ``promised_days == 0``) is due on ``accepted_on``.
* Pauses: the clock stops while the applicant supplements materials (``'supplement'``) and
  during a 特别程序 (``'special_procedure'``: 听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审 and
  延长审批 — 行政许可法 Art 45: that time is not counted). A pause covers the working days in
  ``(started, ended]``: the start day still runs on the clock (work happened that day, the
  procedure began during it), every working day after it up to and including ``ended`` is
  frozen, and the clock runs again from the day after ``ended``.
* An open pause (``ended is None``) is treated as ending ``today``: the deadline reported is the
  one that holds if the pause ended today, and it moves on by one working day for every working
  day the pause lasts — so ``remaining`` stays constant while paused.
* The due date is ``add(start, limit + P)`` where P is the number of *distinct* working days
  frozen by pauses *after* the clock started: overlapping pauses are not counted twice, and the
  part of a pause on or before the start day (e.g. 补正 before 受理) does not count. For pauses
  wholly after the start this is the deadline without pauses pushed on by
  ``count(started, ended)`` working days per pause. A pause that begins after the due date
  still freezes the clock (an overdue case does not get more overdue while it is paused).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tongban.core.cases.workdays import ONE_DAY, WorkCalendar
from tongban.core.errors import TongbanError

SUPPLEMENT = "supplement"
SPECIAL_PROCEDURE = "special_procedure"
PAUSE_KINDS = frozenset({SUPPLEMENT, SPECIAL_PROCEDURE})

#: 行政许可法 Art 32: without a decision on acceptance within 5 (working) days, deemed accepted.
DEEMED_ACCEPTANCE_DAYS = 5


class PauseKindUnknown(TongbanError):
    reason = "PAUSE_KIND_UNKNOWN"

    def __init__(self, kind: str) -> None:
        super().__init__(kind=kind, known=sorted(PAUSE_KINDS))


class PauseEndsBeforeStart(TongbanError):
    reason = "PAUSE_ENDS_BEFORE_START"

    def __init__(self, started: date, ended: date) -> None:
        super().__init__(started=started.isoformat(), ended=ended.isoformat())


class NegativeDays(TongbanError):
    """A count of working days below zero (``field`` names which)."""

    reason = "NEGATIVE_DAYS"

    def __init__(self, field: str, days: int) -> None:
        super().__init__(field=field, days=days)


@dataclass(frozen=True)
class Pause:
    """One stop of the clock; ``ended is None`` while it is still going on."""

    kind: str
    started: date
    ended: date | None = None
    reason: str = ""
    expected_days: int | None = None
    """Working days the applicant was told in writing the procedure will take (Art 45)."""

    def __post_init__(self) -> None:
        if self.kind not in PAUSE_KINDS:
            raise PauseKindUnknown(self.kind)
        if self.ended is not None and self.ended < self.started:
            raise PauseEndsBeforeStart(self.started, self.ended)
        if self.expected_days is not None and self.expected_days < 0:
            raise NegativeDays("expected_days", self.expected_days)

    @property
    def open(self) -> bool:
        return self.ended is None


def paused_workdays(
    calendar: WorkCalendar, pauses: Sequence[Pause], after: date, today: date
) -> int:
    """Distinct working days frozen by ``pauses`` strictly after ``after``.

    Each pause freezes ``(started, ended]`` (an open one ``(started, today]``).
    """
    frozen: set[date] = set()
    for pause in pauses:
        end = pause.ended if pause.ended is not None else today
        day = max(pause.started, after) + ONE_DAY
        while day <= end:
            if calendar.is_workday(day):
                frozen.add(day)
            day += ONE_DAY
    return len(frozen)


def step_due(
    calendar: WorkCalendar, opened_on: date, days: int, pauses: Sequence[Pause], today: date
) -> date:
    """Due date of a limit of ``days`` working days running from ``opened_on``.

    Pauses overlapping the open period (after ``opened_on``) extend it, open ones up to
    ``today``. Pass only the pauses that concern the step (e.g. those before it was completed).
    """
    if days < 0:
        raise ValueError(f"days must be >= 0, got {days}")
    return calendar.add(opened_on, days + paused_workdays(calendar, pauses, opened_on, today))


def deemed_acceptance_due(
    calendar: WorkCalendar, received_on: date, pauses: Sequence[Pause]
) -> date | None:
    """Last day to decide on acceptance before the application counts as accepted (Art 32).

    5 working days after receipt. A supplement request restarts the period: the ``ended`` day of
    the latest supplement pause (the day the materials were provided) replaces ``received_on``.
    While a supplement is still outstanding (an open supplement pause) nothing is due: returns
    ``None``. Special
    procedures are ignored. If no decision is made by the end of the returned day, the
    application is accepted as of the (re)receipt day, not as of the returned day.
    """
    received = received_on
    for pause in pauses:
        if pause.kind != SUPPLEMENT:
            continue
        if pause.ended is None:
            return None
        received = max(received, pause.ended)
    return calendar.add(received, DEEMED_ACCEPTANCE_DAYS)


@dataclass(frozen=True)
class CaseClock:
    """A case's promised limit (承诺时限): starts at 受理, stops during pauses."""

    accepted_on: date | None
    promised_days: int
    pauses: tuple[Pause, ...] = ()

    def __post_init__(self) -> None:
        if self.promised_days < 0:
            raise NegativeDays("promised_days", self.promised_days)

    def deadline(self, calendar: WorkCalendar, today: date) -> date | None:
        """承诺办结时间, or ``None`` before 受理; open pauses count as ending ``today``."""
        if self.accepted_on is None:
            return None
        return step_due(calendar, self.accepted_on, self.promised_days, self.pauses, today)

    def paused(self) -> bool:
        """Whether a pause is going on (the clock is stopped)."""
        return any(p.open for p in self.pauses)

    def remaining(self, calendar: WorkCalendar, today: date) -> int | None:
        """Working days left: ``count(today, deadline)``; ``-count(deadline, today)`` once late.

        0 on the deadline itself (still in time). Negative numbers count the working days
        elapsed since the deadline, so on a weekend just after it this is still 0 — use
        :meth:`overdue` for the plain question. ``None`` before 受理.
        """
        due = self.deadline(calendar, today)
        if due is None:
            return None
        if today <= due:
            return calendar.count(today, due)
        return -calendar.count(due, today)

    def overdue(self, calendar: WorkCalendar, today: date) -> bool:
        """Whether ``today`` is after the deadline (False before 受理)."""
        due = self.deadline(calendar, today)
        return due is not None and today > due
