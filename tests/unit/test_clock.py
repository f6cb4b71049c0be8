"""The case clock: promised deadline, pauses, step limits, deemed acceptance (Art 32)."""

from __future__ import annotations

from datetime import date

import pytest

from tongban.core.cases.clock import (
    CaseClock,
    Pause,
    deemed_acceptance_due,
    paused_workdays,
    step_due,
)
from tongban.core.cases.workdays import WorkCalendar
from tongban.core.errors import TongbanError

CAL = WorkCalendar("230123")


def d(month: int, day: int) -> date:
    return date(2026, month, day)


def test_special_procedure_across_national_day_2026() -> None:
    # Accepted Thu 09-24, promised 10 working days. Note 2026 has 中秋 on Fri 09-25 (holiday
    # 09-25..09-27) right before 国庆 (10-01..10-07, make-up workday Sat 10-10).
    # Without a pause the working days after 09-24 are: [09-25..27 中秋] 09-28 Mon (1),
    # 09-29 (2), 09-30 (3), [10-01..10-07 国庆] 10-08 Thu (4), 10-09 Fri (5),
    # 10-10 Sat make-up (6), [10-11 Sun] 10-12 Mon (7), 10-13 (8), 10-14 (9), 10-15 (10)
    # -> 10-15.
    # The special procedure 09-29 -> 10-12 freezes the working days in (09-29, 10-12]:
    # 09-30, 10-08, 10-09, 10-10, 10-12 = 5 (the 国庆 holidays are not working days anyway).
    # 10-15 + 5 working days: 10-16 Fri (1), 10-19 Mon (2), 10-20 (3), 10-21 (4), 10-22 (5).
    # Cross-check: running days 09-28, 09-29 (2), then 10-13, 14, 15, 16, 19, 20, 21, 22 (8).
    clock = CaseClock(
        accepted_on=d(9, 24),
        promised_days=10,
        pauses=(
            Pause("special_procedure", d(9, 29), d(10, 12), reason="专家评审", expected_days=5),
        ),
    )
    assert CaseClock(d(9, 24), 10).deadline(CAL, d(9, 24)) == d(10, 15)
    assert clock.deadline(CAL, d(11, 2)) == d(10, 22)
    assert not clock.paused()
    assert clock.remaining(CAL, d(10, 13)) == 7  # 10-14, 15, 16, 19, 20, 21, 22
    assert clock.remaining(CAL, d(10, 22)) == 0
    assert not clock.overdue(CAL, d(10, 22))
    assert clock.remaining(CAL, d(10, 23)) == -1
    assert clock.overdue(CAL, d(10, 23))


def test_open_pause_extends_to_today_and_freezes_remaining() -> None:
    clock = CaseClock(d(9, 24), 10, (Pause("special_procedure", d(9, 29), None),))
    assert clock.paused()
    # as of 10-09: frozen (09-29, 10-09] = 09-30, 10-08, 10-09 = 3 -> 10-15 + 3 = 10-20
    assert clock.deadline(CAL, d(10, 9)) == d(10, 20)
    # used 09-28, 09-29 = 2 of 10: 8 left, and it stays 8 while paused
    assert clock.remaining(CAL, d(10, 9)) == 8
    assert clock.deadline(CAL, d(10, 10)) == d(10, 21)
    for today in (d(10, 10), d(10, 11), d(10, 12), d(10, 30)):
        assert clock.remaining(CAL, today) == 8, today


def test_instant_matter_is_due_the_day_it_is_accepted() -> None:
    clock = CaseClock(d(3, 2), 0)
    assert clock.deadline(CAL, d(3, 2)) == d(3, 2)
    assert clock.remaining(CAL, d(3, 2)) == 0
    assert clock.remaining(CAL, d(3, 3)) == -1
    # accepted on a Friday: late on Monday (the weekend holds 0 working days)
    friday = CaseClock(d(3, 6), 0)
    assert friday.remaining(CAL, d(3, 7)) == 0 and friday.overdue(CAL, d(3, 7))
    assert friday.remaining(CAL, d(3, 9)) == -1


def test_not_accepted_has_no_deadline() -> None:
    clock = CaseClock(None, 20)
    assert clock.deadline(CAL, d(3, 2)) is None
    assert clock.remaining(CAL, d(3, 2)) is None
    assert not clock.overdue(CAL, d(3, 2))


def test_supplement_before_acceptance_does_not_extend() -> None:
    # 补正 09-21 -> 09-24 happened before 受理 on 09-24: it does not extend the case clock
    clock = CaseClock(d(9, 24), 10, (Pause("supplement", d(9, 21), d(9, 24)),))
    assert clock.deadline(CAL, d(9, 24)) == d(10, 15)


def test_step_due_counts_only_overlap_and_no_double_counting() -> None:
    # step opened Mon 09-28 for 3 working days: 09-29, 09-30, 10-08 -> 10-08
    assert step_due(CAL, d(9, 28), 3, (), d(9, 28)) == d(10, 8)
    pauses = (
        Pause("supplement", d(9, 25), d(9, 30)),  # overlaps: (09-28, 09-30] = 2
        Pause("special_procedure", d(9, 29), d(10, 8)),  # adds 10-08 only (09-30 already frozen)
    )
    assert paused_workdays(CAL, pauses, d(9, 28), d(10, 30)) == 3
    # 3 + 3 = 6 working days after 09-28: 09-29, 09-30, 10-08, 10-09, 10-10, 10-12
    assert step_due(CAL, d(9, 28), 3, pauses, d(10, 30)) == d(10, 12)


def test_deemed_acceptance_five_working_days() -> None:
    # received Mon 09-28: 09-29, 09-30, 10-08, 10-09, 10-10 (make-up Saturday)
    assert deemed_acceptance_due(CAL, d(9, 28), ()) == d(10, 10)
    # special procedures have nothing to do with it
    special = Pause("special_procedure", d(9, 29), d(10, 12))
    assert deemed_acceptance_due(CAL, d(9, 28), (special,)) == d(10, 10)


def test_deemed_acceptance_restarts_on_supplement() -> None:
    first = Pause("supplement", d(9, 29), d(10, 12))
    # materials provided 10-12: 10-13, 14, 15, 16, 19
    assert deemed_acceptance_due(CAL, d(9, 28), (first,)) == d(10, 19)
    second = Pause("supplement", d(10, 13), d(10, 20))
    # latest provision 10-20: 10-21, 22, 23, 26, 27
    assert deemed_acceptance_due(CAL, d(9, 28), (first, second)) == d(10, 27)
    # while the applicant has not provided the supplement, nothing is due
    waiting = Pause("supplement", d(10, 13), None)
    assert deemed_acceptance_due(CAL, d(9, 28), (first, waiting)) is None


def test_deadline_into_2027_is_provisional_not_an_error() -> None:
    clock = CaseClock(d(12, 21), 20)
    due = clock.deadline(CAL, d(12, 21))
    # 12-22…12-31: 8 (national data); 2027-01-01 元旦 by the statutory rules; 01-04…01-19: 12
    assert due == date(2027, 1, 19)
    assert CAL.provisional_between(d(12, 21), due)
    assert not CAL.provisional_between(d(12, 1), d(12, 31))


def test_invalid_pause_and_clock() -> None:
    with pytest.raises(TongbanError):
        Pause("coffee_break", d(3, 2), None)
    with pytest.raises(TongbanError):
        Pause("supplement", d(3, 5), d(3, 2))
    with pytest.raises(TongbanError):
        CaseClock(d(3, 2), -1)
