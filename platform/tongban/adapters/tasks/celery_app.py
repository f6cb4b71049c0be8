"""The Celery app: ``celery -A tongban.adapters.tasks.celery_app worker -B``.

Settings come from ``TONGBAN_*`` (``load_settings``): the broker is ``TONGBAN_BROKER_URL``
and the result backend is derived from it (``result_backend_for``). Beat runs the
supervision sweep every ``TONGBAN_SWEEP_SECONDS`` (default 300) seconds, webhook delivery
every ``TONGBAN_WEBHOOK_SECONDS`` (default 5) and, on the
embedded SQLAlchemy broker, clears consumed messages daily.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import kombu.transport.sqlalchemy
from celery import Celery

from tongban.config import Settings, load_settings

SWEEP_SECONDS_ENV = "TONGBAN_SWEEP_SECONDS"
DEFAULT_SWEEP_SECONDS = 300.0
SQLA_POLLING_SECONDS = 0.1
TASK_MODULES = ["tongban.adapters.tasks.tasks", "tongban.adapters.tasks.webhooks"]
WEBHOOK_SECONDS_ENV = "TONGBAN_WEBHOOK_SECONDS"
DEFAULT_WEBHOOK_SECONDS = 5.0


def is_sqla_broker(broker_url: str) -> bool:
    return broker_url.startswith("sqla+")


def result_backend_for(broker_url: str, var_dir: Path) -> str:
    """``sqla+sqlite`` → ``db+sqlite:///<var>/results.db``; another ``sqla+<db>`` → the same
    database as ``db+<db>``; ``redis://host:port/n`` → ``redis://host:port/n+1``."""
    if broker_url.startswith("sqla+sqlite"):
        return f"db+sqlite:///{var_dir / 'results.db'}"
    if is_sqla_broker(broker_url):
        return "db+" + broker_url.removeprefix("sqla+")
    parts = urlsplit(broker_url)
    if parts.scheme in ("redis", "rediss"):
        current = parts.path.strip("/")
        db = (int(current) + 1) % 16 if current.isdigit() else 1
        return urlunsplit(parts._replace(path=f"/{db}"))
    raise ValueError(f"no result backend known for broker {parts.scheme}:// (use sqla+ or redis)")


def sweep_seconds(environ: dict[str, str] | None = None) -> float:
    raw = (os.environ if environ is None else environ).get(SWEEP_SECONDS_ENV, "")
    seconds = float(raw) if raw.strip() else DEFAULT_SWEEP_SECONDS
    if seconds <= 0:
        raise ValueError(f"{SWEEP_SECONDS_ENV} must be > 0, got {raw!r}")
    return seconds


def webhook_seconds(environ: dict[str, str] | None = None) -> float:
    """How often beat sends due webhook deliveries (docs/webhooks.md)."""
    raw = (os.environ if environ is None else environ).get(WEBHOOK_SECONDS_ENV, "")
    seconds = float(raw) if raw.strip() else DEFAULT_WEBHOOK_SECONDS
    if seconds <= 0:
        raise ValueError(f"{WEBHOOK_SECONDS_ENV} must be > 0, got {raw!r}")
    return seconds


def make_celery(settings: Settings) -> Celery:
    broker = settings.broker_url
    app = Celery("tongban", broker=broker, include=TASK_MODULES)
    every = sweep_seconds()
    schedule: dict[str, dict[str, object]] = {
        "supervision-sweep": {
            "task": "tongban.sweep",
            "schedule": every,
            # a sweep still queued when the next is due is dropped, never piled up
            "options": {"expires": every},
        },
        "deliver-webhooks": {
            "task": "tongban.deliver_webhooks",
            "schedule": webhook_seconds(),
            "options": {"expires": webhook_seconds()},
        },
    }
    transport_options: dict[str, object] = {}
    if is_sqla_broker(broker):
        # stack.md §3: the sqla transport hands transport options to create_engine(), so
        # polling_interval can only be set on the class; the default is 1 s per task.
        kombu.transport.sqlalchemy.Transport.polling_interval = SQLA_POLLING_SECONDS
        if broker.startswith("sqla+sqlite"):
            settings.var_dir.mkdir(parents=True, exist_ok=True)
            transport_options["connect_args"] = {"timeout": 30}  # beat and worker share it
        schedule["purge-broker-messages"] = {
            "task": "tongban.purge_broker_messages",
            "schedule": dt.timedelta(days=1),
        }
    app.conf.update(
        result_backend=result_backend_for(broker, settings.var_dir),
        broker_transport_options=transport_options,
        broker_connection_retry_on_startup=True,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        result_accept_content=["json"],
        result_expires=dt.timedelta(days=1),
        task_acks_late=True,
        worker_prefetch_multiplier=1,
        timezone="Asia/Shanghai",
        enable_utc=True,
        beat_schedule=schedule,
    )
    return app


app = make_celery(load_settings())
