"""An official holiday arrangement (放假安排) for one year as a document, e.g.
``tenants/100000/calendars/2027.yaml``::

    year: 2027
    document: 国办发明电〔2026〕7号        # the notice's 文号
    title: 国务院办公厅关于2027年部分节假日安排的通知
    holidays:
      - {date: '2027-01-01', name: 元旦}
    workdays:                            # make-up workdays (调休), weekends only
      - {date: '2027-02-20', name: 春节调休}

Loaded, it decides every day of its year for the tenant's subtree (core.cases.workdays):
the listed days, Monday–Friday working otherwise. Every problem is a ``Violation`` whose
pointer names the key and whose message starts with ``file:line``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tongban.core.errors import Violation

CALENDAR_INVALID = "CALENDAR_INVALID"
CALENDAR_UNKNOWN_KEY = "CALENDAR_UNKNOWN_KEY"
CALENDAR_WRONG_YEAR = "CALENDAR_WRONG_YEAR"
CALENDAR_DUPLICATE_DAY = "CALENDAR_DUPLICATE_DAY"
CALENDAR_HOLIDAY_ON_WORKDAY = "CALENDAR_HOLIDAY_ON_WORKDAY"
CALENDAR_WORKDAY_ON_WEEKDAY = "CALENDAR_WORKDAY_ON_WEEKDAY"

_TOP_KEYS = ("year", "document", "title", "holidays", "workdays")
_DAY_KEYS = ("date", "name")
_KIND_LABELS = {"holiday": "节假日", "workday": "调休工作日"}

LineOf = Callable[[str], int | None]


@dataclass(frozen=True)
class ArrangementDay:
    date: dt.date
    kind: str  # holiday | workday
    name: str


@dataclass(frozen=True)
class ArrangementDoc:
    year: int
    document: str  # 文号
    title: str
    days: tuple[ArrangementDay, ...]

    def to_json(self) -> list[dict[str, str]]:
        return [{"date": d.date.isoformat(), "kind": d.kind, "name": d.name} for d in self.days]

    def to_doc(self) -> dict[str, Any]:
        """The canonical file content (what export writes)."""
        return {
            "year": self.year,
            "document": self.document,
            "title": self.title,
            **{
                f"{kind}s": [
                    {"date": d.date.isoformat(), "name": d.name}
                    for d in self.days
                    if d.kind == kind
                ]
                for kind in ("holiday", "workday")
            },
        }


class _Check:
    def __init__(self, source: str, line_of: LineOf) -> None:
        self.source = source
        self.line_of = line_of
        self.problems: list[Violation] = []

    def problem(self, code: str, pointer: str, message: str) -> None:
        line = self.line_of(pointer)
        where = f"{self.source}:{line}" if line else self.source
        self.problems.append(Violation(code, pointer, f"{where}: {message}", self.source))


def parse_arrangement(
    data: Any,
    *,
    source: str = "<calendar>",
    line_of: LineOf = lambda _pointer: None,
    expected_year: int | None = None,
) -> tuple[ArrangementDoc | None, list[Violation]]:
    """Check and read one arrangement; ``(doc, [])`` or ``(None, every problem)``."""
    check = _Check(source, line_of)
    if not isinstance(data, Mapping):
        check.problem(CALENDAR_INVALID, "", "放假安排文件应为一个映射 (a mapping is expected)")
        return None, check.problems
    for key in data:
        if key not in _TOP_KEYS:
            check.problem(
                CALENDAR_UNKNOWN_KEY,
                f"/{key}",
                f"未知的键 {key!r}，可用的键：{'、'.join(_TOP_KEYS)} (unknown key)",
            )
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 1949 <= year <= 2199:
        check.problem(CALENDAR_INVALID, "/year", f"year 应为四位年份，而不是 {year!r}")
        year = None
    elif expected_year is not None and year != expected_year:
        check.problem(
            CALENDAR_WRONG_YEAR,
            "/year",
            f"文件名表示 {expected_year} 年，文件内 year 为 {year} (file name and year differ)",
        )
    texts = {key: data.get(key) for key in ("document", "title")}
    for key, value in texts.items():
        if not isinstance(value, str) or not value.strip():
            label = "文号" if key == "document" else "标题"
            check.problem(CALENDAR_INVALID, f"/{key}", f"{key}（{label}）必填，应为非空文字")
    days = _days(data, year, check)
    if check.problems or year is None:
        return None, check.problems
    doc = ArrangementDoc(
        year, str(texts["document"]).strip(), str(texts["title"]).strip(), tuple(days)
    )
    return doc, []


def _days(data: Mapping[str, Any], year: int | None, check: _Check) -> list[ArrangementDay]:
    seen: dict[dt.date, tuple[str, str]] = {}
    days: list[ArrangementDay] = []
    for kind in ("holiday", "workday"):
        key = f"{kind}s"
        entries = data.get(key, [])
        if not isinstance(entries, list):
            check.problem(CALENDAR_INVALID, f"/{key}", f"{key} 应为列表 (a list is expected)")
            continue
        for index, entry in enumerate(entries):
            pointer = f"/{key}/{index}"
            day = _day(entry, pointer, check)
            if day is None:
                continue
            name = str(entry.get("name", "")).strip()
            if year is not None and day.year != year:
                check.problem(
                    CALENDAR_WRONG_YEAR,
                    f"{pointer}/date",
                    f"{day.isoformat()} 不在 {year} 年内 (day outside the file's year)",
                )
                continue
            if day in seen:
                first_kind, first_pointer = seen[day]
                code = CALENDAR_DUPLICATE_DAY if first_kind == kind else CALENDAR_HOLIDAY_ON_WORKDAY
                check.problem(
                    code,
                    f"{pointer}/date",
                    f"{day.isoformat()} 已在 {first_pointer} 列为{_KIND_LABELS[first_kind]}，"
                    f"不能再列为{_KIND_LABELS[kind]} (day listed twice)",
                )
                continue
            if kind == "workday" and day.weekday() < 5:
                check.problem(
                    CALENDAR_WORKDAY_ON_WEEKDAY,
                    f"{pointer}/date",
                    f"调休工作日 {day.isoformat()} 是周一至周五，本来就是工作日；调休只能安排在"
                    "周六或周日 (a make-up workday must fall on a weekend)",
                )
                continue
            seen[day] = (kind, pointer)
            days.append(ArrangementDay(day, kind, name))
    return sorted(days, key=lambda d: d.date)


def _day(entry: Any, pointer: str, check: _Check) -> dt.date | None:
    if not isinstance(entry, Mapping):
        check.problem(CALENDAR_INVALID, pointer, "每一天应写作 {date: 'YYYY-MM-DD', name: 名称}")
        return None
    for key in entry:
        if key not in _DAY_KEYS:
            check.problem(
                CALENDAR_UNKNOWN_KEY,
                f"{pointer}/{key}",
                f"未知的键 {key!r}，每一天只有 date 和 name (unknown key)",
            )
    if not isinstance(entry.get("name", ""), str):
        check.problem(CALENDAR_INVALID, f"{pointer}/name", "name 应为文字")
    raw = entry.get("date")
    try:
        if not isinstance(raw, str) or len(raw) != 10:
            raise ValueError
        return dt.date.fromisoformat(raw)
    except ValueError:
        check.problem(
            CALENDAR_INVALID,
            f"{pointer}/date",
            f"date 应为 'YYYY-MM-DD' 格式的日期，而不是 {raw!r}",
        )
        return None
