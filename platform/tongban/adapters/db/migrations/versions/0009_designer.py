"""designer: who last saved a version and when, and one row per submission (三报)

``matter_version`` gains ``updated_at``/``updated_by`` (the last save of a draft; filled from
``created_at``/``created_by`` for existing rows). ``matter_submission`` records every
submission of a version, so review rounds survive a return and a resubmission; existing
submitted versions get one row each.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 01:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("matter_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("updated_by", sa.String(length=64), nullable=True))
    op.execute("UPDATE matter_version SET updated_at = created_at, updated_by = created_by")
    op.create_table(
        "matter_submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("submitted_by", sa.String(length=64), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name=op.f("fk_matter_submission_tenant_id_tenant")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["matter_version.id"],
            name=op.f("fk_matter_submission_version_id_matter_version"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matter_submission")),
    )
    op.create_index(
        op.f("ix_matter_submission_tenant_id"), "matter_submission", ["tenant_id"], unique=False
    )
    op.create_index(
        op.f("ix_matter_submission_version_id"), "matter_submission", ["version_id"], unique=False
    )
    op.execute(
        "INSERT INTO matter_submission (version_id, submitted_by, submitted_at, tenant_id) "
        "SELECT id, NULL, submitted_at, tenant_id FROM matter_version "
        "WHERE submitted_at IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_matter_submission_version_id"), table_name="matter_submission")
    op.drop_index(op.f("ix_matter_submission_tenant_id"), table_name="matter_submission")
    op.drop_table("matter_submission")
    with op.batch_alter_table("matter_version", schema=None) as batch_op:
        batch_op.drop_column("updated_by")
        batch_op.drop_column("updated_at")
