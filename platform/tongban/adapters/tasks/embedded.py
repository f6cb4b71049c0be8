"""The worker ``make run`` embeds: ``celery worker -B`` as a child process of the web server,
on the embedded broker (``sqla+sqlite:///<var>/broker.db``), logging to ``<var>/worker.log``.

``TONGBAN_EMBEDDED_WORKER=0`` turns it off (run ``tongban worker`` yourself instead).
"""

from __future__ import annotations

import ctypes
import datetime as dt
import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import Boolean, DateTime, column, create_engine, delete, table

import tongban
from tongban.config import Settings

ENABLE_ENV = "TONGBAN_EMBEDDED_WORKER"
APP_MODULE = "tongban.worker"  # the composition root of a worker process
STOP_SECONDS = 10.0
PURGE_AFTER = dt.timedelta(hours=1)


def enabled(environ: Mapping[str, str] | None = None) -> bool:
    return (os.environ if environ is None else environ).get(ENABLE_ENV, "1").strip() != "0"


def log_path(settings: Settings) -> Path:
    return settings.var_dir / "worker.log"


def worker_argv(settings: Settings, *, beat: bool = True, concurrency: int = 1) -> list[str]:
    argv = [sys.executable, "-m", "celery", "-A", APP_MODULE, "worker"]
    if beat:
        argv += ["-B", "-s", str(settings.var_dir / "celerybeat-schedule")]
    return argv + [
        "--concurrency",
        str(concurrency),
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel",
        "INFO",
        "-n",
        f"tongban-{os.getpid()}@%h",
    ]


def settings_environ(settings: Settings) -> dict[str, str]:
    """The child's TONGBAN_* settings: these settings, whatever the environment says."""
    env = {
        "TONGBAN_DATABASE_URL": settings.database_url,
        "TONGBAN_BROKER_URL": settings.broker_url,
        "TONGBAN_SECRET_KEY": settings.secret_key,
        "TONGBAN_SEAL_KEY": settings.seal_key,
        "TONGBAN_ENV": settings.env,
        "TONGBAN_VAR_DIR": str(settings.var_dir),
        "TONGBAN_WEBHOOK_ALLOW": ",".join(settings.webhook_allow),
    }
    if settings.form_schemas_dir is not None:
        env["TONGBAN_FORM_SCHEMAS"] = str(settings.form_schemas_dir)
    return env


def start_embedded_worker(
    settings: Settings,
    *,
    beat: bool = True,
    extra_env: Mapping[str, str] | None = None,
) -> subprocess.Popen[bytes] | None:
    """Start ``celery worker [-B]`` as a child process (None when TONGBAN_EMBEDDED_WORKER=0).
    It inherits the environment, with ``settings`` and ``extra_env`` on top."""
    env = {**os.environ, **settings_environ(settings), **(extra_env or {})}
    if not enabled(env):
        return None
    source_root = str(Path(tongban.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (source_root, env.get("PYTHONPATH")) if p)
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    with log_path(settings).open("ab") as log:
        return subprocess.Popen(
            worker_argv(settings, beat=beat),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() reaches pool and beat
            preexec_fn=_die_with_parent,
        )


def stop_embedded_worker(proc: subprocess.Popen[bytes] | None) -> None:
    """Warm shutdown (SIGTERM), then SIGKILL to the whole group after STOP_SECONDS."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # stragglers: pool children, beat
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait(timeout=STOP_SECONDS)


def _die_with_parent() -> None:
    """Linux: if the web server dies without its finally (SIGKILL), the worker gets SIGTERM."""
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def purge_consumed_messages(broker_url: str, *, older_than: dt.timedelta = PURGE_AFTER) -> int:
    """Delete consumed (invisible) messages of a ``sqla+`` broker. kombu marks a message
    invisible when a worker takes it and never deletes it; ``timestamp`` is then the time
    it was taken (local, naive). Recent ones are kept: their task may still be running."""
    if not broker_url.startswith("sqla+"):
        return 0
    messages = table("kombu_message", column("visible", Boolean), column("timestamp", DateTime))
    cutoff = dt.datetime.now() - older_than  # noqa: DTZ005 - kombu stores naive local time
    engine = create_engine(broker_url.removeprefix("sqla+"))
    try:
        with engine.begin() as conn:
            result = conn.execute(
                delete(messages).where(messages.c.visible.is_(False), messages.c.timestamp < cutoff)
            )
        return int(result.rowcount or 0)
    finally:
        engine.dispose()
