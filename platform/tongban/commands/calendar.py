"""``tongban calendar show YEAR`` and ``tongban calendar import FILE``: working-day calendars
(docs/engine.md, 工作日历). Registered on the ``tongban`` group in ``tongban/cli.py``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tongban.adapters.db.bypass import platform_unit_of_work  # noqa: TID251
from tongban.core.cases.workdays import LAYER_LABELS
from tongban.core.errors import TongbanError
from tongban.core.tenancy import NATION_CODE

_WEEKDAYS = "一二三四五六日"


@click.group()
def calendar() -> None:
    """Working-day calendars: show a year, load an official arrangement (放假安排)."""


@calendar.command("show")
@click.argument("year", type=click.IntRange(1949, 2199))
@click.option("--tenant", "tenant_code", default=NATION_CODE, show_default=True)
@click.option("--all-days", is_flag=True, help="List every day, not only the exceptions.")
def show(year: int, tenant_code: str, all_days: bool) -> None:
    """Print YEAR as TENANT counts it: holidays and make-up days, each with its layer."""
    from tongban.bootstrap import bootstrap_existing
    from tongban.services.calendars import year_view

    platform = bootstrap_existing()
    try:
        with platform_unit_of_work(platform.db, "tongban calendar show") as uow:
            view = year_view(uow, tenant_code, year)
    except TongbanError as exc:
        click.echo(exc.message, err=True)
        sys.exit(1)
    for answer in view.days if all_days else view.exceptions():
        kind = "工作日" if answer.workday else "休息日"
        source = LAYER_LABELS[answer.layer]
        if answer.tenant_code:
            source += f" {answer.tenant_code}"
        if answer.arrangement:
            source += f"（{answer.arrangement}）"
        name = f" {answer.name}" if answer.name else ""
        click.echo(
            f"{answer.day.isoformat()} 周{_WEEKDAYS[answer.day.weekday()]} {kind}{name}  [{source}]"
        )
    status = "暂定 provisional" if view.provisional else "正式 official"
    followed = f"，依据 {view.arrangement}" if view.arrangement else ""
    click.echo(
        f"{tenant_code} {year} 年：工作日 {view.workdays} 天；{status}{followed} "
        f"({view.workdays} working days)"
    )


@calendar.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--tenant",
    "tenant_code",
    default=NATION_CODE,
    show_default=True,
    help="The tenant whose subtree the arrangement applies to.",
)
def import_(file: Path, tenant_code: str) -> None:
    """Load FILE (calendars/<year>.yaml) at TENANT, then recompute open 暂定 deadlines."""
    from tongban.adapters.files.calendar_file import read_arrangement
    from tongban.bootstrap import bootstrap_existing
    from tongban.services.calendars import import_arrangement

    platform = bootstrap_existing()
    doc, problems = read_arrangement(file)
    if doc is None:
        for problem in problems:
            click.echo(str(problem), err=True)
        click.echo(f"未载入：{file} 有 {len(problems)} 处问题 (nothing loaded)", err=True)
        sys.exit(1)
    try:
        summary = import_arrangement(platform.db, platform.case_env(), tenant_code, doc)
    except TongbanError as exc:
        click.echo(exc.message, err=True)
        sys.exit(1)
    click.echo(f"已载入 {tenant_code} {doc.year} 年放假安排（{doc.document}）{doc.title}")
    click.echo(summary.describe())
