"""``tongban serve``: migrate, optionally load a demo tree and make its logins, then serve."""

from __future__ import annotations

import os
from pathlib import Path

import click
from werkzeug.serving import run_simple

from tongban.adapters.http.identity import PLATFORM_ADMIN
from tongban.adapters.tasks.embedded import (
    log_path,
    start_embedded_worker,
    stop_embedded_worker,
)
from tongban.adapters.web.demo import (
    DEFAULT_PASSWORD,
    PASSWORD_ENV,
    create_demo_logins,
    highlights,
)
from tongban.app import create_app
from tongban.bootstrap import Platform, bootstrap, bootstrap_existing


def _banner(url: str, password: str | None, picks: list[tuple[str, str, str]]) -> str:
    lines = ["", "=" * 64, f"  通办 Tongban is running: {url}", f"  健康检查 health: {url}health"]
    if password is None:
        lines += [
            "  No demo loaded: no logins were created.",
            "  Start with `tongban serve --demo tenants` (or `make run`) for demo logins.",
        ]
    else:
        lines += ["", f"  Log in at {url}login/ with password: {password}"]
        lines += [f"    {username:<20} {label}（{where}）" for username, label, where in picks]
        lines.append(f"  (every user in the tenants/ tree has a login; set {PASSWORD_ENV})")
    lines += ["=" * 64, ""]
    return "\n".join(lines)


def _seed_cases(platform: Platform) -> None:
    """The demo shows the engine working: one sample case in every state (first run only)."""
    from tongban.services.cases.simulation import seed_sample_cases

    made = seed_sample_cases(platform.db, platform.case_env())
    if made:
        click.echo(f"sample cases in every state: {len(made)} (see 办件 in the web app)")
        for state, number in made.items():
            click.echo(f"  {state:<24} {number}")


def serve(host: str, port: int, demo_dir: Path | None) -> None:
    # applies migrations; only a demo makes the database, serving alone needs one made already
    platform = bootstrap() if demo_dir is not None else bootstrap_existing()
    password: str | None = None
    if demo_dir is not None:
        from tongban.adapters.files.config_io import load_tree

        summary = load_tree(platform.db, demo_dir, platform.schemas)
        click.echo(summary.describe())
        _seed_cases(platform)
    app = create_app(platform)
    picks: list[tuple[str, str, str]] = []
    if demo_dir is not None:
        password = os.environ.get(PASSWORD_ENV) or DEFAULT_PASSWORD
        logins = create_demo_logins(app, platform.db, password)
        root = next((login for login in logins if login.tenant_code == "100000"), None)
        picks.append((PLATFORM_ADMIN, "平台管理员", root.tenant_name if root else "国家"))
        picks += [(login.username, label, login.tenant_name) for label, login in highlights(logins)]
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    click.echo(_banner(f"http://{shown}:{port}/", password, picks))
    # The embedded default serves with werkzeug's threaded server (one thread per request).
    # That is enough for a demo and a handful of users; at scale run the WSGI app under
    # gunicorn behind a proxy (docker/), with `create_app()` as the application factory.
    worker = start_embedded_worker(platform.settings)  # beat + worker; TONGBAN_EMBEDDED_WORKER=0
    if worker is not None:
        click.echo(f"  Celery worker + beat running (sweep); log: {log_path(platform.settings)}")
    try:
        run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)
    finally:
        stop_embedded_worker(worker)
