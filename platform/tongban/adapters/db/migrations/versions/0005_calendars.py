"""calendars as layers: official arrangements per tenant and year; 暂定 (provisional) dates

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 22:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendar_arrangement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("document", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("days", sa.JSON(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name=op.f("fk_calendar_arrangement_tenant_id_tenant")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_arrangement")),
        sa.UniqueConstraint("tenant_id", "year", name=op.f("uq_calendar_arrangement_tenant_id")),
    )
    with op.batch_alter_table("calendar_arrangement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_calendar_arrangement_tenant_id"), ["tenant_id"], unique=False
        )
    # added and dropped in place (no table copy: SQLite cannot copy a table that other rows
    # refer to while foreign keys are on)
    false = sa.false()
    op.add_column(
        "case",
        sa.Column("deadline_provisional", sa.Boolean(), nullable=False, server_default=false),
    )
    op.add_column(
        "case",
        sa.Column(
            "verification_due_provisional", sa.Boolean(), nullable=False, server_default=false
        ),
    )
    op.add_column(
        "case_task",
        sa.Column("due_provisional", sa.Boolean(), nullable=False, server_default=false),
    )


def downgrade() -> None:
    op.drop_column("case_task", "due_provisional")
    op.drop_column("case", "verification_due_provisional")
    op.drop_column("case", "deadline_provisional")
    with op.batch_alter_table("calendar_arrangement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendar_arrangement_tenant_id"))
    op.drop_table("calendar_arrangement")
