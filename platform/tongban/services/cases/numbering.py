"""Unified case numbers (办件编号): implementation code + YYYYMMDD + daily serial (≥ 4 digits).

The serial comes from one upsert per number — ``INSERT … ON CONFLICT DO UPDATE SET last =
last + 1 RETURNING last`` — atomic on PostgreSQL (row lock) and SQLite (one writer). On
SQLite it runs inside the submitting transaction, so a rolled-back submission gives its
serial back. On PostgreSQL it runs in a short transaction of its own
(``case_store.SerialSource``), so concurrent submissions of one implementation do not wait
for each other's commits; a submission that fails afterwards leaves a gap in the day's
serials. Numbers are unique and increasing either way.
"""

from __future__ import annotations

import datetime as dt

from tongban.adapters.db.unit_of_work import UnitOfWork


def next_case_number(uow: UnitOfWork, implementation_code: str, day: dt.date) -> str:
    stamp = day.strftime("%Y%m%d")
    serial = uow.cases.next_serial(implementation_code, stamp)
    return f"{implementation_code}{stamp}{serial:04d}"
