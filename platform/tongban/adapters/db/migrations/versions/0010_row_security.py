"""row-level security on every tenant-owned table (PostgreSQL only; adapters/db/row_security.py)

Two functions say whether the transaction's scope may read or write a tenant's rows; four
policies per table apply them; the tables are FORCE ROW LEVEL SECURITY. The role
``tongban_app`` (NOLOGIN, NOBYPASSRLS) gets the data privileges the application needs, and
the migrating login is made a member so that it can ``SET ROLE tongban_app``
(``TONGBAN_DATABASE_ROLE``). A login that may not create roles gets the policies all the
same, with a notice; its DBA makes the role (docs/security.md).

Later data migrations that touch these tables run as their owner, who is held by the
policies too: migrations/env.py sets ``tongban.scope = 'platform'`` for them.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 02:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TABLES = (
    "api_key",
    "calendar_arrangement",
    "calendar_day",
    "case",
    "case_event",
    "case_task",
    "complaint",
    "department",
    "matter",
    "matter_submission",
    "matter_version",
    "rating",
    "result_document",
    "review",
    "seal_key",
    "supervision_alert",
    "tenant_user",
    "webhook_delivery",
    "webhook_subscription",
)

FUNCTIONS = """
CREATE OR REPLACE FUNCTION tongban_may_read(owner integer) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(current_setting('tongban.scope', true) = 'platform'
    OR owner = ANY (string_to_array(nullif(current_setting('tongban.read', true), ''), ',')::integer[]),
    false)
$$;
CREATE OR REPLACE FUNCTION tongban_may_write(owner integer) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(current_setting('tongban.scope', true) = 'platform'
    OR owner = ANY (string_to_array(nullif(current_setting('tongban.write', true), ''), ',')::integer[]),
    false)
$$;
"""

ROLE = """
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tongban_app') THEN
    CREATE ROLE tongban_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
  IF NOT pg_has_role(current_user, 'tongban_app', 'MEMBER') THEN
    EXECUTE format('GRANT tongban_app TO %I', current_user);
  END IF;
  EXECUTE format('GRANT USAGE, CREATE ON SCHEMA %I TO tongban_app', current_schema());
  EXECUTE format(
    'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO tongban_app',
    current_schema());
  EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO tongban_app',
    current_schema());
  EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I '
    'GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO tongban_app', current_schema());
  EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I '
    'GRANT USAGE, SELECT ON SEQUENCES TO tongban_app', current_schema());
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'tongban: cannot create or grant role tongban_app (%); ask the DBA (docs/security.md)', SQLERRM;
END
$$;
"""


def _policies(table: str) -> str:
    t = f'"{table}"'
    return f"""
ALTER TABLE {t} ENABLE ROW LEVEL SECURITY;
ALTER TABLE {t} FORCE ROW LEVEL SECURITY;
CREATE POLICY tongban_read ON {t} FOR SELECT USING (tongban_may_read(tenant_id));
CREATE POLICY tongban_insert ON {t} FOR INSERT WITH CHECK (tongban_may_write(tenant_id));
CREATE POLICY tongban_update ON {t} FOR UPDATE
  USING (tongban_may_write(tenant_id)) WITH CHECK (tongban_may_write(tenant_id));
CREATE POLICY tongban_delete ON {t} FOR DELETE USING (tongban_may_write(tenant_id));
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(FUNCTIONS)
    for table in TABLES:
        op.execute(_policies(table))
    op.execute(ROLE)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        t = f'"{table}"'
        for name in ("tongban_read", "tongban_insert", "tongban_update", "tongban_delete"):
            op.execute(f"DROP POLICY IF EXISTS {name} ON {t}")
        op.execute(f"ALTER TABLE {t} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {t} DISABLE ROW LEVEL SECURITY")
    op.execute("DROP FUNCTION IF EXISTS tongban_may_read(integer)")
    op.execute("DROP FUNCTION IF EXISTS tongban_may_write(integer)")
