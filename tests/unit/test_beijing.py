"""Beijing dates and times at the day boundary: what a person or a document reads."""

from __future__ import annotations

import datetime as dt

import pytest

from tongban.core.beijing import beijing_date, beijing_text, beijing_time, chinese_date
from tongban.services.cases.time import local_date

UTC = dt.UTC
# 00:30 on 1 September in Beijing is still 31 August in UTC
JUST_AFTER_MIDNIGHT = dt.datetime(2026, 8, 31, 16, 30, tzinfo=UTC)
# 23:30 on 30 September in Beijing: the UTC date agrees, the next Beijing day is 30 min away
JUST_BEFORE_MIDNIGHT = dt.datetime(2026, 9, 30, 15, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "day", "text"),
    [
        (JUST_AFTER_MIDNIGHT, dt.date(2026, 9, 1), "2026-09-01 00:30:00"),
        (JUST_BEFORE_MIDNIGHT, dt.date(2026, 9, 30), "2026-09-30 23:30:00"),
        (dt.datetime(2026, 9, 30, 16, 0, tzinfo=UTC), dt.date(2026, 10, 1), "2026-10-01 00:00:00"),
        (dt.datetime(2026, 12, 31, 16, 0, tzinfo=UTC), dt.date(2027, 1, 1), "2027-01-01 00:00:00"),
    ],
)
def test_an_instant_reads_as_its_beijing_date_and_time(
    moment: dt.datetime, day: dt.date, text: str
) -> None:
    assert beijing_date(moment) == day
    assert beijing_text(moment) == text
    assert local_date(moment) == day  # the working-day clock uses the same helper
    assert beijing_time(moment).utcoffset() == dt.timedelta(hours=8)
    assert beijing_time(moment) == moment  # the same instant, only read differently


def test_a_naive_datetime_is_utc_and_other_zones_convert() -> None:
    naive = dt.datetime(2026, 8, 31, 16, 30, tzinfo=UTC).replace(tzinfo=None)  # as SQLite gives
    assert beijing_date(naive) == dt.date(2026, 9, 1)
    new_york = dt.timezone(dt.timedelta(hours=-4))
    assert beijing_text(dt.datetime(2026, 8, 31, 12, 30, tzinfo=new_york), seconds=False) == (
        "2026-09-01 00:30"
    )


def test_a_document_prints_the_date_in_chinese() -> None:
    assert chinese_date(dt.date(2026, 9, 1)) == "2026年9月1日"
    assert chinese_date(dt.date(2026, 10, 31)) == "2026年10月31日"
