"""The provisional calendar: holidays fixed by 《全国年节及纪念日放假办法》 (as revised 2024).

When no official arrangement (放假安排) for a year is known yet, the law alone still fixes the
全体公民放假的节日 (Art 2, 13 days):

* 元旦 1 January; 春节 农历除夕 and 正月初一至初三; 清明节 the day of the 清明 solar term;
  劳动节 1–2 May; 端午节 农历五月初五; 中秋节 农历八月十五; 国庆节 1–3 October;
* Art 6: a holiday that falls on a Saturday or Sunday is made up on a working day (补假).
  Here: the first following Monday–Friday that is not already a holiday.

What the law does not fix — the make-up workdays (调休) and the bridging days the State
Council adds each year — is not guessed: a provisional year has none. Lunar dates and the
solar term come from ``lunar_python`` (6tail/lunar, maintained), never a hand-written table.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from lunar_python import Lunar

ONE_DAY = timedelta(days=1)

#: The first year the 2024 revision (春节 4 days with 除夕, 劳动节 2 days) applies to.
REVISION_2024_FROM = 2025


def _solar(lunar: Lunar) -> date:
    solar = lunar.getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def _festivals(year: int) -> list[tuple[date, str]]:
    new_year = _solar(Lunar.fromYmd(year, 1, 1))
    qingming = Lunar.fromYmd(year, 3, 1).getJieQiTable()["清明"]
    return [
        (date(year, 1, 1), "元旦"),
        (new_year - ONE_DAY, "春节（除夕）"),
        *((new_year + ONE_DAY * n, "春节") for n in range(3)),
        (date(qingming.getYear(), qingming.getMonth(), qingming.getDay()), "清明节"),
        (date(year, 5, 1), "劳动节"),
        (date(year, 5, 2), "劳动节"),
        (_solar(Lunar.fromYmd(year, 5, 5)), "端午节"),
        (_solar(Lunar.fromYmd(year, 8, 15)), "中秋节"),
        *((date(year, 10, n), "国庆节") for n in (1, 2, 3)),
    ]


@lru_cache(maxsize=64)
def statutory_holidays(year: int) -> dict[date, str]:
    """Every day off in ``year`` by the law alone: the festivals and their 补假, with names.

    Only days inside ``year`` are returned; a 补假 pushed into the next year (a holiday on
    31 December cannot happen, so none is) would be that year's business.
    """
    days: dict[date, str] = {}
    festivals = sorted(_festivals(year))
    for day, name in festivals:
        days.setdefault(day, name)
    for day, name in festivals:
        if day.weekday() < 5:
            continue
        makeup = day + ONE_DAY
        while makeup.weekday() >= 5 or makeup in days:
            makeup += ONE_DAY
        days[makeup] = f"{name}（补假）"
    return {day: name for day, name in days.items() if day.year == year}
