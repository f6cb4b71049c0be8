"""Official arrangement files: every problem named with file, line and key; nothing half-read."""

from __future__ import annotations

import datetime as dt

import pytest

from tongban.adapters.files.calendar_file import parse_arrangement_text
from tongban.core.calendar_doc import (
    CALENDAR_DUPLICATE_DAY,
    CALENDAR_HOLIDAY_ON_WORKDAY,
    CALENDAR_INVALID,
    CALENDAR_UNKNOWN_KEY,
    CALENDAR_WORKDAY_ON_WEEKDAY,
    CALENDAR_WRONG_YEAR,
)

GOOD = """\
year: 2027
document: 测试〔2027〕1号
title: 测试用放假安排
holidays:
  - {date: '2027-01-01', name: 元旦}
workdays:
  - {date: '2027-02-20', name: 春节调休}
"""


def parse(text: str, file_name: str = "2027.yaml"):  # type: ignore[no-untyped-def]
    return parse_arrangement_text(
        text, source=f"tenants/100000/calendars/{file_name}", file_name=file_name
    )


def test_a_good_file_reads_into_days() -> None:
    doc, problems = parse(GOOD)
    assert problems == [] and doc is not None
    assert (doc.year, doc.document) == (2027, "测试〔2027〕1号")
    assert [(d.date, d.kind) for d in doc.days] == [
        (dt.date(2027, 1, 1), "holiday"),
        (dt.date(2027, 2, 20), "workday"),
    ]


@pytest.mark.parametrize(
    ("text", "code", "pointer", "line"),
    [
        (GOOD.replace("'2027-01-01'", "'2026-01-01'"), CALENDAR_WRONG_YEAR, "/holidays/0/date", 5),
        (
            GOOD + "  - {date: '2027-02-20', name: 又一次}\n",
            CALENDAR_DUPLICATE_DAY,
            "/workdays/1/date",
            8,
        ),
        (
            GOOD.replace(
                "workdays:\n", "workdays:\n  - {date: '2027-01-02', name: 周六}\n"
            ).replace("holidays:\n", "holidays:\n  - {date: '2027-01-02', name: 假}\n"),
            CALENDAR_HOLIDAY_ON_WORKDAY,
            "/workdays/0/date",
            8,
        ),
        (
            GOOD.replace("'2027-02-20'", "'2027-02-22'"),  # a Monday
            CALENDAR_WORKDAY_ON_WEEKDAY,
            "/workdays/0/date",
            7,
        ),
        (GOOD + "remark: 多余\n", CALENDAR_UNKNOWN_KEY, "/remark", 8),
        (
            GOOD.replace("name: 元旦}", "name: 元旦, kind: holiday}"),
            CALENDAR_UNKNOWN_KEY,
            "/holidays/0/kind",
            5,
        ),
        (GOOD.replace("year: 2027", "year: 2026"), CALENDAR_WRONG_YEAR, "/year", 1),
        (GOOD.replace("document: 测试〔2027〕1号\n", ""), CALENDAR_INVALID, "/document", None),
        (GOOD.replace("'2027-01-01'", "'2027-13-01'"), CALENDAR_INVALID, "/holidays/0/date", 5),
    ],
    ids=[
        "day-in-wrong-year",
        "day-twice",
        "holiday-on-makeup-day",
        "makeup-on-weekday",
        "unknown-key",
        "unknown-day-key",
        "file-name-year",
        "no-document",
        "bad-date",
    ],
)
def test_each_problem_names_file_line_and_key(
    text: str, code: str, pointer: str, line: int | None
) -> None:
    doc, problems = parse(text)
    assert doc is None  # nothing half-read
    found = [p for p in problems if p.code == code]
    assert found, problems
    problem = found[0]
    assert problem.pointer == pointer
    assert problem.source == "tenants/100000/calendars/2027.yaml"
    where = f"tenants/100000/calendars/2027.yaml:{line}: " if line else "2027.yaml: "
    assert where in problem.message


def test_yaml_syntax_errors_say_where() -> None:
    doc, problems = parse("year: 2027\nholidays: [\n")
    assert doc is None
    assert problems[0].code == "FILE_SYNTAX"
    assert "2027.yaml:3" in problems[0].message
