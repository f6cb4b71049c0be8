"""applicant kind on cases: natural_person (公民身份号码) or legal_person (统一社会信用代码)

Cases stored before the kind was declared get it from their number: a valid citizen ID
number (GB 11643 check character) makes a natural person, anything else a legal person. The
column keeps the server default ``legal_person`` it was added with (dropping a default on
SQLite means copying the table); the platform writes the declared kind on every insert.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tongban.core.codes import is_valid_id_card

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_CASE = sa.table(
    "case",
    sa.column("id", sa.Integer()),
    sa.column("applicant_id", sa.String()),
    sa.column("applicant_kind", sa.String()),
)
_CHUNK = 500


def upgrade() -> None:
    # added in place (ALTER TABLE … ADD COLUMN, no table copy: SQLite cannot copy a table that
    # other rows refer to while foreign keys are on), every stored case a legal person first
    op.add_column(
        "case",
        sa.Column(
            "applicant_kind", sa.String(length=16), nullable=False, server_default="legal_person"
        ),
    )
    connection = op.get_bind()
    people = [
        case_id
        for case_id, number in connection.execute(sa.select(_CASE.c.id, _CASE.c.applicant_id))
        if is_valid_id_card((number or "").strip().upper())
    ]
    for start in range(0, len(people), _CHUNK):
        chunk = people[start : start + _CHUNK]
        connection.execute(
            sa.update(_CASE).where(_CASE.c.id.in_(chunk)).values(applicant_kind="natural_person")
        )


def downgrade() -> None:
    op.drop_column("case", "applicant_kind")  # SQLite ≥ 3.35 drops it in place too
