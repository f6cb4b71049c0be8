"""Unified case numbers (办件编号): implementation code + YYYYMMDD + daily serial (≥ 4 digits).

The serial comes from one upsert per number — ``INSERT … ON CONFLICT DO UPDATE SET last =
last + 1 RETURNING last`` — atomic on PostgreSQL (row lock) and SQLite (one writer), inside
the submitting transaction: a rolled-back submission gives its serial back.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.dialects import postgresql, sqlite

from tongban.adapters.db.case_models import CaseSerial
from tongban.adapters.db.unit_of_work import UnitOfWork


def next_case_number(uow: UnitOfWork, implementation_code: str, day: dt.date) -> str:
    dialect = uow.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stamp = day.strftime("%Y%m%d")
    statement = (
        insert(CaseSerial)
        .values(implementation_code=implementation_code, day=stamp, last=1)
        .on_conflict_do_update(
            index_elements=["implementation_code", "day"],
            set_={"last": CaseSerial.last + 1},
        )
        .returning(CaseSerial.last)
    )
    serial = uow.session.execute(statement).scalar_one()
    return f"{implementation_code}{stamp}{serial:04d}"
