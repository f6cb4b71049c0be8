"""Working-day calendar: layers (own, ancestors, national data, provisional), add/count."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongban.core.cases.statutory_holidays import statutory_holidays
from tongban.core.cases.workdays import CalendarMissing, Layer, LevelCalendar, WorkCalendar
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
    assert cal.decide(extra_holiday).layer is Layer.OWN
    assert CAL.decide(extra_holiday).layer is Layer.NATIONAL
    # ... and a tenant can cancel a national make-up workday
    cancel = WorkCalendar.for_tenant(TENANT, [(date(2026, 10, 10), "holiday")])
    assert not cancel.is_workday(date(2026, 10, 10))
    assert cal.add(date(2026, 9, 30), 1) == date(2026, 10, 5)


def test_for_tenant_rejects_bad_entries() -> None:
    with pytest.raises(TongbanError) as bad_kind:
        WorkCalendar.for_tenant(TENANT, [(date(2026, 6, 15), "vacation")])
    assert bad_kind.value.code is ErrorCode.INVALID_INPUT
    assert bad_kind.value.reason == "CALENDAR_ENTRY_KIND"
    with pytest.raises(TongbanError, match="同时列为节假日和工作日") as both:
        LevelCalendar(TENANT, {date(2026, 6, 15): "a"}, {date(2026, 6, 15): "b"})
    assert (both.value.reason, both.value.data["days"]) == ("CALENDAR_DAY_TWICE", ["2026-06-15"])


def test_2027_is_provisional_by_the_statutory_rules() -> None:
    new_year = CAL.decide(date(2027, 1, 1))
    assert (new_year.workday, new_year.layer, new_year.name) == (False, Layer.PROVISIONAL, "元旦")
    assert new_year.provisional
    # 春节 2027: 除夕 02-05 (Fri) and 初一–初三 02-06…02-08; 02-06/07 fall on a weekend, so
    # the law's 补假 gives 02-09 and 02-10
    for n in (5, 8, 9, 10):
        assert not CAL.is_workday(date(2027, 2, n)), n
    assert CAL.is_workday(date(2027, 2, 11))
    monday = CAL.decide(date(2027, 3, 1))
    assert (monday.workday, monday.layer) == (True, Layer.PROVISIONAL)
    # no make-up workdays are guessed: every Saturday is a day off
    assert not any(
        CAL.is_workday(date(2027, 1, 1) + timedelta(days=i))
        for i in range(365)
        if (date(2027, 1, 1) + timedelta(days=i)).weekday() >= 5
    )


def test_add_crossing_new_year_into_2027_is_provisional() -> None:
    assert CAL.add(date(2026, 12, 28), 3) == END_2026
    assert not CAL.provisional_between(date(2026, 12, 28), END_2026)
    # 12-29, 12-30, 12-31, (01-01 元旦), 01-04, 01-05
    assert CAL.add(date(2026, 12, 28), 5) == date(2027, 1, 5)
    assert CAL.provisional_between(date(2026, 12, 28), date(2027, 1, 5))
    assert CAL.count(date(2026, 12, 28), date(2027, 1, 8)) == 8


def test_one_local_day_never_switches_the_year_off() -> None:
    """Issue 9 point 4: a single tenant entry for 2027 is an exception on top of the layers
    below, not a complete calendar (it used to make 2027 plain Monday–Friday)."""
    cal = WorkCalendar.for_tenant(TENANT, [(date(2027, 8, 5), "holiday", "那达慕")])
    assert cal.add(date(2026, 12, 30), 5) == date(2027, 1, 7)  # 元旦 still off
    assert cal.add(date(2027, 2, 5), 5) == date(2027, 2, 17)  # the Spring Festival too
    assert not cal.covers(2027)
    assert not cal.is_workday(date(2027, 8, 5))


def test_an_ancestors_official_arrangement_decides_its_year() -> None:
    nation = LevelCalendar.of(
        "100000",
        [(date(2027, 1, 1), "holiday", "元旦"), (date(2027, 2, 20), "workday", "春节调休")],
        arrangements={2027: "国办发明电〔2099〕1号"},
    )
    province = LevelCalendar.of("230000", [(date(2027, 3, 1), "holiday", "省地方节日")])
    county = WorkCalendar("230123", (LevelCalendar("230123"), province, nation))
    assert county.covers(2027)
    # the arrangement lists 02-20 (Sat) as a make-up workday and not the statutory 补假
    answer = county.decide(date(2027, 2, 20))
    assert (answer.workday, answer.layer, answer.tenant_code) == (True, Layer.ANCESTOR, "100000")
    assert county.is_workday(date(2027, 2, 9))  # the provisional 补假 is gone
    plain = county.decide(date(2027, 2, 9))
    assert (plain.layer, plain.arrangement) == (Layer.ANCESTOR, "国办发明电〔2099〕1号")
    # the nearer level wins: the province's local holiday
    local = county.decide(date(2027, 3, 1))
    assert (local.workday, local.tenant_code) == (False, "230000")
    assert not county.provisional_between(date(2026, 12, 1), date(2027, 12, 31))
    assert county.provisional_between(date(2027, 12, 1), date(2028, 1, 5))


def test_before_national_data_is_missing() -> None:
    with pytest.raises(CalendarMissing, match="2004"):
        CAL.is_workday(date(2003, 6, 2))


def test_statutory_holidays_are_official_holidays_where_both_exist() -> None:
    """The provisional rules never call a day off that the official arrangements of 2025 and
    2026 (after the 2024 revision of the law) kept as a working day."""
    for year in (2025, 2026):
        for day, name in statutory_holidays(year).items():
            assert not CAL.is_workday(day), (day, name)


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


def _layered(extra: list[date], arranged_year: int) -> WorkCalendar:
    """A county under a province with local holidays and a nation with one arrangement."""
    nation = LevelCalendar.of(
        "100000",
        [(date(arranged_year, 10, 8), "holiday", "国庆")],
        arrangements={arranged_year: "测试文号"},
    )
    province = LevelCalendar.of("230000", [(day, "holiday", "地方节日") for day in extra[::2]])
    county = LevelCalendar.of(
        TENANT, [(day, "workday", "调休") for day in extra[1::2] if day not in extra[::2]]
    )
    return WorkCalendar(TENANT, (county, province, nation))


@given(
    start=st.dates(date(2004, 1, 1), date(2035, 6, 30)),
    n=st.integers(0, 260),
    extra=st.lists(st.dates(date(2004, 1, 1), date(2035, 12, 31)), max_size=12, unique=True),
    arranged_year=st.integers(2004, 2035),
)
def test_count_inverts_add_across_layers_and_years(
    start: date, n: int, extra: list[date], arranged_year: int
) -> None:
    cal = _layered(extra, arranged_year)
    due = cal.add(start, n)
    assert cal.count(start, due) == n
    if n:
        assert cal.is_workday(due)
        assert cal.count(start, due - timedelta(days=1)) == n - 1
    provisional = cal.provisional_between(start, due)
    assert provisional == any(
        cal.decide(start + timedelta(days=i)).provisional for i in range(1, (due - start).days + 1)
    )
