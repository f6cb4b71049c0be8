"""cases and what hangs off them are read by the subtree, not the lineage (visibility.py)

Migration 0010 gave every tenant-owned table one read rule, the lineage, which is right for
definitions and wrong for cases: a county could read its city's cases. The tables that
adapters/db/visibility.py declares ``SUBTREE`` get a read policy on the setting
``tongban.subtree`` (itself and its descendants, plus a link's grant) that the unit of work
sets beside ``tongban.read`` (row_security.py), or ``tongban.write``: what a scope may write
it may read (PostgreSQL applies the read policy to an UPDATE's WHERE). Writes are unchanged.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 05:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

SUBTREE_TABLES = (
    "case",
    "case_event",
    "case_task",
    "complaint",
    "rating",
    "result_document",
    "supervision_alert",
    "webhook_delivery",
)

FUNCTION = """
CREATE OR REPLACE FUNCTION tongban_may_read_subtree(owner integer) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(current_setting('tongban.scope', true) = 'platform'
    OR owner = ANY (string_to_array(nullif(current_setting('tongban.subtree', true), ''), ',')::integer[])
    OR owner = ANY (string_to_array(nullif(current_setting('tongban.write', true), ''), ',')::integer[]),
    false)
$$;
"""


def _read_policy(table: str, function: str) -> str:
    t = f'"{table}"'
    return f"""
DROP POLICY IF EXISTS tongban_read ON {t};
CREATE POLICY tongban_read ON {t} FOR SELECT USING ({function}(tenant_id));
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(FUNCTION)
    for table in SUBTREE_TABLES:
        op.execute(_read_policy(table, "tongban_may_read_subtree"))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in SUBTREE_TABLES:
        op.execute(_read_policy(table, "tongban_may_read"))
    op.execute("DROP FUNCTION IF EXISTS tongban_may_read_subtree(integer)")
