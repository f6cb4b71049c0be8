"""``tongban result export NUMBER DIR``: write a case's sealed result as the files
``tongban verify`` takes — ``<NUMBER>.json`` (canonical sealed JSON), ``<NUMBER>.pdf`` (the
sealed JSON attached) and ``keys.json`` (the public seal keys). Registered on the ``tongban``
group in ``tongban/cli.py``; docs/seals.md describes the files.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tongban.adapters.db.bypass import platform_unit_of_work  # noqa: TID251
from tongban.adapters.db.unit_of_work import Database
from tongban.core.errors import TongbanError
from tongban.services.cases.results import CaseResults, case_tenant_code


def export_result(
    db: Database,
    results: CaseResults,
    number: str,
    directory: Path,
    tenant_code: str | None = None,
) -> tuple[Path, Path, Path]:
    """Export case ``number`` as ``tenant_code`` sees it (its subtree: another tenant's case
    is ``NotFound``), or, without one, as the case's own tenant does."""
    if tenant_code is None:
        with platform_unit_of_work(db, "tongban result export: the case's tenant") as uow:
            tenant_code = case_tenant_code(uow, number)
    with db.for_tenant(tenant_code, readonly=True) as uow:
        return results.export(uow, number, directory)


@click.group()
def result() -> None:
    """Sealed results (决定书): export them for anyone to verify."""


@result.command("export")
@click.argument("number")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--tenant",
    "tenant_code",
    help="Export as this tenant sees it (its subtree only); default: the case's own tenant.",
)
def export(number: str, directory: Path, tenant_code: str | None) -> None:
    """Write NUMBER.json, NUMBER.pdf and keys.json to DIRECTORY for `tongban verify`."""
    from tongban.bootstrap import bootstrap_existing

    platform = bootstrap_existing()
    try:
        paths = export_result(platform.db, platform.case_results(), number, directory, tenant_code)
    except TongbanError as exc:
        click.echo(f"未导出 (nothing exported): {exc.message}", err=True)
        sys.exit(1)
    for path in paths:
        click.echo(f"wrote {path}")
    json_path, _, keys_path = paths
    click.echo(f"验证 verify: tongban verify {json_path} --keys {keys_path}")
