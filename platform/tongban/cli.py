"""The ``tongban`` command."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from tongban.adapters.db.bypass import platform_unit_of_work  # noqa: TID251
from tongban.config import ConfigError
from tongban.core.errors import TongbanError, Violation


def said(exc: TongbanError) -> str:
    """The error's message in the language ``tongban --lang`` asked for (Chinese by default)."""
    context = click.get_current_context(silent=True)
    language = context.find_root().params.get("lang") if context is not None else None
    return exc.render(language or "zh")


def _print_violations(violations: list[Violation]) -> None:
    for violation in violations:
        click.echo(str(violation))


class _Tongban(click.Group):
    """A command that works on existing data and finds no database (``bootstrap_existing``)
    prints why and how to make one, for every command alike, and exits with status 2; so do
    unsafe or malformed settings (``ConfigError``: docs/security.md)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            click.echo(str(exc), err=True)
            ctx.exit(2)
        except TongbanError as exc:
            from tongban.bootstrap import DatabaseMissing  # loaded already if it raised this

            if not isinstance(exc, DatabaseMissing):
                raise
            click.echo(said(exc), err=True)
            ctx.exit(2)


@click.group(cls=_Tongban)
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default="zh",
    show_default=True,
    help="Language of error messages / 错误信息的语言.",
)
def main(lang: str) -> None:
    """通办 Tongban platform commands. Settings come from TONGBAN_* environment variables."""


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply every Alembic migration to TONGBAN_DATABASE_URL."""
    from tongban.bootstrap import bootstrap

    platform = bootstrap()
    click.echo(f"database at head: {platform.settings.database_url}")


@main.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
def validate(directory: Path) -> None:
    """Lint a tenants/ tree: print every problem with file and JSON pointer."""
    from tongban.adapters.files.config_io import validate_tree

    problems = validate_tree(directory)
    _print_violations(problems)
    if problems:
        click.echo(f"{len(problems)} problem(s) in {directory}", err=True)
        sys.exit(1)
    click.echo(f"{directory}: OK")


@main.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
def load(directory: Path) -> None:
    """Import a tenants/ tree in one transaction (idempotent)."""
    from tongban.adapters.files.config_io import load_tree
    from tongban.bootstrap import bootstrap

    platform = bootstrap()
    try:
        summary = load_tree(platform.db, directory, platform.schemas)
    except TongbanError as exc:
        click.echo(f"nothing loaded: {said(exc)}", err=True)
        sys.exit(1)
    click.echo(summary.describe())


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def export(directory: Path) -> None:
    """Write the database's tenants and published definitions as canonical files."""
    from tongban.adapters.files.config_io import export_tree
    from tongban.bootstrap import bootstrap_existing

    platform = bootstrap_existing()
    count = export_tree(platform.db, directory, platform.schemas)
    click.echo(f"wrote {count} file(s) to {directory}")


@main.command()
@click.option("--tenant", "tenant_code", help="Report on this tenant's subtree only.")
def conformance(tenant_code: str | None) -> None:
    """Re-check every published refinement and implementation against its standard."""
    from tongban.bootstrap import bootstrap_existing
    from tongban.services.conformance_report import conformance_report

    platform = bootstrap_existing()
    try:
        if tenant_code:
            uow = platform.db.for_tenant(tenant_code)
        else:
            uow = platform_unit_of_work(platform.db, "tongban conformance")
        with uow:
            entries = conformance_report(uow, platform.schemas)
    except TongbanError as exc:
        click.echo(said(exc), err=True)
        sys.exit(1)
    failing = [e for e in entries if not e.conforms]
    for entry in entries:
        mark = "OK  " if entry.conforms else "FAIL"
        click.echo(
            f"{mark} {entry.tenant_code} {entry.tenant_name} {entry.kind} {entry.code} "
            f"{entry.name} v{entry.version}"
        )
        for violation in entry.violations:
            click.echo(f"       {violation}")
    click.echo(f"{len(entries)} checked, {len(failing)} not conforming")
    if failing:
        sys.exit(1)


@main.group()
def audit() -> None:
    """The tamper-evident audit log."""


@audit.command("verify")
def audit_verify() -> None:
    """Re-walk every case's hash chain; name every edited, deleted or reordered event."""
    from tongban.bootstrap import bootstrap_existing
    from tongban.services.cases.audit_check import verify_audit

    platform = bootstrap_existing()
    problems = 0
    for problem in verify_audit(platform.db):
        problems += 1
        click.echo(f"{problem.code} {problem.message}")
    if problems:
        click.echo(f"{problems} problem(s): the audit log was tampered with", err=True)
        sys.exit(1)
    click.echo("audit log intact: every case chain verifies")


@main.command()
@click.option("--cases", "count", default=100, show_default=True, type=click.IntRange(1))
@click.option("--seed", default=2026, show_default=True, type=int)
def simulate(count: int, seed: int) -> None:
    """Push N cases through the demo matters (load the demo first) and print a summary."""
    from tongban.bootstrap import bootstrap_existing, case_env
    from tongban.services.cases.simulation import offers
    from tongban.services.cases.simulation import simulate as run

    platform = bootstrap_existing()
    env = case_env(platform)
    if not offers(platform.db, env):
        click.echo("no published implementations: run `tongban load tenants` first", err=True)
        sys.exit(1)
    with click.progressbar(length=count, label="办件模拟 simulating cases") as bar:
        summary = run(platform.db, env, count, seed=seed, progress=bar.update)
    click.echo(summary.describe())


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, envvar="PORT", show_default=True, type=int)
@click.option(
    "--demo",
    "demo_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Load this tenants/ tree and create demo logins before serving.",
)
def serve(host: str, port: int, demo_dir: Path | None) -> None:
    """Start the web app (Flask-AppBuilder) on HOST:PORT."""
    from tongban.commands.serve import serve as run_server

    run_server(host=host, port=port, demo_dir=demo_dir)


def _register_plugins() -> None:
    from tongban.commands.api import apikey, graphql_schema
    from tongban.commands.calendar import calendar
    from tongban.commands.result import result
    from tongban.commands.tasks import sweep, worker
    from tongban.commands.verify import verify

    for command in (verify, worker, sweep, apikey, graphql_schema, calendar, result):
        main.add_command(command)


_register_plugins()


if __name__ == "__main__":
    main()
