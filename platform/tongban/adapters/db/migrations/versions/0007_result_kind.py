"""result kind: a case's sealed record is a decision (决定书) or an opinion (审核签批意见)

In a 上报件 escalation (``escalation: {mode: opinion}``) the final level's case seals its
reviewed and signed opinion, and the initial level's case seals the one decision naming it.
Every result stored before is a decision, which is the server default the column is added
with (in place: no copy of ``result_document``).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "result_document",
        sa.Column("kind", sa.String(length=16), nullable=False, server_default="decision"),
    )


def downgrade() -> None:
    op.drop_column("result_document", "kind")
