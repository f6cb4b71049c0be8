"""``tongban worker`` (Celery worker with embedded beat) and ``tongban sweep`` (one sweep,
in-process). Registered on the ``tongban`` group in ``tongban/cli.py``."""

from __future__ import annotations

import sys

import click


@click.command()
@click.option("--concurrency", default=1, show_default=True, type=click.IntRange(min=1))
@click.option(
    "--beat/--no-beat",
    default=True,
    show_default=True,
    help="Embed beat (the periodic sweep). Run it in exactly one worker.",
)
@click.option("--loglevel", default="INFO", show_default=True)
def worker(concurrency: int, beat: bool, loglevel: str) -> None:
    """Run a Celery worker on TONGBAN_BROKER_URL, with beat (sweep every TONGBAN_SWEEP_SECONDS)."""
    from tongban.bootstrap import require_database
    from tongban.config import load_settings

    settings = load_settings()
    # its tasks never make the database; checked before the Celery app makes var/ for its broker
    require_database(settings)
    from tongban.adapters.tasks.celery_app import is_sqla_broker
    from tongban.worker import app

    argv = ["worker", "--concurrency", str(concurrency), "--loglevel", loglevel]
    if beat:
        argv += ["-B", "-s", str(settings.var_dir / "celerybeat-schedule")]
    if is_sqla_broker(settings.broker_url):
        # the SQLAlchemy transport has no fan-out: nothing to gossip or mingle over
        argv += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    app.worker_main(argv)


@click.command()
@click.option("--tenant", "tenant_code", help="Sweep this tenant's subtree only.")
def sweep(tenant_code: str | None) -> None:
    """Run the supervision sweep once, now, in this process; print what it did."""
    from tongban.bootstrap import bootstrap_existing
    from tongban.core.errors import TongbanError
    from tongban.services.cases import supervision

    platform = bootstrap_existing()
    try:
        summary = supervision.sweep(platform.db, platform.case_env(), tenant_code)
    except TongbanError as exc:
        click.echo(exc.message, err=True)
        sys.exit(1)
    click.echo(summary.describe())
    for number in summary.deemed_accepted:
        click.echo(f"  deemed accepted: {number}")
