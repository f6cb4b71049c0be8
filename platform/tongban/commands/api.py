"""``tongban apikey create|list|revoke`` and ``tongban graphql-schema``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tongban.adapters.db.bypass import platform_unit_of_work  # noqa: TID251
from tongban.core.beijing import beijing_text
from tongban.core.errors import InvalidDefinition, TongbanError

SCHEMA_FILE = Path("docs") / "schema.graphql"
REGENERATE = "tongban graphql-schema --output docs/schema.graphql"


def schema_sdl() -> str:
    """The GraphQL schema as SDL, as committed at docs/schema.graphql."""
    from tongban.adapters.graphql.schema import schema

    return str(schema).rstrip("\n") + "\n"


@click.command("graphql-schema")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"Write the SDL here (e.g. {SCHEMA_FILE}) instead of printing it.",
)
def graphql_schema(output: Path | None) -> None:
    """Print (or write) the GraphQL schema's SDL."""
    sdl = schema_sdl()
    if output is None:
        click.echo(sdl, nl=False)
        return
    output.write_text(sdl, encoding="utf-8")
    click.echo(f"wrote {output}")


@click.group()
def apikey() -> None:
    """API keys for county and department systems (the GraphQL API)."""


def _fail(exc: TongbanError) -> None:
    click.echo(exc.message.split("\n", 1)[0], err=True)
    if isinstance(exc, InvalidDefinition):
        for violation in exc.violations:
            click.echo(str(violation), err=True)
    sys.exit(1)


@apikey.command("create")
@click.option("--tenant", "tenant_code", required=True, help="The tenant's division code.")
@click.option("--role", required=True, help="admin|clerk|reviewer|approver|supervisor")
@click.option("--name", required=True, help="Which system uses the key (shown in audit).")
@click.option("--department", help="Department code, for step roles (clerk, reviewer…).")
@click.option(
    "--include-descendants",
    is_flag=True,
    help="Also read the tenants below this one.",
)
def apikey_create(
    tenant_code: str, role: str, name: str, department: str | None, include_descendants: bool
) -> None:
    """Create a key and print it once: it is stored only as a hash."""
    from tongban.bootstrap import bootstrap_existing
    from tongban.services.apikeys import create_key

    platform = bootstrap_existing()
    try:
        with platform_unit_of_work(platform.db, "tongban apikey create", write=True) as uow:
            prefix, token = create_key(
                uow, tenant_code, role, name, department, include_descendants
            )
            uow.commit()
    except TongbanError as exc:
        _fail(exc)
        return
    click.echo(f"created API key {prefix} for {tenant_code} ({role}); store it now:", err=True)
    click.echo(token)


@apikey.command("list")
@click.option("--tenant", "tenant_code", help="Only this tenant's keys.")
def apikey_list(tenant_code: str | None) -> None:
    """Every key (never its secret): prefix, tenant, role, state, last use."""
    from tongban.bootstrap import bootstrap_existing
    from tongban.services.apikeys import list_keys

    platform = bootstrap_existing()
    try:
        with platform_unit_of_work(platform.db, "tongban apikey list") as uow:
            keys = list_keys(uow, tenant_code)
    except TongbanError as exc:
        _fail(exc)
        return
    for key in keys:
        # times in Beijing time, as every page shows them
        revoked = beijing_text(key.revoked_at, seconds=False) if key.revoked_at else "?"
        state = "active" if key.active else f"revoked {revoked} +08:00"
        used = (
            beijing_text(key.last_used_at, seconds=False) + " +08:00"
            if key.last_used_at
            else "never"
        )
        scope = "+descendants" if key.include_descendants else "own tenant"
        click.echo(
            f"{key.prefix} {key.tenant_code} {key.role} {key.department or '-'} {scope} "
            f"{key.name!r} {state} last used {used}"
        )
    click.echo(f"{len(keys)} key(s)")


@apikey.command("revoke")
@click.argument("prefix")
def apikey_revoke(prefix: str) -> None:
    """Revoke a key by its prefix (the 8 characters after ``tb_``)."""
    from tongban.bootstrap import bootstrap_existing
    from tongban.services.apikeys import revoke_key

    platform = bootstrap_existing()
    try:
        with platform_unit_of_work(platform.db, "tongban apikey revoke", write=True) as uow:
            key = revoke_key(uow, prefix)
            uow.commit()
    except TongbanError as exc:
        _fail(exc)
        return
    click.echo(f"revoked {key.prefix} ({key.tenant_code}, {key.name!r})")
