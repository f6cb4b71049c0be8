"""Working-day calendar: national 2026 data, tenant overrides, missing years, add/count."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongban.core.cases.workdays import CalendarMissing, WorkCalendar
from tongban.core.errors import ErrorCode, TongbanError

TENANT = "230123"
CAL = WorkCalendar(TENANT)
END_2026 = date(2026, 12, 31)

MAKEUP_2026 = [
    date(2026, 1, 4),
    date(2026, 2, 14),
    date(2026, 2, 28),
    date(2026, 5, 9),
    date(2026, 9, 20),
    date(2026, 10, 10),
]


@pytest.mark.parametrize("day", MAKEUP_2026, ids=str)
def test_2026_makeup_workdays_are_workdays(day: date) -> None:
    assert day.weekday() >= 5  # all fall on a weekend
    assert CAL.is_workday(day)


def test_national_day_2026_is_a_holiday() -> None:
    for n in range(1, 8):
        assert not CAL.is_workday(date(2026, 10, n)), n
    assert CAL.is_workday(date(2026, 9, 30))
    assert CAL.is_workday(date(2026, 10, 8))


def test_2026_has_248_workdays() -> None:
    assert CAL.count(date(2025, 12, 31), END_2026) == 248


def test_add_across_national_day() -> None:
    # 09-30 + 3: 10/1-10/7 holiday, 10/8 Thu = 1, 10/9 Fri = 2, 10/10 Sat make-up = 3
    assert CAL.add(date(2026, 9, 30), 3) == date(2026, 10, 10)
    assert CAL.count(date(2026, 9, 30), date(2026, 10, 10)) == 3


def test_add_zero_is_start_even_on_a_holiday() -> None:
    assert CAL.add(date(2026, 10, 3), 0) == date(2026, 10, 3)
    # counting starts strictly after the start day, workday or not
    assert CAL.add(date(2026, 10, 3), 1) == date(2026, 10, 8)


def test_count_half_open_and_empty() -> None:
    mon, tue = date(2026, 3, 2), date(2026, 3, 3)
    assert CAL.count(mon, tue) == 1
    assert CAL.count(mon, mon) == 0
    assert CAL.count(tue, mon) == 0


def test_tenant_overrides_national_data() -> None:
    extra_holiday = date(2026, 6, 15)  # a Monday, working day nationally
    extra_workday = date(2026, 10, 5)  # inside 国庆, a holiday nationally
    cal = WorkCalendar.for_tenant(TENANT, [(extra_holiday, "holiday"), (extra_workday, "workday")])
    assert CAL.is_workday(extra_holiday) and not cal.is_workday(extra_holiday)
    assert not CAL.is_workday(extra_workday) and cal.is_workday(extra_workday)
    # ... and a tenant can cancel a national make-up workday
    assert not WorkCalendar(TENANT, holidays=frozenset({date(2026, 10, 10)})).is_workday(
        date(2026, 10, 10)
    )
    assert cal.add(date(2026, 9, 30), 1) == date(2026, 10, 5)


def test_for_tenant_rejects_bad_entries() -> None:
    with pytest.raises(TongbanError) as bad_kind:
        WorkCalendar.for_tenant(TENANT, [(date(2026, 6, 15), "vacation")])
    assert bad_kind.value.code is ErrorCode.INVALID_INPUT
    with pytest.raises(TongbanError, match="both"):
        WorkCalendar.for_tenant(
            TENANT, [(date(2026, 6, 15), "holiday"), (date(2026, 6, 15), "workday")]
        )


def _assert_missing_2027(exc: CalendarMissing) -> None:
    assert exc.code is ErrorCode.INVALID_INPUT
    assert exc.message == (
        "no working-day calendar for 2027: the national data (chinesecalendar) stops at 2026 "
        "and tenant 230123 has not supplied 2027"
    )
    assert exc.data["year"] == 2027 and exc.data["tenant_code"] == TENANT


def test_2027_is_missing() -> None:
    with pytest.raises(CalendarMissing) as err:
        CAL.is_workday(date(2027, 3, 1))
    _assert_missing_2027(err.value)


def test_add_crossing_new_year_into_2027_is_missing() -> None:
    # 12-29, 12-30, 12-31 are fine; the 4th working day would be in 2027: no silent guess
    assert CAL.add(date(2026, 12, 28), 3) == END_2026
    with pytest.raises(CalendarMissing) as err:
        CAL.add(date(2026, 12, 28), 5)
    _assert_missing_2027(err.value)
    with pytest.raises(CalendarMissing):
        CAL.count(date(2026, 12, 28), date(2027, 1, 8))


def test_before_national_data_is_missing() -> None:
    with pytest.raises(CalendarMissing, match="starts at 2004"):
        CAL.is_workday(date(2003, 6, 2))


def test_supplied_year_makes_2027_work() -> None:
    cal = WorkCalendar.for_tenant(
        TENANT,
        [(date(2027, 1, 1), "holiday"), (date(2027, 1, 9), "makeup_workday")],
        supplied_years=[2027],
    )
    assert not cal.is_workday(date(2027, 1, 1))  # Fri, tenant holiday
    assert not cal.is_workday(date(2027, 1, 2))  # Sat
    assert cal.is_workday(date(2027, 1, 4))  # Mon
    assert cal.is_workday(date(2027, 1, 9))  # Sat, tenant make-up workday
    # 12-29, 12-30, 12-31 (2026 national), 01-04, 01-05 (2027 supplied)
    assert cal.add(date(2026, 12, 28), 5) == date(2027, 1, 5)
    # 2026 still follows the national data
    assert cal.is_workday(date(2026, 10, 10))


def test_datetime_is_rejected() -> None:
    with pytest.raises(TypeError):
        CAL.is_workday(datetime(2026, 3, 2, 9, 0))  # noqa: DTZ001


def test_negative_days_rejected() -> None:
    with pytest.raises(ValueError):
        CAL.add(date(2026, 3, 2), -1)


WORKDAYS_2026 = [
    date(2026, 1, 1) + timedelta(days=i)
    for i in range(365)
    if CAL.is_workday(date(2026, 1, 1) + timedelta(days=i))
]


@given(data=st.data())
def test_add_then_count_round_trips(data: st.DataObject) -> None:
    start = data.draw(st.sampled_from(WORKDAYS_2026), label="start")
    n = data.draw(st.integers(0, CAL.count(start, END_2026)), label="n")
    result = CAL.add(start, n)
    assert result.year == 2026
    assert CAL.count(start, result) == n
    if n:
        assert CAL.is_workday(result)


@given(data=st.data())
def test_add_is_monotonic(data: st.DataObject) -> None:
    start = data.draw(st.sampled_from(WORKDAYS_2026), label="start")
    top = CAL.count(start, END_2026)
    a = data.draw(st.integers(0, top), label="a")
    b = data.draw(st.integers(0, top), label="b")
    if a < b:
        assert CAL.add(start, a) < CAL.add(start, b)
    elif a == b:
        assert CAL.add(start, a) == CAL.add(start, b)
