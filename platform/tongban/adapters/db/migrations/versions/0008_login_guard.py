"""login guard: counters that lock an account or address after failed logins, and attempts

Two new tables (docs/security.md "Password guessing"); nothing existing is touched.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 23:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_counter",
        sa.Column("scope", sa.String(length=8), nullable=False),
        sa.Column("key", sa.String(length=256), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("scope", "key", name=op.f("pk_login_counter")),
    )
    op.create_table(
        "login_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("username", sa.String(length=256), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name=op.f("fk_login_attempt_tenant_id_tenant")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempt")),
    )
    op.create_index(op.f("ix_login_attempt_at"), "login_attempt", ["at"], unique=False)
    op.create_index(
        op.f("ix_login_attempt_tenant_id"), "login_attempt", ["tenant_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_login_attempt_tenant_id"), table_name="login_attempt")
    op.drop_index(op.f("ix_login_attempt_at"), table_name="login_attempt")
    op.drop_table("login_attempt")
    op.drop_table("login_counter")
