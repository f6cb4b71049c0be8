"""Beijing time: the one place a stored instant becomes the date or time a person reads.

The database keeps UTC; everything a person or a document sees — the date part of a case
number, a 决定书's date, deadlines, received and decided dates, the version history — is the
Beijing (UTC+8, no daylight saving) date or time of that instant. 00:30 on 1 September in
Beijing is 16:30 UTC on 31 August: its date is 1 September everywhere.
"""

from __future__ import annotations

import datetime as dt

BEIJING = dt.timezone(dt.timedelta(hours=8), "CST")


def _aware(moment: dt.datetime) -> dt.datetime:
    """``moment`` with a zone: a naive datetime is UTC (SQLite hands them back so)."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


def beijing_time(moment: dt.datetime) -> dt.datetime:
    """The same instant on the Beijing clock."""
    return _aware(moment).astimezone(BEIJING)


def beijing_date(moment: dt.datetime) -> dt.date:
    """The Beijing calendar date of an instant."""
    return beijing_time(moment).date()


def beijing_text(moment: dt.datetime, *, seconds: bool = True) -> str:
    """``2026-09-01 00:30:00`` (or ``2026-09-01 00:30``) on the Beijing clock."""
    return beijing_time(moment).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def chinese_date(day: dt.date) -> str:
    """A date as a document prints it: ``2026年9月1日``."""
    return f"{day.year}年{day.month}月{day.day}日"
