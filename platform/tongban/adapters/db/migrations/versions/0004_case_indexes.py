"""drop case indexes that others cover: fewer pages written by every case command

``case_event.case_id`` is the leading column of ``uq_case_event_case_id`` (case_id, seq);
``case_task.tenant_id`` leads ``ix_case_task_worklist``; events are never looked up by
tenant alone (always through their case).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 09:10:00
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_event_case_id"))
        batch_op.drop_index(batch_op.f("ix_case_event_tenant_id"))
    with op.batch_alter_table("case_task", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_task_tenant_id"))


def downgrade() -> None:
    with op.batch_alter_table("case_task", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_task_tenant_id"), ["tenant_id"], unique=False)
    with op.batch_alter_table("case_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_event_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_event_case_id"), ["case_id"], unique=False)
